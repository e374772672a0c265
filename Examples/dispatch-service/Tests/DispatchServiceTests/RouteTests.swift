@testable import DispatchService
import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Metrics
import Prometheus
import Testing

/// The routes over the in-memory implementations: what each answers, and the 400s, each a
/// sentence naming the parameter and what is accepted.
@Suite struct RouteTests {
    @Test func nearestAnswersTheSDKReadersAnswerInItsJSON() async throws {
        let world = try await InMemoryWorld()
        let query = try NearbyQuery(near: Coordinate(latitude: -1.2864, longitude: 36.8172), limit: 2, rank: .distance)
        let expected = try DispatchJSON.encode(try await world.dispatch.nearestOpenTickets(query))
        try await world.application().test(.router) { client in
            try await client.execute(uri: "/dispatch/nearest?lat=-1.2864&lng=36.8172&limit=2", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(response.text == String(decoding: expected, as: UTF8.self))
                let tickets = try #require(response.json["tickets"] as? [[String: Any]])
                #expect(tickets.compactMap { $0["ticket_id"] as? String } == ["NEAR", "MID"], "nearest first, the closed and unplaced left out")
            }
            try await client.execute(uri: "/dispatch/nearest?lat=-1.2864&lng=36.8172&within=2&rank=urgency", method: .get) { response in
                #expect(response.status == .ok)
                let tickets = try #require(response.json["tickets"] as? [[String: Any]])
                #expect(Set(tickets.compactMap { $0["ticket_id"] as? String }) == ["NEAR"], "only the ticket within 2 km")
            }
        }
    }

    @Test(arguments: [
        ("", "'lat' and 'lng' are required"),
        ("lat=-1.28", "'lat' and 'lng' are required"),
        ("lat=north&lng=36.8", "'lat' is 'north', not a number"),
        ("lat=95&lng=36.8", "'lat': latitude 95.0 is out of range [-90, 90]"),
        ("lat=-1.28&lng=200", "'lng': longitude 200.0 is out of range [-180, 180]"),
        ("lat=-1.28&lng=36.8&limit=0", "'limit': limit 0 is out of range [1, 1000]"),
        ("lat=-1.28&lng=36.8&limit=ten", "'limit' is 'ten', not a whole number"),
        ("lat=-1.28&lng=36.8&within=-3", "'within': radius -3.0 km is out of range"),
        ("lat=-1.28&lng=36.8&within=far", "'within' is 'far', not a number"),
        ("lat=-1.28&lng=36.8&rank=closest", "'rank' is 'closest': give distance or urgency"),
    ])
    func badNearestParametersGetA400Sentence(query: String, says: String) async throws {
        let world = try await InMemoryWorld()
        try await world.application().test(.router) { client in
            try await client.execute(uri: "/dispatch/nearest?\(query)", method: .get) { response in
                #expect(response.status == .badRequest)
                let sentence = response.errorSentence
                #expect(sentence.contains(says), "\(sentence)")
                #expect(sentence.first?.isUppercase == true && sentence.hasSuffix("."), "one sentence: \(sentence)")
            }
        }
    }

    @Test func planAssignsTheNearbyTicketsAsTheSDKPlannerDoes() async throws {
        let world = try await InMemoryWorld()
        let vans = [
            DispatchVehicle(id: "VAN-A", position: Coordinate(latitude: -1.2864, longitude: 36.8172), capacity: 1),
            DispatchVehicle(id: "VAN-B", position: Coordinate(latitude: -1.2200, longitude: 36.8870), capacity: 2),
        ]
        let tickets = try await world.dispatch.openTickets(near: vans, limitPerVehicle: 10, withinKilometres: 30, rank: .urgency)
        let expected = try DispatchPlanner(maxDistanceKilometres: 30).assign(tickets, to: vans)
        #expect(expected.assignments.count == 3, "the fixture gives both vans work")
        let body = try JSONEncoder().encode(["vans": vans])
        var json = try #require(JSONSerialization.jsonObject(with: body) as? [String: Any])
        json["max_km"] = 30
        let request = try JSONSerialization.data(withJSONObject: json)
        try await world.application().test(.router) { client in
            try await client.execute(uri: "/dispatch/plan", method: .post, body: ByteBuffer(bytes: request)) { response in
                #expect(response.status == .ok, "\(response.text)")
                #expect(response.text == String(decoding: try DispatchJSON.encode(expected), as: UTF8.self))
                let assignments = try #require(response.json["assignments"] as? [[String: Any]])
                #expect(assignments.compactMap { $0["vehicle_id"] as? String }.sorted() == ["VAN-A", "VAN-B", "VAN-B"])
            }
        }
    }

