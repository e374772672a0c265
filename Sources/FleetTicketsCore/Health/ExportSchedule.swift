import Foundation

/// When the upstream export writes change files: every 20 minutes from 06:00 to 20:40 EAT,
/// every day (`*/20 6-20 * * *`, Africa/Nairobi). `status --check` judges staleness against it,
/// so a quiet night is not an alarm.
public struct ExportSchedule: Sendable, Hashable, Codable {
    /// Minutes after midnight EAT of the first export of a day.
    public var firstMinute: Int
    /// Minutes after midnight EAT of the last export of a day.
    public var lastMinute: Int
    /// Minutes between exports.
    public var everyMinutes: Int

    /// A schedule; the defaults are the upstream export's.
    public init(firstMinute: Int = 6 * 60, lastMinute: Int = 20 * 60 + 40, everyMinutes: Int = 20) {
        self.firstMinute = firstMinute
        self.lastMinute = max(firstMinute, lastMinute)
        self.everyMinutes = max(1, everyMinutes)
    }

    /// The upstream export's schedule.
    public static let upstream = ExportSchedule()

    /// The newest scheduled export at or before `date`.
    public func latestSlot(atOrBefore date: Date) -> Date {
        let secs = Int(date.timeIntervalSince1970.rounded(.down)) + EAT.offset
        let day = (secs >= 0 ? secs / 86_400 : (secs - 86_399) / 86_400) * 86_400
        let minute = (secs - day) / 60
        let slot: Int
        let slotDay: Int
        if minute < firstMinute {
            slotDay = day - 86_400
            slot = firstMinute + (lastMinute - firstMinute) / everyMinutes * everyMinutes
        } else {
            slotDay = day
            slot = firstMinute + (min(minute, lastMinute) - firstMinute) / everyMinutes * everyMinutes
        }
        return Date(timeIntervalSince1970: TimeInterval(slotDay + slot * 60 - EAT.offset))
    }
}
