import Synchronization

/// A clock whose sleeps return at once and are recorded: backoff and rate-limit waits in
/// tests without waiting. `now` is the real continuous clock.
///
/// ```swift
/// let clock = ImmediateClock()
/// // … run code that backs off with `clock` …
/// #expect(clock.sleeps == [.milliseconds(100), .milliseconds(200)])
/// ```
public struct ImmediateClock: Clock {
    public typealias Duration = Swift.Duration
    public typealias Instant = ContinuousClock.Instant

    private let log = SleepLog()

    public init() {}

    public var now: Instant { ContinuousClock.now }
    public var minimumResolution: Duration { .nanoseconds(1) }

    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        log.record(ContinuousClock.now.duration(to: deadline))
    }

    /// The durations asked for, in order.
    public var sleeps: [Duration] { log.all }

    private final class SleepLog: Sendable {
        private let durations = Mutex<[Duration]>([])
        func record(_ duration: Duration) { durations.withLock { $0.append(duration) } }
        var all: [Duration] { durations.withLock { $0 } }
    }
}
