import Synchronization

/// Small files already read whole, kept until they are archived, so that the archive can
/// write their bytes to `processed/` instead of asking the server to copy them.
///
/// Archiving a file is a copy to `processed/`, then a delete. For a file the drain already
/// holds, a PutObject of those bytes (with their `Content-MD5`) is one request, as a
/// CopyObject is, and cheaper for a server to serve: moto answers it in about 1.4 ms of CPU
/// against 2.2 ms for a copy, and that is most of what limits a drain of small files there.
/// The archived object is then exactly the bytes that were applied.
///
/// What is kept is bounded: files of at most `maxFileBytes`, and at most `maxTotalBytes` in
/// all, the oldest forgotten first. A file read but never archived (a dry run, a failed
/// apply) is forgotten in its turn. A file that is not held is archived by CopyObject.
final class S3HeldFiles: Sendable {
    /// A file's bytes and what the server said of them.
    struct File: Sendable {
        var bytes: [UInt8]
        var contentType: String?
        var metadata: [String: String]
        /// False when the object has stored attributes a PutObject would not carry over
        /// (an encoding, tags, a storage class, …): such a file is never kept, so the server copies it.
        var archivableFromMemory = true
    }

    private struct State {
        var files: [String: (file: File, turn: Int)] = [:]
        /// Keys in the order they were kept, with their turn. An entry whose turn is no longer
        /// its key's (taken, or kept again since) is stale and skipped.
        var order: [(key: String, turn: Int)] = []
        var oldest = 0
        var turns = 0
        var totalBytes = 0

        /// Drops the stale and forgotten entries once they are most of `order`, so it stays
        /// within a constant factor of what is held and the work stays linear.
        mutating func compactIfWorthIt() {
            guard order.count > 64, order.count > 2 * files.count else { return }
            order = order[oldest...].filter { files[$0.key]?.turn == $0.turn }
            oldest = 0
        }
    }

    let maxFileBytes: Int
    let maxTotalBytes: Int
    private let state = Mutex(State())

    init(maxFileBytes: Int, maxTotalBytes: Int) {
        self.maxFileBytes = max(0, maxFileBytes)
        self.maxTotalBytes = max(0, maxTotalBytes)
    }

    /// Keeps `file` for `key` if it is small enough; forgets the oldest files past the bound.
    func keep(_ key: String, _ file: File) {
        guard file.archivableFromMemory, file.bytes.count <= maxFileBytes, file.bytes.count <= maxTotalBytes else { return }
        state.withLock { state in
            state.turns += 1
            if let earlier = state.files.updateValue((file, state.turns), forKey: key) {
                state.totalBytes -= earlier.file.bytes.count
            }
            state.totalBytes += file.bytes.count
            state.order.append((key, state.turns))
            while state.totalBytes > maxTotalBytes, state.oldest < state.order.count {
                let entry = state.order[state.oldest]
                state.oldest += 1
                guard state.files[entry.key]?.turn == entry.turn else { continue }
                state.totalBytes -= state.files.removeValue(forKey: entry.key)!.file.bytes.count
            }
            state.compactIfWorthIt()
        }
    }

    /// The file kept for `key`, which is no longer kept; nil when it is not held.
    func take(_ key: String) -> File? {
        state.withLock { state in
            guard let held = state.files.removeValue(forKey: key) else { return nil }
            state.totalBytes -= held.file.bytes.count
            state.compactIfWorthIt()
            return held.file
        }
    }

    /// How many files and bytes are held, and the length of the bookkeeping (for tests).
    var held: (files: Int, bytes: Int, entries: Int) {
        state.withLock { ($0.files.count, $0.totalBytes, $0.order.count - $0.oldest) }
    }
}
