import FleetTicketsCore
import Foundation

/// A small dataset with a known answer for every quality figure (`DatasetQuality`), loaded
/// through the real ingest into any store, and the thresholds judged on it, so the hermetic
/// suite (in memory) and the live one (PostgreSQL) check the same outcomes.
///
/// The files (INC, EAT):
/// - 2026-06-14 09:00 (the day before, never counted in the day figures): `P1` open without a
///   cluster, its `closed_at` unparseable; an alarm.
/// - 2026-06-15 09:00: `A1` (Kasarani, a known cluster) twice (the first superseded), `A2` open
///   without a cluster, `A3` closed in `Atlantis` (a cluster the gazetteer cached as a miss),
///   `A4` (Kasarani) whose `first_seen_at` and `scheduled_at` do not parse, an alarm, a row
///   without a ticket id.
/// - 2026-06-15 10:00: `A5` open in `Atlantis`, seen at 10:00; `A1` again, unchanged; the
///   export's sentinel row.
///
/// At 10:30 EAT the last EAT day is 2026-06-15: ``expected``.
/// Not safe to share between tasks: it drives one dataset of one store step by step.
public struct QualityScenario {
    /// The store under test: ingest, gazetteer, run log and status.
    public let store: any TicketStore & TicketStoreStatus & GazetteerStore & IngestRunLog
    /// The dataset loaded (its table, ledger and `changes/` must start empty).
    public let dataset: Dataset

    /// A scenario on `dataset` of `store`.
    public init(store: any TicketStore & TicketStoreStatus & GazetteerStore & IngestRunLog, dataset: Dataset = .inc) {
        self.store = store
        self.dataset = dataset
    }

    /// The moment the figures are read at: 2026-06-15 10:30 EAT.
    public static let now = EAT.date(year: 2026, month: 6, day: 15, hour: 10, minute: 30)

    /// The figures at ``now``.
    public static let expected = DatasetQuality(
        day: "2026-06-15", newestLastSeenAt: EAT.date(year: 2026, month: 6, day: 15, hour: 10), contentLagSeconds: 1800,
        rowsRead: 10, rows: 5, rowsWithoutCluster: 1, rowsWithUnknownCluster: 2, unparsedTimestamps: 2,
        unparsedByColumn: ["first_seen_at": 1, "scheduled_at": 1], dropped: ["alarm": 1, "missing_ticket_id": 1, "sentinel": 1, "superseded": 1],
        open: 5, openWithoutPosition: 3)

    /// Thresholds every figure of ``expected`` meets exactly (a limit is a maximum, inclusive).
    public static let met = QualityThresholds(
        maxContentLag: 20 * 60, maxWithoutCluster: .count(1), maxUnknownCluster: .share(0.4), maxUnparsedTimestamps: .count(2),
        maxOpenWithoutPosition: .share(0.6), maxDropped: [.missingTicketID: .count(1), .alarm: .share(0.2)])

    /// Thresholds each figure of ``expected`` exceeds by one step, and the figure each sentence names.
    public static let exceeded = QualityThresholds(
        maxContentLag: 10 * 60, maxWithoutCluster: .count(0), maxUnknownCluster: .share(0.3), maxUnparsedTimestamps: .count(1),
        maxOpenWithoutPosition: .count(2), maxDropped: [.missingTicketID: .count(0), .alarm: .share(0.05)])

    /// The first sentence of each problem ``exceeded`` gives, in order (what to do follows it).
    public static let exceededSentences = [
        "content_lag_seconds is 1800 (30 min): the newest last_seen_at applied, 2026-06-15 10:00 EAT, is 20 min older than the export of 2026-06-15 10:20 EAT, above the threshold 10 min.",
        "rows_without_cluster is 1 (20.0% of the 5 rows of 2026-06-15 (EAT)), above the threshold 0.",
        "rows_with_unknown_cluster is 2 (40.0% of the 5 rows of 2026-06-15 (EAT)), above the threshold 30%.",
        "unparsed_timestamps is 2 (40.0% of the 5 rows of 2026-06-15 (EAT)), above the threshold 1.",
        "dropped.alarm is 1 (10.0% of the 10 rows read of 2026-06-15 (EAT)), above the threshold 5%.",
        "dropped.missing_ticket_id is 1 (10.0% of the 10 rows read of 2026-06-15 (EAT)), above the threshold 0.",
        "open_without_position is 3 (60.0% of the 5 open tickets), above the threshold 2.",
    ]

