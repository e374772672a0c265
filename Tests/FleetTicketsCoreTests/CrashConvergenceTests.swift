import FleetTicketsCore
import FleetTicketsTesting
import Testing

/// The differential property: whatever moment a run dies at, rerunning converges to the
/// state of a run that never died.
@Suite struct CrashConvergenceTests {
    /// One way to die, at file `k`.
    enum Crash: CaseIterable { case storeFailsApply, readDiesMidway, moveFails }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6])
    func crashedRunsConvergeToTheUninterruptedState(seed: UInt64) async throws {
        let simulator = StreamSimulator(.init(tickets: 60, days: 1, seed: seed))
        let reference = InMemoryTicketStore()
        let referenceBucket = InMemoryChangeSource()
        simulator.load(into: referenceBucket)
        for dataset in Dataset.all {
            let report = await IngestEngine(source: referenceBucket, store: reference).run(dataset, options: .init(apply: true))
            #expect(report.failure == nil)
        }

        var rng = SplitMix64(seed: seed &* 7919)
        let store = InMemoryTicketStore()
        let bucket = InMemoryChangeSource(chunkSize: 512)
        simulator.load(into: bucket)
        let faulty = FaultyChangeSource(wrapping: bucket)
        var interrupted = 0
        for dataset in Dataset.all {
            let keys = simulator.files(for: dataset).map(\.key)
            // Several crashes at random files before a clean finish.
            for _ in 0..<3 {
                let k = Int(rng.next() % UInt64(keys.count))
                let crash = Crash.allCases[Int(rng.next() % 3)]
                var target: any TicketStore = store
                switch crash {
                case .storeFailsApply: target = FailingTicketStore(wrapping: store, failOn: [1 + Int(rng.next() % 5)])
                case .readDiesMidway: faulty.fail(.readMidway, on: keys[k], times: 1)
                case .moveFails: faulty.fail(.move, on: keys[k], times: 1)
                }
                let crashed = await IngestEngine(source: faulty, store: target).run(dataset, options: .init(apply: true))
                if crashed.failure != nil || !crashed.archiveFailed.isEmpty { interrupted += 1 }
                faulty.heal()
            }
            let last = await IngestEngine(source: faulty, store: store).run(dataset, options: .init(apply: true))
            #expect(last.failure == nil)
            #expect(try await bucket.list(prefix: dataset.changesPrefix).isEmpty, "every file archived")
            #expect(store.tickets(of: dataset) == reference.tickets(of: dataset), "\(dataset) converged")
            #expect(try await store.watermark(of: dataset) == reference.watermark(of: dataset))
            #expect(Set(store.ledger(of: dataset).keys) == Set(keys))
            #expect(store.ledger(of: dataset).values.allSatisfy { $0.applications == 1 }, "no file applied twice")
        }
        #expect(interrupted > 0, "the crashes happened")
    }
}
