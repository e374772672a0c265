import Synchronization

/// What decoding one file has read and dropped so far; shared between the row stream, the
/// store (which records it in the ledger) and the engine (which reports it).
package final class FileTally: Sendable {
    /// A moment's view of the tally.
    package struct Snapshot: Sendable, Hashable, Codable {
        /// Bytes of the file decoded.
        package var bytesRead: Int64 = 0
        /// Data rows read (the header not counted).
        package var rowsRead = 0
        /// Rows that reached the store.
        package var rowsKept = 0
        /// Rows dropped by the cleaner, by reason.
        package var dropped: [DropReason: Int] = [:]
        /// Unknown columns kept in `raw` (schema drift), reported once per file.
        package var extraColumns: [String] = []
        /// Export columns the header lacked.
        package var missingColumns: [String] = []
        /// Column names the header held more than once (the last of each was kept).
        package var duplicateColumns: [String] = []

        package init() {}

        /// Dropped counts keyed by the reasons' names, for JSON and the ledger.
        package var droppedByName: [String: Int] {
            Dictionary(uniqueKeysWithValues: dropped.map { ($0.key.rawValue, $0.value) })
        }
    }

    private let state = Mutex(Snapshot())

    package init() {}

    /// The current counts.
    package var snapshot: Snapshot { state.withLock { $0 } }

    func update(_ body: (inout Snapshot) -> Void) {
        state.withLock { body(&$0) }
    }
}
