import Foundation
import Logging
import ServiceLifecycle

/// The long-running worker: drains each dataset, runs its hooks and geocodes new places within
/// a budget, then sleeps until the next tick, until shut down.
///
/// It is a swift-service-lifecycle `Service`: add it to the embedding server's `ServiceGroup`
/// (docs/embedding.md), or call `run(until:)` with a `StopSignal` of your own.
///
/// - A graceful shutdown (the group's, or a requested `StopSignal`) is honoured between
///   files: the file in flight is committed and archived, the dataset lock released, and
///   `run()` returns. A sleep ends at once; geocoding after its current round of requests.
/// - Cancelling the task stops at once: the file in flight is abandoned at its next batch of
///   rows and rolled back (nothing of it is applied or archived), the lock released, and
///   `run()` returns.
/// - A dependency failure (database, bucket, hook) is logged and recorded, the services are
///   reopened, and the dataset is retried after a wait that doubles per failing tick (from
///   `every`, up to `maxBackoff`) and resets after a good one. The worker never gives up.
/// - A data error parks only its dataset (`ParkedDataset`): the others go on. The dataset is
///   retried once the offending file changes (new ETag or size) or leaves `changes/`, or when
///   the worker restarts.
///
/// Sleeps go through `sleepClock`, so tests drive ticks, stops and backoff without waiting
/// (`ImmediateClock`); stamps come from the `WallClock`. One run at a time per worker.
///
/// ```swift
/// let pool = try await PostgresConnectionPool.connect(url: databaseURL, logger: logger)
/// let worker = IngestWorker(source: bucket, connect: {
///     let store = PostgresTicketStore(pool: pool)
///     return WorkerServices(store: store, runs: store, gazetteer: store)
/// }, logger: logger)
/// let group = ServiceGroup(services: [worker], gracefulShutdownSignals: [.sigterm], cancellationSignals: [], logger: logger)
/// try await group.run()
/// ```
public struct IngestWorker<SleepClock: Clock<Duration>>: Sendable {
    /// Where change files come from (one listing per dataset per tick when idle).
    public let source: any ChangeSource
    /// Opens the store, the run log and the gazetteer; called at start and after a dependency failure.
    public let connect: @Sendable () async throws -> WorkerServices
    /// The provider for new places; nil: no geocoding.
    public let geocoder: (any Geocoder)?
    /// Radius, country codes and retry period for geocoding (the budget comes from `settings`).
    public let geocodeSettings: GeocodeSettings
    /// Interval, datasets, budget and backoff.
    public let settings: WorkerSettings
    /// Stamps for reports and run records.
    public let clock: WallClock
    /// What the worker sleeps on between ticks.
    public let sleepClock: SleepClock
    /// Receives the worker's and the engines' events.
    public let logger: Logger
    /// Called after every tick (on the worker's task).
    public var onTick: (@Sendable (WorkerTick) -> Void)?
    /// Where the worker and its engines emit (docs/operations.md, "Metrics").
    public var metrics = FleetTicketsMetrics()

