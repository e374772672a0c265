import FleetTicketsCore
import FleetTicketsPostgres
import Logging

/// Answers `/healthz` like `status --check`, from one store connection kept open between
/// requests (reopened after a failure) and the worker's own source.
actor HealthAnswerer {
    private let url: String
    private let source: StatusReader.Source
    private let check: HealthCheck
    private let datasets: [Dataset]
    private let logger: Logger
    private var store: PostgresTicketStore?

    init(url: String, source: StatusReader.Source, settings: FleetTicketsSettings, logger: Logger) {
        self.url = url
        self.source = source
        self.check = settings.healthCheck
        self.datasets = settings.datasets
        self.logger = logger
    }

    /// The verdict now; 503 when the database cannot be read.
    func answer() async -> HealthAnswer {
        do {
            let store = try self.store ?? PostgresTicketStore(url: url, maxConnections: 1,
                                                             applicationName: GlobalOptions.applicationName("healthz"), logger: logger)
            self.store = store
            let answer = await HealthAnswer.read(StatusReader(store: store, runs: store, source: source, check: check), datasets: datasets)
            if answer.status != 200, answer.body.hasPrefix("unchecked") { drop() }
            return answer
        } catch {
            drop()
            return HealthAnswer(unreadable: error)
        }
    }

    private func drop() {
        store?.close()
        store = nil
    }
}
