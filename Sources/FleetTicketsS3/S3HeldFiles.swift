import FleetTicketsCore
import Synchronization

/// Small files already read whole, kept until they are archived, so that the archive can
/// write their bytes to `processed/` instead of asking the server to copy them.
///
/// Archiving a file is a copy to `processed/`, then a delete. For a file the drain already
/// holds, a PutObject of those bytes (with their `Content-MD5`) is one request, as a
/// CopyObject is, and cheaper for a server to serve (it need not read the source object
/// back), which matters where the server's CPU bounds a drain of small files (figures in
/// docs/decisions.md).
/// The archived object is then exactly the bytes that were applied.
///
/// What is kept is bounded by the run's `ReadAheadBudget`: files of at most `heldFileBytes`,
/// and at most `heldBytes` in all, the oldest forgotten first (`limit(to:)`; nothing is kept
/// before it is called). A file read but never archived (a dry run, a failed
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
        var maxFileBytes = 0
        var maxTotalBytes = 0

        /// Forgets the oldest files until what is held fits `maxTotalBytes`.
        mutating func evictPastTheBound() {
            while totalBytes > maxTotalBytes, oldest < order.count {
                let entry = order[oldest]
                oldest += 1
                guard files[entry.key]?.turn == entry.turn else { continue }
                totalBytes -= files.removeValue(forKey: entry.key)!.file.bytes.count
            }
            compactIfWorthIt()
        }

        /// Drops the stale and forgotten entries once they are most of `order`, so it stays
        /// within a constant factor of what is held and the work stays linear.
        mutating func compactIfWorthIt() {
            guard order.count > 64, order.count > 2 * files.count else { return }
            order = order[oldest...].filter { files[$0.key]?.turn == $0.turn }
            oldest = 0
        }
    }

    private let state = Mutex(State())

    init() {}

    /// Keeps what the budget allows from now on (`heldFileBytes` per file, `heldBytes` in
    /// all), forgetting the oldest files past the new bound.
    func limit(to budget: ReadAheadBudget) {
        state.withLock { state in
            state.maxFileBytes = budget.heldFileBytes
            state.maxTotalBytes = budget.heldBytes
            state.evictPastTheBound()
        }
    }

    /// Keeps `file` for `key` if it is small enough; forgets the oldest files past the bound.
    func keep(_ key: String, _ file: File) {
        guard file.archivableFromMemory else { return }
        state.withLock { state in
            guard file.bytes.count <= state.maxFileBytes, file.bytes.count <= state.maxTotalBytes else { return }
            state.turns += 1
            if let earlier = state.files.updateValue((file, state.turns), forKey: key) {
                state.totalBytes -= earlier.file.bytes.count
            }
            state.totalBytes += file.bytes.count
            state.order.append((key, state.turns))
            state.evictPastTheBound()
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