    /// A worker; nothing runs until `run()` or `run(until:)`.
    public init(source: any ChangeSource, connect: @escaping @Sendable () async throws -> WorkerServices,
                geocoder: (any Geocoder)? = nil, geocodeSettings: GeocodeSettings = GeocodeSettings(),
                settings: WorkerSettings = WorkerSettings(), clock: WallClock = .system, sleepClock: SleepClock,
                logger: Logger = Logger(label: "fleettickets.worker", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.source = source
        self.connect = connect
        self.geocoder = geocoder
        self.geocodeSettings = geocodeSettings
        self.settings = settings
        self.clock = clock
        self.sleepClock = sleepClock
        self.logger = logger
    }

    /// Runs ticks until `stop` is requested, the service group (if any) shuts down gracefully,
    /// or the task is cancelled; returns the number of ticks run. A graceful shutdown requests
    /// `stop`, so both end the same way: after the file in flight.
    @discardableResult
    public func run(until stop: StopSignal) async -> Int {
        await withGracefulShutdownHandler {
            await ticks(until: stop)
        } onGracefulShutdown: { [logger] in
            logger.notice("graceful shutdown: finishing the file in flight")
            stop.request()
        }
    }

    /// The one loop behind `run()` and `run(until:)`.
    private func ticks(until stop: StopSignal) async -> Int {
        var state = WorkerState(datasets: settings.datasets,
                                recorder: RunRecorder(mode: .worker, pendingLimit: settings.pendingRecordLimit, logger: logger))
        defer { state.services?.close() }
        logger.notice("worker started", metadata: [
            "every": "\(settings.every)", "datasets": "\(settings.datasets.map(\.name).joined(separator: ","))",
            "geocode_budget": "\(geocodeBudget)",
        ])
        var ticks = 0
        while !stop.isRequested && !Task.isCancelled {
            let started = sleepClock.now
            ticks += 1
            var tick = WorkerTick(number: ticks, reports: [], parked: [:], geocode: [], nextIn: .zero, failures: [:])
            for dataset in settings.datasets where state.due[dataset.name, default: .zero] <= .zero {
                if stop.isRequested || Task.isCancelled { break }
                let failed = await drain(dataset, state: &state, stop: stop, tick: &tick)
                state.failures[dataset.name] = failed ? state.failures[dataset.name, default: 0] + 1 : 0
                state.due[dataset.name] = settings.delay(afterFailures: state.failures[dataset.name, default: 0])
            }
            if Task.isCancelled { break }
            if !stop.isRequested && state.geocodeDue { await geocode(&state, tick: &tick, stop: stop) }
            let worked = started.duration(to: sleepClock.now)
            let nap = max(.zero, (state.due.values.min() ?? settings.every) - worked)
            tick.parked = state.parked
            tick.failures = state.failures
            tick.nextIn = nap
            metrics.ticked(tick, datasets: settings.datasets, exported: state.exported, now: clock.now,
                           geocodeBudget: geocoder.map { ($0.provider, geocodeBudget) })
            onTick?(tick)
            guard await stop.sleep(for: nap, on: sleepClock) else { break }
            for name in state.due.keys { state.due[name]! -= worked + nap }
        }
        logger.notice("worker stopped", metadata: ["ticks": "\(ticks)", "cancelled": "\(Task.isCancelled)"])
        return ticks
    }

    private var geocodeBudget: Int { geocoder == nil ? 0 : max(0, settings.geocodeBudget) }

    /// One dataset's turn; true when it failed on a dependency (the caller backs off).
    private func drain(_ dataset: Dataset, state: inout WorkerState, stop: StopSignal, tick: inout WorkerTick) async -> Bool {
        if let parked = state.parked[dataset.name] {
            switch await stillParked(dataset, parked) {
            case .some(true): return false
            case .some(false):
                logger.notice("the file that stopped the dataset changed or left changes/; draining again",
                              metadata: ["dataset": "\(dataset)", "key": "\(parked.key ?? "-")"])
                state.parked[dataset.name] = nil
            case .none: return true
            }
        }
        let services: WorkerServices
        do {
            services = try await state.openServices(connect)
            await state.recorder.use(services.runs)
        } catch {
            let message = "The worker could not open the database to drain \(dataset): \(Sentences.clause(error)). It retries with backoff; check DATABASE_URL and that the server is up."
            logger.error("could not open the database; retrying with backoff", metadata: ["dataset": "\(dataset)", "error": "\(error)"])
            var report = IngestReport(dataset: dataset.name, mode: .apply, source: source.location, reseed: false, startedAt: clock.now)
            report.failure = IngestFailure(kind: .dependency, key: nil, line: nil, message: message, cause: IngestFailure.Cause(error))
            tick.reports.append(report)
            metrics.finished(report, now: clock.now)
            await state.recorder.use(nil)
            await state.recorder.record(report, finishedAt: clock.now)
            return true
        }
        var engine = IngestEngine(source: source, store: services.store, clock: clock, logger: logger)
        engine.stop = stop
        engine.recorder = state.recorder
        engine.metrics = metrics
        let report = await engine.run(dataset, options: settings.ingest)
        tick.reports.append(report)
        if let exported = FleetTicketsMetrics.exportedAt(report) { state.exported[dataset.name] = exported }
        // Cancelled: the file in flight failed on purpose; no retry and no backoff to plan.
        if Task.isCancelled { return false }
        if !report.files.isEmpty { state.geocodeDue = true }
        log(report, dataset: dataset)
        guard let failure = report.failure else { return false }
        if failure.kind == .data {
            let object = try? await source.list(prefix: dataset.changesPrefix).first { $0.key == failure.key }
            state.parked[dataset.name] = ParkedDataset(key: failure.key, etag: object?.etag, size: object?.size, message: failure.message)
            logger.error("data error: this dataset is parked until the file changes or is removed; the others go on",
                         metadata: ["dataset": "\(dataset)", "key": "\(failure.key ?? "-")", "error": "\(failure.message)"])
            return false
        }
        state.dropServices()
        return true
    }

    /// True while the parked file is still in `changes/` unchanged; nil when the listing failed.
    private func stillParked(_ dataset: Dataset, _ parked: ParkedDataset) async -> Bool? {
        guard let key = parked.key else { return true }
        do {
            guard let object = try await source.list(prefix: dataset.changesPrefix).first(where: { $0.key == key }) else { return false }
            return object.etag == parked.etag && object.size == parked.size
        } catch {
            logger.warning("could not list the parked dataset's files", metadata: ["dataset": "\(dataset)", "error": "\(error)"])
            return nil
        }
    }

    /// Clusters first (a place needs its cluster's centroid), then places, within one budget
    /// per tick, in rounds of `settings.geocodeRound` requests: a stop is honoured between
    /// rounds, and each round saves what it paid for before the next begins.
    private func geocode(_ state: inout WorkerState, tick: inout WorkerTick, stop: StopSignal) async {
        guard let geocoder, geocodeBudget > 0, !state.geocodingDisabled else {
            state.geocodeDue = false
            return
        }
        // Without an open database (it failed this tick) geocoding waits for the next tick.
        guard let services = state.services, let gazetteer = services.gazetteer else { return }
        var left = geocodeBudget
        var asked = 0, hits = 0, more = false
        do {
            while left > 0 && !stop.isRequested && !Task.isCancelled {
                var settings = geocodeSettings
                settings.budget = min(left, max(1, self.settings.geocodeRound))
                let round = settings.budget
                let clusters = try await GeocodeEngine(store: gazetteer, geocoder: geocoder, settings: settings, clock: clock, logger: logger, metrics: metrics)
                    .geocodeClusters(apply: true)
                settings.budget = max(0, round - clusters.asked)
                let locations = try await GeocodeEngine(store: gazetteer, geocoder: geocoder, settings: settings, clock: clock, logger: logger, metrics: metrics)
                    .geocodeLocations(apply: true)
                tick.geocode += [clusters, locations]
                let spent = clusters.asked + locations.asked
                asked += spent
                hits += clusters.hits + locations.hits
                left -= spent
                more = locations.deferred > 0 || clusters.deferred > 0 || locations.failed > 0
                if spent == 0 || !more || locations.stoppedEarly != nil || clusters.stoppedEarly != nil { break }
            }
            state.geocodeDue = more || stop.isRequested
            if asked > 0 { logger.info("geocoded", metadata: ["asked": "\(asked)", "hits": "\(hits)", "more": "\(more)"]) }
        } catch let error as GeocoderError {
            logger.error("geocoding refused; the worker goes on without it until restarted", metadata: ["error": "\(error)"])
            state.geocodeDue = false
            state.geocodingDisabled = true
        } catch {
            logger.warning("geocoding failed; retried next tick", metadata: ["error": "\(error)"])
            state.dropServices()
        }
    }

    private func log(_ report: IngestReport, dataset: Dataset) {
        if report.busy { return }
        if let failure = report.failure, failure.kind == .dependency {
            logger.error("dependency failure; retrying with backoff", metadata: ["dataset": "\(dataset)", "error": "\(failure.message)"])
        } else if !report.files.isEmpty {
            logger.notice("applied", metadata: [
                "dataset": "\(dataset)", "files": "\(report.files.count)", "rows": "\(report.rowsRead)",
                "inserted": "\(report.counts.inserted)", "updated": "\(report.counts.updated)",
                "watermark": "\(report.watermarkAfter ?? "-")", "seconds": "\(String(format: "%.2f", report.seconds))",
            ])
        } else {
            logger.debug("nothing new", metadata: ["dataset": "\(dataset)"])
        }
    }
}

extension IngestWorker where SleepClock == ContinuousClock {
    /// A worker that sleeps on the system's continuous clock.
    public init(source: any ChangeSource, connect: @escaping @Sendable () async throws -> WorkerServices,
                geocoder: (any Geocoder)? = nil, geocodeSettings: GeocodeSettings = GeocodeSettings(),
                settings: WorkerSettings = WorkerSettings(), logger: Logger) {
        self.init(source: source, connect: connect, geocoder: geocoder, geocodeSettings: geocodeSettings,
                  settings: settings, clock: .system, sleepClock: ContinuousClock(), logger: logger)
    }
}

/// What the worker carries from tick to tick.
struct WorkerState {
    var services: WorkerServices?
    /// Time left until each dataset is due (≤ 0: due now).
    var due: [String: Duration]
    var failures: [String: Int] = [:]
    var parked: [String: ParkedDataset] = [:]
    /// The export time of each dataset's newest applied file, as last read: its freshness.
    var exported: [String: Date] = [:]
    /// Records the runs (the engine hands it each one), keeping those the database cannot take yet.
    let recorder: RunRecorder
    /// Geocode at the next chance: at start, after applying files, after deferred or failed requests.
    var geocodeDue = true
    var geocodingDisabled = false

    init(datasets: [Dataset], recorder: RunRecorder) {
        self.recorder = recorder
        due = Dictionary(datasets.map { ($0.name, Duration.zero) }, uniquingKeysWith: { a, _ in a })
    }

    mutating func openServices(_ connect: @Sendable () async throws -> WorkerServices) async throws -> WorkerServices {
        if let services { return services }
        let opened = try await connect()
        services = opened
        return opened
    }

    mutating func dropServices() {
        services?.close()
        services = nil
    }
}
