import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Testing

@Suite struct DispatchReaderTests {
    static let now = Date(timeIntervalSince1970: 1_781_000_000)

    /// A query shape: limit, radius, rank.
    struct Shape: Sendable, CustomTestStringConvertible {
        var limit: Int
        var km: Double?
        var rank: DispatchRank
        var testDescription: String { "limit \(limit), within \(km.map { "\($0) km" } ?? "-"), by \(rank)" }
    }

    static let shapes: [Shape] = [1, 7, 60].flatMap { limit in
        [nil, 4.0, 40.0].flatMap { km in DispatchRank.allCases.map { Shape(limit: limit, km: km, rank: $0) } }
    }

    @Test(arguments: shapes)
    func rankingMatchesBruteForceOnRandomFixtures(_ shape: Shape) async throws {
        for seed in UInt64(1)...6 {
            let fixture = DispatchFixtures.random(seed: seed, count: 300, now: Self.now)
            let reader = InMemoryDispatchReader(tickets: fixture.tickets, clock: WallClock { Self.now })
            var rng = SplitMix64(seed: seed * 977)
            for _ in 0..<10 {
                let fix = Coordinate(latitude: DispatchFixtures.nairobi.latitude + (rng.unit() - 0.5) * 0.3,
                                     longitude: DispatchFixtures.nairobi.longitude + (rng.unit() - 0.5) * 0.3)
                let query = try NearbyQuery(near: fix, limit: shape.limit, withinKilometres: shape.km, rank: shape.rank)
                let got = try await reader.nearestOpenTickets(query)
                let expected = DispatchBruteForce.answer(query, tickets: fixture.tickets, asOf: Self.now)
                #expect(got.asOf == Self.now)
                #expect(got.tickets.map { "\($0.dataset)/\($0.ticketID)" } == expected.map { "\($0.dataset)/\($0.ticketID)" },
                        "seed \(seed), fix \(fix)")
                #expect(got.tickets.map(\.rank) == Array(1...max(1, got.tickets.count)).prefix(got.tickets.count).map { $0 })
                for (g, e) in zip(got.tickets, expected) {
                    #expect(abs(g.distanceMetres - e.metres) <= 0.005)
                    #expect(g.slaState == e.state)
                }
                if shape.km == nil { #expect(got.tickets.count == min(shape.limit, fixture.tickets.filter { $0.isActionable && $0.position != nil }.count)) }
            }
        }
    }

