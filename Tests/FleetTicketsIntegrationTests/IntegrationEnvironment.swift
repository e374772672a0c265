@testable import FleetTicketsPostgres
import Foundation
import Logging
import Testing

/// The live services the integration suite runs against, from the environment that
/// scripts/test.sh sets. Without them the live suites are skipped on a developer's machine —
/// and in CI (`CI` set) `servicesAreConfiguredInCI` fails, so a missing service is a failure.
enum Integration {
    static let environment = ProcessInfo.processInfo.environment
    /// An admin URL (any database on the test server; `postgres` by default).
    static let adminURL = environment["FLEETTICKETS_TEST_DATABASE_URL"]
    static let s3Endpoint = environment["FLEETTICKETS_TEST_S3_ENDPOINT"]
    static var hasDatabase: Bool { adminURL != nil }
    static let logger: Logger = {
        var logger = Logger(label: "fleettickets.tests")
        logger.logLevel = .warning
        return logger
    }()

    /// The URL of another database on the same server.
    static func url(database: String) -> String {
        let base = adminURL!
        return String(base[..<base.lastIndex(of: "/")!]) + "/" + database
    }

    /// Built once per test process: a database with every migration applied, copied by
    /// `freshDatabase()` (CREATE DATABASE … TEMPLATE is much faster than migrating).
    private static let template: Result<String, any Error> = Result {
        let name = "ft_template"
        let admin = try PostgresConnection(url: adminURL!, logger: logger)
        defer { admin.close() }
        try admin.execute("DROP DATABASE IF EXISTS \(name)", purpose: "drop the old template")
        try admin.execute("CREATE DATABASE \(name)", purpose: "create the template")
        _ = try MigrationRunner(url: url(database: name), logger: logger).run()
        return name
    }

    /// A new database of its own for one test: migrated (from the template) or empty.
    static func freshDatabase(migrated: Bool = true) throws -> String {
        let name = "ft_t_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try PostgresConnection(url: adminURL!, logger: logger)
        defer { admin.close() }
        if migrated {
            try admin.execute("CREATE DATABASE \(name) TEMPLATE \(try template.get())", purpose: "copy the template")
        } else {
            try admin.execute("CREATE DATABASE \(name)", purpose: "create an empty database")
        }
        return url(database: name)
    }
}

@Test func servicesAreConfiguredInCI() {
    guard Integration.environment["CI"] != nil else { return }
    #expect(Integration.adminURL != nil, "CI must run the integration suite: FLEETTICKETS_TEST_DATABASE_URL is not set (run scripts/test.sh)")
    #expect(Integration.s3Endpoint != nil, "CI must run the integration suite: FLEETTICKETS_TEST_S3_ENDPOINT is not set (run scripts/test.sh)")
    #expect(Integration.environment["FLEETTICKETS_TEST_S3_AUTH_ENDPOINT"] != nil,
            "CI must run the signature tests: FLEETTICKETS_TEST_S3_AUTH_ENDPOINT is not set (run scripts/test.sh)")
}
