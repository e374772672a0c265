import Foundation
import Logging

/// Records ingest runs in a run log, by one policy for every caller: the engine hands it each
/// finished run (`IngestEngine.recorder`), so a one-shot ingest and the worker record alike.
///
/// The policy:
/// - Dry runs are never recorded: they write nothing anywhere.
/// - A run is recorded when it applied files, failed, found the dataset busy or only retried
///   an archive move (`IngestRun.isWorthRecording`); a run with nothing new records nothing
///   (an idle worker writes nothing).
/// - A busy dataset is recorded when the busy spell starts, not at every run of it (a worker
///   would otherwise record the same held lock once a minute).
/// - A record the log cannot take (the database was the failure) is kept, up to
///   `pendingLimit`, and written before the next record once a log answers; the oldest are
///   dropped first. A process that exits first loses them.
///
/// One recorder per process (or per worker) keeps the busy spells and the kept records; it is
/// an actor, safe to share between engines and tasks.
///
/// ```swift
/// var engine = IngestEngine(source: source, store: store, logger: logger)
/// engine.recorder = RunRecorder(mode: .cli, log: store, logger: logger)
/// let report = await engine.run(.inc, options: IngestOptions(apply: true))   // recorded
/// ```
public actor RunRecorder {
    /// Who runs: the command line or the worker.
    public let mode: IngestRun.Mode
    /// Records kept at most while no log takes them.
    public let pendingLimit: Int
    private let logger: Logger
    private var log: (any IngestRunLog)?
    private var pending: [IngestRun] = []
    private var busy: Set<String> = []
    private var flushing = false

    /// A recorder writing to `log` (nil: none yet; records are kept until ``use(_:)`` gives one).
    public init(mode: IngestRun.Mode, log: (any IngestRunLog)? = nil, pendingLimit: Int = 50,
                logger: Logger = Logger(label: "fleettickets.runs", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.mode = mode
        self.log = log
        self.pendingLimit = max(1, pendingLimit)
        self.logger = logger
    }

    /// Writes to `log` from now on (nil: no log, e.g. the database could not be opened), and
    /// writes the records kept meanwhile, oldest first.
    public func use(_ log: (any IngestRunLog)?) async {
        self.log = log
        await flush()
    }

    /// Records the run `report` describes, when the policy says it is worth a record.
    /// - Returns: the record, or nil when the run is not recorded. A record the log could not
    ///   take is returned too (it is kept and written later).
    @discardableResult
    public func record(_ report: IngestReport, finishedAt: Date) async -> IngestRun? {
        guard report.mode == .apply else { return nil }
        let spellContinues = report.busy && busy.contains(report.dataset)
        if report.busy { busy.insert(report.dataset) } else { busy.remove(report.dataset) }
        guard IngestRun.isWorthRecording(report), !spellContinues else { return nil }
        let run = IngestRun(report, mode: mode, finishedAt: finishedAt)
        pending.append(run)
        trim()
        await flush()
        return run
    }

    /// Records not written yet, oldest first.
    public var unwritten: [IngestRun] { pending }

    /// Writes the kept records, oldest first, until the log refuses one. One flush at a time:
    /// a record arriving meanwhile joins the queue the running flush drains.
    private func flush() async {
        guard let log, !flushing else { return }
        flushing = true
        defer { flushing = false }
        while !pending.isEmpty {
            let run = pending.removeFirst()
            do {
                try await log.record(run)
            } catch {
                pending.insert(run, at: 0)
                trim()
                logger.warning("could not record the run; it is kept and written once the run log answers",
                               metadata: ["dataset": "\(run.dataset)", "outcome": "\(run.outcome.rawValue)", "error": "\(error)"])
                return
            }
        }
    }

    private func trim() {
        if pending.count > pendingLimit { pending.removeFirst(pending.count - pendingLimit) }
    }
}
