import Foundation

/// Reads `.env` files: `KEY=value` lines, `#` comments, optional `export `, values optionally
/// in single or double quotes. No interpolation: what is written is what is used.
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
            if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                value = String(value.dropFirst().dropLast())
            } else if let hash = value.range(of: " #") {
                value = value[..<hash.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            if !key.isEmpty { out[key] = value }
        }
        return out
    }

    /// The process environment over the `.env` file at `path` (the real environment wins;
    /// command-line flags, applied by the caller, win over both). A missing file is no error.
    public static func merged(path: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [String: String] {
        guard let path, FileManager.default.fileExists(atPath: path) else { return environment }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return parse(text).merging(environment) { _, real in real }
    }
}
