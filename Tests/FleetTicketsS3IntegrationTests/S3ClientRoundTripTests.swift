import FleetTicketsCore
import Foundation
import Testing
@testable import FleetTicketsS3

@Suite("S3 client against a local S3 server", .enabled(if: LiveS3.isEnabled, LiveS3.skipReason))
struct S3ClientRoundTripTests {
    @Test func putListGetHeadCopyDeleteRoundTrip() async throws {
        let client = try await LiveS3.freshBucket("roundtrip")
        let key = "automations/inc/changes/2026-06-15T17-00-00.csv"
        let processed = "automations/inc/processed/2026-06-15T17-00-00.csv"
        let bytes = Array("ticket_id,status\nINC0001,open\n".utf8)

        let etag = try await client.putObject(key, bytes: bytes)
        #expect(etag?.isEmpty == false)

        let listed = try await client.listObjects(prefix: "automations/inc/changes/")
        #expect(listed == [SourceObject(key: key, size: Int64(bytes.count), etag: etag)])

        #expect(try await client.getObjectBytes(key) == bytes)

        let info = try await client.headObject(key)
        #expect(info.size == Int64(bytes.count))
        #expect(info.etag == etag)
        #expect(info.contentType == "application/octet-stream")

        try await client.copyObject(key, to: processed)
        #expect(try await client.getObjectBytes(processed) == bytes)

        try await client.deleteObject(key)
        let after = try await client.listObjects(prefix: "automations/inc/")
        #expect(after.map(\.key) == [processed])
    }

    @Test func putReplacesAnExistingObject() async throws {
        let client = try await LiveS3.freshBucket("replace")
        try await client.putObject("a.csv", bytes: Array("first".utf8))
        try await client.putObject("a.csv", bytes: Array("second, longer".utf8))
        #expect(try await client.getObjectBytes("a.csv") == Array("second, longer".utf8))
        #expect(try await client.listObjects(prefix: "").map(\.size) == [14])
    }

    @Test func emptyObjectsRoundTrip() async throws {
        let client = try await LiveS3.freshBucket("empty")
        try await client.putObject("empty.csv", bytes: [])
        #expect(try await client.getObjectBytes("empty.csv") == [])
        #expect(try await client.headObject("empty.csv").size == 0)
    }

    @Test(arguments: [
        "special/with space/a b.csv",
        "special/plus+sign/2026+06+15.csv",
        "special/ünïcödé/Nairobi – 東京 🚚.csv",
        "special/reserved/a&b=c?d#e%20f;g,h:i@j$k!l'm(n)o*p.csv",
        "special/tilde~dash-under_score.dot.csv",
    ])
    func keysNeedingEncodingRoundTrip(key: String) async throws {
        let client = try await LiveS3.freshBucket("keys")
        let bytes = Array("row for \(key)\n".utf8)
        try await client.putObject(key, bytes: bytes)

        let listed = try await client.listObjects(prefix: "special/")
        #expect(listed.map(\.key) == [key])
        // A prefix that itself needs encoding finds it too.
        let prefix = String(key.prefix(key.count - 4))
        #expect(try await client.listObjects(prefix: prefix).map(\.key) == [key])

        #expect(try await client.getObjectBytes(key) == bytes)
        #expect(try await client.headObject(key).size == Int64(bytes.count))

        let copy = key.replacingOccurrences(of: "special/", with: "copied/")
        try await client.copyObject(key, to: copy)
        #expect(try await client.getObjectBytes(copy) == bytes)

        try await client.deleteObject(key)
        #expect(try await client.listObjects(prefix: "special/").isEmpty)
    }

    @Test func missingKeyErrorNamesTheKeyAndBucket() async throws {
        let client = try await LiveS3.freshBucket("missing")
        let key = "automations/inc/changes/2026-01-01T00-00-00.csv"

        let get = await #expect(throws: S3Error.self) { _ = try await client.getObject(key) }
        #expect(get?.status == 404)
        #expect(get?.serverCode == "NoSuchKey")
        #expect(get?.code == .noSuchKey)
        #expect(get?.key == key)
        #expect(get?.isNoSuchKey == true)
        #expect(get?.retries == 0)
        #expect(get.map { "\($0)" }?.contains(key) == true)
        #expect(get.map { "\($0)" }?.contains(client.configuration.bucket) == true)

        let head = await #expect(throws: S3Error.self) { _ = try await client.headObject(key) }
        #expect(head?.status == 404)
        #expect(head?.key == key)

        let copy = await #expect(throws: S3Error.self) { try await client.copyObject(key, to: "elsewhere.csv") }
        #expect(copy?.status == 404)
        #expect(copy?.key == key)
    }

    @Test func missingBucketErrorPointsAtTicketsBucket() async throws {
        var configuration = try LiveS3.configuration(bucket: "ft-no-such-bucket-\(UUID().uuidString.prefix(8).lowercased())")
        configuration.maxRetries = 0
        let client = S3Client(configuration: configuration, logger: LiveS3.logger)
        let error = await #expect(throws: S3Error.self) { _ = try await client.listObjects(prefix: "automations/") }
        #expect(error?.status == 404)
        #expect(error?.serverCode == "NoSuchBucket")
        #expect(error?.code == .noSuchBucket)
        #expect(error?.key == "automations/")
        #expect(error?.bucket == configuration.bucket)
        #expect(error?.isNoSuchKey == false)
        #expect(error?.hint?.contains("TICKETS_BUCKET") == true)
        #expect(error.map { "\($0)" }?.contains(configuration.secretKey) == false)
        #expect(error?.hint?.contains(configuration.secretKey) == false)
    }

    @Test func deletingAMissingKeySucceeds() async throws {
        let client = try await LiveS3.freshBucket("delete")
        try await client.deleteObject("never/was/here.csv")
    }

    @Test func createBucketIsIdempotent() async throws {
        let client = try await LiveS3.freshBucket("twice")
        try await client.createBucket()
    }
}
