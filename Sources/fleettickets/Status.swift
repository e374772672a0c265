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

    @Option(help: "With --check: how old waiting files and the newest applied export may get, e.g. 45m, 2h, 90s.")
    var maxAge = "45m"

    @Option(help: "Datasets to show and check, comma-separated (default inc,crq).")
    var datasets = Dataset.all.map(\.name).joined(separator: ",")

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard let age = HealthCheck.parseDuration(maxAge), age > 0 else {
            throw ValidationError("--max-age needs a duration like 45m, 2h or 90s; got '\(maxAge)'.")
        }
        _ = try Run.datasets(datasets)
    }

    func run() async throws {
        let logger = global.bootstrapLogging()
        let env = try global.environment()
        let store = try global.openStore(try global.requireDatabaseURL(env), logger: logger)
        defer { store.close() }
        var source: (any ChangeSource)?
        var note: String?
        do {
            source = try SourceChoice(dir: dir, csv: []).open(env: env, logger: logger)
        } catch let failure as CommandFailure {
            note = failure.message
        }
        let health = HealthCheck(maxAge: HealthCheck.parseDuration(maxAge)!)
        let now = Date()
        var statuses: [DatasetStatus] = []
        for dataset in try Run.datasets(datasets) {
            do {
                var status = try await store.status(of: dataset)
                try await status.readRuns(from: store, dataset: dataset)
                if let source {
                    await status.inspect(source, dataset: dataset, store: store)
                } else {
                    status.sourceNote = note
                }
                if check { status.problems = health.problems(status, now: now) }
                statuses.append(status)
            } catch {
                throw CommandFailure(status: .dependency, message: "Could not read the \(dataset) status from the database: \(error). Check DATABASE_URL and that the database is up and migrated (fleettickets migrate).")
            }
        }
        if json {
            print(ReportPrinter.json(statuses))
        } else if check {
            for problem in statuses.flatMap({ $0.problems ?? [] }) { print(problem) }
        } else {
            print(ReportPrinter.text(statuses))
        }
        guard check else { return }
        let problems = statuses.flatMap { $0.problems ?? [] }
        if problems.contains(where: { $0.kind == .stopped }) { throw ExitCode(ExitStatus.data.rawValue) }
        if problems.contains(where: { $0.kind == .unchecked }) { throw ExitCode(ExitStatus.dependency.rawValue) }
        if !problems.isEmpty { throw ExitCode(ExitStatus.unhealthy.rawValue) }
    }
}
