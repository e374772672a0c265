import FleetTicketsCore
import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing
@testable import FleetTicketsS3

/// From the bucket into PostGIS: a key whose stamp names a moment the calendar does not have
/// (`2026-02-30T10-00-00.csv`) is named in the run report with the stray keys, the files around
/// it are applied and archived, and it is neither applied, recorded in the ledger nor moved.
@Suite("Bucket to PostGIS: an impossible stamp is a stray key",
       .enabled(if: LiveDatabase.bothServicesEnabled, LiveDatabase.skipReason))
struct S3ImpossibleStampTests {
    @Test func anImpossibleStampIsReportedAndNeverAppliedNorArchived() async throws {
        let impossible = "automations/inc/changes/2026-02-30T10-00-00.csv"
        let before = Fixtures.key(.inc, day: 28, hour: 9, month: 2)
        let after = Fixtures.key(.inc, day: 2, hour: 9, month: 3)
        let client = try await LiveS3.freshBucket("impossible")
        try await Drain.upload([
            (before, Array(Fixtures.csv([Fixtures.row("WOTFEB")]).utf8)),
            (impossible, Array(Fixtures.csv([Fixtures.row("WOTNEVER"), Fixtures.row("WOTFEB", status: "closed", actionable: false)]).utf8)),
            (after, Array(Fixtures.csv([Fixtures.row("WOTMAR")]).utf8)),
        ], to: client)
        let databaseURL = try LiveDatabase.freshDatabase()
        let store = try PostgresTicketStore(url: databaseURL, logger: LiveS3.logger)
        defer { store.close() }
        let bucket = S3ChangeSource(client: client, logger: LiveS3.logger)

        let report = await Drain.run(bucket, into: store, .inc)
        #expect(report.failure == nil, "\(report.failure?.message ?? "")")
        #expect(report.stray == [impossible])
        #expect(report.files.map(\.key) == [before, after])
        #expect(report.files.allSatisfy { $0.archived })
        let tickets = try await store.tickets(of: .inc)
        #expect(tickets["WOTNEVER"] == nil, "the impossible file's rows were never applied")
        #expect(tickets["WOTFEB"]?["normalized_status"] == "open")
        #expect(tickets["WOTMAR"] != nil)
        #expect(try await store.watermark(of: .inc) == after)
        #expect(try Drain.ledger(databaseURL, .inc, key: impossible).rows == 0)
        #expect(try await Drain.keys(client, Dataset.inc.changesPrefix) == [impossible], "left in place")
        #expect(try await Drain.keys(client, Dataset.inc.processedPrefix) == [before, after].map { Dataset.inc.processedKey(for: $0) })

        // The next run names it again and does nothing else.
        let again = await Drain.run(bucket, into: store, .inc)
        #expect(again.failure == nil && again.files.isEmpty)
        #expect(again.stray == [impossible])
        #expect(try await Drain.keys(client, Dataset.inc.changesPrefix) == [impossible])
    }
}
