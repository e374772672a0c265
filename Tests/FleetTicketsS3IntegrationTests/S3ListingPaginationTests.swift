import FleetTicketsCore
import Foundation
import Testing
@testable import FleetTicketsS3

@Suite("ListObjectsV2 pagination against a local S3 server", .enabled(if: LiveS3.isEnabled, LiveS3.skipReason))
struct S3ListingPaginationTests {
    /// Uploads `keys` with a few concurrent uploads at a time.
    static func upload(_ keys: [String], to client: S3Client, concurrency: Int = 8) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            var next = keys.makeIterator()
            for _ in 0..<concurrency {
                guard let key = next.next() else { break }
                group.addTask { try await client.putObject(key, bytes: Array(key.utf8)) }
            }
            while try await group.next() != nil {
                guard let key = next.next() else { continue }
                group.addTask { try await client.putObject(key, bytes: Array(key.utf8)) }
            }
        }
    }

    @Test func tenThousandKeysListCompletely() async throws {
        let client = try await LiveS3.freshBucket("tenk")
        let keys = (0..<10_000).map { String(format: "automations/inc/changes/2026-01-01T00-00-00-%05d.csv", $0) }
        let decoys = ["automations/crq/changes/2026-01-01T00-00-00.csv", "automations/inc/processed/x.csv"]

        let uploadStart = ContinuousClock.now
        try await Self.upload(keys + decoys, to: client)
        let uploaded = secondsSince(uploadStart)

        let listStart = ContinuousClock.now
        let listed = try await client.listObjects(prefix: "automations/inc/changes/")
        let listing = secondsSince(listStart)
        print("10,000-key bucket: uploaded in \(uploaded) (8 concurrent), listed in \(listing) (10 pages of 1000)")

        #expect(listed.count == keys.count)
        #expect(Set(listed.map(\.key)) == Set(keys))
        #expect(listed.map(\.key) == keys)  // S3 lists in key order
        #expect(listed.allSatisfy { $0.size == Int64($0.key.utf8.count) && $0.etag?.isEmpty == false })
    }

    @Test func smallPagesFollowContinuationTokens() async throws {
        let client = try await LiveS3.freshBucket("pages")
        let keys = (0..<23).map { "p/ünï code +\($0 < 10 ? "0" : "")\($0).csv" }
        try await Self.upload(keys, to: client)
        for pageSize in [1, 7, 23, 24] {
            let listed = try await client.listObjects(prefix: "p/", pageSize: pageSize)
            #expect(listed.map(\.key) == keys, "page size \(pageSize)")
        }
    }

    @Test func listingAnEmptyPrefixReturnsNothing() async throws {
        let client = try await LiveS3.freshBucket("nothing")
        #expect(try await client.listObjects(prefix: "automations/inc/changes/").isEmpty)
    }
}
