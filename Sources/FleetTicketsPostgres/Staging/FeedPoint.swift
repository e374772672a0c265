/// The feed's own position of a ticket, computed on the ingest's side exactly as
/// `tickets.feed_point(raw)` computes it in the database, so the apply statements can place a
/// ticket without calling it per row (migration 26):
///
/// - `tickets.coord`: the text trimmed of space, tab, CR and LF; 1 to 32 characters; at most
///   one leading sign, then digits with at most one point, at least one digit; then the
///   database's `double precision` reading of it (correctly rounded, as `Double` reads it);
///   any other text is no coordinate.
/// - `tickets.make_point`: latitude in [-90, 90], longitude in [-180, 180], and not both zero.
///
/// Every shape has an answer here (no coordinate is an answer), so unlike the typed columns
/// no row is handed to the database for this. The differential integration test holds the
/// two to the same result on every shape.
enum FeedPoint {
    /// (latitude, longitude) when raw's `latitude` and `longitude` make a point, else nil.
    static func of(latitude: String?, longitude: String?) -> (latitude: Double, longitude: Double)? {
        guard let lat = latitude.flatMap(coordinate), let lng = longitude.flatMap(coordinate),
              (-90...90).contains(lat), (-180...180).contains(lng), !(lat == 0 && lng == 0) else { return nil }
        return (lat, lng)
    }

    /// `tickets.coord`.
    static func coordinate(_ text: String) -> Double? {
        let bytes = Array(text.utf8)
        var lo = 0, hi = bytes.count
        while lo < hi, isBlank(bytes[lo]) { lo += 1 }
        while hi > lo, isBlank(bytes[hi - 1]) { hi -= 1 }
        // Only ASCII can pass the checks below, so bytes count characters here.
        guard hi - lo >= 1, hi - lo <= 32 else { return nil }
        var i = lo
        if bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
        var digits = 0, points = 0
        while i < hi {
            switch bytes[i] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digits += 1
            case UInt8(ascii: "."): points += 1
            default: return nil
            }
            i += 1
        }
        guard digits > 0, points <= 1 else { return nil }
        return Double(String(decoding: bytes[lo..<hi], as: UTF8.self))
    }

    private static func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
}
