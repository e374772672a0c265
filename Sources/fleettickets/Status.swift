import ArgumentParser
import FleetTicketsCore
import FleetTicketsPostgres
import Foundation

/// `fleettickets status`: are we current? With `--check`, an alert's exit status.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Per dataset: watermark, pending and late files, last run, lock holder, freshness, geocode coverage, data quality.",
        discussion: """
        Without --check the exit status is 0 whether or not the datasets are current; read the \
        report (or --json). With --check it prints one line per problem (nothing when healthy) \
        and exits 0 healthy, 3 a dataset stopped on a data error, 4 a dataset behind, stale, \
        with late or re-uploaded files, or with a quality figure over its threshold (the --max-* \
        quality options; none is set by default), 1 the state could not be read (database or bucket unreachable), 2 a \
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

    @Option(help: Setting.qualityMaxContentLag.help("With --check: the most the newest last_seen_at may trail the newest export slot, e.g. 1h."))
    var maxContentLag: String?

    @Option(help: Setting.qualityMaxWithoutCluster.help("With --check: the most rows of the last EAT day without a cluster, e.g. 20 or 2%."))
    var maxWithoutCluster: String?

    @Option(help: Setting.qualityMaxUnknownCluster.help("With --check: the most rows of the last EAT day whose cluster the gazetteer does not know, e.g. 5%."))
    var maxUnknownCluster: String?

    @Option(help: Setting.qualityMaxUnparsedTimestamps.help("With --check: the most timestamps of the last EAT day that did not parse, e.g. 0."))
    var maxUnparsedTimestamps: String?

    @Option(help: Setting.qualityMaxOpenWithoutPosition.help("With --check: the most open tickets without a position, e.g. 10%."))
    var maxOpenWithoutPosition: String?

    @Option(help: Setting.qualityMaxDropped.help("With --check: the most rows of the last EAT day dropped per reason, e.g. missing_ticket_id=0,alarm=10%."))
    var maxDropped: String?

    @OptionGroup var global: GlobalOptions

    var overrides: SettingsOverrides {
        var overrides = SettingsOverrides()
        overrides.set(.statusMaxAge, maxAge)
        overrides.set(.datasets, datasets)
        overrides.set(.qualityMaxContentLag, maxContentLag)
        overrides.set(.qualityMaxWithoutCluster, maxWithoutCluster)
        overrides.set(.qualityMaxUnknownCluster, maxUnknownCluster)
        overrides.set(.qualityMaxUnparsedTimestamps, maxUnparsedTimestamps)
        overrides.set(.qualityMaxOpenWithoutPosition, maxOpenWithoutPosition)
        overrides.set(.qualityMaxDropped, maxDropped)
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
