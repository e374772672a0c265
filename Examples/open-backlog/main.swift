// open-backlog: the open tickets of a change stream, by cluster, with how long they have been
// open — computed with the library alone (no database), the way an analyst's notebook or a
// dispatch service would embed it.
//
//   open-backlog [FOLDER]     a folder laid out like the bucket (default: a simulated stream)
//
// Output: one line per cluster, busiest first: cluster, open INC, open CRQ, median hours open.
import FleetTicketsCore
import Foundation

let store = InMemoryTicketStore()
let source: any ChangeSource
if CommandLine.arguments.count > 1 {
    source = LocalFolderChangeSource(root: URL(fileURLWithPath: CommandLine.arguments[1], isDirectory: true))
} else {
    let bucket = InMemoryChangeSource()
    StreamSimulator(.init(tickets: 300, days: 1, seed: 1)).load(into: bucket)
    source = bucket
}

// A dry run would do as well; --apply semantics keep the example honest about archiving.
let engine = IngestEngine(source: source, store: store)
var asOf = Date.distantPast
for dataset in Dataset.all {
    let report = await engine.run(dataset, options: IngestOptions(apply: source is InMemoryChangeSource))
    if let failure = report.failure {
        FileHandle.standardError.write(Data("\(failure.message)\n".utf8))
        exit(1)
    }
    if let mark = report.watermarkAfter.flatMap(ChangeKey.init) { asOf = max(asOf, mark.exportedAt) }
}

/// EAT `YYYY-MM-DD HH:MM:SS` → moment (the feed's timestamp shape); nil for a blank or any other text.
func eat(_ text: String?) -> Date? {
    text.flatMap { EATMoment(feedTimestamp: $0)?.date }
}

struct Row { var inc = 0, crq = 0, hours: [Double] = [] }
var byCluster: [String: Row] = [:]
for dataset in Dataset.all {
    for raw in store.tickets(of: dataset).values where SourceColumns.boolean(raw["is_actionable"] ?? "") == true {
        let cluster = raw["cluster"] ?? "?"
        if dataset == .inc { byCluster[cluster, default: Row()].inc += 1 } else { byCluster[cluster, default: Row()].crq += 1 }
        // The SLA clock: created_at_service, else first_seen_at (as tickets.inc_open_sla does).
        if let start = eat(raw["created_at_service"]) ?? eat(raw["first_seen_at"]) {
            byCluster[cluster, default: Row()].hours.append(asOf.timeIntervalSince(start) / 3600)
        }
    }
}

print("cluster           open_inc  open_crq  median_hours_open")
for (cluster, row) in byCluster.sorted(by: { ($0.value.inc + $0.value.crq, $1.key) > ($1.value.inc + $1.value.crq, $0.key) }) {
    let sorted = row.hours.sorted()
    let median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    print(cluster.padding(toLength: 16, withPad: " ", startingAt: 0), String(format: "%9d %9d %18.1f", row.inc, row.crq, median))
}
