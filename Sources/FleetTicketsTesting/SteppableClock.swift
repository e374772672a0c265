import FleetTicketsCore
import Foundation
import Synchronization

/// A wall clock that stands still until told to move.
public final class SteppableClock: Sendable {
    private let current: Mutex<Date>

    public init(_ start: Date = EAT.date(year: 2026, month: 6, day: 15, hour: 9)) {
        current = Mutex(start)
    }

    /// The current moment.
    public var now: Date { current.withLock { $0 } }

    /// Moves time forward.
    public func advance(by seconds: TimeInterval) { current.withLock { $0 += seconds } }

    /// Sets the time.
    public func set(_ date: Date) { current.withLock { $0 = date } }

    /// A `WallClock` reading this clock.
    public var wallClock: WallClock { WallClock { [self] in now } }

    /// A wall clock fixed at one moment.
    public static func fixed(_ date: Date) -> WallClock { WallClock { date } }
}
