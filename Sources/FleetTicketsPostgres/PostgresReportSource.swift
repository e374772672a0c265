import FleetTicketsCore
import Foundation
import Logging

/// The report's values from PostgreSQL: headline figures, map marks and cluster labels from
/// `reporting.fn_report_snapshot`, trend series and team tables from an `AnalyticsReader`
/// (`PostgresAnalyticsReader`: `reporting.fn_trends`, `reporting.fn_team_closures`), and the
/// quality figures `status` shows (`DatasetQualityQuery`).
///
/// Safe to call from many tasks at once: each call borrows a connection of a pool (its own,
/// or one shared with the store and the other readers) and runs its query off Swift's
/// cooperative threads; the per-dataset analytics run concurrently.
///
/// ```swift
/// let source = PostgresReportSource(pool: pool)  // or PostgresReportSource(url: databaseURL)
/// let input = try await source.reportInput(ReportRequest(datasets: .all, from: "2026-11-01", to: "2026-11-30"))
/// try ReportPage.html(for: input).write(toFile: "report.html", atomically: true, encoding: .utf8)
/// ```
public final class PostgresReportSource: ReportSource {
    private let pool: PostgresConnectionPool
    /// The source opened `pool` (URL constructors) and closes it; a shared one is its owner's.
    private let ownsPool: Bool
    private let analytics: any AnalyticsReader

    /// A source reading the database at `url` (a libpq URI; its password never reaches logs or
    /// errors) with a pool of its own of at most `maxConnections` connections, and trends and
    /// teams from `analytics`. Never blocks: connections open when first needed.
    public init(
        url: String, analytics: any AnalyticsReader, maxConnections: Int = 2,
        logger: Logger = Logger(label: "fleettickets.report", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        pool = PostgresConnectionPool(url: url, maxConnections: maxConnections, name: "report", logger: logger)
        ownsPool = true
        self.analytics = analytics
    }

    /// A source reading everything, trends and teams included (`PostgresAnalyticsReader`), from
    /// the database at `url` over one pool of its own of at most `maxConnections` connections
    /// (four: the snapshot, then each dataset's trends and teams at once). Never blocks.
    public convenience init(
        url: String, maxConnections: Int = 4,
        logger: Logger = Logger(label: "fleettickets.report", factory: { _ in SwiftLogNoOpLogHandler() })
    ) {
        let pool = PostgresConnectionPool(url: url, maxConnections: maxConnections, name: "report", logger: logger)
        self.init(pool: pool, owned: true, analytics: PostgresAnalyticsReader(pool: pool))
    }

    /// A source on connections of `pool`, shared with the store and other readers, with trends
    /// and teams from `analytics` (by default a `PostgresAnalyticsReader` on the same pool).
    /// Never blocks; `close()` leaves the pool open, for its owner to close.
    public convenience init(pool: PostgresConnectionPool, analytics: (any AnalyticsReader)? = nil) {
        self.init(pool: pool, owned: false, analytics: analytics ?? PostgresAnalyticsReader(pool: pool))
    }

    private init(pool: PostgresConnectionPool, owned: Bool, analytics: any AnalyticsReader) {
        self.pool = pool
        self.ownsPool = owned
        self.analytics = analytics
    }

    /// Closes the source's own pool (also done when the source is released); a shared pool stays open.
    public func close() { if ownsPool { pool.close() } }

    /// Reads the snapshot, then the trends and team tables of each of its datasets over the
    /// snapshot's range (the defaults resolved by the database, so "today" is the server's EAT day).
    /// When that range holds none of the newest data, `ReportRangeChoice` (FleetTicketsCore)
    /// decides: a default range is read again ending at the newest data, a given one stays;
    /// either way with a notice.
    /// - Throws: `PostgresError`: code `.unexpectedAnswer` when the snapshot's answer does not
    ///   decode, another code when the database cannot be read.
    public func reportInput(_ request: ReportRequest) async throws -> ReportInput {
        let first = try await self.snapshot(request)
        let choice = ReportRangeChoice.choose(request: request, resolvedFrom: first.from, resolvedTo: first.to,
                                              newest: ReportRangeChoice.newestDay(of: first.datasets))
        let snapshot = choice.from == first.from && choice.to == first.to
            ? first : try await self.snapshot(ReportRequest(datasets: request.datasets, from: choice.from, to: choice.to))
        let grain = ReportRange.grain(from: snapshot.from, to: snapshot.to)
        let names = snapshot.datasets.map(\.dataset)
        // Trends, teams and quality of every dataset at once; reassembled in display order.
        enum Part: Sendable { case trend(String, TrendReport), team(String, TeamClosureReport), quality(String, DatasetQuality) }
        var trends: [String: TrendReport] = [:], teams: [String: TeamClosureReport] = [:], quality: [String: DatasetQuality] = [:]
        try await withThrowingTaskGroup(of: Part.self) { group in
            for name in names {
                group.addTask { [analytics] in
                    .trend(name, try await analytics.trends(TrendQuery(dataset: name, from: snapshot.from, to: snapshot.to, grain: grain)))
                }
                group.addTask { [analytics] in
                    .team(name, try await analytics.teamClosures(TeamClosureQuery(dataset: name, from: snapshot.from, to: snapshot.to)))
                }
            }
            for dataset in Dataset.all where names.contains(dataset.name) {
                group.addTask { [pool] in
                    .quality(dataset.name, try await pool.withConnection { db in try DatasetQualityQuery.read(dataset, on: db) }
                        .measured(at: snapshot.generatedAt))
                }
            }
            for try await part in group {
                switch part {
                case let .trend(name, trend): trends[name] = trend
                case let .team(name, team): teams[name] = team
                case let .quality(name, figures): quality[name] = figures
                }
            }
        }
        return ReportInput(
            range: ReportRange(from: snapshot.from, to: snapshot.to, grain: grain), generatedAt: snapshot.generatedAt,
            headlines: snapshot.datasets, trends: names.compactMap { trends[$0] }, teams: names.compactMap { teams[$0] },
            map: ReportMap(marks: snapshot.marks, clusters: snapshot.clusters), notice: choice.notice, quality: quality)
    }

    /// What `reporting.fn_report_snapshot` returns.
    struct Snapshot: Decodable, Sendable {
        var from: String
        var to: String
        var generatedAt: Date
        var datasets: [HeadlineFigures]
        var marks: [MapMark]
        var clusters: [ClusterLabel]

        enum CodingKeys: String, CodingKey {
            case from, to, datasets, marks, clusters
            case generatedAt = "generated_at"
        }
    }

    func snapshot(_ request: ReportRequest) async throws -> Snapshot {
        let purpose = "read the report snapshot (reporting.fn_report_snapshot)"
        let (text, endpoint) = try await pool.withConnection { db in
            (try db.scalar("SELECT reporting.fn_report_snapshot($1, $2::date, $3::date)::text",
                           [request.datasets.rawValue, request.from, request.to], purpose: purpose), db.endpoint)
        }
        return try PostgresError.decodingAnswer(text, of: "reporting.fn_report_snapshot", purpose: purpose, endpoint: endpoint) {
            try Self.decoder.decode(Snapshot.self, from: $0)
        }
    }

    /// Timestamps come as ISO 8601 with or without fractional seconds (`tickets.json_ts`).
    /// Also reads the quality figures (`DatasetQualityQuery`).
    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let text = try decoder.singleValueContainer().decode(String.self)
            let precise = ISO8601DateFormatter()
            precise.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            if let date = precise.date(from: text) ?? ISO8601DateFormatter().date(from: text) { return date }
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an ISO 8601 time: \(text)"))
        }
        return decoder
    }()
}
