import Foundation

/// A moment as a command-line flag gives it (`simulate --until`, `history capture --at`): `now`,
/// or an EAT wall-clock time `YYYY-MM-DDTHH:MM` / `YYYY-MM-DD HH:MM` (seconds allowed).
public enum MomentArgument {
    /// The instant `text` names; `now` reads `clock`. `flag` names the flag in the error.
    /// - Throws: ``MomentArgumentError`` saying what the text should look like.
    public static func parse(_ text: String, flag: String, clock: WallClock = .system) throws -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "now" { return clock.now }
        guard let moment = EATMoment(feedTimestamp: trimmed) else {
            throw MomentArgumentError(message: "\(flag) '\(text)' is not a moment: pass now or an EAT date-time as YYYY-MM-DDTHH:MM (or YYYY-MM-DD HH:MM), e.g. 2026-06-16T20:40.")
        }
        return moment.date
    }
}

/// A flag's text that names no moment.
public struct MomentArgumentError: Error, CustomStringConvertible, Sendable {
    /// One sentence: what is wrong and what to pass instead.
    public var message: String
    /// The message.
    public var description: String { message }
}
