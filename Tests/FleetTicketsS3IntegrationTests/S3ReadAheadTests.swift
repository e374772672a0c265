import Synchronization
import Testing
@testable import FleetTicketsS3

/// The read-ahead's bookkeeping, with a fetch that needs no server.
@Suite("S3 read-ahead, offline")
struct S3ReadAheadTests {
    /// Serves `bytes(of: key)` and records the order keys were asked for.
    final class Recorder: Sendable {
        private let asked = Mutex<[String]>([])
        var keys: [String] { asked.withLock { $0 } }
        func fetch(_ key: String) -> [UInt8] {
            asked.withLock { $0.append(key) }
            return Array(key.utf8)
        }
    }

    @Test func aLongPlanIsFetchedOnceEachAndNeverMoreThanDepthAhead() async {
        let keys = (0..<20_000).map { "automations/inc/changes/\($0).csv" }
        let recorder = Recorder()
        let readAhead = S3ReadAhead(depth: 2, maxFileBytes: 1 << 20) { key, _ in recorder.fetch(key) }
        await readAhead.plan(keys)
        for key in keys {
            #expect(await readAhead.heldCount <= 2)
            let bytes = await readAhead.take(key)
            guard bytes == Array(key.utf8) else {
                Issue.record("\(key): \(bytes.map { String(decoding: $0, as: UTF8.self) } ?? "nil")")
                return
            }
        }
        // Two fetches run at once, so neighbours may start in either order.
        let fetched = recorder.keys
        #expect(fetched.count == keys.count && Set(fetched) == Set(keys), "each key fetched once")
        #expect(await readAhead.heldCount == 0)
    }

    @Test func aKeyTakenOutOfOrderSkipsTheKeysBeforeIt() async {
        let keys = (0..<10).map { "k\($0)" }
        let recorder = Recorder()
        let readAhead = S3ReadAhead(depth: 2, maxFileBytes: 1 << 20) { key, _ in recorder.fetch(key) }
        await readAhead.plan(keys)
        #expect(await readAhead.take("k0") == Array("k0".utf8))
        // k1 and k2 were fetched ahead; jumping to k6 drops them and fetches k7 and k8 next.
        #expect(await readAhead.take("k6") == nil, "k6 was not fetched ahead: the caller reads it directly")
        #expect(await readAhead.take("k7") == Array("k7".utf8))
        #expect(await readAhead.take("k1") == nil, "a skipped key is not fetched again")
        #expect(await readAhead.take("unplanned") == nil)
        #expect(!recorder.keys.contains("k3") && !recorder.keys.contains("k6"))
        #expect(Set(recorder.keys.prefix(3)) == ["k0", "k1", "k2"])
    }
}
