import FleetTicketsCore
import Synchronization
import Testing
@testable import FleetTicketsS3

/// The read-ahead's bookkeeping, with a fetch that needs no server.
@Suite("S3 read-ahead, offline")
struct S3ReadAheadTests {
    /// Serves each key's bytes once their size is reserved, and records the order keys were asked for.
    final class Recorder: Sendable {
        private let asked = Mutex<[String]>([])
        let size: @Sendable (String) -> Int
        var keys: [String] { asked.withLock { $0 } }

        init(size: @escaping @Sendable (String) -> Int = { $0.utf8.count }) { self.size = size }

        static func bytes(_ key: String, _ count: Int) -> [UInt8] {
            (0..<count).map { UInt8(truncatingIfNeeded: $0 &+ key.utf8.count) }
        }

        func fetch(_ key: String, _ reserve: @Sendable (Int) async -> Bool) async -> [UInt8]? {
            asked.withLock { $0.append(key) }
            let count = size(key)
            guard await reserve(count) else { return nil }
            return count == key.utf8.count ? Array(key.utf8) : Self.bytes(key, count)
        }
    }

    static func budget(files: Int, bytes: Int) -> ReadAheadBudget {
        ReadAheadBudget(filesAhead: files, bytesAhead: bytes)
    }

    @Test func aLongPlanIsFetchedOnceEachAndNeverMoreThanDepthAhead() async {
        let keys = (0..<20_000).map { "automations/inc/changes/\($0).csv" }
        let recorder = Recorder()
        let readAhead = S3ReadAhead { key, reserve in await recorder.fetch(key, reserve) }
        await readAhead.plan(keys, within: Self.budget(files: 2, bytes: 1 << 20))
        for key in keys {
            #expect(await readAhead.held.files <= 2)
            let bytes = await readAhead.take(key)
            await readAhead.release(key)
            guard bytes == Array(key.utf8) else {
                Issue.record("\(key): \(bytes.map { String(decoding: $0, as: UTF8.self) } ?? "nil")")
                return
            }
        }
        // Two fetches run at once, so neighbours may start in either order.
        let fetched = recorder.keys
        #expect(fetched.count == keys.count && Set(fetched) == Set(keys), "each key fetched once")
        #expect(await readAhead.held.files == 0)
        #expect(await readAhead.held.bytes == 0, "every reservation given back")
    }

    @Test func aKeyTakenOutOfOrderSkipsTheKeysBeforeIt() async {
        let keys = (0..<10).map { "k\($0)" }
        let recorder = Recorder()
        let readAhead = S3ReadAhead { key, reserve in await recorder.fetch(key, reserve) }
        await readAhead.plan(keys, within: Self.budget(files: 2, bytes: 1 << 20))
        #expect(await readAhead.take("k0") == Array("k0".utf8))
        // k1 and k2 were fetched ahead; jumping to k6 drops them and fetches k7 and k8 next.
        #expect(await readAhead.take("k6") == nil, "k6 was not fetched ahead: the caller reads it directly")
        #expect(await readAhead.take("k7") == Array("k7".utf8))
        #expect(await readAhead.take("k1") == nil, "a skipped key is not fetched again")
        #expect(await readAhead.take("unplanned") == nil)
        #expect(!recorder.keys.contains("k3") && !recorder.keys.contains("k6"))
        #expect(Set(recorder.keys.prefix(3)) == ["k0", "k1", "k2"])
    }

    /// Files of every size against a small byte budget, each released one file later (as the
    /// engine holds the file it applies while the next is opened): what is reserved never
    /// exceeds the budget, a file that does not fit is left to a direct read, and every file
    /// served is its own bytes.
    @Test func theBytesHeldNeverExceedTheBudgetWhateverTheSizes() async {
        let sizes = (0..<400).map { ($0 * 7919) % 170 }
        let keys = sizes.indices.map { "k\($0)" }
        let size = Dictionary(uniqueKeysWithValues: zip(keys, sizes))
        let recorder = Recorder { size[$0]! }
        let readAhead = S3ReadAhead { key, reserve in await recorder.fetch(key, reserve) }
        await readAhead.plan(keys, within: Self.budget(files: 3, bytes: 300))
        var served = 0
        var previous: String?
        for key in keys {
            if let file = await readAhead.take(key) {
                served += 1
                #expect(file == Recorder.bytes(key, size[key]!) || file == Array(key.utf8), "\(key)")
            }
            if let previous { await readAhead.release(previous) }
            previous = key
            #expect(await readAhead.held.bytes <= 300)
            #expect(await readAhead.held.files <= 3)
        }
        if let previous { await readAhead.release(previous) }
        #expect(await readAhead.peakReservedBytes <= 300)
        #expect(await readAhead.peakReservedBytes > 150, "the budget is used, not only respected")
        #expect(served > keys.count / 2, "most files fit")
        #expect(await readAhead.held.bytes == 0)
    }

    /// A file handed over stays on the account until its reader releases it: while the first
    /// file (60 of a 100-byte budget) is held, no second 60-byte file fits; after, one does.
    @Test func aFileHandedOverCountsUntilReleased() async {
        let recorder = Recorder { _ in 60 }
        let readAhead = S3ReadAhead { key, reserve in await recorder.fetch(key, reserve) }
        await readAhead.plan(["a", "b", "c"], within: Self.budget(files: 1, bytes: 100))
        #expect(await readAhead.take("a") != nil)
        #expect(await readAhead.take("b") == nil, "b did not fit next to a, which is still being read")
        await readAhead.release("a")
        await readAhead.release("b")
        #expect(await readAhead.held.bytes <= 60, "at most c's reservation is left")
        // A new plan once everything before it is let go: its first file fits again.
        await readAhead.plan(["e"], within: Self.budget(files: 1, bytes: 100))
        #expect(await readAhead.take("e") != nil)
        await readAhead.release("e")
        #expect(await readAhead.held.bytes == 0)
    }

    @Test func aZeroBudgetFetchesNothing() async {
        let recorder = Recorder()
        let readAhead = S3ReadAhead { key, reserve in await recorder.fetch(key, reserve) }
        await readAhead.plan(["a", "b"], within: .none)
        #expect(await readAhead.take("a") == nil)
        #expect(recorder.keys.isEmpty)
    }
}
