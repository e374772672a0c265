import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Testing

/// `status` and its health verdict, assembled by the SDK over the in-memory store and source.
@Suite struct StatusReaderTests {
    let store = InMemoryTicketStore()
    let bucket = InMemoryChangeSource()

    func at(_ hour: Int, _ minute: Int = 0) -> Date { EAT.date(year: 2026, month: 6, day: 15, hour: hour, minute: minute) }

    /// Applies one file of `dataset` exported at `hour`.
    func applied(_ dataset: Dataset, hour: Int) async {
        bucket.put(Fixtures.key(dataset, hour: hour), text: Fixtures.csv([Fixtures.row("WOT\(hour)")]))
        _ = await IngestEngine(source: bucket, store: store).run(dataset, options: IngestOptions(apply: true))
    }

    func reader(_ source: StatusReader.Source, now: Date) -> StatusReader {
        StatusReader(store: store, runs: store, source: source, check: HealthCheck(maxAge: 45 * 60), clock: WallClock { now })
    }

    @Test func aCurrentDatasetIsHealthyAndExitsZero() async throws {
        await applied(.inc, hour: 9)
        let report = try await reader(.listing(bucket), now: at(9, 30)).read([.inc])
        #expect(report.verdict == .healthy && report.exitCode == 0)
        let inc = try #require(report.datasets.first)
        #expect(inc.pending == [] && inc.late == [] && inc.isCurrent)
        #expect(inc.tickets == 1 && inc.watermark == Fixtures.key(.inc, hour: 9))
        #expect(inc.problems == [] && inc.verdict == .healthy)
        #expect(report.checkedAt == at(9, 30))
    }

    @Test func aFileWaitingTooLongIsBehindAndExitsFour() async throws {
        await applied(.inc, hour: 9)
        bucket.put(Fixtures.key(.inc, hour: 9, minute: 20), text: Fixtures.csv([Fixtures.row("WOT2")]))
        let report = try await reader(.listing(bucket), now: at(10, 15)).read([.inc])
        #expect(report.problems.map(\.kind) == [.behind])
        #expect(report.verdict == .unhealthy && report.exitCode == 4)
        #expect(report.datasets.first?.pending == [Fixtures.key(.inc, hour: 9, minute: 20)])
    }

    /// Without a source nothing about waiting files is known: the dataset is unchecked, never
    /// stale "because no file is waiting", and the reason is said once, without a doubled stop.
    @Test func withoutASourceOnlyUncheckedIsClaimedNeverStale() async throws {
        await applied(.inc, hour: 9)
        let reason = "The bucket is not configured: RUSTFS_ENDPOINT is not set. Set it in the environment or .env, or use --dir / --csv."
        // Hours after the last export: with a listing this would be stale.
        let report = try await reader(.unavailable(reason: reason), now: at(15, 0)).read([.inc, .crq])
        #expect(report.problems.map(\.kind) == [.unchecked, .unchecked])
        #expect(report.verdict == .unchecked && report.exitCode == 1)
        let inc = try #require(report.datasets.first)
        #expect(inc.pending == nil && inc.late == nil && inc.sourceNote == reason)
        let line = try #require(report.problems.first?.description)
        #expect(line.hasPrefix("inc: UNCHECKED: the source could not be listed"), "\(line)")
        #expect(line.contains(reason) && !line.contains(".."), "\(line)")
        let stale = try await reader(.listing(bucket), now: at(15, 0)).read([.inc])
        #expect(stale.problems.map(\.kind) == [.stale], "the same state with a listing is stale")
    }

    @Test func aSourceThatCannotBeListedIsUncheckedWithItsError() async throws {
        await applied(.inc, hour: 9)
        let faulty = FaultyChangeSource(wrapping: bucket)
        faulty.fail(.list, on: Dataset.inc.changesPrefix)
        let report = try await reader(.listing(faulty), now: at(15, 0)).read([.inc])
        #expect(report.problems.map(\.kind) == [.unchecked])
        #expect(report.datasets.first?.sourceNote?.contains("injected list failure") == true)
        #expect(report.exitCode == 1)
    }

    @Test func aStopOutranksEverythingAndNeedsNoListing() async throws {
        await applied(.inc, hour: 9)
        bucket.put(Fixtures.key(.inc, hour: 10), text: "ticket_id,region\n\"WOT2,nairobi\n")
        var engine = IngestEngine(source: bucket, store: store)
        engine.recorder = RunRecorder(mode: .cli, log: store)
        let failed = await engine.run(.inc, options: IngestOptions(apply: true))
        #expect(failed.failure?.kind == .data)
        let listed = try await reader(.listing(bucket), now: at(10, 30)).read([.inc])
        #expect(listed.problems.map(\.kind) == [.stopped])
        #expect(listed.verdict == .stopped && listed.exitCode == 3)
        #expect(listed.datasets.first?.stoppedBy?.errorKey == Fixtures.key(.inc, hour: 10))
        let unlisted = try await reader(.unavailable(reason: "no bucket"), now: at(10, 30)).read([.inc])
        #expect(unlisted.problems.map(\.kind) == [.stopped, .unchecked])
        #expect(unlisted.exitCode == 3, "a stop outranks an unchecked source")
    }

    @Test func aStoreThatCannotBeReadIsAnErrorNamingTheDataset() async throws {
        let reader = StatusReader(store: UnreadableStore(base: store), runs: store, source: .listing(bucket))
        let error = await #expect(throws: StatusReadError.self) { try await reader.read([.crq]) }
        #expect(error?.dataset == "crq")
    }

    @Test func verdictsRankStoppedThenUncheckedThenUnhealthy() {
        func problem(_ kind: HealthProblem.Kind) -> HealthProblem { HealthProblem(dataset: "inc", kind: kind, message: "-") }
        #expect(HealthVerdict(problems: []) == .healthy)
        #expect(HealthVerdict(problems: [problem(.late), problem(.behind)]) == .unhealthy)
        #expect(HealthVerdict(problems: [problem(.late), problem(.unchecked)]) == .unchecked)
        #expect(HealthVerdict(problems: [problem(.unchecked), problem(.stopped)]) == .stopped)
        #expect([HealthVerdict.healthy, .unchecked, .stopped, .unhealthy].map(\.exitCode) == [0, 1, 3, 4])
    }
}

/// A store whose status cannot be read (the database went away).
struct UnreadableStore: ForwardingTicketStore, TicketStoreStatus {
    let base: any TicketStore
    struct Down: Error {}
    func status(of dataset: Dataset) async throws -> DatasetStatus { throw Down() }
}

/// Sentences joined from parts that may already end in a full stop.
@Suite struct SentencesTests {
    @Test func eachSentenceEndsInExactlyOneStop() {
        #expect(Sentences.join("or use --dir / --csv.", "Check it") == "or use --dir / --csv. Check it.")
        #expect(Sentences.join("Is it running?", "", " Check the log ") == "Is it running? Check the log.")
        #expect(Sentences.sentence("unknown dataset 'x'") == "Unknown dataset 'x'.")
    }
}