    @Test(arguments: [
        ("not json", "The body is not JSON"),
        (#"{"van": []}"#, "The body has no 'vans'"),
        (#"{"vans": [{"id": "A", "position": {"latitude": "x", "longitude": 36.8}}]}"#, "'vans[0].position.latitude' has the wrong type"),
        (#"{"vans": []}"#, "'vans' lists 0 vans: send from 1 to 100"),
        (#"{"vans": [{"id": "A", "position": {"latitude": -1, "longitude": 36.8}}, {"id": "A", "position": {"latitude": -1, "longitude": 36.8}}]}"#,
         "vehicle id 'A' is listed twice"),
        (#"{"vans": [{"id": "A", "position": {"latitude": -1, "longitude": 36.8}}], "max_km": -5}"#, "must be a positive number of kilometres"),
        (#"{"vans": [{"id": "A", "position": {"latitude": -1, "longitude": 36.8}}], "limit_per_van": 0}"#, "'limit_per_van' is 0"),
    ])
    func badPlanBodiesGetA400Sentence(body: String, says: String) async throws {
        let world = try await InMemoryWorld()
        try await world.application().test(.router) { client in
            try await client.execute(uri: "/dispatch/plan", method: .post, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .badRequest)
                #expect(response.errorSentence.contains(says), "\(response.errorSentence)")
                #expect(response.errorSentence.hasSuffix("."), "\(response.errorSentence)")
            }
        }
    }

    @Test func theMapIsAFeatureCollectionOfThePlacedTickets() async throws {
        let world = try await InMemoryWorld()
        try await world.application().test(.router) { client in
            try await client.execute(uri: "/tickets.geojson", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/geo+json")
                let json = response.json
                #expect(json["type"] as? String == "FeatureCollection")
                let features = try #require(json["features"] as? [[String: Any]])
                let ids = features.compactMap { ($0["properties"] as? [String: Any])?["ticket_id"] as? String }
                #expect(ids == ["FAR", "MID", "NEAR"], "open, placed, ordered by id")
                let near = try #require(features.first { ($0["properties"] as? [String: Any])?["ticket_id"] as? String == "NEAR" })
                #expect((near["geometry"] as? [String: Any])?["coordinates"] as? [Double] == [36.8180, -1.2870], "longitude first")
                let summary = try #require(json["summary"] as? [String: Any])
                #expect(summary["total"] as? Int == 3)
                #expect(summary["unplaced"] as? Int == 1)
                #expect(summary["open_only"] as? Bool == true)
            }
            try await client.execute(uri: "/tickets.geojson?open_only=false", method: .get) { response in
                let features = try #require(response.json["features"] as? [[String: Any]])
                #expect(features.count == 4, "the closed ticket too")
            }
            try await client.execute(uri: "/tickets.geojson?open_only=maybe", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.errorSentence == "Parameter 'open_only' is 'maybe': give true (the default) or false.")
            }
        }
    }

    @Test func healthzIsTheSDKsVerdict() async throws {
        let world = try await InMemoryWorld()
        try await world.application().test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok, "\(response.text)")
                #expect(response.text == "healthy\n")
            }
        }
        // The fixture's export is months old: with a 45-minute limit the dataset is stale.
        try await world.application(maxAge: 45 * 60).test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                let lines = response.text.split(separator: "\n")
                #expect(lines.first == "unhealthy", "\(response.text)")
                #expect(lines.dropFirst().contains { $0.hasPrefix("inc: STALE: ") }, "\(response.text)")
            }
        }
    }

    @Test func metricsServesTheRegistryInTheTextFormat() async throws {
        let world = try await InMemoryWorld()
        // As the SDK's metrics reach it: through swift-metrics, with the registry's factory.
        Counter(label: "fleettickets_example_total", dimensions: [("dataset", "inc")],
                factory: PrometheusMetricsFactory(registry: world.registry)).increment(by: 3)
        try await world.application().test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                #expect(response.text.contains("# TYPE fleettickets_example_total counter"), "\(response.text)")
                #expect(response.text.contains(#"fleettickets_example_total{dataset="inc"} 3"#), "\(response.text)")
            }
        }
    }
}

/// A database that is down: every question fails.
struct DownDispatchReader: DispatchReader {
    struct Down: Error, CustomStringConvertible {
        var description: String { "connection refused at 127.0.0.1:5432/fleettickets." }
    }

    func nearestOpenTickets(_ query: NearbyQuery) async throws -> NearbyTickets { throw Down() }
}

@Test func aFailingReaderIsA503WithASentence() async throws {
    let world = try await InMemoryWorld()
    var backends = world.backends
    backends.dispatch = DownDispatchReader()
    let app = Application(router: Routes.router(backends, registry: world.registry, datasets: [.inc], check: HealthCheck(),
                                                logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() })))
    try await app.test(.router) { client in
        try await client.execute(uri: "/dispatch/nearest?lat=-1.28&lng=36.8", method: .get) { response in
            #expect(response.status == .serviceUnavailable)
            #expect(response.errorSentence == "The database could not answer: connection refused at 127.0.0.1:5432/fleettickets. Retry later; /healthz tells when the service is back.")
        }
    }
}
