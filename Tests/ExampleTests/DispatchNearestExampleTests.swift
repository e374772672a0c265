import FleetTicketsTesting
import Foundation
import Testing

/// The dispatch example runs without a database and prints an urgency-ranked list and a plan.
@Suite struct DispatchNearestExampleTests {
    @Test func printsNearestTicketsByUrgencyAndAPlanThatNeverDoublesUp() async throws {
        let result = try await ChildProcess.run(ChildProcess.builtProduct("dispatch-nearest"), [])
        let text = result.stdout
        #expect(result.status == 0, "\(result.stderr)")
        let lines = text.split(separator: "\n").map(String.init)
        let split = try #require(lines.firstIndex { $0.hasPrefix("assignments") })
        let nearest = lines[1..<split].map { $0.split(separator: " ").map(String.init) }
        #expect(nearest.count == 8, "8 tickets within 25 km")
        #expect(nearest.map { Int($0[0]) } == Array(1...8).map { Optional($0) })
        let order = ["breached", "at_risk", "within", "unknown"]
        let states = nearest.map { row in order.firstIndex { row.contains($0) } ?? -1 }
        #expect(!states.contains(-1) && states == states.sorted(), "urgency order: \(states)")
        #expect(nearest.allSatisfy { ["location", "cluster", "feed"].contains($0.last!) })

        let plan = lines[(split + 1)...].filter { $0.contains(" -> ") }.map { $0.split(separator: " ").map(String.init) }
        #expect(plan.count == 8, "capacities 3 + 3 + 2 are filled")
        #expect(Set(plan.map { $0[3] }).count == plan.count, "no ticket gets two vans")
        #expect(plan.filter { $0[0] == "VAN-C" }.count <= 2)
        #expect(plan.allSatisfy { Double($0[4]).map { $0 <= 30_000 } == true }, "within 30 km")
        #expect(lines.last?.hasPrefix("left over: ") == true)
    }
}
