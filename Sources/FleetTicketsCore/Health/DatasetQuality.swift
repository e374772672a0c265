import Foundation

/// "Is what we loaded any good?" for one dataset: how far its content trails the clock, and
/// what the rows of its last EAT day and its open tickets look like.
///
/// **The day.** The day figures cover the *last EAT day*: the EAT calendar day of the newest
/// export applied (the newest `exported_at` in the file ledger), not today. So the figures
/// never go blank overnight or before the first export of the morning, and a dataset whose
/// export stopped is still described (its staleness is `status --check`'s `stale`). The day's
/// rows are the tickets whose current row a file exported that day wrote (their `change_key`);
/// a ticket a file of that day carried unchanged was counted on the day it last changed.
/// docs/operations.md says what each figure means and what to do when its threshold fails.
///
/// A store reads it (`TicketStoreStatus.status(of:)` fills `DatasetStatus.quality`);
/// ``measured(at:)`` adds the content lag at the moment of the check. The JSON keys are
/// those of `status --json`'s `quality` object.
public struct DatasetQuality: Sendable, Codable, Hashable {
    /// The last EAT day (`YYYY-MM-DD`); nil before anything with an export time was applied.
    public var day: String?
    /// The newest `last_seen_at` among the day's rows; nil when none has one.
    public var newestLastSeenAt: Date?
    /// `now` minus ``newestLastSeenAt`` in seconds, at the moment of the check (``measured(at:)``).
    public var contentLagSeconds: Double?
    /// Rows the day's change files read (before cleaning), from the file ledger.
    public var rowsRead: Int
    /// Tickets whose current row a change file of the day wrote.
    public var rows: Int
    /// Of those, rows with no cluster (the `cluster` column is NULL: empty or blank).
    public var rowsWithoutCluster: Int
    /// Of those, rows whose cluster the gazetteer has no centroid for (never geocoded, or a miss).
    public var rowsWithUnknownCluster: Int
    /// Values in `raw` of the day's rows that are not blank but whose typed timestamp column is NULL.
    public var unparsedTimestamps: Int
    /// ``unparsedTimestamps`` by column; columns without one are absent.
    public var unparsedByColumn: [String: Int]
    /// Rows of the day's change files that did not reach the table, by `DropReason` (its raw
    /// value): those dropped at cleaning as the ledger records them, and `superseded`, derived
    /// per file as the rows read less those dropped less the distinct tickets applied.
    public var dropped: [String: Int]
    /// Open (actionable) tickets now, of any day.
    public var open: Int
    /// Open tickets without a position (not on the map).
    public var openWithoutPosition: Int

    /// Figures as a store read them.
    public init(day: String? = nil, newestLastSeenAt: Date? = nil, contentLagSeconds: Double? = nil, rowsRead: Int = 0,
                rows: Int = 0, rowsWithoutCluster: Int = 0, rowsWithUnknownCluster: Int = 0, unparsedTimestamps: Int = 0,
                unparsedByColumn: [String: Int] = [:], dropped: [String: Int] = [:], open: Int = 0, openWithoutPosition: Int = 0) {
        self.day = day
        self.newestLastSeenAt = newestLastSeenAt
        self.contentLagSeconds = contentLagSeconds
        self.rowsRead = rowsRead
        self.rows = rows
        self.rowsWithoutCluster = rowsWithoutCluster
        self.rowsWithUnknownCluster = rowsWithUnknownCluster
        self.unparsedTimestamps = unparsedTimestamps
        self.unparsedByColumn = unparsedByColumn
        self.dropped = dropped
        self.open = open
        self.openWithoutPosition = openWithoutPosition
    }

    /// The same figures with ``contentLagSeconds`` measured at `now`.
    public func measured(at now: Date) -> DatasetQuality {
        var out = self
        out.contentLagSeconds = newestLastSeenAt.map { now.timeIntervalSince($0).rounded() }
        return out
    }

