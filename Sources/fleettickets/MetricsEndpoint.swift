import CoreMetrics
import FleetTicketsCore
import FlyingFox
import Foundation
import Logging
import Prometheus
import ServiceLifecycle

/// `run --metrics-port`: `GET /metrics` (the Prometheus registry in the text exposition
/// format) and `GET /healthz` (``HealthAnswer``: 200 healthy, 503 with the problems) on one TCP
/// port of every interface; anything else is 404.
///
/// A swift-service-lifecycle `Service`: ``run()`` serves until a graceful shutdown or a
/// cancellation, then returns. It lives in the CLI target, not in an SDK module: the listener is
/// a server dependency that an embedding service already has one of (its own HTTP server),
/// and the SDK's part — the metrics and the health answer — is in Core.
struct MetricsEndpoint: Service {
    /// The TCP port, 1…65535.
    let port: Int
    /// What `/metrics` renders.
    let registry: PrometheusCollectorRegistry
    /// What `/healthz` answers, computed per request.
    let health: @Sendable () async -> HealthAnswer

    /// The listener could not be opened (the port is taken, or needs privileges).
    struct ListenFailure: Error, CustomStringConvertible {
        var port: Int
        var cause: any Error
        var description: String {
            Sentences.join("Could not serve /metrics and /healthz on port \(port): \(Sentences.clause(cause))",
                           "Choose a free port with --metrics-port or METRICS_PORT")
        }
    }

    /// Serves until a graceful shutdown or a cancellation.
    /// - Throws: ``ListenFailure`` when the port cannot be listened on.
    func run() async throws {
        let server = HTTPServer(address: sockaddr_in.inet(port: UInt16(port)), logger: .disabled)
        await server.appendRoute("GET /metrics") { [registry] _ in
            var text: [UInt8] = []
            registry.emit(into: &text)
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: Data(text))
        }
        await server.appendRoute("GET /healthz") { [health] _ in
            let answer = await health()
            return HTTPResponse(statusCode: answer.status == 200 ? .ok : .serviceUnavailable,
                                headers: [.contentType: "text/plain; charset=utf-8"], body: Data(answer.body.utf8))
        }
        try await cancelWhenGracefulShutdown { [port] in
            do {
                try await server.run()
            } catch where Task.isCancelled {
                return
            } catch {
                throw ListenFailure(port: port, cause: error)
            }
        }
    }

    /// A Prometheus registry bootstrapped as the process's swift-metrics backend, with
    /// histogram buckets fitted to what is timed (a file applies in seconds to minutes).
    /// Call once, before anything emits.
    static func bootstrapPrometheus() -> PrometheusCollectorRegistry {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.durationHistogramBuckets[FleetTicketsMetrics.fileApplySeconds] = FleetTicketsMetrics.fileApplySecondsBuckets
        MetricsSystem.bootstrap(factory)
        return registry
    }
}
