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

    @Test func aStreamUntilAMomentEndsAtTheSlotAtOrBeforeIt() throws {
        // 2026-12-06 17:55 EAT: the last slot is 17:40; two days back from that slot's day.
        let until = try MomentArgument.parse("2026-12-06T17:55", flag: "--until")
        let files = StreamSimulator(.init(tickets: 60, days: 2, seed: 3, until: until)).files(for: .inc)
        #expect(files.first?.key == "automations/inc/changes/2026-12-05T06-00-00.csv")
        #expect(files.first?.kind == .baseline)
        #expect(files.last?.key == "automations/inc/changes/2026-12-06T17-40-00.csv")
        #expect(files[45].kind == .fullState && files[45].key.hasSuffix("2026-12-06T06-00-00.csv"))
        #expect(files.count == 45 + 36)
    }

    @Test func beforeTheFirstExportTheStreamEndsAtThePreviousEvening() throws {
        let until = try MomentArgument.parse("2026-12-06 05:10", flag: "--until")
        let files = StreamSimulator(.init(tickets: 20, days: 1, seed: 3, until: until)).files(for: .crq)
        #expect(files.first?.key.hasSuffix("2026-12-05T06-00-00.csv") == true)
        #expect(files.last?.key.hasSuffix("2026-12-05T20-40-00.csv") == true)
        let baselineOnly = StreamSimulator(.init(tickets: 20, days: 0, seed: 3, until: until)).files(for: .crq)
        #expect(baselineOnly.map(\.key) == ["automations/crq/changes/2026-12-05T20-40-00.csv"])
    }

    @Test func theSameSeedAndEndWriteTheSameBytes() throws {
        let until = try MomentArgument.parse("2026-12-06T12:05", flag: "--until")
        let a = StreamSimulator(.init(tickets: 40, days: 2, seed: 5, until: until))
        let b = StreamSimulator(.init(tickets: 40, days: 2, seed: 5, until: until.addingTimeInterval(600)))  // same slot
        let c = StreamSimulator(.init(tickets: 40, days: 2, seed: 5, until: until.addingTimeInterval(86_400)))
        let bytesA = a.files(for: .inc).map { a.bytes($0, for: .inc) }
        #expect(bytesA == b.files(for: .inc).map { b.bytes($0, for: .inc) })
        #expect(bytesA != c.files(for: .inc).map { c.bytes($0, for: .inc) })
    }

    @Test func noTicketChangesAfterTheEnd() throws {
        let until = try MomentArgument.parse("2026-12-06T09:00", flag: "--until")
        let simulator = StreamSimulator(.init(tickets: 200, days: 1, seed: 8, until: until))
        let files = simulator.files(for: .inc)
        #expect(files.count == 10)
        let text = files.map { String(decoding: simulator.bytes($0, for: .inc), as: UTF8.self) }.joined()
        // Every timestamp the stream writes is at or before its last export.
        let stamps = text.split(whereSeparator: { $0 == "," || $0 == "\n" }).compactMap { EATMoment(feedTimestamp: $0) }
        #expect(!stamps.isEmpty)
        let late = stamps.filter { $0.date > until }
        #expect(late.allSatisfy { _ in false }, "stamps after the end: \(late.prefix(3))")
    }

    @Test func anEndThatIsNoMomentSaysWhatToPass() {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        #expect((try? MomentArgument.parse("now", flag: "--until", clock: WallClock { now })) == now)
        #expect(throws: MomentArgumentError.self) { try MomentArgument.parse("2026-13-01T10:00", flag: "--until") }
        do {
            _ = try MomentArgument.parse("yesterday", flag: "--until")
        } catch let error as MomentArgumentError {
            #expect(error.message.contains("YYYY-MM-DDTHH:MM") && error.message.hasPrefix("--until 'yesterday'"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
