/// How the long-running worker (`fleettickets run`) paces itself.
///
/// The configurable fields default to `SettingDefaults` (`FleetTicketsSettings.worker` fills
/// them from configuration); the others are fixed policy with their reasons beside them.
public struct WorkerSettings: Sendable {
    /// Time from the start of one tick to the start of the next.
    public var every: Duration
    /// The datasets drained each tick, in this order.
    public var datasets: [Dataset]
    /// Provider requests per tick for geocoding new places (clusters first, then locations);
    /// 0: no geocoding. Without a geocoder the worker does not geocode whatever this says.
    public var geocodeBudget: Int
    /// The longest wait after repeated dependency failures: each failing tick doubles the wait
    /// from `every`, up to this; a good tick resets it.
    public var maxBackoff: Duration
    /// How each dataset is drained (always applying: a worker that dry-runs would do nothing).
    public var ingest: IngestOptions
    /// Failed run records kept while the database is unreachable, written once it is back.
    public var pendingRecordLimit: Int
    /// Provider requests per geocoding round: a stop waits for at most one round (at a
    /// provider's 1–2 requests a second, well inside a container's grace period).
    public var geocodeRound: Int

    /// Settings; the defaults are `SettingDefaults`' and `fleettickets run`'s.
    public init(every: Duration = SettingDefaults.workerInterval, datasets: [Dataset] = SettingDefaults.datasets,
                geocodeBudget: Int = SettingDefaults.geocodeBudget,
                maxBackoff: Duration = .seconds(600), ingest: IngestOptions = IngestOptions(apply: true),
                pendingRecordLimit: Int = 50, geocodeRound: Int = 20) {
        self.every = every
        self.datasets = datasets
        self.geocodeBudget = geocodeBudget
        self.maxBackoff = maxBackoff
        self.ingest = ingest
        self.pendingRecordLimit = pendingRecordLimit
        self.geocodeRound = geocodeRound
    }

    /// The wait before retrying after `failures` consecutive failing ticks (0: the normal interval).
    public func delay(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return every }
        var wait = every
        for _ in 0..<min(failures, 32) {
            wait = wait * 2
            if wait >= maxBackoff { return max(maxBackoff, every) }
        }
        return wait
    }
}

/// What the worker connects to. Opened when the worker starts and again after a dependency
/// failure (a database that went away needs a new connection), closed when it is replaced.
public struct WorkerServices: Sendable {
    /// Where tickets are applied.
    public var store: any TicketStore
    /// Where runs are recorded; nil records nothing.
    public var runs: (any IngestRunLog)?
    /// The gazetteer for geocoding; nil: no geocoding.
    public var gazetteer: (any GazetteerStore)?
    /// Releases the connections.
    public var close: @Sendable () -> Void

    /// Services opened by the caller; `close` releases them.
    public init(store: any TicketStore, runs: (any IngestRunLog)?, gazetteer: (any GazetteerStore)?, close: @escaping @Sendable () -> Void = {}) {
        self.store = store
        self.runs = runs
        self.gazetteer = gazetteer
        self.close = close
    }
}

/// A dataset the worker stopped draining after a data error, until the file that caused it
/// changes or disappears from `changes/` (or the worker restarts).
public struct ParkedDataset: Sendable, Hashable {
    /// The file that could not be applied.
    public var key: String?
    /// Its ETag when it failed: a new upload of the same key unparks the dataset.
    public var etag: String?
    /// Its size when it failed (for sources without ETags).
    public var size: Int64?
    /// The error sentence.
    public var message: String
}

/// One tick of the worker, for observers (tests, an embedding service's metrics).
public struct WorkerTick: Sendable {
    /// 1 for the first tick.
    public var number: Int
    /// The runs of the datasets that were due, in order (idle runs included).
    public var reports: [IngestReport]
    /// Datasets parked after this tick, by name.
    public var parked: [String: ParkedDataset]
    /// Geocoding this tick, when it ran (clusters, then locations).
    public var geocode: [GeocodeReport]
    /// How long the worker will sleep before the next tick.
    public var nextIn: Duration
    /// Consecutive failing ticks per dataset name (0 after a good one).
    public var failures: [String: Int]
}
