import FleetTicketsCore
import Synchronization

/// A change source that runs `interrupt` once, in the middle of a chosen file: when the
/// reader asks for that file's chunk number `atChunk` (1 for the first). The interruption runs
/// on the reading task and the chunk is served after it returns, so a test can shut a worker
/// down or cancel it at a known point of a large file and wait until that has taken hold.
///
/// ```swift
/// let source = InterruptingChangeSource(wrapping: bucket, key: largeKey, atChunk: 100) {
///     await group.triggerGracefulShutdown()
/// }
/// ```
public final class InterruptingChangeSource: ChangeSource {
    private let base: any ChangeSource
    private let key: String
    private let atChunk: Int
    private let interrupt: @Sendable () async -> Void
    private let served = Mutex(0)

    /// Wraps `base`; `interrupt` runs before chunk `atChunk` of `key` is served.
    public init(wrapping base: any ChangeSource, key: String, atChunk: Int, interrupt: @escaping @Sendable () async -> Void) {
        self.base = base
        self.key = key
        self.atChunk = max(1, atChunk)
        self.interrupt = interrupt
    }

    /// Chunks of `key` served so far, over every read of it.
    public var chunksServed: Int { served.withLock { $0 } }

    public var location: String { base.location }

    public func list(prefix: String) async throws -> [SourceObject] { try await base.list(prefix: prefix) }

    public func read(_ key: String) async throws -> ByteChunks {
        let chunks = try await base.read(key)
        guard key == self.key else { return chunks }
        let iterator = SharedIterator(chunks.makeAsyncIterator())
        return ByteChunks(unfolding: { [self] in
            let number = served.withLock { $0 += 1; return $0 }
            if number == atChunk { await interrupt() }
            return try await iterator.next()
        })
    }

    public func move(_ key: String, to destination: String) async throws { try await base.move(key, to: destination) }

    public func move(_ moves: [ObjectMove]) async -> [String: any Error] { await base.move(moves) }

    public func willRead(_ keys: [String], within budget: ReadAheadBudget) async {
        await base.willRead(keys, within: budget)
    }
}

/// The wrapped stream's iterator, pulled by one reader at a time (a stream is read once, in
/// order), which is what makes the unchecked conformance sound.
private final class SharedIterator: @unchecked Sendable {
    private var iterator: ByteChunks.AsyncIterator
    init(_ iterator: ByteChunks.AsyncIterator) { self.iterator = iterator }
    func next() async throws -> [UInt8]? { try await iterator.next() }
}
