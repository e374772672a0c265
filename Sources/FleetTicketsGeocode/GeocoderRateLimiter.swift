/// Spaces requests to one provider: at most `perSecond` (as an even spacing of the sends with a
/// margin, no bursts, and the published spacing after each answer; see `answered`) and, when
/// set, `perMinute` in any 61 seconds; and no request before a hold-off the provider asked for
/// (a 429's `Retry-After`, a backoff).
///
/// Each caller reserves the next free slot and then sleeps until it, so callers are served in
/// arrival order and a clock whose sleeps return at once (tests) never spins. A caller
/// cancelled while waiting keeps its slot (the limiter errs on the slow side).
///
/// ```swift
/// let limiter = GeocoderRateLimiter(GeocoderRateLimit(perSecond: 2, perMinute: 60))
/// try await limiter.acquire()   // then send one request
/// ```
public actor GeocoderRateLimiter {
    public nonisolated let limit: GeocoderRateLimit
    private let elapsed: @Sendable () -> Duration
    private let sleep: @Sendable (Duration) async throws -> Void
    /// Reserved slots (offsets from the limiter's start), ascending; only the last
    /// `perMinute` (at least one) are kept.
    private var slots: [Duration] = []
    private var notBefore: Duration = .zero

    /// - Parameters:
    ///   - limit: the provider's published rate, which the limiter keeps under.
    ///   - clock: what the limiter reads and sleeps on; tests pass a fast or manual clock.
    public init(_ limit: GeocoderRateLimit, clock: some Clock<Duration> = ContinuousClock()) {
        self.limit = limit
        let start = clock.now
        elapsed = { start.duration(to: clock.now) }
        sleep = { try await clock.sleep(for: $0) }
    }

    /// Waits for the next slot; call once per request sent.
    /// - Throws: `CancellationError` when the waiting task is cancelled.
    public func acquire() async throws {
        try Task.checkCancellation()
        let now = elapsed()
        var slot = max(now, notBefore)
        if let last = slots.last { slot = max(slot, last + limit.spacing) }
        if let perMinute = limit.perMinute, slots.count >= perMinute {
            slot = max(slot, slots[slots.count - perMinute] + limit.window)
        }
        slots.append(slot)
        let keep = max(1, limit.perMinute ?? 1)
        if slots.count > keep { slots.removeFirst(slots.count - keep) }
        if slot > now { try await sleep(slot - now) }
    }

    /// Call when a request's answer (or its failure) is back: the next request leaves at least
    /// the published spacing after it. Spacing the sends alone lets a request leave just
    /// after one whose connect a busy machine delayed by seconds, and the provider sees the two
    /// arrive together; a request has arrived by the time its answer is back, so this makes the
    /// provider's view certain.
    public func answered() {
        notBefore = max(notBefore, elapsed() + limit.publishedSpacing)
    }

    /// No request is let through before `duration` from now (e.g. a `Retry-After`).
    public func holdOff(for duration: Duration) {
        notBefore = max(notBefore, elapsed() + duration)
    }
}
