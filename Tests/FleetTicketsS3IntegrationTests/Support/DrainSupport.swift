import FleetTicketsCore
import FleetTicketsHTTP
import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Logging
import Synchronization
import Testing
@testable import FleetTicketsS3

/// Helpers for the tests that drain a bucket into PostgreSQL.
enum Drain {
    /// The engine's logger: the warnings these tests provoke on purpose (stray and late keys,
    /// failed moves) are asserted from the report instead of printed.
    static let engineLogger: Logger = {
        var logger = Logger(label: "fleettickets.s3.tests.engine")
        logger.logLevel = .critical
        return logger
    }()

    /// Runs the engine once.
    static func run(_ source: any ChangeSource, into store: any TicketStore, _ dataset: Dataset,
                    _ options: IngestOptions = IngestOptions(apply: true)) async -> IngestReport {
        await IngestEngine(source: source, store: store, logger: engineLogger).run(dataset, options: options)
    }

    /// Uploads objects with `tasks` concurrent uploaders.
    static func upload(_ objects: [(key: String, bytes: [UInt8])], to client: S3Client, tasks: Int = 4) async throws {
        let queue = UploadQueue(objects)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, tasks) {
                group.addTask {
                    while let object = queue.next() { try await client.putObject(object.key, bytes: object.bytes) }
                }
            }
            try await group.waitForAll()
        }
    }

    /// Every key under `prefix`, sorted (read straight from the server, not through a proxy).
    static func keys(_ client: S3Client, _ prefix: String) async throws -> [String] {
        try await client.listObjects(prefix: prefix).map(\.key).sorted()
    }

    /// A simulated stream's files with their bytes, oldest first.
    static func files(of simulator: StreamSimulator, _ dataset: Dataset) -> [(key: String, bytes: [UInt8])] {
        simulator.files(for: dataset).map { ($0.key, simulator.bytes($0, for: dataset)) }
    }

    /// `count` small change files of `dataset`, one per hour from 07:00, each with a new
    /// ticket and an update of the previous file's.
    static func fixtureFiles(_ dataset: Dataset, count: Int) -> [(key: String, bytes: [UInt8])] {
        let prefix = dataset.name.uppercased()
        return (0..<count).map { n in
            var rows = [Fixtures.row("\(prefix)\(n)", extra: ["source_snapshot_id": "snap-\(n)"])]
            if n > 0 { rows.append(Fixtures.row("\(prefix)\(n - 1)", status: "closed", actionable: false, closedAt: "2026-06-15 0\(n % 10):00:00")) }
            return (Fixtures.key(dataset, hour: 7 + n), Array(Fixtures.csv(rows).utf8))
        }
    }

    /// How often the ledger recorded a key: (rows, applications) — (0, nil) when absent.
    static func ledger(_ databaseURL: String, _ dataset: Dataset, key: String) throws -> (rows: Int, applications: Int?) {
        let db = try PostgresConnection(url: databaseURL, logger: LiveS3.logger)
        defer { db.close() }
        let result = try db.execute("SELECT count(*), max(applications) FROM tickets.ingest_ledger WHERE dataset = $1 AND key = $2",
                                    [dataset.name, key], purpose: "read the ledger row of \(key)")
        return (Int(result[0, 0] ?? "0") ?? 0, result[0, 1].flatMap { Int($0) })
    }

    /// Records every ticket that differs between two stores' views of a dataset.
    static func expectSameTickets(_ actual: [String: RawRecord], _ expected: [String: RawRecord], _ what: String,
                                  sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(actual.count == expected.count, "\(what): ticket count", sourceLocation: sourceLocation)
        var differing = 0
        for (id, raw) in expected.sorted(by: { $0.key < $1.key }) where actual[id] != raw {
            differing += 1
            if differing <= 5 {
                Issue.record("\(what): \(id) differs: \(actual[id]?.jsonText ?? "missing") vs \(raw.jsonText)", sourceLocation: sourceLocation)
            }
        }
        #expect(differing == 0, "\(what): \(differing) tickets differ", sourceLocation: sourceLocation)
    }

    /// A client for the bucket at `endpoint` (e.g. a fault proxy) with quick retries, so
    /// fault tests do not sit in production backoff.
    static func quickClient(bucket: String, endpoint: String, maxRetries: Int = 3) throws -> S3Client {
        var configuration = try LiveS3.configuration(bucket: bucket)
        configuration.endpoint = endpoint
        configuration.maxRetries = maxRetries
        return S3Client(configuration: configuration, logger: LiveS3.logger, clock: ContinuousClock(),
                        retryPolicy: HTTPRetryPolicy(maxRetries: maxRetries, baseDelay: .milliseconds(5), maxDelay: .milliseconds(40)))
    }
}

/// Hands out the next object to upload, across tasks.
private final class UploadQueue: Sendable {
    private let objects: [(key: String, bytes: [UInt8])]
    private let cursor = Mutex(0)

    init(_ objects: [(key: String, bytes: [UInt8])]) { self.objects = objects }

    func next() -> (key: String, bytes: [UInt8])? {
        cursor.withLock { index in
            guard index < objects.count else { return nil }
            defer { index += 1 }
            return objects[index]
        }
    }
}
