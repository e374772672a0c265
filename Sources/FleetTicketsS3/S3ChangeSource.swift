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
/// - `willRead` starts a bounded read-ahead: while the engine applies one file, the next
///   one or two are downloaded into memory (files up to `readAheadMaxFileBytes` each). A key
///   read out of plan order, or whose fetch failed, is simply read directly.
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

    /// A source for `configuration.bucket`, reading ahead up to 2 files of up to 32 MiB each.
    public init(configuration: S3Configuration, logger: Logger) {
        self.init(client: S3Client(configuration: configuration, logger: logger), logger: logger)
    }

    /// The largest file archived from the bytes read (1 MiB) unless the initialiser says otherwise.
    public static let defaultArchiveFromMemoryMaxFileBytes = 1024 * 1024

    /// A source over `client`, reading ahead `readAheadDepth` files (0 turns read-ahead off)
    /// of at most `readAheadMaxFileBytes` each. Of those, files up to `archiveFromMemoryMaxFileBytes`
    /// are kept once read (16 MiB of them at most) and archived by writing their bytes; 0
    /// archives every file by CopyObject.
    public init(client: S3Client, readAheadDepth: Int = 2, readAheadMaxFileBytes: Int = 32 * 1024 * 1024,
                archiveFromMemoryMaxFileBytes: Int = defaultArchiveFromMemoryMaxFileBytes, logger: Logger) {
        self.client = client
        self.logger = logger
        self.heldFiles = S3HeldFiles(maxFileBytes: archiveFromMemoryMaxFileBytes, maxTotalBytes: 16 * 1024 * 1024)
        self.readAhead = S3ReadAhead(depth: readAheadDepth, maxFileBytes: readAheadMaxFileBytes) { [logger] key, maxBytes in
            do {
                return try await Self.download(key, through: client, maxBytes: maxBytes)
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
            return ByteChunks.serving(file.bytes, chunkSize: chunkSize)
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

    public func willRead(_ keys: [String]) async {
        await readAhead.plan(keys)
    }

    /// How many files the read-ahead is fetching or holding (for tests).
    package var readAheadHeldCount: Int { get async { await readAhead.heldCount } }

    /// How many files read are held to be archived from memory (for tests).
    package var heldForArchiveCount: Int { heldFiles.held.files }

    /// Downloads a whole object, or returns nil as soon as it proves larger than `maxBytes`.
    static func download(_ key: String, through client: S3Client, maxBytes: Int) async throws -> S3HeldFiles.File? {
        let object = try await client.getObject(key)
        if object.info.size > Int64(maxBytes) { return nil }
        var bytes: [UInt8] = []
        if object.info.size > 0 { bytes.reserveCapacity(Int(object.info.size)) }
        for try await chunk in object.body {
            bytes += chunk
            if bytes.count > maxBytes { return nil }
        }
        return S3HeldFiles.File(bytes: bytes, contentType: object.info.contentType, metadata: object.info.metadata,
                                archivableFromMemory: object.info.otherStoredAttributes.isEmpty)
    }
}