    /// Rows dropped at cleaning for every reason.
    public var droppedTotal: Int { dropped.values.reduce(0, +) }

    enum CodingKeys: String, CodingKey {
        case day
        case newestLastSeenAt = "newest_last_seen_at"
        case contentLagSeconds = "content_lag_seconds"
        case rowsRead = "rows_read"
        case rows
        case rowsWithoutCluster = "rows_without_cluster"
        case rowsWithUnknownCluster = "rows_with_unknown_cluster"
        case unparsedTimestamps = "unparsed_timestamps"
        case unparsedByColumn = "unparsed_by_column"
        case dropped
        case open
        case openWithoutPosition = "open_without_position"
    }
}

extension DatasetQuality {
    /// The day's figures from the rows as the in-memory store holds them: the Swift twin of
    /// the PostgreSQL store's query (`DatasetQualityQuery`), used by `InMemoryTicketStore`.
    ///
    /// - Parameters:
    ///   - files: every ledger entry of the dataset: key, export time, rows read, drops at
    ///     cleaning, distinct tickets applied.
    ///   - rows: every ticket: the key of the file that last wrote it and its `raw`.
    ///   - knowsCluster: whether the gazetteer has a centroid for a cluster as the feed spells it.
    ///   - isPlaced: whether a ticket has a position.
    static func reading(files: [(key: String, exportedAt: Date?, rowsRead: Int, dropped: [DropReason: Int], distinct: Int)],
                        rows: [(changeKey: String?, raw: RawRecord)],
                        knowsCluster: (String) -> Bool, isPlaced: (RawRecord) -> Bool) -> DatasetQuality {
        var q = DatasetQuality()
        for row in rows where TicketColumns.isActionable(row.raw) {
            q.open += 1
            if !isPlaced(row.raw) { q.openWithoutPosition += 1 }
        }
        guard let newest = files.compactMap(\.exportedAt).max() else { return q }
        let day = EATDay(containing: newest)
        q.day = day.description
        let dayFiles = files.filter { $0.exportedAt.map { EATDay(containing: $0) == day } ?? false }
        let keys = Set(dayFiles.map(\.key))
        for file in dayFiles {
            q.rowsRead += file.rowsRead
            for (reason, n) in file.dropped { q.dropped[reason.rawValue, default: 0] += n }
            let superseded = file.rowsRead - file.dropped.values.reduce(0, +) - file.distinct
            if superseded > 0 { q.dropped[DropReason.superseded.rawValue, default: 0] += superseded }
        }
        let cluster = TicketColumns.fromFields.first { $0.name == TicketColumns.PlacementFields.cluster }!
        let lastSeen = TicketColumns.fromFields.first { $0.name == "last_seen_at" }!
        let timestamps = TicketColumns.fromFields.filter { $0.kind == .timestamp }
        for row in rows where row.changeKey.map(keys.contains) ?? false {
            q.rows += 1
            if cluster.value(in: row.raw) == nil {
                q.rowsWithoutCluster += 1
            } else if !knowsCluster(row.raw[TicketColumns.PlacementFields.cluster] ?? "") {
                q.rowsWithUnknownCluster += 1
            }
            for column in timestamps where column.isUnparsed(in: row.raw) {
                q.unparsedTimestamps += 1
                q.unparsedByColumn[column.name, default: 0] += 1
            }
            if case .timestamp(let seen) = lastSeen.value(in: row.raw), q.newestLastSeenAt.map({ seen > $0 }) ?? true {
                q.newestLastSeenAt = seen
            }
        }
        return q
    }
}

extension TicketColumn {
    /// Whether `raw` holds a value for the column's field that is not blank (space, tab, CR,
    /// LF) yet gives NULL: a value the column's parser could not read.
    func isUnparsed(in raw: RawRecord) -> Bool {
        guard let field, let text = raw[field], text.contains(where: { !" \t\r\n".contains($0) }) else { return false }
        return value(in: raw) == nil
    }
}
