import FleetTicketsCore
import Foundation
import Hummingbird
import Logging
import Prometheus

/// The service's HTTP routes over ``Backends``; the same router serves the process and the
/// hermetic tests.
///
///     GET  /dispatch/nearest?lat=&lng=&limit=&within=&rank=   the SDK's DispatchReader, as JSON
///     POST /dispatch/plan                                     vans in, DispatchPlanner's assignments out
///     GET  /tickets.geojson[?open_only=false]                 the map (the SDK's TicketMapReader)
///     GET  /healthz                                           the SDK's health verdict: 200 healthy, 503 with the problems
///     GET  /metrics                                           the Prometheus registry, text exposition format
public enum Routes {
    /// The largest plan request body read.
    static let maxBodyBytes = 1 << 20

    /// A router with every route. `registry` is what `/metrics` serves; `datasets` and `check`
    /// are what `/healthz` judges (the settings' `datasets` and `healthCheck`).
    public static func router(_ backends: Backends, registry: PrometheusCollectorRegistry, datasets: [Dataset],
                              check: HealthCheck, logger: Logger) -> Router<BasicRequestContext> {
        let router = Router()
        router.middlewares.add(MetricsMiddleware())
        router.get("/dispatch/nearest") { request, _ in
            await answering(logger) {
                let query = try NearestParameters.query { request.uri.queryParameters[$0[...]].map(String.init) }
                return try JSONResponse.encoded(try await backends.dispatch.nearestOpenTickets(query))
            }
        }
        router.post("/dispatch/plan") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: maxBodyBytes)
            return await answering(logger) {
                try JSONResponse.encoded(try await plan(PlanRequest.decode(Data(body.readableBytesView)), backends.dispatch))
            }
        }
        router.get("/tickets.geojson") { request, _ in
            let openOnly: Bool
            switch request.uri.queryParameters["open_only"] {
            case nil, "true": openOnly = true
            case "false": openOnly = false
            case let other?:
                return JSONResponse.error("Parameter 'open_only' is '\(other)': give true (the default) or false.", status: .badRequest)
            }
            return await answering(logger) {
                JSONResponse.body(try await backends.map.ticketMapGeoJSON(openOnly: openOnly), contentType: "application/geo+json")
            }
        }
        router.get("/healthz") { _, _ in
            await health(backends, datasets: datasets, check: check)
        }
        router.get("/metrics") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                     body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        return router
    }

    /// `body`'s response; a ``BadRequest`` as 400, anything else (the database failing) as 503,
    /// each with its sentence.
    static func answering(_ logger: Logger, _ body: () async throws -> Response) async -> Response {
        do {
            return try await body()
        } catch let bad as BadRequest {
            return JSONResponse.error(bad.description, status: .badRequest)
        } catch {
            logger.error("a request failed on a dependency", metadata: ["error": "\(error)"])
            return JSONResponse.error("The database could not answer: \(Sentences.clause(error)). Retry later; /healthz tells when the service is back.",
                                      status: .serviceUnavailable)
        }
    }

    /// The plan: the tickets near the vans (``DispatchReader/openTickets(near:limitPerVehicle:withinKilometres:rank:)``),
    /// assigned by ``DispatchPlanner``.
    static func plan(_ request: PlanRequest, _ reader: any DispatchReader) async throws -> DispatchPlan {
        let planner = DispatchPlanner(maxDistanceKilometres: request.maxKilometres)
        let tickets: [DispatchCandidate]
        do {
            // The planner's own checks of the vans and the distance, before any query.
            _ = try planner.assign([], to: request.vans)
            tickets = try await reader.openTickets(near: request.vans, limitPerVehicle: request.limitPerVan ?? 10,
                                                   withinKilometres: request.maxKilometres, rank: request.rank ?? .urgency)
        } catch let error as DispatchPlanError {
            throw BadRequest("\(error) Fix 'vans' or 'max_km'.")
        } catch let error as DispatchQueryError {
            throw BadRequest("'max_km': \(error.message); \(error.hint).")
        }
        return try planner.assign(tickets, to: request.vans)
    }

    /// `/healthz`: the SDK's `HealthAnswer` (what `fleettickets status --check` decides) as it
    /// is: 200 and `healthy`, or 503 with the verdict and one line per problem.
    static func health(_ backends: Backends, datasets: [Dataset], check: HealthCheck) async -> Response {
        let reader = StatusReader(store: backends.store, runs: backends.store, source: .listing(backends.source), check: check)
        let answer = await HealthAnswer.read(reader, datasets: datasets)
        return Response(status: .init(code: answer.status), headers: [.contentType: "text/plain; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: answer.body)))
    }
}
