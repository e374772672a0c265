import Synchronization

/// A request to stop long work at the next safe point: the ingest engine checks it between
/// files (the file in flight is finished, committed and archived), the worker between ticks and
/// while sleeping. The worker requests it itself on a service group's graceful shutdown; set it
/// from a signal handler's task when running outside a group. Safe to use from many tasks at once.
///
/// ```swift
/// let stop = StopSignal()
/// // SIGTERM → stop.request()
/// await worker.run(until: stop)
/// ```
public final class StopSignal: Sendable {
    private struct State {
        var requested = false
        var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    /// A signal not yet requested.
    public init() {}

    /// Whether a stop was requested.
    public var isRequested: Bool { state.withLock { $0.requested } }

    /// Requests the stop and wakes every `wait()`. Calling it again is harmless.
    public func request() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.requested = true
            defer { s.waiters.removeAll() }
            return Array(s.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once a stop is requested, or at once when the calling task is cancelled.
    public func wait() async {
        let id = state.withLock { s -> UInt64 in s.nextID += 1; return s.nextID }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLock { s -> Bool in
                    if s.requested || Task.isCancelled { return true }
                    s.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let waiter = state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume()
        }
    }

    /// Sleeps on `clock` for `duration`, returning early when a stop is requested.
    /// Returns true when the whole duration passed.
    public func sleep<C: Clock<Duration>>(for duration: Duration, on clock: C) async -> Bool {
        guard !isRequested else { return false }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                do {
                    try await clock.sleep(for: duration)
                    return true
                } catch {
                    return false
                }
            }
            group.addTask {
                await self.wait()
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first && !isRequested
        }
    }
}
