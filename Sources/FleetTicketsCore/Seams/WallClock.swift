import Foundation

/// What time it is now: the wall clock for report stamps and EAT calendar decisions.
///
/// Not named `Clock`, which in the standard library measures durations. Backoff sleeps take
/// `some Clock<Duration>` instead.
public struct WallClock: Sendable {
    private let read: @Sendable () -> Date

    /// A wall clock that answers `read()`.
    public init(_ read: @escaping @Sendable () -> Date) {
        self.read = read
    }

    /// The current moment.
    public var now: Date { read() }

    /// The system clock.
    public static let system = WallClock { Date() }
}
