import Synchronization

/// A clock whose time moves only when something sleeps on it: a sleep returns at once and
/// advances `now` to its deadline. Work between sleeps takes no time, so schedules computed
/// from `now` (a worker's tick interval less the tick's work) come out exact on any machine.
///
/// ```swift
/// let clock = VirtualClock()
/// try await clock.sleep(for: .seconds(60))
/// #expect(clock.sleeps == [.seconds(60)] && clock.elapsed == .seconds(60))
/// ```
public final class VirtualClock: Clock, Sendable {
    public typealias Duration = Swift.Duration

    /// A moment on the virtual time line.
    public struct Instant: InstantProtocol {
        /// Time since the clock was made.
        public var offset: Swift.Duration
        public func advanced(by duration: Swift.Duration) -> Instant { Instant(offset: offset + duration) }
        public func duration(to other: Instant) -> Swift.Duration { other.offset - offset }
        public static func < (a: Instant, b: Instant) -> Bool { a.offset < b.offset }
    }

    private let state = Mutex((now: Instant(offset: .zero), sleeps: [Swift.Duration]()))

    public init() {}

    public var now: Instant { state.withLock { $0.now } }
    public var minimumResolution: Swift.Duration { .nanoseconds(1) }

    public func sleep(until deadline: Instant, tolerance: Swift.Duration?) async throws {
        try Task.checkCancellation()
        state.withLock { s in
            s.sleeps.append(s.now.duration(to: deadline))
            if s.now < deadline { s.now = deadline }
        }
    }

    /// The durations slept, in order.
    public var sleeps: [Swift.Duration] { state.withLock { $0.sleeps } }

    /// Virtual time since the clock was made.
    public var elapsed: Swift.Duration { now.offset }
}
