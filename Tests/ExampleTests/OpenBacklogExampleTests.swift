import FleetTicketsTesting
import Foundation
import Testing

/// The examples are programs analysts run: build them, run them, read what they print.
@Suite struct OpenBacklogExampleTests {
    @Test func printsTheOpenBacklogByClusterBusiestFirst() async throws {
        let result = try await ChildProcess.run(ChildProcess.builtProduct("open-backlog"), [])
        let text = result.stdout
        #expect(result.status == 0, "\(result.stderr)")
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("cluster") == true)
        let rows = lines.dropFirst().map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(rows.count >= 5, "several clusters have open tickets")
        let totals = rows.compactMap { r -> Int? in
            guard r.count >= 4, let inc = Int(r[r.count - 3]), let crq = Int(r[r.count - 2]) else { return nil }
            return inc + crq
        }
        #expect(totals.count == rows.count)
        #expect(totals == totals.sorted(by: >), "busiest cluster first")
        #expect(rows.allSatisfy { (Double($0.last ?? "") ?? -1) >= 0 }, "median hours open are non-negative numbers")
    }
}
