import Foundation

/// Joins sentences and clauses into prose with exactly one full stop after each.
///
/// Messages are built from parts that may or may not end in a full stop already (an error's
/// description, a hint that ends in a flag such as `--csv`); gluing them with `". "` doubles
/// the stop. Every place that joins message parts goes through here; so can a service that
/// puts an SDK error inside a sentence of its own (`Sentences.clause(error)`).
public enum Sentences {
    /// `["a: b.", "Check c"]` → `"a: b. Check c."`. Empty parts are dropped; a part ending in
    /// `.`, `?` or `!` keeps its own mark.
    public static func join(_ parts: String...) -> String {
        join(parts)
    }

    /// ``join(_:)-(String...)`` with the first letter capitalised: a message that starts with
    /// an error's lower-case description (`unknown dataset …`) still starts a sentence.
    public static func sentence(_ parts: String...) -> String {
        let text = join(parts)
        return text.prefix(1).uppercased() + text.dropFirst()
    }

    /// The array form of ``join(_:)-(String...)``.
    public static func join(_ parts: [String]) -> String {
        parts.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
            .map { part in part.last.map { ".?!".contains($0) } == true ? part : part + "." }
            .joined(separator: " ")
    }

    /// An error's description as a clause inside a sentence: no trailing full stop, so the
    /// sentence around it never ends in "..".
    public static func clause(_ error: any Error) -> String {
        var text = "\(error)"
        while let last = text.last, last == "." || last == " " { text.removeLast() }
        return text
    }
}
