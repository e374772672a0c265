import Foundation

/// Where a simulated stream ends, as `simulate --until` gives it: `now`, or an EAT wall-clock
/// time `YYYY-MM-DDTHH:MM` / `YYYY-MM-DD HH:MM` (seconds allowed). The stream's last file is
/// the export slot at or before it (see ``StreamSimulator/Settings/init(tickets:days:seed:until:schedule:)``).
public enum StreamEnd {
    /// The instant `text` names; `now` reads `clock`.
    /// - Throws: ``StreamEndError`` saying what the text should look like.
    public static func parse(_ text: String, clock: WallClock = .system) throws -> Date {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.lowercased() == "now" { return clock.now }
        guard let moment = EATMoment(feedTimestamp: trimmed) else {
            throw StreamEndError(message: "'\(text)' is not an end for the stream: pass now or an EAT date-time as YYYY-MM-DDTHH:MM (or YYYY-MM-DD HH:MM), e.g. 2026-06-16T20:40.")
        }
        return moment.date
    }
}

/// A `--until` text that names no moment.
public struct StreamEndError: Error, CustomStringConvertible, Sendable {
    /// One sentence: what is wrong and what to pass instead.
    public var message: String
    /// The message.
    public var description: String { message }
}
