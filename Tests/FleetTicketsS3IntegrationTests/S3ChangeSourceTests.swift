import FleetTicketsCore
import Foundation
import Testing
@testable import FleetTicketsS3

@Suite("S3ChangeSource against a local S3 server", .enabled(if: LiveS3.isEnabled, LiveS3.skipReason))
struct S3ChangeSourceTests {
    static func files(count: Int) -> [(key: String, bytes: [UInt8])] {
        (0..<count).map { index in
            let key = "automations/inc/changes/2026-06-15T1\(index)-00-00.csv"
            return (key, patternBytes(count: 1000 + index * 70_000, seed: UInt64(index + 1)))
        }
    }

    @Test func listReportsSizesAndETags() async throws {
        let client = try await LiveS3.freshBucket("source-list")
        let source = S3ChangeSource(client: client, logger: LiveS3.logger)
        let files = Self.files(count: 3)
        var etags: [String: String?] = [:]
        for file in files { etags[file.key] = try await client.putObject(file.key, bytes: file.bytes) }
        let listed = try await source.list(prefix: "automations/inc/changes/")
        #expect(listed.count == 3)
        for object in listed {
            #expect(object.size == Int64(files.first { $0.key == object.key }!.bytes.count))
            #expect(object.etag == etags[object.key] ?? nil)
        }
        #expect(source.location == "s3://\(client.configuration.bucket) at \(client.configuration.endpointHost)")
    }

    @Test func readAheadReturnsTheSameBytesAsDirectReads() async throws {
        let client = try await LiveS3.freshBucket("readahead")
        let files = Self.files(count: 6)
        for file in files { try await client.putObject(file.key, bytes: file.bytes) }
        let source = S3ChangeSource(client: client, readAheadDepth: 2, logger: LiveS3.logger)
        let direct = S3ChangeSource(client: client, readAheadDepth: 0, logger: LiveS3.logger)

        await source.willRead(files.map(\.key))
        #expect(await source.readAheadHeldCount <= 2)
        for file in files {
            let ahead = try await source.readAll(file.key)
            #expect(ahead == file.bytes, "\(file.key)")
            #expect(try await direct.readAll(file.key) == file.bytes)
            #expect(await source.readAheadHeldCount <= 2)
        }
        #expect(await source.readAheadHeldCount == 0)
    }

    @Test func readsOutOfPlanOrderFallBackToDirectReads() async throws {
        let client = try await LiveS3.freshBucket("offplan")
        let files = Self.files(count: 5)
        for file in files { try await client.putObject(file.key, bytes: file.bytes) }
        let source = S3ChangeSource(client: client, readAheadDepth: 2, logger: LiveS3.logger)

        await source.willRead(files.map(\.key))
        try await client.putObject("unplanned.csv", bytes: Array("x".utf8))
        #expect(try await source.readAll("unplanned.csv") == Array("x".utf8))
        // Skipping ahead: the files before it are dropped from the read-ahead.
        #expect(try await source.readAll(files[3].key) == files[3].bytes)
        #expect(try await source.readAll(files[0].key) == files[0].bytes)
        #expect(try await source.readAll(files[4].key) == files[4].bytes)
        #expect(await source.readAheadHeldCount == 0)
    }

    @Test func filesLargerThanTheReadAheadLimitAreStreamedDirectly() async throws {
        let client = try await LiveS3.freshBucket("toolarge")
        let files = Self.files(count: 3)
        for file in files { try await client.putObject(file.key, bytes: file.bytes) }
        let source = S3ChangeSource(client: client, readAheadDepth: 2, readAheadMaxFileBytes: 50_000, logger: LiveS3.logger)
        await source.willRead(files.map(\.key))
        for file in files { #expect(try await source.readAll(file.key) == file.bytes) }
    }

    @Test func moveCopiesThenDeletes() async throws {
        let client = try await LiveS3.freshBucket("move")
        let source = S3ChangeSource(client: client, logger: LiveS3.logger)
        let key = "automations/crq/changes/2026-06-15T17-00-00.csv"
        let destination = "automations/crq/processed/2026-06-15T17-00-00.csv"
        try await client.putObject(key, bytes: Array("a,b\n1,2\n".utf8))
        try await client.putObject(destination, bytes: Array("stale".utf8))

        try await source.move(key, to: destination)
        #expect(try await source.list(prefix: "automations/crq/changes/").isEmpty)
        #expect(try await source.readAll(destination) == Array("a,b\n1,2\n".utf8))
    }

    @Test func missingKeysAreNotFoundErrorsNamingTheKey() async throws {
        let client = try await LiveS3.freshBucket("notfound")
        let source = S3ChangeSource(client: client, logger: LiveS3.logger)
        let key = "automations/inc/changes/2026-06-15T17-00-00.csv"
        await #expect(throws: ChangeSourceError.notFound(key: key, location: source.location)) {
            _ = try await source.read(key)
        }
        await #expect(throws: ChangeSourceError.notFound(key: key, location: source.location)) {
            try await source.move(key, to: "automations/inc/processed/x.csv")
        }
        await source.willRead([key])
        await #expect(throws: ChangeSourceError.notFound(key: key, location: source.location)) {
            _ = try await source.read(key)
        }
    }
}
