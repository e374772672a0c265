import Foundation

/// Reads `.env` files: `KEY=value` lines, `#` comments, optional `export `, values optionally
/// in single or double quotes. No interpolation: what is written is what is used.
///
/// `SettingValues` layers the parsed file under the environment and the flags.
public enum EnvironmentFile {
    /// Parses the text of a `.env` file.
    public static func parse(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
            var line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if let q = value.first, q == "\"" || q == "'", let close = value.dropFirst().firstIndex(of: q),
               value[value.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("#") {
                // A quoted value followed by a comment: the quotes' content.
                value = String(value[value.index(after: value.startIndex)..<close])
            } else if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                value = String(value.dropFirst().dropLast())
            } else if let hash = value.range(of: " #") {
                value = value[..<hash.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            if !key.isEmpty { out[key] = value }
        }
        return out
    }
}