    /// Saves the gazetteer's answers and ingests the three files from an in-memory source.
    public func load() async throws {
        try await store.save(clusters: [ClusterAnswer(cluster: "Kasarani", coordinate: Coordinate(latitude: -1.2219, longitude: 36.8967),
                                                      query: "Kasarani, Kenya", provider: "test")])
        try await store.save(clusterMisses: [ClusterMiss(cluster: "Atlantis", query: "Atlantis, Kenya", provider: "test")])
        let source = InMemoryChangeSource()
        let seen = ["last_seen_at": "2026-06-15 09:00:00"]
        source.put(Fixtures.key(dataset, day: 14, hour: 9), text: Fixtures.csv([
            Fixtures.row("P1", cluster: "", extra: ["closed_at": "garbage", "last_seen_at": "2026-06-14 09:00:00"]),
            Fixtures.row("AL0", alarm: true),
        ]))
        source.put(Fixtures.key(dataset, hour: 9), text: Fixtures.csv([
            Fixtures.row("A1", extra: seen.merging(["sla_status": "At risk"]) { $1 }),
            Fixtures.row("A1", extra: seen),
            Fixtures.row("A2", cluster: "", extra: seen),
            Fixtures.row("A3", status: "closed", actionable: false, cluster: "Atlantis", closedAt: "2026-06-15 08:30:00", extra: seen),
            Fixtures.row("A4", extra: seen.merging(["first_seen_at": "not a time", "scheduled_at": "soon"]) { $1 }),
            Fixtures.row("AL1", alarm: true, extra: seen),
            Fixtures.row("", extra: seen),
        ]))
        source.put(Fixtures.key(dataset, hour: 10), text: Fixtures.csv([
            Fixtures.row("A5", cluster: "Atlantis", extra: ["last_seen_at": "2026-06-15 10:00:00"]),
            Fixtures.row("A1", extra: seen),
            Fixtures.row("EXPORT STOPPED: row limit reached"),
        ]))
        let report = await IngestEngine(source: source, store: store).run(dataset, options: IngestOptions(apply: true))
        if let failure = report.failure { throw QualityScenarioError(message: "the scenario's ingest failed: \(failure)") }
    }

    /// The status report at `now` with `thresholds`, listing nothing (the ingest archived every file).
    public func read(_ thresholds: QualityThresholds = QualityThresholds(), now: Date = QualityScenario.now) async throws -> HealthReport {
        try await StatusReader(store: store, runs: store, source: .listing(InMemoryChangeSource()),
                               check: HealthCheck(quality: thresholds), clock: WallClock { now }).read([dataset])
    }

    /// Loads the files, then checks the figures, the thresholds met and exceeded, and content
    /// from the future. Returns what did not hold, one sentence each: empty when all held.
    public func run() async throws -> [String] {
        var wrong: [String] = []
        func check(_ ok: Bool, _ what: @autoclosure () -> String) { if !ok { wrong.append(what()) } }
        try await load()

        let plain = try await read()
        check(plain.datasets.first?.quality == Self.expected,
              "the figures are the known answer:\n  got      \(String(describing: plain.datasets.first?.quality))\n  expected \(Self.expected)")
        check(plain.problems.isEmpty && plain.exitCode == 0, "without thresholds the dataset is healthy: \(plain.problems)")

        let met = try await read(Self.met)
        check(met.problems.isEmpty && met.exitCode == 0, "thresholds met exactly pass: \(met.problems)")

        let exceeded = try await read(Self.exceeded)
        check(exceeded.problems.allSatisfy { $0.kind == .quality } && exceeded.exitCode == 4,
              "exceeded thresholds are quality problems, exit 4: \(exceeded.problems) exit \(exceeded.exitCode)")
        let messages = exceeded.problems.map(\.message)
        check(messages.count == Self.exceededSentences.count && zip(messages, Self.exceededSentences).allSatisfy { $0.hasPrefix($1) },
              "each sentence names the figure, its value and the threshold:\n  got      \(exceeded.problems.map(\.message))\n  expected \(Self.exceededSentences)")
        check(exceeded.problems.first.map { "\($0)".hasPrefix("\(dataset.name): QUALITY: content_lag_seconds is 1800") } ?? false,
              "the line starts with the dataset and QUALITY: \(exceeded.problems.first.map { "\($0)" } ?? "none")")

        // 09:30: the newest last_seen_at (10:00) is 30 min ahead, which no setting excuses.
        let ahead = try await read(now: EAT.date(year: 2026, month: 6, day: 15, hour: 9, minute: 30))
        check(ahead.problems.map(\.kind) == [.quality] && ahead.exitCode == 4
              && ahead.problems.first?.message.hasPrefix("content_lag_seconds is -1800: ") == true,
              "content from the future is a problem without thresholds: \(ahead.problems)")
        return wrong
    }
}

/// The scenario could not load its files.
public struct QualityScenarioError: Error, CustomStringConvertible {
    /// What failed.
    public var message: String
    /// The message.
    public var description: String { message }
}
