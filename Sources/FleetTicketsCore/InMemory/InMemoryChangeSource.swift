import Synchronization

/// A bucket in memory: for tests, demos and embedders' tests.
///
/// Keys are kept as given; `move` is copy-then-delete like a bucket's.
public final class InMemoryChangeSource: ChangeSource {
    private let objects: Mutex<[String: [UInt8]]>
    private let chunkSize: Int

    /// A bucket holding `objects`, streaming reads in chunks of `chunkSize` bytes.
    public init(_ objects: [String: [UInt8]] = [:], chunkSize: Int = 64 * 1024) {
        self.objects = Mutex(objects)
        self.chunkSize = max(1, chunkSize)
    }

    public var location: String { "memory" }

    /// Stores (or replaces) an object.
    public func put(_ key: String, _ bytes: [UInt8]) {
        objects.withLock { $0[key] = bytes }
    }

    /// Stores (or replaces) an object from text.
    public func put(_ key: String, text: String) {
        put(key, Array(text.utf8))
    }

    /// Every key, sorted.
    public var keys: [String] { objects.withLock { $0.keys.sorted() } }

    /// The bytes of a key, if present.
    public func object(_ key: String) -> [UInt8]? { objects.withLock { $0[key] } }

    public func list(prefix: String) async throws -> [SourceObject] {
        objects.withLock { all in
            all.filter { $0.key.hasPrefix(prefix) }.map { SourceObject(key: $0.key, size: Int64($0.value.count)) }
        }
    }

    public func read(_ key: String) async throws -> ByteChunks {
        guard let bytes = object(key) else { throw ChangeSourceError.notFound(key: key, location: location) }
        return ByteChunks.serving(bytes, chunkSize: chunkSize)
    }

    public func move(_ key: String, to destination: String) async throws {
        try objects.withLock { all in
            guard let bytes = all[key] else { throw ChangeSourceError.notFound(key: key, location: "memory") }
            all[destination] = bytes
            all[key] = nil
        }
    }
}
