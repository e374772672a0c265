import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Testing

@Suite struct DispatchPlannerTests {
    static let now = Date(timeIntervalSince1970: 1_781_000_000)

    /// An open ticket `kmNorth` km north and `kmEast` km east of Nairobi, open `hours` hours.
    static func ticket(_ id: String, _ kmNorth: Double, _ kmEast: Double, hours: Double?, dataset: String = "inc") -> DispatchCandidate {
        let target = SLATargets.standard.target(for: dataset).targetHours
        let start = hours.map { now.addingTimeInterval(-$0 * 3600) }
        return DispatchCandidate(
            rank: 0, dataset: dataset, ticketID: id, distanceMetres: 0, hoursOpen: hours,
            slaState: SLATargets.standard.state(of: dataset, hoursOpen: hours), slaTargetHours: target,
            slaHoursLeft: hours.map { target - $0 }, slaClockStart: start, slaClockSource: start == nil ? "none" : "created_at_service",
            slaDeadline: start?.addingTimeInterval(target * 3600),
            latitude: DispatchFixtures.nairobi.latitude + kmNorth / 110.6, longitude: DispatchFixtures.nairobi.longitude + kmEast / 111.3,
            geoSource: "feed")
    }

    static func van(_ id: String, _ kmNorth: Double, _ kmEast: Double, capacity: Int? = nil) -> DispatchVehicle {
        DispatchVehicle(id: id, position: Coordinate(latitude: DispatchFixtures.nairobi.latitude + kmNorth / 110.6,
                                                     longitude: DispatchFixtures.nairobi.longitude + kmEast / 111.3), capacity: capacity)
    }

    /// The nearest van does not take the urgent ticket when that strands a second ticket only
    /// it can reach; the other van, also in range, takes the urgent one.
    @Test func servesEveryTicketItCanWithoutDroppingAMoreUrgentOne() throws {
        let urgent = Self.ticket("URGENT", 0, 1, hours: 70)    // breached
        let later = Self.ticket("LATER", 0, -9, hours: 5)       // within; only van A reaches it
        let plan = try DispatchPlanner(maxDistanceKilometres: 10).assign([later, urgent], to: [
            Self.van("A", 0, 0, capacity: 1), Self.van("B", 0, 8, capacity: 1),
        ])
        #expect(plan.assignments.map { "\($0.vehicleID):\($0.ticket.ticketID)" } == ["B:URGENT", "A:LATER"])
        #expect(plan.unassigned.isEmpty)
        #expect(abs(plan.assignments[0].distanceMetres - 7000) < 50)
    }

    @Test func mostUrgentWinsTheLastPlaceAndLeftoversSayWhy() throws {
        let plan = try DispatchPlanner(maxDistanceKilometres: 5).assign([
            Self.ticket("NEAR-WITHIN", 0, 0.1, hours: 1),
            Self.ticket("FAR-BREACHED", 0, 3, hours: 49),
            Self.ticket("OUT-OF-REACH", 0, 50, hours: 100),
            Self.ticket("NEAR-WITHIN", 0, 0.1, hours: 1),   // listed twice: planned once
        ], to: [Self.van("A", 0, 0, capacity: 1)])
        #expect(plan.assignments.map(\.ticket.ticketID) == ["FAR-BREACHED"])
        #expect(plan.assignments(of: "A").count == 1)
        #expect(plan.unassigned.map { "\($0.ticket.ticketID):\($0.reason.rawValue)" } == ["OUT-OF-REACH:out_of_range", "NEAR-WITHIN:no_capacity"])
    }

    @Test func badInputIsRefused() {
        let t = [Self.ticket("X", 0, 0, hours: 1)]
        #expect(throws: DispatchPlanError.self) { try DispatchPlanner().assign(t, to: [Self.van("A", 0, 0), Self.van("A", 1, 1)]) }
        #expect(throws: DispatchPlanError.self) { try DispatchPlanner().assign(t, to: [Self.van("A", 0, 0, capacity: -1)]) }
        #expect(throws: DispatchPlanError.self) { try DispatchPlanner(maxDistanceKilometres: 0).assign(t, to: [Self.van("A", 0, 0)]) }
    }

