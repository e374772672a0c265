import FleetTicketsCore
import Foundation
import Testing
@testable import FleetTicketsS3

/// SigV4 against a server that checks signatures: a moto started with
/// `FLEETTICKETS_S3_PORT=25434 FLEETTICKETS_S3_AUTH=1 scripts/local-s3.sh start`, which prints
/// `ACCESS SECRET` before the URL. Export them as FLEETTICKETS_TEST_S3_AUTH_ENDPOINT,
/// FLEETTICKETS_TEST_S3_AUTH_ACCESS_KEY and FLEETTICKETS_TEST_S3_AUTH_SECRET_KEY.
/// Skipped when they are unset. moto checks signatures against the decoded path and query, so
/// keys and prefixes needing percent-encoding (a prefix with `/` is one: it is sent as `%2F`)
/// fail there even with the AWS CLI; they are covered by the unchecked suites only.
@Suite("SigV4 against a signature-checking S3 server", .enabled(if: SignedS3.isConfigured, SignedS3.skipReason))
struct S3SignatureTests {
    @Test func correctCredentialsWorkForEveryOperation() async throws {
        let client = try SignedS3.client(bucket: "ft-signed-\(UUID().uuidString.prefix(8).lowercased())")
        try await client.createBucket()
        let key = "automations/inc/changes/2026-06-15T17-00-00.csv"
        let bytes = Array("ticket_id\nINC1\n".utf8)
        try await client.putObject(key, bytes: bytes, contentType: "text/csv", metadata: ["export-run": "42"])
        try await client.putObject("automations-second.csv", bytes: bytes)
        #expect(try await client.listObjects(prefix: "automations").map(\.key) == ["automations-second.csv", key])
        #expect(try await client.listObjects(prefix: "automations", pageSize: 1).map(\.key) == ["automations-second.csv", key])
        #expect(try await client.getObjectBytes(key) == bytes)
        #expect(try await client.headObject(key).size == Int64(bytes.count))
        #expect(try await client.headObject(key).metadata == ["export-run": "42"])
        try await client.copyObject(key, to: "automations/inc/processed/2026-06-15T17-00-00.csv")
        try await client.deleteObject(key)
        #expect(try await client.listObjects(prefix: "automations").count == 2)
        // DeleteObjects itself (deleteObjects would fall back to DeleteObject on a refusal).
        #expect(try await client.deleteInOneRequest(["automations-second.csv", "automations/inc/processed/2026-06-15T17-00-00.csv"]).isEmpty)
        #expect(try await client.listObjects(prefix: "automations").isEmpty)
    }

    @Test func aWrongSecretNamesTheSecretVariable() async throws {
        let wrong = "definitely-not-the-secret-\(UUID().uuidString)"
        let client = try SignedS3.client(bucket: "ft-any", secret: wrong)
        let error = await #expect(throws: S3Error.self) { _ = try await client.listObjects(prefix: "automations") }
        #expect(error?.status == 403)
        #expect(error?.serverCode == "SignatureDoesNotMatch")
        #expect(error?.code == .accessDenied)
        #expect(error?.hint?.contains("RUSTFS_SECRET_KEY") == true)
        #expect(error?.retries == 0)
        #expect(error.map { "\($0)" }?.contains(wrong) == false)
        #expect(error?.hint?.contains(wrong) == false)
        #expect(error.map { String(reflecting: $0) }?.contains(wrong) == false)
    }

    @Test func anUnknownAccessKeyNamesTheAccessKeyVariable() async throws {
        let client = try SignedS3.client(bucket: "ft-any", access: "AKIAUNKNOWNUNKNOWN00")
        let error = await #expect(throws: S3Error.self) { _ = try await client.listObjects(prefix: "automations") }
        #expect(error?.status == 403)
        #expect(error?.serverCode == "InvalidAccessKeyId")
        #expect(error?.hint?.contains("RUSTFS_ACCESS_KEY") == true)
    }
}

enum SignedS3 {
    static let environment = ProcessInfo.processInfo.environment
    static var endpoint: String? { environment["FLEETTICKETS_TEST_S3_AUTH_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } }
    static var isConfigured: Bool { endpoint != nil }
    static let skipReason: Comment = "no signature-checking S3: see S3SignatureTests' doc comment (FLEETTICKETS_TEST_S3_AUTH_*)"

    static func client(bucket: String, access: String? = nil, secret: String? = nil) throws -> S3Client {
        guard let endpoint,
              let accessKey = access ?? environment["FLEETTICKETS_TEST_S3_AUTH_ACCESS_KEY"],
              let secretKey = secret ?? environment["FLEETTICKETS_TEST_S3_AUTH_SECRET_KEY"] else {
            throw S3ConfigurationError(variable: "FLEETTICKETS_TEST_S3_AUTH_ACCESS_KEY", problem: "and _SECRET_KEY must be set with the endpoint")
        }
        var configuration = try S3Configuration(endpoint: endpoint, accessKey: accessKey, secretKey: secretKey, bucket: bucket)
        configuration.maxRetries = 0
        return S3Client(configuration: configuration, logger: LiveS3.logger)
    }
}
