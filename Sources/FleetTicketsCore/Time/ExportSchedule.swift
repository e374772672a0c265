import Foundation

/// When the upstream export writes change files: every 20 minutes from 06:00 to 20:40 EAT,
/// every day (`*/20 6-20 * * *`, Africa/Nairobi). `status --check` judges staleness against it,
/// so a quiet night is not an alarm.
///
/// Minutes are of the EAT day, 0…1439: a schedule past midnight is not one this type describes.
public struct ExportSchedule: Sendable, Hashable, Codable {
    /// Minutes after midnight EAT of the first export of a day.
    public var firstMinute: Int
    /// Minutes after midnight EAT of the last export of a day.
    public var lastMinute: Int
    /// Minutes between exports.
    public var everyMinutes: Int

    /// A schedule; the defaults are the upstream export's. Minutes are kept within the day
    /// (0…1439), the last not before the first, the step at least one minute.
    public init(firstMinute: Int = 6 * 60, lastMinute: Int = 20 * 60 + 40, everyMinutes: Int = 20) {
        let dayMinutes = 0...(24 * 60 - 1)
        self.firstMinute = firstMinute.clamped(to: dayMinutes)
        self.lastMinute = max(self.firstMinute, lastMinute.clamped(to: dayMinutes))
        self.everyMinutes = max(1, everyMinutes)
    }

    /// The upstream export's schedule.
    public static let upstream = ExportSchedule()

    /// The newest scheduled export at or before `date`: before the day's first export, the
    /// previous day's last one.
    public func latestSlot(atOrBefore date: Date) -> Date {
        let (day, second) = EAT.dayAndSecond(of: date)
        let minute = second / 60
        let lastSlot = firstMinute + (lastMinute - firstMinute) / everyMinutes * everyMinutes
        if minute < firstMinute { return EAT.instant(day: day - 1, second: lastSlot * 60) }
        let slot = firstMinute + (min(minute, lastMinute) - firstMinute) / everyMinutes * everyMinutes
        return EAT.instant(day: day, second: slot * 60)
    }

    /// The scheduled exports of an EAT day, earliest first: the stamps its change files carry.
    public func slots(on day: EATDay) -> [EATMoment] {
        stride(from: firstMinute, through: lastMinute, by: everyMinutes).compactMap { minute in
            EATMoment(year: day.year, month: day.month, day: day.day, hour: minute / 60, minute: minute % 60)
        }
    }
}

private extension Int {
    func clamped(to range: ClosedRange<Int>) -> Int { Swift.min(Swift.max(self, range.lowerBound), range.upperBound) }
}