    /// Every plan is the best of all possible plans: exhaustive search on random fixtures.
    @Test(arguments: 0..<8)
    func matchesExhaustiveSearchOnRandomFixtures(_ batch: Int) throws {
        for seed in UInt64(batch * 50)..<UInt64(batch * 50 + 50) {
            var rng = SplitMix64(seed: seed &+ 12345)
            let ticketCount = 1 + Int(rng.unit() * 7), vanCount = 1 + Int(rng.unit() * 3)
            let tickets = (0..<ticketCount).map { i in
                // Coarse positions and clocks so distance and deadline ties happen.
                Self.ticket("T\(i)", Double(Int(rng.unit() * 6)) * 2, Double(Int(rng.unit() * 6)) * 2,
                            hours: rng.unit() < 0.15 ? nil : Double(Int(rng.unit() * 8)) * 20,
                            dataset: rng.unit() < 0.7 ? "inc" : "crq")
            }
            let vans = (0..<vanCount).map { j in
                Self.van("V\(j)", Double(Int(rng.unit() * 6)) * 2, Double(Int(rng.unit() * 6)) * 2,
                         capacity: rng.unit() < 0.25 ? nil : Int(rng.unit() * 3))
            }
            let maxKm: Double? = rng.unit() < 0.3 ? nil : 3 + rng.unit() * 8
            let plan = try DispatchPlanner(maxDistanceKilometres: maxKm).assign(tickets, to: vans)
            let best = Self.exhaustiveBest(tickets, vans, maxKm)
            let got = best.order.map { t in plan.assignments.first { $0.ticket.ticketID == t.ticketID }.map { a in vans.firstIndex { $0.id == a.vehicleID }! } }
            #expect(got == best.choice, "seed \(seed): \(ticketCount) tickets, \(vanCount) vans, max \(maxKm.map { "\($0)" } ?? "-") km")
            // Structural: a ticket at most once, capacities and reach respected.
            #expect(Set(plan.assignments.map(\.ticket.ticketID)).count == plan.assignments.count)
            #expect(plan.assignments.count + plan.unassigned.count == tickets.count)
            for v in vans { #expect(plan.assignments(of: v.id).count <= (v.capacity ?? .max)) }
            if let maxKm { #expect(plan.assignments.allSatisfy { $0.distanceMetres <= maxKm * 1000 }) }
        }
    }

    /// Tries every way of giving each ticket a vehicle or none; keeps the best by: served
    /// tickets in urgency order (serving an earlier one beats any later ones), then each
    /// served ticket's (distance, vehicle position in the list) in urgency order.
    static func exhaustiveBest(_ tickets: [DispatchCandidate], _ vans: [DispatchVehicle], _ maxKm: Double?)
        -> (order: [DispatchCandidate], choice: [Int?]) {
        let order = tickets.sorted(by: DispatchOrder.moreUrgent)
        let metres = order.map { t in vans.map { Geodesic.distanceMetres(from: $0.position, to: t.position) } }
        var best: [Int?]? = nil
        var choice = [Int?](repeating: nil, count: order.count)
        func better(_ a: [Int?], than b: [Int?]) -> Bool {
            for i in a.indices where (a[i] != nil) != (b[i] != nil) { return a[i] != nil }
            for i in a.indices {
                guard let x = a[i], let y = b[i] else { continue }
                if metres[i][x] != metres[i][y] { return metres[i][x] < metres[i][y] }
                if x != y { return x < y }
            }
            return false
        }
        func walk(_ i: Int, _ load: [Int]) {
            if i == order.count {
                if best == nil || better(choice, than: best!) { best = choice }
                return
            }
            choice[i] = nil
            walk(i + 1, load)
            for j in vans.indices where load[j] < (vans[j].capacity ?? .max) && (maxKm == nil || metres[i][j] <= maxKm! * 1000) {
                var next = load
                next[j] += 1
                choice[i] = j
                walk(i + 1, next)
                choice[i] = nil
            }
        }
        walk(0, Array(repeating: 0, count: vans.count))
        return (order, best!)
    }
}
