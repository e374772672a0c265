import FleetTicketsCore
import Foundation
import Testing

@Suite struct StreamSimulatorTests {
    @Test func theSameSeedWritesTheSameBytes() {
        let a = StreamSimulator(.init(tickets: 50, days: 1, seed: 9))
        let b = StreamSimulator(.init(tickets: 50, days: 1, seed: 9))
        let c = StreamSimulator(.init(tickets: 50, days: 1, seed: 10))
        let filesA = a.files(for: .inc), filesB = b.files(for: .inc)
        #expect(filesA.map(\.key) == filesB.map(\.key))
        #expect(zip(filesA, filesB).allSatisfy { a.bytes($0, for: .inc) == b.bytes($1, for: .inc) })
        #expect(filesA.map { a.bytes($0, for: .inc) } != c.files(for: .inc).map { c.bytes($0, for: .inc) })
    }

    @Test func lays20MinuteDeltasBetweenDailyFullStates() throws {
        let files = StreamSimulator(.init(tickets: 80, days: 2, seed: 1)).files(for: .crq)
        #expect(files.count == 90)
        #expect(files.first?.key == "automations/crq/changes/2026-06-15T06-00-00.csv")
        #expect(files[44].key.hasSuffix("2026-06-15T20-40-00.csv"))
        #expect(files[45].kind == .fullState && files[45].key.hasSuffix("2026-06-16T06-00-00.csv"))
        #expect(files.filter { $0.kind == .delta }.count == 88)
    }

    @Test func aDrainedStreamLooksLikeTheFeed() async throws {
        let simulator = StreamSimulator(.init(tickets: 300, days: 1, seed: 4))
        let bucket = InMemoryChangeSource()
        simulator.load(into: bucket, datasets: [.inc])
        let store = InMemoryTicketStore()
        let report = await IngestEngine(source: bucket, store: store).run(.inc, options: .init(apply: true))
        #expect(report.failure == nil)
        let tickets = Array(store.tickets(of: .inc).values)
        #expect(tickets.count == 300)
        let dropped = report.dropped
        #expect(dropped[.alarm, default: 0] > 0)
        #expect(dropped[.sentinel, default: 0] == 1)
        let missingCreated = tickets.filter { $0["created_at_service"] == "" }.count
        #expect((60...120).contains(missingCreated), "about 30% lack created_at_service: \(missingCreated)")
        let closed = tickets.filter { $0["normalized_status"] == "closed" }
        #expect(!closed.isEmpty && closed.allSatisfy { $0["mttr"] != "" && $0["closed_at"] != "" && $0["is_actionable"] == "false" })
        #expect(tickets.contains { $0["owner"]?.contains(",") == true }, "quoted fields occur")
        #expect(tickets.allSatisfy { $0["region"] == $0["region"]?.lowercased() })
        #expect(tickets.contains { ($0["location_name"] ?? "").hasPrefix("NW_") })
    }
}
