/// Percent-encoding as S3 and SigV4 expect it (RFC 3986): every byte of the UTF-8 form except
/// the unreserved characters `A–Z a–z 0–9 - . _ ~` becomes `%XX` (upper-case hex).
///
/// Keys in a path keep `/` as is; query values encode it too. libcurl 7.88 signs the path
/// and query exactly as given, so what is encoded here is what gets signed.
enum S3URLEncoding {
    /// An object key for the URL path: `a b/ü+1.csv` → `a%20b/%C3%BC%2B1.csv`.
    static func path(_ key: String) -> String { encode(key, keepingSlash: true) }

    /// A query parameter value: `automations/inc/` → `automations%2Finc%2F`.
    static func query(_ value: String) -> String { encode(value, keepingSlash: false) }

    /// A query string from parameters, sorted by name (SigV4's canonical order, which
    /// libcurl 7.88 does not establish itself).
    static func queryString(_ parameters: [String: String]) -> String {
        parameters.sorted { $0.key < $1.key }
            .map { "\(query($0.key))=\(query($0.value))" }
            .joined(separator: "&")
    }

    private static func encode(_ text: String, keepingSlash: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) || (keepingSlash && byte == UInt8(ascii: "/")) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "_"), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)
}
