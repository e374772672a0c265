import Synchronization

/// What decoding one file has read and dropped so far; shared between the row stream, the
/// store (which records it in the ledger) and the engine (which reports it).
public final class FileTally: Sendable {
    /// A moment's view of the tally.
    public struct Snapshot: Sendable, Hashable, Codable {
        /// Bytes of the file decoded.
        public var bytesRead: Int64 = 0
        /// Data rows read (the header not counted).
        public var rowsRead = 0
        /// Rows that reached the store.
        public var rowsKept = 0
        /// Rows dropped by the cleaner, by reason.
        public var dropped: [DropReason: Int] = [:]
        /// Unknown columns kept in `raw` (schema drift), reported once per file.
        public var extraColumns: [String] = []
        /// Export columns the header lacked.
        public var missingColumns: [String] = []
        /// Column names the header held more than once (the last of each was kept).
        public var duplicateColumns: [String] = []

        public init() {}

        /// Dropped counts keyed by the reasons' names, for JSON and the ledger.
        public var droppedByName: [String: Int] {
            Dictionary(uniqueKeysWithValues: dropped.map { ($0.key.rawValue, $0.value) })
        }
    }

    private let state = Mutex(Snapshot())

    public init() {}

    /// The current counts.
    public var snapshot: Snapshot { state.withLock { $0 } }

    func update(_ body: (inout Snapshot) -> Void) {
        state.withLock { body(&$0) }
    }
}
