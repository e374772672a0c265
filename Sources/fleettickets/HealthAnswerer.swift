import FleetTicketsCore
import FleetTicketsPostgres
import Logging

/// Answers `/healthz` like `status --check`, from one store connection kept open between
/// requests (reopened after a failure, connecting off the cooperative threads) and the
/// worker's own source. Its own connection, not one of the worker's: a worker holding every
/// connection through a long apply must not make the probe time out.
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
            let store: PostgresTicketStore
            if let open = self.store {
                store = open
            } else {
                store = try await PostgresTicketStore.connect(url: url, maxConnections: 1,
                                                              applicationName: GlobalOptions.applicationName("healthz"), logger: logger)
            }
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
