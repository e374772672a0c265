/// What identifies the bytes of one change file, as its source lists it: the backend's ETag
/// (when it has one) and the size. The ledger keeps the fingerprint of each file it applied, so
/// a key that comes back with other bytes (upstream rewrote history) is told from an archive
/// move that failed and is retried (the same bytes).
public struct FileFingerprint: Sendable, Codable, Hashable, CustomStringConvertible {
    /// The backend's ETag; nil where the source has none (a folder, memory).
    public var etag: String?
    /// Size in bytes; nil for ledger rows written before sizes were kept.
    public var bytes: Int64?

    /// A fingerprint.
    public init(etag: String? = nil, bytes: Int64? = nil) {
        self.etag = etag
        self.bytes = bytes
    }

    /// The fingerprint a source listed for an object.
    public init(_ object: SourceObject) {
        self.init(etag: object.etag, bytes: object.size)
    }

    /// Whether `other` names other bytes. Only what both sides know is compared: a size that
    /// differs, or two ETags that differ. An unknown side never differs (old rows are trusted),
    /// and a source without ETags compares sizes alone.
    public func differs(from other: FileFingerprint) -> Bool {
        if let a = bytes, let b = other.bytes, a != b { return true }
        if let a = etag, let b = other.etag, a != b { return true }
        return false
    }

    /// `etag "abc", 1204 bytes`, or `1204 bytes` without an ETag.
    public var description: String {
        let size = bytes.map { "\($0) bytes" } ?? "size unknown"
        return etag.map { "etag \"\($0)\", \(size)" } ?? size
    }
}

/// A key the ledger records as applied that reappeared in `changes/` with other bytes: upstream
/// rewrote an export already applied. Neither applied nor archived until an operator decides
/// (`ingest --reapply KEY --apply`, or moving the file away); `status --check` fails meanwhile.
public struct Reupload: Sendable, Codable, Hashable {
    /// The file's key.
    public var key: String
    /// The fingerprint recorded when it was applied.
    public var applied: FileFingerprint
    /// The fingerprint the source lists now.
    public var now: FileFingerprint

    /// A re-upload.
    public init(key: String, applied: FileFingerprint, now: FileFingerprint) {
        self.key = key
        self.applied = applied
        self.now = now
    }

    /// `KEY (applied: etag "a", 10 bytes; now: etag "b", 12 bytes)`.
    public var summary: String { "\(key) (applied: \(applied); now: \(now))" }
}
