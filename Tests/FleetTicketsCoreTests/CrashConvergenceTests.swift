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

    /// The same property with files that arrive late: some files reach the bucket only after
    /// newer ones were applied, and are drained with `--include-late` while runs keep dying.
    /// The version guard makes the end state the in-order one.
    @Test(arguments: [UInt64(11), 12, 13, 14])
    func crashedRunsWithLateFilesConvergeToTheInOrderState(seed: UInt64) async throws {
        let simulator = StreamSimulator(.init(tickets: 60, days: 1, seed: seed))
        let reference = InMemoryTicketStore()
        let referenceBucket = InMemoryChangeSource()
        simulator.load(into: referenceBucket)
        for dataset in Dataset.all {
            #expect(await IngestEngine(source: referenceBucket, store: reference).run(dataset, options: .init(apply: true)).failure == nil)
        }

        var rng = SplitMix64(seed: seed &* 104_729)
        let store = InMemoryTicketStore()
        let bucket = InMemoryChangeSource(chunkSize: 512)
        let faulty = FaultyChangeSource(wrapping: bucket)
        var interrupted = 0, stale = 0
        for dataset in Dataset.all {
            let files = simulator.files(for: dataset)
            let keys = files.map(\.key)
            // Hold back a few files (never the first or the newest): they arrive late.
            var held = Set<Int>()
            while held.count < min(4, keys.count - 2) { held.insert(1 + Int(rng.next() % UInt64(keys.count - 2))) }
            let all = InMemoryChangeSource()
            simulator.load(into: all, datasets: [dataset])
            for (i, key) in keys.enumerated() where !held.contains(i) { bucket.put(key, all.object(key)!) }
            for phase in 0..<2 {
                if phase == 1 { for i in held { bucket.put(keys[i], all.object(keys[i])!) } }
                for _ in 0..<3 {
                    let k = Int(rng.next() % UInt64(keys.count))
                    var target: any TicketStore = store
                    switch Crash.allCases[Int(rng.next() % 3)] {
                    case .storeFailsApply: target = FailingTicketStore(wrapping: store, failOn: [1 + Int(rng.next() % 3)])
                    case .readDiesMidway: faulty.fail(.readMidway, on: keys[k], times: 1)
                    case .moveFails: faulty.fail(.move, on: keys[k], times: 1)
                    }
                    let crashed = await IngestEngine(source: faulty, store: target)
                        .run(dataset, options: .init(apply: true, includeLate: phase == 1))
                    if crashed.failure != nil || !crashed.archiveFailed.isEmpty { interrupted += 1 }
                    stale += crashed.counts.stale
                    faulty.heal()
                }
            }
            let last = await IngestEngine(source: faulty, store: store).run(dataset, options: .init(apply: true, includeLate: true))
            #expect(last.failure == nil)
            stale += last.counts.stale
            #expect(try await bucket.list(prefix: dataset.changesPrefix).isEmpty, "every file archived")
            #expect(store.tickets(of: dataset) == reference.tickets(of: dataset), "\(dataset) converged to the in-order state")
            #expect(try await store.watermark(of: dataset) == reference.watermark(of: dataset))
            #expect(Set(store.ledger(of: dataset).keys) == Set(keys))
            #expect(store.ledger(of: dataset).values.allSatisfy { $0.applications == 1 }, "no file applied twice")
        }
        #expect(interrupted > 0, "the crashes happened")
        #expect(stale > 0, "late files carried rows a newer file had written")
    }
}
