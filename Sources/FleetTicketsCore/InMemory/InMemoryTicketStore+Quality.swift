import Foundation

extension InMemoryTicketStore {
    /// The dataset's quality figures (`DatasetQuality`, its content lag not yet measured), as
    /// the PostgreSQL store reads them: the last EAT day's files from the ledger, the rows
    /// those files wrote, the gazetteer's centroids and the open tickets' placement.
    public func quality(of dataset: Dataset) -> DatasetQuality {
        state.withLock { s in
            let files = (s.ledger[dataset.name] ?? [:]).values.map {
                (key: $0.key, exportedAt: ChangeKey($0.key)?.exportedAt, rowsRead: $0.rowsRead, dropped: $0.dropped,
                 distinct: $0.counts.distinct)
            }
            let rows = (s.tables[dataset.name] ?? [:]).values.map { (changeKey: $0.changeKey, raw: $0.raw) }
            return DatasetQuality.reading(files: files, rows: rows, knowsCluster: { s.clusters[$0] != nil },
                                          isPlaced: { s.placement(of: $0).0 != nil })
        }
    }
}
