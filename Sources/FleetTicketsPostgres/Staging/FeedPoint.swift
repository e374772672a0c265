/// The feed's own position of a ticket, computed on the ingest's side exactly as
/// `tickets.feed_point(raw)` computes it in the database, so the apply statements can place a
/// ticket without calling it per row (migration 26):
///
/// - `tickets.coord`: a `PlainDecimal` of at most 32 characters, read as `double precision`
///   (correctly rounded, as `Double` reads it); any other text is no coordinate.
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
        var text = text
        return text.withUTF8 { bytes in
            PlainDecimal(bytes, maxLength: 32).flatMap { Double(String(decoding: $0.text, as: UTF8.self)) }
        }
    }
}
