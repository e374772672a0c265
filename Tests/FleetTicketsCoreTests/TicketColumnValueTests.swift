import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Testing

/// The in-memory store's typed values (`TicketColumn.value(in:)`), on the shapes the feed sends.
/// The integration suite `TicketColumnsDeclarationTests` holds them against the database's.
struct TicketColumnValueTests {
    func value(_ name: String, _ text: String) -> TypedValue? {
        let column = TicketColumns.all.first { $0.name == name }!
        return column.value(in: RawRecord([column.field!: text]))
    }

    @Test func theDeclarationNamesEachColumnOnceAndEachFieldColumnItsField() {
        #expect(Set(TicketColumns.all.map(\.name)).count == TicketColumns.all.count)
        #expect(TicketColumns.fromFields.allSatisfy { $0.field != nil && $0.kind.isFromField })
        #expect(TicketColumns.placement.allSatisfy { $0.field == nil && !$0.kind.isFromField })
    }

    @Test func minutesRoundHalfAwayFromZero() {
        #expect(value("mttr", "1.5") == .integer(90))
        #expect(value("mttr", "0.025") == .integer(2))
        #expect(value("mttr", "-0.025") == .integer(-2))
        #expect(value("mttr", "-0.0125") == .integer(-1))
        #expect(value("mttr", " 2.25 ") == .integer(135))
        #expect(value("mttr", ".5") == .integer(30))
        #expect(value("mttr", "+3.") == .integer(180))
        #expect(value("mttr", "34999999.99") == .integer(2_099_999_999))
        for notANumber in ["", " ", "1e3", "1,5", "--1", "+", ".", "1.2.3", "35000000", "x"] {
            #expect(value("mttr", notANumber) == nil, "\(notANumber)")
        }
    }

    @Test func booleansTextAndTimestamps() {
        #expect(value("is_actionable", " Yes ") == .boolean(true))
        #expect(value("is_actionable", "F") == .boolean(false))
        #expect(value("is_actionable", "maybe") == nil)
        #expect(value("owner", "  Ann B  ") == .text("Ann B"))
        #expect(value("owner", "   ") == nil)
        #expect(value("closed_at", "2026-06-15 17:00:00") == .timestamp(EAT.date(year: 2026, month: 6, day: 15, hour: 17)))
        #expect(value("closed_at", " ") == nil)
    }

    @Test func theInMemoryStoreDerivesEveryDeclaredColumn() async throws {
        let store = InMemoryTicketStore()
        let source = InMemoryChangeSource()
        source.put(Fixtures.key(.inc, hour: 9), text: """
            ticket_id,is_actionable,owner,closed_at,mttr,latitude,longitude,cluster
            T1,yes, Ann ,2026-06-15 17:00:00,1.5,-1.29,36.82,Kasarani
            """)
        let report = await IngestEngine(source: source, store: store).run(.inc, options: IngestOptions(apply: true))
        #expect(report.failure == nil)
        let values = try #require(store.typedValues(of: .inc)["T1"])
        #expect(values["is_actionable"] == .boolean(true))
        #expect(values["owner"] == .text("Ann"))
        #expect(values["mttr"] == .integer(90))
        #expect(values["geom"] == .point(Coordinate(latitude: -1.29, longitude: 36.82)))
        #expect(values["geo_source"] == .text("feed"))
        #expect(values["latitude"] == .number(-1.29))
        #expect(Set(values.keys).isSubset(of: Set(TicketColumns.all.map(\.name))))
        #expect(values["region"] == nil, "an absent field is NULL")
    }
}
