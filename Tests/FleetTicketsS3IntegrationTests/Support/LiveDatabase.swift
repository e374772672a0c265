import FleetTicketsPostgres
import Foundation
import Testing

/// The PostgreSQL + PostGIS server the bucket-to-database tests write to, from the environment
/// scripts/test.sh sets (`FLEETTICKETS_TEST_DATABASE_URL`, an admin URL on the test server).
///
/// A small copy of the integration suite's `Integration.freshDatabase()` (test targets cannot
/// share files). Suites that need both services use ``bothServicesEnabled``: they run when the
/// S3 endpoint and the database URL are set, and in CI (where a missing one fails them).
enum LiveDatabase {
    static var adminURL: String? {
        guard let value = ProcessInfo.processInfo.environment["FLEETTICKETS_TEST_DATABASE_URL"], !value.isEmpty else { return nil }
        return value
    }

    /// Both services configured, or CI (where a missing one is an error, not a skip).
    static var bothServicesEnabled: Bool { (LiveS3.endpoint != nil && adminURL != nil) || LiveS3.isCI }

    static let skipReason: Comment =
        "needs a local S3 and PostGIS: run scripts/test.sh (it exports FLEETTICKETS_TEST_S3_ENDPOINT and FLEETTICKETS_TEST_DATABASE_URL)"

    struct MissingDatabase: Error, CustomStringConvertible {
        var description: String {
            "FLEETTICKETS_TEST_DATABASE_URL is not set, and CI is, so the bucket-to-database tests cannot be skipped. "
                + "The test script must start the local PostGIS (`scripts/local-postgis.sh start`) and export it."
        }
    }

    /// The URL of another database on the same server.
    static func url(database: String) throws -> String {
        guard let base = adminURL, let slash = base.lastIndex(of: "/") else { throw MissingDatabase() }
        return String(base[..<slash]) + "/" + database
    }

    /// Migrated once per test process, then copied per test. Its own name, so that it never
    /// races the integration suite's template in the same process.
    private static let template: Result<String, any Error> = Result {
        let name = "ft_t_template_s3"
        let admin = try PostgresConnection(url: try url(database: "postgres"), logger: LiveS3.logger)
        defer { admin.close() }
        try admin.execute("DROP DATABASE IF EXISTS \(name)", purpose: "drop the old S3-suite template")
        try admin.execute("CREATE DATABASE \(name)", purpose: "create the S3-suite template")
        _ = try MigrationRunner(url: try url(database: name), logger: LiveS3.logger).run()
        return name
    }

    /// A new, migrated database of its own for one test; returns its URL.
    static func freshDatabase() throws -> String {
        let name = "ft_t_" + UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: "")
        let admin = try PostgresConnection(url: try url(database: "postgres"), logger: LiveS3.logger)
        defer { admin.close() }
        try admin.execute("CREATE DATABASE \(name) TEMPLATE \(try template.get())", purpose: "copy the S3-suite template")
        return try url(database: name)
    }
}
