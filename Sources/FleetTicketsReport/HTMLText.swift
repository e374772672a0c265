/// Escaping for text that ends up in the page.
///
/// Every string that comes from data (team names, ticket ids, clusters) goes through `escape`
/// before it is written, in element text and in attribute values alike, so a team called
/// `<script>` is shown as text and never runs. Markup the renderer writes itself is literal.
enum HTMLText {
    /// `&`, `<`, `>`, `"` and `'` as character references; safe in text and in quoted attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            // Control characters other than tab and newline are invalid in HTML text.
            case _ where scalar.value < 0x20 && scalar != "\t" && scalar != "\n": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// A number written into SVG geometry: fixed two decimals, no locale, no exponent.
func svgNumber(_ value: Double) -> String {
    guard value.isFinite else { return "0" }
    let rounded = (value * 100).rounded() / 100
    if rounded == rounded.rounded() { return String(Int(rounded)) }
    var text = String(Int((abs(rounded) * 100).rounded()))
    while text.count < 3 { text = "0" + text }
    let cut = text.index(text.endIndex, offsetBy: -2)
    var fraction = String(text[cut...])
    if fraction.hasSuffix("0") { fraction.removeLast() }
    return (rounded < 0 ? "-" : "") + text[..<cut] + "." + fraction
}
