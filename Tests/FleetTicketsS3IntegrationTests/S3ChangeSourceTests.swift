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
        let source = S3ChangeSource(client: client, logger: LiveS3.logger)
        let direct = S3ChangeSource(client: client, logger: LiveS3.logger)

        await source.willRead(files.map(\.key), within: .default)
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
        let source = S3ChangeSource(client: client, logger: LiveS3.logger)

        await source.willRead(files.map(\.key), within: .default)
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
        let source = S3ChangeSource(client: client, logger: LiveS3.logger)
        await source.willRead(files.map(\.key), within: ReadAheadBudget(bytesAhead: 50_000))
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

    @Test func aFileReadAheadIsArchivedFromTheBytesReadWithItsTypeAndMetadata() async throws {
        let client = try await LiveS3.freshBucket("archive-held")
        let source = S3ChangeSource(client: client, logger: LiveS3.logger)
        let keys = (0..<3).map { "automations/inc/changes/2026-06-15T1\($0)-00-00.csv" }
        let files = keys.map { (key: $0, bytes: Array("ticket_id,status\nINC-\($0),open\n".utf8)) }
        for file in files {
            try await client.putObject(file.key, bytes: file.bytes, contentType: "text/csv", metadata: ["export-run": "42"])
        }
        await source.willRead(keys, within: .default)
        for file in files { #expect(try await source.readAll(file.key) == file.bytes) }
        #expect(source.heldForArchiveCount == 3, "each small file read ahead is held until it is archived")

        let moves = keys.map { ObjectMove($0, to: $0.replacingOccurrences(of: "/changes/", with: "/processed/")) }
        #expect(await source.move(Array(moves.prefix(2))).isEmpty)
        try await source.move(moves[2].key, to: moves[2].destination)
        #expect(source.heldForArchiveCount == 0, "each was archived from memory")
        #expect(try await source.list(prefix: "automations/inc/changes/").isEmpty)
        for (file, move) in zip(files, moves) {
            #expect(try await client.getObjectBytes(move.destination) == file.bytes)
            let archived = try await client.headObject(move.destination)
            #expect(archived.contentType == "text/csv")
            #expect(archived.metadata == ["export-run": "42"])
        }
    }

    @Test func filesNotHeldAreCopiedByTheServerWithEverythingStoredWithThem() async throws {
        let client = try await LiveS3.freshBucket("archive-copied")
        let plain = "automations/inc/changes/2026-06-15T10-00-00.csv"
        let disposed = "automations/inc/changes/2026-06-15T11-00-00.csv"
        let bytes = Array("ticket_id\nINC1\n".utf8)
        try await client.putObject(plain, bytes: bytes, contentType: "text/csv", metadata: ["export-run": "7"])
        // An attribute a PutObject of the bytes, type and metadata would not carry over.
        _ = try await client.send(.putObject, key: disposed,
                                  client.request("PUT", key: disposed, headers: ["Content-Type": "text/csv",
                                                                                  "Content-Disposition": "attachment"], body: bytes))
        #expect(try await client.headObject(disposed).otherStoredAttributes == ["content-disposition"])

        let readingAhead = S3ChangeSource(client: client, logger: LiveS3.logger)
        await readingAhead.willRead([disposed], within: .default)
        #expect(try await readingAhead.readAll(disposed) == bytes)
        let direct = S3ChangeSource(client: client, logger: LiveS3.logger)
        #expect(try await direct.readAll(plain) == bytes)
        #expect(readingAhead.heldForArchiveCount == 0 && direct.heldForArchiveCount == 0)

        #expect(await readingAhead.move([ObjectMove(disposed, to: "automations/inc/processed/2026-06-15T11-00-00.csv")]).isEmpty)
        #expect(await direct.move([ObjectMove(plain, to: "automations/inc/processed/2026-06-15T10-00-00.csv")]).isEmpty)
        let copiedDisposed = try await client.headObject("automations/inc/processed/2026-06-15T11-00-00.csv")
        #expect(copiedDisposed.otherStoredAttributes == ["content-disposition"])
        let copiedPlain = try await client.headObject("automations/inc/processed/2026-06-15T10-00-00.csv")
        #expect(copiedPlain.metadata == ["export-run": "7"] && copiedPlain.contentType == "text/csv")
        #expect(try await client.getObjectBytes("automations/inc/processed/2026-06-15T10-00-00.csv") == bytes)
        #expect(try await client.listObjects(prefix: "automations/inc/changes/").isEmpty)
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
        await source.willRead([key], within: .default)
        await #expect(throws: ChangeSourceError.notFound(key: key, location: source.location)) {
            _ = try await source.read(key)
        }
    }
}
