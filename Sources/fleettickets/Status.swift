import ArgumentParser
import FleetTicketsCore
import FleetTicketsPostgres
import Foundation

/// `fleettickets status`: are we current? With `--check`, an alert's exit status.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Per dataset: watermark, pending and late files, last run, lock holder, freshness, geocode coverage.",
        discussion: """
        Without --check the exit status is 0 whether or not the datasets are current; read the \
        report (or --json). With --check it prints one line per problem (nothing when healthy) \
        and exits 0 healthy, 3 a dataset stopped on a data error, 4 a dataset behind, stale or \
        with late files, 1 the state could not be read (database or bucket unreachable), 2 a \
        usage or configuration error. Behind: files waiting longer than --max-age. Stale: the \
        export that the upstream schedule (every 20 min, 06:00-20:40 EAT) put out more than \
        --max-age ago is not applied, so nights are quiet.
        """
    )

    @Option(help: "Check pending and late files in a folder laid out like the bucket instead of the bucket.")
    var dir: String?

    @Flag(help: "Print the status as JSON.")
    var json = false

    @Flag(help: "Exit non-zero when a dataset is behind, stale, late or stopped on a data error (for alerts and health checks).")
    var check = false

    @Option(help: Setting.statusMaxAge.help("With --check: how old waiting files and the newest applied export may get, e.g. 45m, 2h, 90s."))
    var maxAge: String?

    @Option(help: Setting.datasets.help("Datasets to show and check, comma-separated."))
    var datasets: String?

    @OptionGroup var global: GlobalOptions

    var overrides: SettingsOverrides {
        var overrides = SettingsOverrides()
        overrides.set(.statusMaxAge, maxAge)
        overrides.set(.datasets, datasets)
        return overrides
    }

    func validate() throws { try global.validate(overrides) }

    func run() async throws {
        let logger = global.bootstrapLogging()
        let settings = try global.settings(overrides)
        let store = try await global.openStore(try global.requireDatabaseURL(settings), logger: logger)
        defer { store.close() }
        let source: StatusReader.Source
        do {
            source = .listing(try SourceChoice(dir: dir, csv: []).open(settings: settings, logger: logger))
        } catch let failure as CommandFailure {
            source = .unavailable(reason: failure.message)
        }
        let report: HealthReport
        do {
            report = try await StatusReader(store: store, runs: store, source: source, check: settings.healthCheck).read(settings.datasets)
        } catch {
            throw CommandFailure(status: .dependency, message: Sentences.join(
                "Could not read the \(error.dataset) status from the database: \(error.underlying)",
                "Check DATABASE_URL and that the database is up and migrated (fleettickets migrate)"))
        }
        if json {
            print(ReportPrinter.json(report.datasets))
        } else if check {
            for problem in report.problems { print(problem) }
        } else {
            print(ReportPrinter.text(report.datasets))
        }
        if check && report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