    /// Breached longest-overdue first (across datasets, by deadline), then at risk, then
    /// within by hours left, unknown clock last; equal deadlines nearest first.
    @Test func urgencyOrderIsStateThenDeadlineThenDistance() async throws {
        let here = Coordinate(latitude: -1.28, longitude: 36.82)
        func at(_ km: Double) -> Coordinate { Coordinate(latitude: -1.28 + km / 111.2, longitude: 36.82) }
        func ago(_ h: Double) -> Date { Self.now.addingTimeInterval(-h * 3600) }
        let reader = InMemoryDispatchReader(tickets: [
            DispatchTicket(dataset: "inc", ticketID: "within-10h", position: at(0.1), createdAtService: ago(10)),
            DispatchTicket(dataset: "crq", ticketID: "atrisk-100h", position: at(0.2), createdAtService: ago(100)),  // 20 h left
            DispatchTicket(dataset: "inc", ticketID: "atrisk-40h", position: at(0.3), createdAtService: ago(40)),   // 8 h left
            DispatchTicket(dataset: "crq", ticketID: "breached-130h", position: at(0.4), firstSeenAt: ago(130)),   // 10 h over
            DispatchTicket(dataset: "inc", ticketID: "breached-60h", position: at(0.5), createdAtService: ago(60)),  // 12 h over
            DispatchTicket(dataset: "inc", ticketID: "no-clock", position: at(0.05)),
            DispatchTicket(dataset: "inc", ticketID: "within-10h-far", position: at(0.9), createdAtService: ago(10)),
            DispatchTicket(dataset: "inc", ticketID: "closed", isActionable: false, position: at(0.01), createdAtService: ago(90)),
            DispatchTicket(dataset: "inc", ticketID: "unplaced", position: nil, createdAtService: ago(90)),
        ], clock: WallClock { Self.now })
        let byUrgency = try await reader.nearestOpenTickets(try NearbyQuery(near: here, limit: 20, rank: .urgency))
        #expect(byUrgency.tickets.map(\.ticketID) == ["breached-60h", "breached-130h", "atrisk-40h", "atrisk-100h",
                                                      "within-10h", "within-10h-far", "no-clock"])
        #expect(byUrgency.tickets.map(\.slaState) == [.breached, .breached, .atRisk, .atRisk, .within, .within, .unknown])
        let first = try #require(byUrgency.tickets.first)
        #expect(first.hoursOpen == 60 && first.slaHoursLeft == -12 && first.slaTargetHours == 48)
        #expect(byUrgency.tickets[1].slaClockSource == "first_seen_at" && byUrgency.tickets[1].slaTargetHours == 120)
        #expect(byUrgency.tickets.last?.hoursOpen == nil && byUrgency.tickets.last?.slaClockSource == "none")

        let byDistance = try await reader.nearestOpenTickets(try NearbyQuery(near: here, limit: 3))
        #expect(byDistance.tickets.map(\.ticketID) == ["no-clock", "within-10h", "atrisk-100h"])
        #expect(abs(byDistance.tickets[1].distanceMetres - 100) < 1.5)

        // Without a radius, urgency ranks only the k nearest; with one, everything inside it.
        let nearestThree = try await reader.nearestOpenTickets(try NearbyQuery(near: here, limit: 3, rank: .urgency))
        #expect(nearestThree.tickets.map(\.ticketID) == ["atrisk-100h", "within-10h", "no-clock"])
        let inRadius = try await reader.nearestOpenTickets(try NearbyQuery(near: here, limit: 3, withinKilometres: 0.45, rank: .urgency))
        #expect(inRadius.tickets.map(\.ticketID) == ["breached-130h", "atrisk-40h", "atrisk-100h"])
    }

    @Test func storeBackedReaderPlacesTicketsAsTheDatabaseDoes() async throws {
        let store = InMemoryTicketStore()
        let bucket = InMemoryChangeSource()
        bucket.put(Fixtures.key(.inc, hour: 9), text: Fixtures.csv([
            Fixtures.row("FEED", cluster: "Kasarani", createdAt: "2026-06-14 08:15:00",
                         extra: ["latitude": "-1.2219", "longitude": "36.8992"]),
            Fixtures.row("CENTROID", cluster: "Kasarani", createdAt: "2026-06-15 08:15:00"),
            Fixtures.row("NOWHERE", cluster: "Atlantis"),
            Fixtures.row("SHUT", actionable: false, cluster: "Kasarani"),
        ]))
        _ = await IngestEngine(source: bucket, store: store).run(.inc, options: IngestOptions(apply: true))
        try await store.save(clusters: [ClusterAnswer(cluster: "Kasarani", coordinate: Coordinate(latitude: -1.2186, longitude: 36.9025),
                                                      query: "Kasarani", provider: "test")])
        let asOf = EAT.date(year: 2026, month: 6, day: 16, hour: 8, minute: 15)
        let reader = InMemoryDispatchReader(store: store, clock: WallClock { asOf })
        let near = try await reader.nearestOpenTickets(try NearbyQuery(near: Coordinate(latitude: -1.2219, longitude: 36.8992)))
        #expect(near.tickets.map(\.ticketID) == ["FEED", "CENTROID"])
        #expect(near.tickets.map(\.geoSource) == ["feed", "cluster"])
        #expect(near.tickets.map(\.hoursOpen) == [48, 24])
        #expect(near.tickets.map(\.slaState) == [.atRisk, .within])
        #expect(near.tickets[0].distanceMetres == 0 && near.tickets[1].cluster == "Kasarani")
    }

    @Test(arguments: [
        (91.0, 36.8, 10, nil as Double?, "latitude 91.0 is out of range"),
        (-1.2, 181.0, 10, nil, "longitude 181.0 is out of range"),
        (-1.2, 36.8, 0, nil, "limit 0 is out of range [1, 1000]"),
        (-1.2, 36.8, 1001, nil, "limit 1001 is out of range"),
        (-1.2, 36.8, 10, 0.0, "radius 0.0 km is out of range"),
        (-1.2, 36.8, 10, -3.0, "radius -3.0 km is out of range"),
        (Double.nan, 36.8, 10, nil, "latitude nan is out of range"),
    ])
    func badQueriesSayWhatIsWrong(_ lat: Double, _ lng: Double, _ limit: Int, _ km: Double?, _ message: String) {
        #expect {
            _ = try NearbyQuery(near: Coordinate(latitude: lat, longitude: lng), limit: limit, withinKilometres: km)
        } throws: { error in
            String(describing: error).contains(message)
        }
    }

    @Test func fixesParseAsLatitudeCommaLongitude() throws {
        #expect(try Coordinate(parsingFix: " -1.2921, 36.8219 ") == Coordinate(latitude: -1.2921, longitude: 36.8219))
        for bad in ["", "-1.29", "a,b", "1,2,3"] {
            #expect(throws: DispatchQueryError.self) { try Coordinate(parsingFix: bad) }
        }
    }

    @Test func answersRoundTripThroughTheFunctionsJSON() async throws {
        let fixture = DispatchFixtures.random(seed: 3, count: 50, now: Self.now)
        let reader = InMemoryDispatchReader(tickets: fixture.tickets, clock: WallClock { Self.now.addingTimeInterval(0.25) })
        let answer = try await reader.nearestOpenTickets(try NearbyQuery(near: DispatchFixtures.nairobi, limit: 20))
        let text = String(decoding: try DispatchJSON.encode(answer), as: UTF8.self)
        #expect(text.contains("\"generated_at\":\"") && text.contains(".25+00:00\""))
        #expect(text.contains("\"ticket_id\":") && text.contains("\"sla_deadline\":"))
        #expect(try DispatchJSON.decodeNearby(Data(text.utf8)) == answer)
    }
}
