import FleetTicketsCore
import FleetTicketsPostgres
import FleetTicketsS3
import Foundation
import Logging
import Testing

/// The live PostGIS and local S3 the CLI tests run against (exported by scripts/test.sh).
/// Without them those suites are skipped on a developer's machine and fail in CI.
enum Services {
    static let environment = ProcessInfo.processInfo.environment
    static var adminURL: String? { nonEmpty("FLEETTICKETS_TEST_DATABASE_URL") }
    static var s3Endpoint: String? { nonEmpty("FLEETTICKETS_TEST_S3_ENDPOINT") }
    static var isCI: Bool { nonEmpty("CI").map { $0 != "0" && $0.lowercased() != "false" } ?? false }
    static var databaseEnabled: Bool { adminURL != nil || isCI }
    static var bothEnabled: Bool { (adminURL != nil && s3Endpoint != nil) || isCI }
    static let logger = Logger(label: "fleettickets.cli.tests", factory: { _ in SwiftLogNoOpLogHandler() })

    struct Missing: Error, CustomStringConvertible {
        var what: String
        var description: String { "\(what) is not set and CI is: run the suite through scripts/test.sh" }
    }

    /// A new database migrated by the CLI's own `migrate` (so that command is exercised too).
    static func freshDatabase() async throws -> String {
        guard let admin = adminURL, let slash = admin.lastIndex(of: "/") else { throw Missing(what: "FLEETTICKETS_TEST_DATABASE_URL") }
        let name = "ft_t_cli_" + UUID().uuidString.prefix(8).lowercased()
        try SQL.scalar(admin, "CREATE DATABASE \(name)")
        let url = String(admin[..<slash]) + "/" + name
        let migrated = try await CLI.run(["migrate", "--database-url", url])
        #expect(migrated.status == 0, "migrate: \(migrated.stderr)")
        return url
    }

    /// Settings for the bucket `bucket` on the local S3 server.
    static func bucketEnvironment(_ bucket: String) throws -> [String: String] {
        guard let endpoint = s3Endpoint else { throw Missing(what: "FLEETTICKETS_TEST_S3_ENDPOINT") }
        return ["RUSTFS_ENDPOINT": endpoint, "RUSTFS_ACCESS_KEY": "fleettickets-test", "RUSTFS_SECRET_KEY": "fleettickets-test-secret",
                "TICKETS_BUCKET": bucket]
    }

    /// A client for a new, empty bucket.
    static func freshBucket() async throws -> (S3Client, [String: String]) {
        let name = "ft-cli-\(UUID().uuidString.prefix(8).lowercased())"
        let env = try bucketEnvironment(name)
        let client = S3Client(configuration: try S3Configuration(environment: env), logger: logger)
        try await client.createBucket()
        return (client, env)
    }

    private static func nonEmpty(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }
}

/// Statements the tests run to set up and to look at what the CLI did.
enum SQL {
    /// The first column of the first row, or nil.
    @discardableResult
    static func scalar(_ url: String, _ sql: String, _ params: [String?] = []) throws -> String? {
        let db = try PostgresConnection(url: url, applicationName: "fleettickets-cli-tests", logger: Services.logger)
        defer { db.close() }
        return try db.scalar(sql, params, purpose: "run a test statement")
    }
}
