import Synchronization

/// One object in a change source: its key, size and (where the backend has one) ETag.
public struct SourceObject: Sendable, Hashable {
    public var key: String
    public var size: Int64
    public var etag: String?
    /// Why the entry cannot be read as a file, when it cannot (a directory, a link that leaves
    /// the source's root). Listed anyway so the run can name it instead of skipping it silently.
    public var unusable: String?

    public init(key: String, size: Int64, etag: String? = nil, unusable: String? = nil) {
        self.key = key
        self.size = size
        self.etag = etag
        self.unusable = unusable
    }
}

/// A file's bytes, delivered in chunks so no file has to fit in memory.
public typealias ByteChunks = AsyncThrowingStream<[UInt8], any Error>

extension AsyncThrowingStream where Element == [UInt8], Failure == any Error {
    /// Serves bytes already in memory as chunks of `size`, copying each chunk only when it
    /// is asked for (in-memory sources, read-ahead buffers). `released` is called once the
    /// stream and its iterator are gone (a read-ahead's account of the bytes it holds).
    public static func serving(_ bytes: [UInt8], chunkSize size: Int, released: (@Sendable () -> Void)? = nil) -> ByteChunks {
        let cursor = ChunkCursor(bytes: bytes, size: size, released: released)
        return ByteChunks(unfolding: { cursor.next() })
    }
}

private final class ChunkCursor: Sendable {
    private let bytes: [UInt8]
    private let size: Int
    private let offset = Mutex(0)
    private let released: (@Sendable () -> Void)?

    init(bytes: [UInt8], size: Int, released: (@Sendable () -> Void)?) {
        self.bytes = bytes
        self.size = max(1, size)
        self.released = released
    }

    deinit { released?() }

    func next() -> [UInt8]? {
        offset.withLock { offset in
            guard offset < bytes.count else { return nil }
            let end = min(offset + size, bytes.count)
            defer { offset = end }
            return Array(bytes[offset..<end])
        }
    }
}

/// Where change files come from: a bucket, a folder laid out like the bucket, or memory.
///
/// Implementers own only I/O; ordering, watermarks and cleaning belong to the engine.
/// Guarantees an implementation must give:
/// - `list(prefix:)` returns **every** object under the prefix (paginating as needed), in any order;
///   an entry it cannot serve as a file is listed with `unusable` set, never left out.
/// - `read(_:)` streams the object's bytes exactly as stored; a failure mid-stream is thrown
///   from the stream, never swallowed or turned into a short file.
/// - `move(_:to:)` makes the object appear at the destination before it disappears from the
///   source (copy, then delete), so a failure never loses a file. Moving onto an existing
///   destination replaces it. `move(_:)` moves several with the same guarantee per object, in
///   as few requests as the backend allows, and reports each object that did not move.
/// - Errors name the key and the operation and never contain credentials.
public protocol ChangeSource: Sendable {
    /// Every object whose key starts with `prefix`.
    func list(prefix: String) async throws -> [SourceObject]
    /// The object's bytes as a stream of chunks.
    func read(_ key: String) async throws -> ByteChunks
    /// Moves an object: copy to `destination`, then delete `key`.
    func move(_ key: String, to destination: String) async throws
    /// Moves several objects, each copied before its original is deleted. Returns why each
    /// object that did not move failed, by key; the others moved. The default moves them one
    /// by one (a few at a time); a bucket copies each and deletes the originals in one request.
    func move(_ moves: [ObjectMove]) async -> [String: any Error]
    /// A hint that these keys will be read next, in this order. Sources that can fetch
    /// ahead (a bucket) may start doing so, holding no more than `budget` allows; the
    /// default ignores it.
    func willRead(_ keys: [String], within budget: ReadAheadBudget) async
    /// Where this source reads from, for reports and errors (never with credentials).
    var location: String { get }
}

/// One object to move: from `key` to `destination`.
public struct ObjectMove: Sendable, Hashable {
    public var key: String
    public var destination: String

    public init(_ key: String, to destination: String) {
        self.key = key
        self.destination = destination
    }
}

extension ChangeSource {
    public func willRead(_ keys: [String], within budget: ReadAheadBudget) async {}

    public func move(_ moves: [ObjectMove]) async -> [String: any Error] {
        await runEach(moves, atOnce: 4, key: \.key) { try await move($0.key, to: $0.destination) }
    }

    /// Reads a whole object into memory. For small files and tests; the engine streams.
    public func readAll(_ key: String) async throws -> [UInt8] {
        var out: [UInt8] = []
        for try await chunk in try await read(key) { out.append(contentsOf: chunk) }
        return out
    }
}

/// Runs `body` for each item, at most `limit` at once; returns the errors by the items' keys.
package func runEach<Item: Sendable>(_ items: [Item], atOnce limit: Int, key: @escaping @Sendable (Item) -> String,
                                     _ body: @escaping @Sendable (Item) async throws -> Void) async -> [String: any Error] {
    await withTaskGroup(of: (key: String, error: (any Error)?).self) { group in
        var waiting = items.makeIterator()
        func startNext() {
            guard let item = waiting.next() else { return }
            group.addTask {
                do { try await body(item); return (key(item), nil) } catch { return (key(item), error) }
            }
        }
        for _ in 0..<max(1, limit) { startNext() }
        var failures: [String: any Error] = [:]
        while let done = await group.next() {
            if let error = done.error { failures[done.key] = error }
            startNext()
        }
        return failures
    }
}
