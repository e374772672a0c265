import Foundation

extension EAT {
    /// `2026-06-15 20:40 EAT`: how operators read export times (the keys are in EAT too).
    public static func label(_ date: Date) -> String {
        let c = components(of: date)
        return String(format: "%04d-%02d-%02d %02d:%02d EAT", c.year, c.month, c.day, c.hour, c.minute)
    }
}
