import ArgumentParser
import FleetTicketsCore
import FleetTicketsPostgres
import Foundation
import Logging
import ServiceLifecycle

/// `fleettickets run`: the long-running worker.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Keep draining both datasets every interval, geocoding new places, until stopped.",
        discussion: """
        Each tick drains every dataset (applying, hooks included), geocodes new places within \
        --geocode-budget when a provider is configured (--provider or GEOCODER_PROVIDER; none: \
        no geocoding), then sleeps. A tick with nothing new \
        costs one listing per dataset and writes nothing. SIGTERM or SIGINT: the file in flight \
        is finished and archived, the locks released, exit 0 (a second signal exits at once). \
        A failing database or bucket is retried with backoff (doubling up to 10 minutes); a \
        bad file parks its dataset until the file changes or is removed, the others go on. \
        Every run that did work or failed is recorded in tickets.ingest_runs (see status).
        """
    )

    @Option(help: Setting.workerInterval.help("Time between ticks, e.g. 60s, 5m."))
    var every: String?

    @Option(help: Setting.datasets.help("Datasets to drain, comma-separated."))
    var datasets: String?

    @Option(help: Setting.geocodeBudget.help("Provider requests per tick for new places; 0 turns geocoding off. Needs a provider."))
    var geocodeBudget: Int?

    /// Without a provider (flag or `GEOCODER_PROVIDER`) the worker does not geocode.
    @OptionGroup var choice: GeocoderChoice

    @Option(help: "Read from a folder laid out like the bucket instead of the bucket.")
    var dir: String?

    @Option(help: Setting.metricsPort.help("Serve GET /metrics (Prometheus) and GET /healthz (200 or 503) on this TCP port."))
    var metricsPort: Int?

    @OptionGroup var global: GlobalOptions

    var overrides: SettingsOverrides {
        var overrides = choice.overrides
        overrides.set(.workerInterval, every)
        overrides.set(.datasets, datasets)
        overrides.set(.geocodeBudget, geocodeBudget.map(String.init), flag: "--geocode-budget")
        overrides.set(.metricsPort, metricsPort.map(String.init), flag: "--metrics-port")
        return overrides
    }

    func validate() throws { try global.validate(overrides) }

    func run() async throws {
        let logger = global.bootstrapLogging(defaultLevel: .notice)
        let settings = try global.settings(overrides)
        let url = try global.requireDatabaseURL(settings)
        let source = try SourceChoice(dir: dir, csv: []).open(settings: settings, logger: logger)
        let geocoder = settings.geocoderProvider == nil ? nil : try GeocoderChoice.open(settings, logger: logger)
        let name = GlobalOptions.applicationName("run")
        let endpoint = settings.metricsPort.map { port in
            let registry = MetricsEndpoint.bootstrapPrometheus()  // before anything emits
            // /healthz reads on a connection of its own (opened on first use, replaced when the
            // server drops it): a worker holding its connections through a long apply must
            // not make the probe time out.
            let pool = PostgresConnectionPool(url: url, maxConnections: 1, applicationName: GlobalOptions.applicationName("healthz"),
                                              name: "healthz", logger: logger)
            let store = PostgresTicketStore(pool: pool, logger: logger)
            let reader = StatusReader(store: store, runs: store, source: .listing(source), check: settings.healthCheck)
            return MetricsEndpoint(port: port, registry: registry,
                                   health: { await HealthAnswer.read(reader, datasets: settings.datasets) })
        }
        let worker = IngestWorker(source: source, connect: {
            let store = try await PostgresTicketStore.connect(url: url, applicationName: name, logger: logger)
            return WorkerServices(store: store, runs: store, gazetteer: store, close: { store.close() })
        }, geocoder: geocoder, geocodeSettings: settings.geocode, settings: settings.worker, logger: logger)
        // The endpoint first: a group shuts down in reverse order, so /metrics and /healthz
        // still answer while the worker finishes its file in flight. An endpoint that cannot
        // listen shuts the worker down gracefully and fails the command.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let endpoint {
            services.append(.init(service: endpoint, failureTerminationBehavior: .gracefullyShutdownGroup))
            logger.notice("serving /metrics and /healthz", metadata: ["port": "\(endpoint.port)"])
        }
        services.append(.init(service: worker))
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [], cancellationSignals: [], logger: logger))
        // The trap owns SIGTERM and SIGINT, so that a second one can exit at once (docs/decisions.md).
        let trap = SignalTrap { number in
            logger.debug("signal received: shutting down gracefully", metadata: ["signal": "\(number)"])
            Task { await group.triggerGracefulShutdown() }
        }
        do {
            try await group.run()
        } catch let failure as MetricsEndpoint.ListenFailure {
            throw CommandFailure(status: .dependency, message: failure.description)
        }
        withExtendedLifetime(trap) {}
    }
}
