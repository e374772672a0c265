import FleetTicketsCore
import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing
@testable import FleetTicketsS3

/// Re-uploads from the bucket into PostgreSQL: the bucket's ETag and size are the fingerprint,
/// so a rewritten object is named with both, and the same bytes put again stay quiet.
@Suite("Bucket to PostGIS: re-uploads are named, kept and reapplied on request",
       .enabled(if: LiveDatabase.bothServicesEnabled, LiveDatabase.skipReason))
struct S3ReuploadTests {
    @Test func fromTheBucketTheReuploadIsNamedKeptAndReappliedOnRequest() async throws {
        let client = try await LiveS3.freshBucket("reupload")
        let store = try PostgresTicketStore(url: try LiveDatabase.freshDatabase(), logger: LiveS3.logger)
        defer { store.close() }
        let scenario = ReuploadScenario(source: S3ChangeSource(client: client, logger: LiveS3.logger), store: store) { key, bytes in
            try await client.putObject(key, bytes: bytes)
        }
        let wrong = try await scenario.run()
        #expect(wrong == [])
    }
}
