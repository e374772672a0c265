import FleetTicketsCore
import Foundation
import Logging
import Testing
@testable import FleetTicketsS3

/// The local S3 server the live tests talk to, configured from the environment.
///
/// `FLEETTICKETS_TEST_S3_ENDPOINT` is the server's URL (`scripts/local-s3.sh start` prints it).
/// When it is unset the live suites are skipped, with the reason, on a developer's machine,
/// and fail with an explanation in CI (`CI` set), where skipping would hide a broken set-up.
/// `FLEETTICKETS_TEST_S3_ACCESS_KEY` / `_SECRET_KEY` override the (for moto, arbitrary) credentials.
enum LiveS3 {
    static let environment = ProcessInfo.processInfo.environment

    static var endpoint: String? { nonEmpty("FLEETTICKETS_TEST_S3_ENDPOINT") }

    static var isCI: Bool {
        guard let value = nonEmpty("CI")?.lowercased() else { return false }
        return value != "0" && value != "false"
    }

    /// Live suites run when an endpoint is set, and in CI (where a missing endpoint fails them).
    static var isEnabled: Bool { endpoint != nil || isCI }

    static let skipReason: Comment =
        "no local S3: run `export FLEETTICKETS_TEST_S3_ENDPOINT=$(scripts/local-s3.sh start)` first (CI requires it)"

    struct MissingEndpoint: Error, CustomStringConvertible {
        var description: String {
            "FLEETTICKETS_TEST_S3_ENDPOINT is not set, and CI is, so the S3 integration tests cannot be skipped. "
                + "The test script must start a local S3 server (`scripts/local-s3.sh start` prints its URL) and export it."
        }
    }

    static let logger: Logger = {
        var logger = Logger(label: "fleettickets.s3.tests")
        logger.logLevel = .warning
        return logger
    }()

    static func configuration(bucket: String) throws -> S3Configuration {
        guard let endpoint else { throw MissingEndpoint() }
        var configuration = try S3Configuration(
            endpoint: endpoint,
            accessKey: nonEmpty("FLEETTICKETS_TEST_S3_ACCESS_KEY") ?? "fleettickets-test",
            secretKey: nonEmpty("FLEETTICKETS_TEST_S3_SECRET_KEY") ?? "fleettickets-test-secret",
            bucket: bucket)
        configuration.maxRetries = 2
        return configuration
    }

    /// A client for a new, empty bucket of its own (named after `label`).
    static func freshBucket(_ label: String) async throws -> S3Client {
        let bucket = "ft-\(label)-\(UUID().uuidString.prefix(8).lowercased())"
        let client = S3Client(configuration: try configuration(bucket: bucket), logger: logger)
        try await client.createBucket()
        return client
    }

    private static func nonEmpty(_ name: String) -> String? {
        guard let value = environment[name], !value.isEmpty else { return nil }
        return value
    }
}

/// Deterministic, non-repeating-looking test bytes.
func patternBytes(count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
    var state = seed
    return (0..<count).map { _ in
        state ^= state << 13
        state ^= state >> 7
        state ^= state << 17
        return UInt8(truncatingIfNeeded: state)
    }
}

/// Seconds since `start`, for timing notes in the test output.
func secondsSince(_ start: ContinuousClock.Instant) -> String {
    let elapsed = start.duration(to: .now)
    return String(format: "%.2f s", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
}
