import ArgumentParser
import FleetTicketsCore
import FleetTicketsPostgres
import Foundation

extension TrendGrain: ExpressibleByArgument {}
extension TrendSplit: ExpressibleByArgument {}

/// `fleettickets trends`: the dashboard's trend figures in a terminal.
struct Trends: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Opened, closed, closure rate, backlog, MTTR and SLA share per EAT day or ISO week.",
        discussion: """
        The figures of reporting.fn_trends (docs/read-schema.md): flows from the tickets, past \
        backlogs from the history captures ("-" where no capture exists).
        """
    )

    @Option(help: "\(Dataset.all.map(\.name).joined(separator: " or ")).")
    var dataset = "inc"

    @Option(help: "First EAT day, YYYY-MM-DD (default: 13 days before --to).")
    var from: String?

    @Option(help: "Last EAT day, YYYY-MM-DD (default: today in EAT).")
    var to: String?

    @Option(help: "day or week (ISO weeks, Monday first).")
    var grain: TrendGrain = .day

    @Option(help: "none, region, cluster or team.")
    var split: TrendSplit = .none

    @Flag(help: "Print the report as JSON (the keys of reporting.fn_trends).")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let logger = global.bootstrapLogging()
        let url = try global.requireDatabaseURL(try global.settings())
        let dataset: Dataset
        do { dataset = try Dataset.parse(self.dataset) } catch { throw CommandFailure(status: .usage, message: Sentences.sentence("\(error)")) }
        let last = try to.map { try Self.day($0, option: "--to") } ?? EATDay.today()
        let first = try from.map { try Self.day($0, option: "--from") } ?? last.adding(days: -13)
        guard first <= last else {
            throw CommandFailure(status: .usage, message: "--from \(first) is after --to \(last): pass an earlier --from.")
        }
        let reader = PostgresAnalyticsReader(url: url, maxConnections: 1, logger: logger)
        defer { reader.close() }
        let report: TrendReport
        do {
            report = try await reader.trends(TrendQuery(dataset: dataset.name, from: "\(first)", to: "\(last)", grain: grain, split: split))
        } catch {
            throw CommandFailure(status: .dependency, message: "Could not read the \(dataset) trends: \(explained: error)")
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
        } else {
            print(TrendTable(report).text)
        }
    }

    /// An EAT calendar day typed on the command line (`YYYY-MM-DD`).
    static func day(_ text: String, option: String) throws -> EATDay {
        guard let day = EATDay(text) else {
            throw CommandFailure(status: .usage, message: "\(option) '\(text)' is not a day of the calendar: write it YYYY-MM-DD, e.g. 2026-06-15.")
        }
        return day
    }
}

/// A trend report as an aligned text table.
struct TrendTable {
    let report: TrendReport

    init(_ report: TrendReport) { self.report = report }

    var text: String {
        let q = report.query
        let split = q.split != .none
        var header = ["period"]
        if split { header.append(q.split.rawValue) }
        header += ["opened", "closed", "rate", "backlog", "mttr p50 h", "mttr p90 h", "in SLA", "<24h", "24-48h", "48h-7d", ">7d"]
        var rows = [header]
        for p in report.points { rows.append(cells(of: p, split: split)) }
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        let lines = rows.map { row in
            row.enumerated().map { column, cell in
                column == 0 || (split && column == 1)
                    ? cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }.joined(separator: "  ")
        }
        let title = "\(q.dataset) trends \(q.from) to \(q.to) per \(q.grain.rawValue); SLA target \(hours(report.slaHours)) h"
        return ([title] + lines).joined(separator: "\n")
    }

    private func cells(of p: TrendPoint, split: Bool) -> [String] {
        var row = [p.period]
        if split { row.append(p.group ?? "-") }
        row += ["\(p.opened)", "\(p.closed)", percent(p.closureRate), p.backlogAtEnd.map { String($0) } ?? "-"]
        row += [hours(p.mttrMedianHours), hours(p.mttrP90Hours), percent(p.withinSLAShare)]
        let buckets: [Int]? = p.backlogAge.map { [$0.under24h, $0.from24hTo48h, $0.from48hTo7d, $0.over7d] }
        row += buckets.map { $0.map { String($0) } } ?? ["-", "-", "-", "-"]
        return row
    }

    private func percent(_ share: Double?) -> String {
        share.map { String(format: "%.1f%%", $0 * 100) } ?? "-"
    }

    private func hours(_ value: Double?) -> String {
        value.map { $0 == $0.rounded() ? String(Int($0)) : String(format: "%.1f", $0) } ?? "-"
    }
}
