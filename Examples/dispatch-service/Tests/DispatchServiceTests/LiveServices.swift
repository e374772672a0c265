import FleetTicketsCore
import FleetTicketsPostgres
import FleetTicketsS3
import FleetTicketsTesting
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Logging
import Testing

/// The live PostGIS and local S3 server scripts/test.sh starts and exports. Without them the
/// live suite is skipped on a developer's machine; in CI (`CI` set) ``servicesAreConfiguredInCI``
/// fails instead, so a missing service is never a silent skip there.
enum LiveServices {
    static let environment = ProcessInfo.processInfo.environment
    static var adminURL: String? { nonEmpty("FLEETTICKETS_TEST_DATABASE_URL") }
    static var s3Endpoint: String? { nonEmpty("FLEETTICKETS_TEST_S3_ENDPOINT") }
    static var isCI: Bool { nonEmpty("CI").map { $0 != "0" && $0.lowercased() != "false" } ?? false }
    static var enabled: Bool { (adminURL != nil && s3Endpoint != nil) || isCI }

    struct Missing: Error, CustomStringConvertible {
        var what: String
        var description: String { "\(what) is not set and CI is: run the suite through scripts/test.sh." }
    }

    /// A new, migrated database of its own.
    static func freshDatabase() async throws -> String {
        guard let admin = adminURL, let slash = admin.lastIndex(of: "/") else { throw Missing(what: "FLEETTICKETS_TEST_DATABASE_URL") }
        let name = "ft_t_svc_" + UUID().uuidString.prefix(8).lowercased()
        _ = try await psql(admin, "CREATE DATABASE \(name)")
        let url = String(admin[..<slash]) + "/" + name
        _ = try MigrationRunner(url: url).run()
        return url
    }

    /// A client for a new, empty bucket, and the settings that name it.
    static func freshBucket() async throws -> (S3Client, [String: String]) {
        guard let endpoint = s3Endpoint else { throw Missing(what: "FLEETTICKETS_TEST_S3_ENDPOINT") }
        let env = ["RUSTFS_ENDPOINT": endpoint, "RUSTFS_ACCESS_KEY": "fleettickets-test", "RUSTFS_SECRET_KEY": "fleettickets-test-secret",
                   "TICKETS_BUCKET": "ft-svc-\(UUID().uuidString.prefix(8).lowercased())"]
        let client = S3Client(configuration: try S3Configuration(environment: env),
                              logger: Logger(label: "dispatch-service.tests", factory: { _ in SwiftLogNoOpLogHandler() }))
        try await client.createBucket()
        return (client, env)
    }

    /// One statement through `psql` (the SDK's connection type is not public); its unaligned output.
    static func psql(_ url: String, _ sql: String) async throws -> String {
        let result = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["psql", url, "-v", "ON_ERROR_STOP=1", "-Atqc", sql])
        guard result.status == 0 else { throw SetupFailed(description: "psql: \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func nonEmpty(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }
}

@Test func servicesAreConfiguredInCI() {
    guard LiveServices.isCI else { return }
    #expect(LiveServices.adminURL != nil, "CI must run the live suite: FLEETTICKETS_TEST_DATABASE_URL is not set (run scripts/test.sh)")
    #expect(LiveServices.s3Endpoint != nil, "CI must run the live suite: FLEETTICKETS_TEST_S3_ENDPOINT is not set (run scripts/test.sh)")
}

/// One HTTP request to the running service.
struct HTTPAnswer {
    var status: Int
    var body: String

    static func get(_ url: String) async throws -> HTTPAnswer {
        var request = URLRequest(url: try #require(URL(string: url)))
        request.timeoutInterval = 10
        let (data, response) = try await URLSession.shared.data(for: request)
        return HTTPAnswer(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: String(decoding: data, as: UTF8.self))
    }
}
