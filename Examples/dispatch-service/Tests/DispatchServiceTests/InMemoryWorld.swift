@testable import DispatchService
import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus

/// The service's routes over the SDK's in-memory implementations: a store with a few placed
/// INC tickets around Nairobi applied from a change file, the readers over it at a fixed moment.
struct InMemoryWorld {
    let store = InMemoryTicketStore()
    let bucket = InMemoryChangeSource()
    let registry = PrometheusCollectorRegistry()
    /// The moment the dispatch reader judges SLA at.
    static let now = Date(timeIntervalSince1970: 1_781_600_000)  // 2026-06-16
    let dispatch: InMemoryDispatchReader
    let map: InMemoryTicketMapReader

    /// Ticket id → (latitude, longitude); `CLOSED1` is closed, `NOWHERE` has no position.
    static let placed: [String: (Double, Double)] = [
        "NEAR": (-1.2870, 36.8180), "MID": (-1.3000, 36.8400), "FAR": (-1.2195, 36.8869),
    ]

    init() async throws {
        var rows = Self.placed.map { id, position in
            Fixtures.row(id, extra: ["latitude": "\(position.0)", "longitude": "\(position.1)"])
        }
        rows.append(Fixtures.row("CLOSED1", status: "closed", actionable: false, extra: ["latitude": "-1.2864", "longitude": "36.8172"]))
        rows.append(Fixtures.row("NOWHERE", cluster: "UNKNOWN"))
        bucket.put(Fixtures.key(.inc, hour: 9), text: Fixtures.csv(rows))
        let report = await IngestEngine(source: bucket, store: store).run(.inc, options: IngestOptions(apply: true))
        if let failure = report.failure { throw SetupFailed(description: failure.message) }
        dispatch = InMemoryDispatchReader(store: store, clock: WallClock { Self.now })
        map = InMemoryTicketMapReader(store: store)
    }

    var backends: Backends { Backends(store: store, dispatch: dispatch, map: map, source: bucket) }

    /// The application over these backends, `/healthz` judging with `maxAge`.
    func application(maxAge: TimeInterval = 100 * 365 * 86_400) -> some ApplicationProtocol {
        let router = Routes.router(backends, registry: registry, datasets: [.inc], check: HealthCheck(maxAge: maxAge),
                                   logger: Logger(label: "dispatch-service.tests", factory: { _ in SwiftLogNoOpLogHandler() }))
        return Application(router: router)
    }
}

extension TestResponse {
    /// The body as text.
    var text: String { body.getString(at: body.readerIndex, length: body.readableBytes) ?? "" }
    /// The body as a JSON object.
    var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]) ?? [:] }
    /// `{"error": …}`'s sentence.
    var errorSentence: String { json["error"] as? String ?? "" }
}

/// The world could not be set up.
struct SetupFailed: Error, CustomStringConvertible {
    var description: String
}
