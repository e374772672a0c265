import ArgumentParser

@main
struct FleetTickets: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleettickets",
        abstract: "Drain the INC and CRQ ticket change streams into PostgreSQL + PostGIS.",
        subcommands: []
    )
}
