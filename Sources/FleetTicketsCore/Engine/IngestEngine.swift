import Foundation
import Logging

/// The change-stream drain: lists, orders, applies each file atomically, archives it
/// after its commit, runs the post-apply hooks and reports.
///
/// The same engine runs in production (S3 + PostgreSQL), in the demo (a folder + PostgreSQL)
/// and in the hermetic tests (memory); implementations of the seams own only their I/O.
///
/// ```swift
/// let engine = IngestEngine(source: LocalFolderChangeSource(root: url), store: InMemoryTicketStore())
/// let report = await engine.run(.inc, options: IngestOptions(apply: true))
/// ```
public struct IngestEngine: Sendable {
    public let source: any ChangeSource
    public let store: any TicketStore
    public let clock: WallClock
    public let logger: Logger
    /// Checked between files: once requested, the run finishes the file in flight (commit and
    /// archive), runs its hooks and returns with `report.stopped` set. Nil: never stops early.
    /// (Cancelling the task stops sooner: the file in flight fails at its next batch of rows
    /// and is rolled back.)
    public var stop: StopSignal?
    /// Told when each file starts and finishes, for a progress display.
    public var progress: ProgressHandler?
    /// Records each finished run (by its policy: applying runs that did work, failed or found
    /// the dataset busy). Nil: runs are not recorded.
    public var recorder: RunRecorder?
    /// Where applying runs count files, rows, failures and freshness (docs/operations.md, "Metrics").
    public var metrics = FleetTicketsMetrics()

