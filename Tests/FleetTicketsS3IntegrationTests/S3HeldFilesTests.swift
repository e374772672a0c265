import FleetTicketsCore
import Testing
@testable import FleetTicketsS3

/// The bound on the small files kept for the archive, with no server.
@Suite("S3 held files, offline")
struct S3HeldFilesTests {
    static func file(_ size: Int, archivable: Bool = true) -> S3HeldFiles.File {
        S3HeldFiles.File(bytes: [UInt8](repeating: 7, count: size), contentType: "text/csv", metadata: [:],
                         archivableFromMemory: archivable)
    }

    /// Held files bounded as a run's budget bounds them.
    static func held(file: Int, total: Int) -> S3HeldFiles {
        let held = S3HeldFiles()
        held.limit(to: ReadAheadBudget(heldBytes: total, heldFileBytes: file))
        return held
    }

    @Test func nothingIsKeptBeforeABudgetAndASmallerBudgetForgetsTheOldest() {
        let held = S3HeldFiles()
        held.keep("early", Self.file(10))
        #expect(held.held.files == 0, "no run has said what it may keep")
        held.limit(to: ReadAheadBudget(heldBytes: 300, heldFileBytes: 100))
        for index in 0..<3 { held.keep("k\(index)", Self.file(100)) }
        #expect(held.held.bytes == 300)
        held.limit(to: ReadAheadBudget(heldBytes: 150, heldFileBytes: 100))
        #expect(held.held.bytes == 100 && held.take("k2") != nil, "the newest stays")
        held.limit(to: .none)
        held.keep("late", Self.file(1))
        #expect(held.held.files == 0)
    }

    @Test func pastTheTotalBoundTheOldestFilesAreForgottenFirst() {
        let held = Self.held(file: 100, total: 250)
        for index in 0..<5 { held.keep("k\(index)", Self.file(100)) }
        #expect(held.held.files == 2 && held.held.bytes == 200)
        #expect(held.take("k0") == nil && held.take("k2") == nil, "the oldest went first")
        #expect(held.take("k3")?.bytes.count == 100)
        #expect(held.take("k3") == nil, "a file is handed over once")
        #expect(held.take("k4")?.contentType == "text/csv")
        #expect(held.held.files == 0 && held.held.bytes == 0)
    }

    @Test func largeFilesAndFilesWithOtherAttributesAreNotKept() {
        let held = Self.held(file: 100, total: 1_000)
        held.keep("large", Self.file(101))
        held.keep("encoded", Self.file(10, archivable: false))
        held.keep("empty", Self.file(0))
        #expect(held.take("large") == nil && held.take("encoded") == nil)
        #expect(held.take("empty")?.bytes == [], "an empty file is archived from memory too")
    }

    @Test func aKeyKeptAgainCountsOnceAndItsOldTurnDoesNotForgetIt() {
        let held = Self.held(file: 100, total: 200)
        held.keep("a", Self.file(50))
        held.keep("b", Self.file(50))
        held.keep("a", Self.file(100))
        #expect(held.held.files == 2 && held.held.bytes == 150)
        // Over the bound: "a"'s first turn is stale, so "b" (the oldest live entry) goes.
        held.keep("c", Self.file(60))
        #expect(held.take("b") == nil)
        #expect(held.take("a")?.bytes.count == 100)
        #expect(held.take("c")?.bytes.count == 60)
    }

    @Test func theBookkeepingStaysBoundedOverALongDrainAndADryRun() {
        let held = Self.held(file: 1_000, total: 64_000)
        // A drain: each file is kept when read and taken when archived, a few files apart.
        for index in 0..<100_000 {
            held.keep("f\(index)", Self.file(500))
            if index >= 8 { #expect(held.take("f\(index - 8)") != nil) }
            if index % 997 == 0 { #expect(held.held.entries <= 2 * held.held.files + 65) }
        }
        #expect(held.held.files == 8)
        // A dry run: files read and never archived are forgotten past the bound.
        for index in 0..<100_000 { held.keep("dry\(index)", Self.file(500)) }
        #expect(held.held.bytes <= 64_000 && held.held.files == 128)
        #expect(held.held.entries <= 2 * held.held.files + 65)
    }

    @Test func manyTasksKeepingAndTakingAgreeOnWhatIsHeld() async {
        let held = Self.held(file: 100, total: 1 << 30)
        let taken = await withTaskGroup(of: Int.self) { group in
            for task in 0..<16 {
                group.addTask {
                    var count = 0
                    for index in 0..<2_000 {
                        held.keep("t\(task)-\(index)", Self.file(10))
                        if index % 2 == 0, held.take("t\(task)-\(index)") != nil { count += 1 }
                    }
                    return count
                }
            }
            return await group.reduce(0, +)
        }
        #expect(taken == 16_000)
        #expect(held.held.files == 16_000 && held.held.bytes == 160_000)
    }
}
