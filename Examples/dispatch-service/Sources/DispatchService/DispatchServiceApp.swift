import FleetTicketsCore
import FleetTicketsS3
import Foundation
import Hummingbird
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// The process: the SDK's worker and the HTTP application as two services of one
/// `ServiceGroup`, which shuts both down gracefully on SIGTERM or SIGINT (the listener first,
/// then the worker, which finishes its file in flight) and returns, so the process exits 0.
public enum DispatchServiceApp {
    /// Runs the service until a signal stops it.
    /// - Throws: ``ServiceOptionsError`` for a configuration it cannot start with; the
    ///   database's error when it cannot be reached at start.
    public static func run(_ options: ServiceOptions, logger: Logger) async throws {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[FleetTicketsMetrics.fileApplySeconds] = FleetTicketsMetrics.fileApplySecondsBuckets
        MetricsSystem.bootstrap(factory)

        let settings = options.settings
        guard let url = settings.databaseURL else {
            throw ServiceOptionsError("DATABASE_URL is not set: set it in the environment or in .env.")
        }
        let source = try openSource(options, logger: logger)
        let name = "dispatch-service \(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
        let database = try await Database.open(url: url, applicationName: name, logger: logger)
        defer { database.pool.close() }
        let backends = Backends(store: database.store, dispatch: database.dispatch, map: database.map, source: source)

        // The store is shared with the routes: the worker's `close` must not close it (the
        // pool replaces connections the server dropped on its own).
        let worker = IngestWorker(source: source, connect: {
            WorkerServices(store: database.store, runs: database.store, gazetteer: nil)
        }, settings: settings.worker, logger: logger)
        let router = Routes.router(backends, registry: registry, datasets: settings.datasets, check: settings.healthCheck, logger: logger)
        let app = Application(
            router: router, configuration: .init(address: .hostname(options.host, port: options.port), serverName: "dispatch-service"),
            onServerRunning: { channel in
                logger.notice("dispatch-service listening", metadata: ["host": "\(options.host)", "port": "\(channel.localAddress?.port ?? options.port)"])
            }, logger: logger)
        // Shutdown runs in reverse order: the listener stops taking requests, then the worker stops.
        let group = ServiceGroup(configuration: .init(
            services: [.init(service: worker), .init(service: app)],
            gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger))
        try await group.run()
        logger.notice("dispatch-service stopped")
    }

    /// The bucket from the settings, or a folder laid out like it (`--dir`).
    static func openSource(_ options: ServiceOptions, logger: Logger) throws -> any ChangeSource {
        if let dir = options.dir {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ServiceOptionsError("The folder \(dir) does not exist: --dir needs a folder laid out like the bucket (DIR/automations/<dataset>/changes/).")
            }
            return LocalFolderChangeSource(root: URL(fileURLWithPath: dir, isDirectory: true))
        }
        do {
            return S3ChangeSource(configuration: try S3Configuration(settings: options.settings), logger: logger)
        } catch {
            throw ServiceOptionsError("The bucket is not configured: \(error). Set RUSTFS_ENDPOINT and its keys in the environment or .env, or pass --dir.")
        }
    }
}