    /// The default logger drops everything: pass the service's own to see the engine's events.
    public init(source: any ChangeSource, store: any TicketStore, clock: WallClock = .system,
                logger: Logger = Logger(label: "fleettickets.ingest", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.source = source
        self.store = store
        self.clock = clock
        self.logger = logger
    }

    /// Drains one dataset. Never throws: a failure is in `report.failure`, with everything
    /// committed before it kept and described.
    public func run(_ dataset: Dataset, options: IngestOptions = IngestOptions()) async -> IngestReport {
        let started = ContinuousClock.now
        var report = IngestReport(dataset: dataset.name, mode: options.apply ? .apply : .dryRun,
                                  source: source.location, reseed: options.reseed, startedAt: clock.now)
        do {
            let outcome = try await store.withExclusiveAccess(to: dataset) { [self] in
                var inner = report
                if options.apply {
                    try await drain(dataset, options: options, into: store, report: &inner)
                } else {
                    inner = try await store.rehearse { scratch in
                        var rehearsed = inner
                        try await drain(dataset, options: options, into: scratch, report: &rehearsed)
                        return rehearsed
                    }
                }
                return inner
            }
            if let outcome {
                report = outcome
            } else {
                report.busy = true
                logger.notice("dataset busy: another run holds it", metadata: ["dataset": "\(dataset)"])
            }
        } catch let failure as DrainStopped {
            report = failure.report
        } catch {
            logger.debug("run failed to start", metadata: ["dataset": "\(dataset)", "error": "\(String(reflecting: error))"])
            report.failure = IngestFailure(kind: .dependency, key: nil, line: nil,
                                           message: "Could not start the \(dataset) run; check that the database is reachable and migrated (fleettickets migrate), then rerun. Cause: \(Sentences.clause(error)).",
                                           cause: IngestFailure.Cause(error))
        }
        report.seconds = started.duration(to: .now).seconds
        if options.apply { metrics.finished(report, now: clock.now) }
        await recorder?.record(report, finishedAt: clock.now)
        return report
    }

    /// The body of a run, inside the dataset lock. Throws `DrainStopped` (carrying the report
    /// so far) when a file or a dependency fails.
    private func drain(_ dataset: Dataset, options: IngestOptions, into store: any TicketStore,
                       report: inout IngestReport) async throws {
        let planned: [DrainPlan.PlannedFile]
        do {
            report.watermarkBefore = try await store.watermark(of: dataset)
            report.watermarkAfter = report.watermarkBefore
        } catch {
            // The database, not the source: say so, or the operator checks the wrong thing.
            logger.debug("reading the watermark failed", metadata: ["dataset": "\(dataset)", "error": "\(String(reflecting: error))"])
            report.failure = IngestFailure(kind: .dependency, key: nil, line: nil,
                                           message: "Could not read the \(dataset) watermark from the database; nothing was applied. Check that the database is reachable and migrated (fleettickets migrate), then rerun. Cause: \(Sentences.clause(error)).",
                                           cause: IngestFailure.Cause(error))
            throw DrainStopped(report: report)
        }
        do {
            planned = try await plan(dataset, options: options, store: store, report: &report)
        } catch {
            logger.debug("listing failed", metadata: ["dataset": "\(dataset)", "error": "\(String(reflecting: error))"])
            report.failure = IngestFailure(kind: .dependency, key: nil, line: nil,
                                           message: "Could not list the \(dataset) change files in \(source.location); nothing was applied. Check the source settings and that it is reachable, then rerun. Cause: \(Sentences.clause(error)).",
                                           cause: IngestFailure.Cause(error))
            throw DrainStopped(report: report)
        }
        // A dry run moves nothing; loose files are never archived.
        let archiving = options.apply && options.looseFiles == nil
        var archiver = Archiver(source: source, dataset: dataset, limit: options.archiveConcurrency,
                                batchSize: options.archiveBatchSize, logger: logger)
        if archiving {
            for key in report.archiveRetried { await archiver.start(key) }
        }
        if options.apply { metrics.waiting(planned.count, dataset: dataset) }
        await source.willRead(planned.map(\.object.key), within: options.readAhead)
        let bytesTotal = planned.reduce(Int64(0)) { $0 + $1.object.size }
        var bytesDone: Int64 = 0
        // Each file is opened and its first batch decoded while the store applies the one
        // before, when the budget reads files ahead (UpcomingFile). A file the run does not
        // reach is abandoned before the drain returns: nothing reads it after.
        var upcoming: UpcomingFile?
        for (index, file) in planned.enumerated() {
            if stop?.isRequested == true || Task.isCancelled {
                report.stopped = true
                logger.notice("stop requested: leaving the remaining files for the next run",
                              metadata: ["dataset": "\(dataset)", "remaining": "\(planned.count - index)"])
                break
            }
            let event = ProgressEvent(task: "ingest \(dataset)", unit: "file", step: index + 1, steps: planned.count,
                                      item: file.object.key, bytesDone: bytesDone, bytesTotal: bytesTotal, rowsDone: report.rowsRead)
            let current = upcoming ?? UpcomingFile(file.object.key, source: source, options: options)
            upcoming = options.readAhead.filesAhead > 0 && index + 1 < planned.count
                ? UpcomingFile(planned[index + 1].object.key, source: source, options: options) : nil
            let fileReport: FileReport
            do {
                fileReport = try await apply(file, rows: current, dataset: dataset, options: options, into: store) { tally in
                    var started = event
                    started.tally = tally
                    progress?(started)
                }
            } catch {
                await current.abandon()  // a store that failed before reading all of it
                report.failure = failure(for: error, key: file.object.key, dataset: dataset, apply: options.apply)
                break
            }
            if options.looseFiles == nil {
                report.watermarkAfter = ChangeKey.watermark(report.watermarkAfter, advancedTo: file.object.key)
            }
            logFile(fileReport, dataset: dataset, dryRun: !options.apply)
            report.files.append(fileReport)
            if options.apply {
                metrics.applied(fileReport, dataset: dataset)
                metrics.waiting(planned.count - report.files.count, dataset: dataset)
            }
            bytesDone += file.object.size
            var finished = event
            finished.bytesDone = bytesDone
            finished.rowsDone = report.rowsRead
            finished.finished = true
            progress?(finished)
            if archiving { await archiver.start(file.object.key) }
        }
        await upcoming?.abandon()
        await archiver.finishAll()
        report.archiveFailed = archiver.failures
        for i in report.files.indices { report.files[i].archived = archiver.archived.contains(report.files[i].key) }
        try await runHooks(dataset, apply: options.apply, store: store, report: &report)
        if report.failure != nil { throw DrainStopped(report: report) }
    }

    /// Reads, decodes and applies one file in one store transaction.
    private func apply(_ file: DrainPlan.PlannedFile, rows upcoming: UpcomingFile, dataset: Dataset, options: IngestOptions,
                       into store: any TicketStore, starting: (FileTally) -> Void) async throws -> FileReport {
        let started = ContinuousClock.now
        let key = file.object.key
        // A reseed replays the stream in order, so its rows may replace newer ones; every other
        // file (late, loose, retried) is held by the per-ticket version guard.
        let change = ChangeFile(dataset: dataset, key: key, exportedAt: options.looseFiles == nil ? file.key.exportedAt : nil,
                                bytes: file.object.size, etag: file.object.etag, advancesWatermark: options.looseFiles == nil,
                                rewritesNewer: options.reseed && options.looseFiles == nil)
        let rows = try await upcoming.rows.value
        starting(rows.tally)
        let counts = try await store.apply(change, rows: rows)
        let tally = rows.tally.snapshot
        var report = FileReport(key: key, bytes: tally.bytesRead)
        report.late = file.late
        report.reapplied = file.reapplied
        report.rowsRead = tally.rowsRead
        report.dropped = tally.dropped
        // Rows that reached the store beyond the distinct tickets were superseded by a later row.
        let superseded = tally.rowsKept - counts.distinct
        if superseded > 0 { report.dropped[.superseded] = superseded }
        report.counts = counts
        report.extraColumns = tally.extraColumns
        report.missingColumns = tally.missingColumns
        report.duplicateColumns = tally.duplicateColumns
        for name in tally.duplicateColumns {
            logger.warning("the header names a column twice; the last is kept", metadata: ["key": "\(key)", "column": "\(name)"])
        }
        report.seconds = started.duration(to: .now).seconds
        return report
    }

    private func plan(_ dataset: Dataset, options: IngestOptions, store: any TicketStore,
                      report: inout IngestReport) async throws -> [DrainPlan.PlannedFile] {
        if let loose = options.looseFiles {
            // Loose files: exactly these, in name order; their size is learnt as they are read.
            let name = { (k: String) in k.split(separator: "/").last.map(String.init) ?? k }
            return loose.sorted { (name($0), $0) < (name($1), $1) }.map { key in
                DrainPlan.PlannedFile(object: SourceObject(key: key, size: 0), key: ChangeKey(key) ?? .unnamed, late: false)
            }
        }
        let listing = try await source.list(prefix: dataset.changesPrefix)
        let plan = try await DrainPlan.resolve(listing, dataset: dataset, watermark: report.watermarkBefore, reseed: options.reseed,
                                               includeLate: options.includeLate, reapply: options.reapply, ledger: store)
        report.stray = plan.stray
        report.skipped = plan.skipped
        for entry in plan.skipped {
            logger.warning("skipping an entry that is not a readable change file", metadata: ["key": "\(entry.key)", "reason": "\(entry.reason)"])
        }
        report.late = plan.late
        report.archiveRetried = plan.unarchived
        report.reuploaded = plan.reuploaded
        for file in plan.reuploaded {
            logger.error("re-uploaded file: applied before, back with other bytes; neither applied nor archived (compare, then ingest --reapply KEY --apply, or move it away)",
                         metadata: ["key": "\(file.key)", "applied": "\(file.applied)", "now": "\(file.now)"])
        }
        for key in plan.stray { logger.warning("ignoring a key that is not a change file", metadata: ["key": "\(key)"]) }
        for key in plan.late {
            logger.error("late file: at or before the watermark and never applied; left in place (apply it with --include-late)",
                         metadata: ["key": "\(key)", "watermark": "\(report.watermarkBefore ?? "-")"])
        }
        return plan.toApply
    }

    private func failure(for error: any Error, key: String, dataset: Dataset, apply: Bool) -> IngestFailure {
        let kept = apply ? "Files before it stay applied; nothing of it was" : "Nothing was written (dry run)"
        if let bad = error as? CSVDecodingError {
            return IngestFailure(kind: .data, key: key, line: bad.line > 0 ? bad.line : nil,
                                 message: "The \(dataset) file \(key) cannot be decoded\(bad.line > 0 ? " at line \(bad.line)" : ""): \(bad.reason). \(kept) applied; fix or remove the file, then rerun.",
                                 cause: IngestFailure.Cause(bad))
        }
        if let refused = error as? RejectedData {
            let at = [refused.line.map { "line \($0)" }, refused.ticketID.map { "ticket \($0)" }].compactMap { $0 }.joined(separator: ", ")
            return IngestFailure(kind: .data, key: key, line: refused.line,
                                 message: "The database refused the \(dataset) file \(key)\(at.isEmpty ? "" : " (\(at))"): \(refused.reason). \(kept) applied; fix the file upstream, or move it out of changes/ so the drain can go on, then rerun.",
                                 cause: IngestFailure.Cause(refused))
        }
        if error is CancellationError {
            return IngestFailure(kind: .dependency, key: key, line: nil,
                                 message: "The \(dataset) run was cancelled while applying \(key); \(kept.prefix(1).lowercased() + kept.dropFirst()) applied. The next run applies it.",
                                 cause: IngestFailure.Cause(error))
        }
        logger.debug("file failed", metadata: ["key": "\(key)", "error": "\(String(reflecting: error))"])
        return IngestFailure(kind: .dependency, key: key, line: nil,
                             message: "Applying the \(dataset) file \(key) failed; \(kept.prefix(1).lowercased() + kept.dropFirst()) applied. Rerun once the cause is fixed. Cause: \(Sentences.clause(error)).",
                             cause: IngestFailure.Cause(error))
    }

    private func logFile(_ file: FileReport, dataset: Dataset, dryRun: Bool) {
        logger.info(dryRun ? "would apply" : "applied", metadata: [
            "dataset": "\(dataset)", "key": "\(file.key)", "rows": "\(file.rowsRead)",
            "inserted": "\(file.counts.inserted)", "updated": "\(file.counts.updated)", "unchanged": "\(file.counts.unchanged)",
            "stale": "\(file.counts.stale)",
        ])
    }
}

/// Carries the report out of the lock when a run stops early.
private struct DrainStopped: Error {
    var report: IngestReport
}

extension Duration {
    /// The duration in seconds, as a floating-point number.
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
