// dispatch-nearest: which open tickets should the vans near Nairobi go to? The whole dispatch
// flow a dispatch service embeds, in one file to copy:
//   1. a DispatchReader: PostgreSQL (the same function the dashboard calls) or, without a
//      database, an in-memory reader over a simulated, geocoded stream;
//   2. the nearest open tickets to one fix, ranked by SLA urgency;
//   3. several vans, each with a capacity: DispatchPlanner gives each ticket at most one van,
//      the most urgent first.
//
//   dispatch-nearest [DATABASE_URL]
//
// Output: the nearest tickets (rank, dataset, ticket, metres, SLA state, placed by), then one
// line per assignment (van, ticket, metres, SLA state) and the tickets left over.
import FleetTicketsCore
import FleetTicketsPostgres
import Foundation

let reader: any DispatchReader
if CommandLine.arguments.count > 1 {
    reader = PostgresDispatchReader(url: CommandLine.arguments[1])
} else {
    // A simulated day of both datasets, placed with the offline gazetteer, as of the stream's end.
    let store = InMemoryTicketStore()
    let bucket = InMemoryChangeSource()
    StreamSimulator(.init(tickets: 400, days: 1, seed: 7)).load(into: bucket)
    var asOf = Date.distantPast
    for dataset in Dataset.all {
        let report = await IngestEngine(source: bucket, store: store).run(dataset, options: IngestOptions(apply: true))
        if let failure = report.failure {
            FileHandle.standardError.write(Data("\(failure.message)\n".utf8))
            exit(1)
        }
        if let mark = report.watermarkAfter.flatMap(ChangeKey.init) { asOf = max(asOf, mark.exportedAt) }
    }
    let gazetteer = try GazetteerGeocoder(csv: Array(SimulationCatalog.gazetteerCSV.utf8))
    let geocoding = GeocodeEngine(store: store, geocoder: gazetteer)
    _ = try await geocoding.geocodeClusters(apply: true)
    _ = try await geocoding.geocodeLocations(apply: true)
    let now = asOf
    reader = InMemoryDispatchReader(store: store, clock: WallClock { now })
}

let depot = Coordinate(latitude: -1.2864, longitude: 36.8172)  // Nairobi CBD
let nearest = try await reader.nearestOpenTickets(try NearbyQuery(near: depot, limit: 8, withinKilometres: 25, rank: .urgency))
print("nearest open tickets to \(depot.latitude),\(depot.longitude) (25 km, by urgency):")
for t in nearest.tickets {
    print(String(format: "%3d %@ %-12@ %8.0f m  %-8@ placed by %@", t.rank, t.dataset, t.ticketID, t.distanceMetres,
                 t.slaState.rawValue, t.geoSource))
}

let vans = [
    DispatchVehicle(id: "VAN-A", position: Coordinate(latitude: -1.2195, longitude: 36.8869), capacity: 3),  // Kasarani
    DispatchVehicle(id: "VAN-B", position: Coordinate(latitude: -1.3032, longitude: 36.7073), capacity: 3),  // Karen
    DispatchVehicle(id: "VAN-C", position: Coordinate(latitude: -1.2841, longitude: 36.8155), capacity: 2),  // CBD
]
// The most urgent tickets within 30 km of each van compete for the vans.
let tickets = try await reader.openTickets(near: vans, limitPerVehicle: 10, withinKilometres: 30, rank: .urgency)
let plan = try DispatchPlanner(maxDistanceKilometres: 30).assign(tickets, to: vans)
print("assignments (\(plan.assignments.count) of \(tickets.count) tickets):")
for a in plan.assignments {
    print(String(format: "%@ -> %@ %-12@ %8.0f m  %@", a.vehicleID, a.ticket.dataset, a.ticket.ticketID, a.distanceMetres,
                 a.ticket.slaState.rawValue))
}
print("left over: \(plan.unassigned.count)")
