import FleetTicketsCore
import Logging

/// Change files in an S3-compatible bucket (RustFS in production).
///
/// - `list` pages through ListObjectsV2 and returns every key with its size and ETag.
/// - `read` streams GetObject with bounded buffering; a missing key throws
///   `ChangeSourceError.notFound`, any other failure an ``S3Error``.
/// - `move` copies, then deletes: the copy exists before the original goes. A batch of moves
///   copies each object (four at a time), then deletes the originals it copied in one
///   DeleteObjects request. A small file this source read ahead is copied by writing the
///   bytes it read (PutObject, with its content type and metadata); any other by CopyObject.
/// - `willRead` starts a read-ahead within the run's `ReadAheadBudget`: while the engine
///   applies one file, the next `filesAhead` are downloaded into memory, `bytesAhead` of them
///   at most in all. A key read out of plan order, one that did not fit, or whose fetch
///   failed, is simply read directly.
///
/// ```swift
/// let source = S3ChangeSource(configuration: try S3Configuration(environment: env), logger: logger)
/// let report = try await IngestEngine(source: source, …).run(.inc, options: options)
/// ```
public struct S3ChangeSource: ChangeSource {
    /// The client this source reads through.
    public let client: S3Client
    private let readAhead: S3ReadAhead<S3HeldFiles.File>
    /// Small files read ahead and served, until they are archived.
    private let heldFiles: S3HeldFiles
    private let chunkSize = 256 * 1024
    private let logger: Logger

    /// A source for `configuration.bucket`.
    public init(configuration: S3Configuration, logger: Logger) {
        self.init(client: S3Client(configuration: configuration, logger: logger), logger: logger)
    }

    /// A source over `client`. How far it reads ahead, and which files it keeps to archive
    /// from memory, is the run's `ReadAheadBudget` (`willRead(_:within:)`); a key read without
    /// a plan is read directly.
    public init(client: S3Client, logger: Logger) {
        self.client = client
        self.logger = logger
        self.heldFiles = S3HeldFiles()
        self.readAhead = S3ReadAhead { [logger] key, reserve in
            do {
                return try await Self.download(key, through: client, reserve: reserve)
            } catch {
                logger.debug("read-ahead failed; the file will be read directly", metadata: ["key": "\(key)", "error": "\(error)"])
                throw error
            }
        }
    }

    /// `s3://<bucket> at <host:port>`.
    public var location: String { "s3://\(client.configuration.bucket) at \(client.configuration.endpointHost)" }

    public func list(prefix: String) async throws -> [SourceObject] {
        try await client.listObjects(prefix: prefix)
    }

    public func read(_ key: String) async throws -> ByteChunks {
        if let file = await readAhead.take(key) {
            logger.trace("serving a file from read-ahead", metadata: ["key": "\(key)", "bytes": "\(file.bytes.count)"])
            heldFiles.keep(key, file)
            // The bytes stay on the read-ahead's account until the reader lets the stream go.
            return ByteChunks.serving(file.bytes, chunkSize: chunkSize) { [readAhead] in Task { await readAhead.release(key) } }
        }
        do {
            return try await client.getObject(key).body
        } catch let error as S3Error where error.isNoSuchKey {
            throw ChangeSourceError.notFound(key: key, location: location)
        }
    }

    public func move(_ key: String, to destination: String) async throws {
        try await copy(key, to: destination)
        try await client.deleteObject(key)
    }

    public func move(_ moves: [ObjectMove]) async -> [String: any Error] {
        var failures = await runEach(moves, atOnce: 4, key: \.key) { try await copy($0.key, to: $0.destination) }
        let copied = moves.map(\.key).filter { failures[$0] == nil }
        guard !copied.isEmpty else { return failures }
        do {
            for (key, error) in try await client.deleteObjects(copied) { failures[key] = error }
        } catch {
            for key in copied { failures[key] = error }
        }
        return failures
    }

    private func copy(_ key: String, to destination: String) async throws {
        if let held = heldFiles.take(key) {
            try await client.putObject(destination, bytes: held.bytes, contentType: held.contentType ?? "application/octet-stream",
                                       metadata: held.metadata)
            return
        }
        do {
            try await client.copyObject(key, to: destination)
        } catch let error as S3Error where error.isNoSuchKey {
            throw ChangeSourceError.notFound(key: key, location: location)
        }
    }

    public func willRead(_ keys: [String], within budget: ReadAheadBudget) async {
        heldFiles.limit(to: budget)
        await readAhead.plan(keys, within: budget)
    }

    /// How many files the read-ahead is fetching or holding (for tests).
    package var readAheadHeldCount: Int { get async { await readAhead.held.files } }

    /// How many files read are held to be archived from memory (for tests).
    package var heldForArchiveCount: Int { heldFiles.held.files }

    /// Downloads a whole object once `reserve` accepted its stated size; nil when it did not,
    /// or when the body proves longer than stated.
    static func download(_ key: String, through client: S3Client,
                         reserve: @Sendable (Int) async -> Bool) async throws -> S3HeldFiles.File? {
        let object = try await client.getObject(key)
        guard object.info.size >= 0, object.info.size <= Int64(Int.max), await reserve(Int(object.info.size)) else { return nil }
        let size = Int(object.info.size)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(size)
        for try await chunk in object.body {
            bytes += chunk
            if bytes.count > size { return nil }
        }
        return S3HeldFiles.File(bytes: bytes, contentType: object.info.contentType, metadata: object.info.metadata,
                                archivableFromMemory: object.info.otherStoredAttributes.isEmpty)
    }
}
