import ArgumentParser
import FleetTicketsCore
import FleetTicketsPostgres
import FleetTicketsReport
import Foundation

/// `fleettickets report`: the one-page HTML report an analyst or a manager opens.
struct Report: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one self-contained HTML page: headline figures, trend charts, the map of open tickets, the team table.",
        discussion: """
        The page opens with no network (inline styles and SVG, no scripts). Days are EAT calendar \
        days, both inclusive; the default range is the last 30 days up to today. Trends are daily \
        up to 62 days and weekly beyond. What each figure means: docs/report.md.
        """
    )

    @Option(help: "The HTML file to write (its folder must exist).")
    var out: String

    @Option(help: "First EAT day, YYYY-MM-DD (default: 29 days before --to).")
    var from: String?

    @Option(help: "Last EAT day, YYYY-MM-DD (default: today in EAT).")
    var to: String?

    @Option(help: "inc, crq or all.")
    var dataset = "all"

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        do {
            _ = try ReportRequest(dataset: dataset, from: from, to: to)
        } catch let error as ReportRequestError {
            throw ValidationError(error.message)
        }
        let folder = URL(fileURLWithPath: out).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("The folder of --out (\(folder)) does not exist: create it or write elsewhere.")
        }
    }

    func run() async throws {
        let logger = global.bootstrapLogging()
        let url = try global.requireDatabaseURL(try global.settings())
        let request = try ReportRequest(dataset: dataset, from: from, to: to)
        let source = PostgresReportSource(url: url, logger: logger)
        defer { source.close() }
        let input: ReportInput
        do {
            input = try await source.reportInput(request)
        } catch {
            throw CommandFailure(status: .dependency, message: "Could not read the report's figures from the database: \(explained: error)")
        }
        let file = URL(fileURLWithPath: out).standardizedFileURL
        do {
            try ReportPage.html(for: input).write(to: file, atomically: true, encoding: .utf8)
        } catch {
            throw CommandFailure(status: .dependency, message: Sentences.join(
                "Could not write the report to \(file.path): \(error.localizedDescription)", "Check the folder is writable"))
        }
        print(ReportPage.summary(for: input))
        print(file.path)
    }
}
