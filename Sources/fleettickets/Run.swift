import ArgumentParser
import FleetTicketsCore
import FleetTicketsPostgres
import Foundation
import Logging

/// `fleettickets run`: the long-running worker (SPEC 9).
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Keep draining both datasets every interval, geocoding new places, until stopped.",
        discussion: """
        Each tick drains every dataset (applying, hooks included), geocodes new places within \
        --geocode-budget when a provider is configured (--provider or GEOCODER_PROVIDER; none: no geocoding), then sleeps. A tick with nothing new \
        costs one listing per dataset and writes nothing. SIGTERM or SIGINT: the file in flight \
        is finished and archived, the locks released, exit 0 (a second signal exits at once). \
        A failing database or bucket is retried with backoff (doubling up to 10 minutes); a \
        bad file parks its dataset until the file changes or is removed, the others go on. \
        Every run that did work or failed is recorded in tickets.ingest_runs (see status).
        """
    )

    @Option(help: "Time between ticks, e.g. 60s, 5m (default 60s).")
    var every = "60s"

    @Option(help: "Datasets to drain, comma-separated (default inc,crq).")
    var datasets = Dataset.all.map(\.name).joined(separator: ",")

    @Option(help: "Provider requests per tick for new places (default $GEOCODER_BUDGET or 100; 0 turns geocoding off). Needs a provider.")
    var geocodeBudget: Int?

    /// Without a provider (flag or `GEOCODER_PROVIDER`) the worker does not geocode.
    @OptionGroup var choice: GeocoderChoice

    @Option(help: "Read from a folder laid out like the bucket instead of the bucket.")
    var dir: String?

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard let seconds = HealthCheck.parseDuration(every), seconds >= 0.1 else {
            throw ValidationError("--every needs a duration of at least 0.1 s, like 60s, 5m or 1h; got '\(every)'.")
        }
        _ = try Self.datasets(datasets)
        if let b = geocodeBudget, b < 0 { throw ValidationError("--geocode-budget cannot be negative.") }
    }

    static func datasets(_ list: String) throws -> [Dataset] {
        let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw ValidationError("--datasets needs at least one of inc, crq.") }
        return try names.map { name in
            guard let d = Dataset.named(name) else { throw ValidationError("Unknown dataset '\(name)'; use inc or crq.") }
            return d
        }
    }

    /// `--geocode-budget`, else `GEOCODER_BUDGET` (checked like `geocode`'s), else 100.
    func budget(_ env: [String: String]) throws -> Int {
        if let geocodeBudget { return geocodeBudget }
        guard let text = env["GEOCODER_BUDGET"], !text.trimmingCharacters(in: .whitespaces).isEmpty else { return 100 }
        do {
            return try GeocodeSettings.budget(text, from: "GEOCODER_BUDGET")
        } catch {
            throw CommandFailure(status: .usage, message: "The geocode budget is not usable: \(error). Fix it and rerun.")
        }
    }

    func run() async throws {
        let logger = global.bootstrapLogging(defaultLevel: .notice)
        let env = try global.environment()
        let url = try global.requireDatabaseURL(env)
        let source = try SourceChoice(dir: dir, csv: []).open(env: env, logger: logger)
        var geocoder: (any Geocoder)?
        if choice.isConfigured(env) { geocoder = try choice.open(env: env, logger: logger) }
        let geocodeSettings = GeocoderChoice.settings(env)
        let settings = WorkerSettings(
            every: .milliseconds(Int64(HealthCheck.parseDuration(every)! * 1000)), datasets: try Self.datasets(datasets),
            geocodeBudget: try budget(env))
        let name = GlobalOptions.applicationName("run")
        let worker = IngestWorker(source: source, connect: {
            let store = try PostgresTicketStore(url: url, applicationName: name, logger: logger)
            return WorkerServices(store: store, runs: store, gazetteer: store, close: { store.close() })
        }, geocoder: geocoder, geocodeSettings: geocodeSettings, settings: settings, logger: logger)
        let stop = StopSignal()
        let trap = SignalTrap(stop) { number in
            logger.notice("stop requested; finishing the file in flight", metadata: ["signal": "\(number)"])
        }
        await worker.run(until: stop)
        withExtendedLifetime(trap) {}
    }
}
