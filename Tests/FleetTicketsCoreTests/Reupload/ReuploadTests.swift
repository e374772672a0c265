import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Testing

/// Re-uploads (an applied key back in `changes/` with other bytes) are named, not applied and
/// not archived; the same bytes stay a quiet retried archive; `--reapply` settles them.
@Suite struct ReuploadTests {
    @Test func inMemoryTheReuploadIsNamedKeptAndReappliedOnRequest() async throws {
        let bucket = InMemoryChangeSource()
        let scenario = ReuploadScenario(source: bucket, store: InMemoryTicketStore()) { key, bytes in bucket.put(key, bytes) }
        let wrong = try await scenario.run()
        #expect(wrong == [])
    }

    @Test func fromAFolderTheReuploadIsNamedKeptAndReappliedOnRequest() async throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ft-reupload-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let scenario = ReuploadScenario(source: LocalFolderChangeSource(root: root), store: InMemoryTicketStore()) { key, bytes in
            let url = root.appendingPathComponent(key)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        let wrong = try await scenario.run()
        #expect(wrong == [])
    }

    @Test func fingerprintsCompareOnlyWhatBothSidesKnow() {
        let old = FileFingerprint()
        #expect(!old.differs(from: FileFingerprint(etag: "b", bytes: 10)), "a row without a fingerprint is trusted")
        #expect(FileFingerprint(etag: "a", bytes: 10).differs(from: FileFingerprint(etag: "b", bytes: 10)))
        #expect(FileFingerprint(bytes: 10).differs(from: FileFingerprint(bytes: 11)))
        #expect(!FileFingerprint(etag: "a", bytes: 10).differs(from: FileFingerprint(bytes: 10)), "a folder lists no ETag: sizes alone")
        #expect(FileFingerprint(etag: "a", bytes: 10).description == "etag \"a\", 10 bytes")
    }

    @Test func anOldLedgerRowIsTrustedAndAReuploadIsNotAppliedByIncludeLate() {
        let key = Fixtures.key(.inc, hour: 9)
        let listing = [SourceObject(key: key, size: 99, etag: "new")]
        let trusted = DrainPlan.make(listing, dataset: .inc, watermark: key, fingerprints: [key: FileFingerprint()],
                                     reseed: false, includeLate: true)
        #expect(trusted.unarchived == [key] && trusted.reuploaded.isEmpty && trusted.toApply.isEmpty)
        let applied = FileFingerprint(etag: "old", bytes: 99)
        let loud = DrainPlan.make(listing, dataset: .inc, watermark: key, fingerprints: [key: applied], reseed: false, includeLate: true)
        #expect(loud.reuploaded == [Reupload(key: key, applied: applied, now: FileFingerprint(etag: "new", bytes: 99))])
        #expect(loud.unarchived.isEmpty && loud.toApply.isEmpty)
        let reapplied = DrainPlan.make(listing, dataset: .inc, watermark: key, fingerprints: [key: applied], reseed: false,
                                       includeLate: false, reapply: key)
        #expect(reapplied.reuploaded.isEmpty && reapplied.toApply.map(\.object.key) == [key] && reapplied.toApply.first?.reapplied == true)
    }
}
