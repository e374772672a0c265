import Dispatch
import Synchronization

/// A bounded hand-off of body chunks from the libcurl thread (producer) to one async
/// consumer.
///
/// The producer blocks in `send` while `capacity` chunks are waiting, which blocks libcurl's
/// write callback, which stops reading the socket: TCP flow control then slows the server.
/// Memory per transfer stays at about `capacity` chunks. Only the dedicated transfer thread
/// ever blocks here, never a thread of the Swift concurrency pool.
///
/// Cancelling (the consuming task is cancelled, or the stream is dropped) wakes a blocked
/// producer; `send` then returns false and the transfer aborts.
final class BodyChannel: Sendable {
    private struct State {
        var chunks: [[UInt8]] = []
        var finished = false
        var failure: (any Error)?
        var cancelled = false
        var waiter: CheckedContinuation<[UInt8]?, any Error>?
    }

    private let state = Mutex(State())
    /// Counts free slots. Created at 0 and raised to `capacity`: libdispatch traps when a
    /// semaphore is destroyed below its initial value, which would happen if the consumer
    /// left chunks unread.
    private let freeSlots = DispatchSemaphore(value: 0)

    init(capacity: Int) {
        for _ in 0..<max(1, capacity) { freeSlots.signal() }
    }

    /// Producer: hands over a chunk, waiting for a free slot. False when the consumer is gone.
    func send(_ chunk: [UInt8]) -> Bool {
        if isCancelled { return false }
        freeSlots.wait()
        let waiter: CheckedContinuation<[UInt8]?, any Error>? = state.withLock { state in
            if state.cancelled { return nil }
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.chunks.append(chunk)
            return nil
        }
        if let waiter {
            freeSlots.signal()  // handed over directly; the slot was never used
            waiter.resume(returning: chunk)
        }
        return !isCancelled
    }

    /// Producer: no more chunks; `failure` (if any) is thrown after the buffered ones.
    func finish(throwing failure: (any Error)? = nil) {
        let waiter: CheckedContinuation<[UInt8]?, any Error>? = state.withLock { state in
            state.finished = true
            state.failure = failure
            defer { state.waiter = nil }
            return state.waiter
        }
        if let failure { waiter?.resume(throwing: failure) } else { waiter?.resume(returning: nil) }
    }

    /// Consumer: the next chunk, or nil at the end.
    func next() async throws -> [UInt8]? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[UInt8]?, any Error>) in
                enum Action { case chunk([UInt8]), end, fail(any Error), wait }
                let action: Action = state.withLock { state in
                    if !state.chunks.isEmpty { return .chunk(state.chunks.removeFirst()) }
                    if state.cancelled { return .fail(CancellationError()) }
                    if state.finished { return state.failure.map { .fail($0) } ?? .end }
                    state.waiter = continuation
                    return .wait
                }
                switch action {
                case let .chunk(chunk):
                    freeSlots.signal()
                    continuation.resume(returning: chunk)
                case .end: continuation.resume(returning: nil)
                case let .fail(error): continuation.resume(throwing: error)
                case .wait: break
                }
            }
        } onCancel: {
            cancel()
        }
    }

    /// True once the consumer has gone.
    var isCancelled: Bool { state.withLock { $0.cancelled } }

    /// Consumer: stop; frees buffered chunks and wakes the producer.
    func cancel() {
        let waiter: CheckedContinuation<[UInt8]?, any Error>? = state.withLock { state in
            guard !state.cancelled else { return nil }
            state.cancelled = true
            state.chunks = []
            defer { state.waiter = nil }
            return state.waiter
        }
        freeSlots.signal()
        waiter?.resume(throwing: CancellationError())
    }

    /// The consumer's side as a stream. Dropping the stream (and its iterator) cancels.
    var stream: AsyncThrowingStream<[UInt8], any Error> {
        let owner = ConsumerToken(channel: self)
        return AsyncThrowingStream(unfolding: { try await owner.channel.next() })
    }

    /// Cancels the channel when the last reference to the consumer's stream goes away.
    private final class ConsumerToken: Sendable {
        let channel: BodyChannel
        init(channel: BodyChannel) { self.channel = channel }
        deinit { channel.cancel() }
    }
}
