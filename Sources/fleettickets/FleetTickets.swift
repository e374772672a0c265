import ArgumentParser

/// The `fleettickets` command: thin over the library. Each subcommand builds a configuration,
/// calls one library API and prints its report.
@main
struct FleetTickets: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fleettickets",
        abstract: "Drain the INC and CRQ ticket change streams into PostgreSQL + PostGIS.",
        discussion: """
        Dry-run is the default everywhere: without --apply nothing is written.
        Exit status: 0 success (also nothing to do, or the dataset busy), 1 a dependency failed \
        (database, bucket, geocoder), 2 usage or configuration error, 3 a data error (a bad file \
        stopped the drain).
        """,
        subcommands: [Simulate.self]
    )
}
