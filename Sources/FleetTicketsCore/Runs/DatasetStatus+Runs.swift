import Foundation

extension DatasetStatus {
    /// Fills the last run, the last failed run, the data error still in force and the lock
    /// holder from the run log.
    public mutating func readRuns(from log: any IngestRunLog, dataset: Dataset) async throws {
        let recent = try await log.recentRuns(of: dataset, limit: 50)
        lastRun = recent.first
        lastFailedRun = try await log.lastFailedRun(of: dataset)
        // Busy runs and dependency failures neither cause nor clear a stop; the newest run that
        // got to the files decides.
        stoppedBy = recent.first { $0.outcome == .ok || $0.outcome == .dataError }.flatMap { $0.outcome == .dataError ? $0 : nil }
        lockHolder = try await log.lockHolder(of: dataset)
    }

    /// Share of the dataset's tickets with a position (any `geo_source` but `none`), 0…1; nil
    /// when the table is empty.
    public var geocodeCoverage: Double? {
        let total = geoSources.values.reduce(0, +)
        guard total > 0 else { return nil }
        return Double(total - (geoSources["none"] ?? 0)) / Double(total)
    }
}
