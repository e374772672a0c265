import ArgumentParser
import FleetTicketsCore
import FleetTicketsPostgres
import Foundation

/// `fleettickets dispatch`: the open tickets nearest to a vehicle's GPS fix.
struct Dispatch: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The nearest open, actionable tickets (INC and CRQ) to a GPS fix, by distance or SLA urgency.",
        discussion: """
        Distances are metres on the WGS84 spheroid (as PostGIS ST_Distance). Without --within, the \
        --limit nearest tickets are ranked; with it, every open ticket in the radius competes. \
        --rank urgency: breached (longest overdue first), at_risk, within (soonest deadline first), \
        unknown clock last. Answers come from reporting.fn_dispatch_nearest, as on the dashboard.
        """
    )

    // Unconditional: a southern latitude starts with "-" and must not read as a flag.
    @Option(parsing: .unconditional, help: ArgumentHelp("The vehicle's position in decimal degrees, latitude first.", valueName: "LAT,LNG"))
    var near: String

    @Option(help: "How many tickets to list (1–1000).")
    var limit = 10

    @Option(help: ArgumentHelp("Only tickets within this many kilometres.", valueName: "KM"))
    var within: Double?

    @Option(help: "Order: distance (nearest first) or urgency (SLA).")
    var rank: DispatchRank = .distance

    @Flag(help: "Print the answer as JSON (the dashboard function's keys).")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let query: NearbyQuery
        do {
            query = try NearbyQuery(near: try Coordinate(parsingFix: near), limit: limit, withinKilometres: within, rank: rank)
        } catch {
            throw CommandFailure(status: .usage, message: "\(error)")
        }
        let logger = global.bootstrapLogging()
        let reader = PostgresDispatchReader(url: try global.requireDatabaseURL(try global.settings()), maxConnections: 1, logger: logger)
        defer { reader.close() }
        let answer: NearbyTickets
        do {
            answer = try await reader.nearestOpenTickets(query)
        } catch {
            throw CommandFailure(status: .dependency, message: "\(explained: error)")
        }
        if json {
            print(String(decoding: try DispatchJSON.encode(answer), as: UTF8.self))
        } else {
            print(Self.table(answer))
        }
    }

    /// One line per ticket, in the answer's order.
    static func table(_ answer: NearbyTickets) -> String {
        guard !answer.tickets.isEmpty else { return "No open, placed ticket matches." }
        func cell(_ s: String, _ width: Int) -> String { s.count >= width ? s + " " : s.padding(toLength: width, withPad: " ", startingAt: 0) }
        func hours(_ h: Double?) -> String { h.map { String(format: "%.1f", $0) } ?? "-" }
        var lines = [cell("#", 4) + cell("dataset", 8) + cell("ticket", 14) + cell("distance", 11) + cell("sla", 10)
            + cell("open_h", 8) + cell("left_h", 8) + cell("cluster", 16) + "placed_by"]
        for t in answer.tickets {
            let distance = t.distanceMetres < 1000 ? String(format: "%.0f m", t.distanceMetres) : String(format: "%.2f km", t.distanceMetres / 1000)
            lines.append(cell("\(t.rank)", 4) + cell(t.dataset, 8) + cell(t.ticketID, 14) + cell(distance, 11) + cell(t.slaState.rawValue, 10)
                + cell(hours(t.hoursOpen), 8) + cell(hours(t.slaHoursLeft), 8) + cell(t.cluster ?? "-", 16) + t.geoSource)
        }
        return lines.joined(separator: "\n")
    }
}

extension DispatchRank: ExpressibleByArgument {}
