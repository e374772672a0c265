import FleetTicketsCore
import Foundation

/// `POST /dispatch/plan`'s body: the vans, and how far and how many tickets each may look at.
///
///     {"vans": [{"id": "VAN-A", "position": {"latitude": -1.2195, "longitude": 36.8869}, "capacity": 3}],
///      "max_km": 30, "limit_per_van": 10, "rank": "urgency"}
///
/// `vans` is required (1…``maxVans``, each a ``DispatchVehicle``; `capacity` optional: no
/// limit); `max_km` (default none) is both the search radius around each van and the
/// planner's maximum distance; `limit_per_van` (default 10) the tickets gathered around each
/// van; `rank` (default `urgency`) which of them are gathered when a radius is given.
struct PlanRequest: Decodable {
    /// The most vans one request may plan (each costs one reader query).
    static let maxVans = 100

    var vans: [DispatchVehicle]
    var maxKilometres: Double?
    var limitPerVan: Int?
    var rank: DispatchRank?

    enum CodingKeys: String, CodingKey {
        case vans, rank
        case maxKilometres = "max_km"
        case limitPerVan = "limit_per_van"
    }

    /// Decodes the body, or a ``BadRequest`` saying which key does not fit.
    static func decode(_ body: Data) throws(BadRequest) -> PlanRequest {
        let example = #"{"vans": [{"id": "VAN-A", "position": {"latitude": -1.2195, "longitude": 36.8869}, "capacity": 3}]}"#
        let request: PlanRequest
        do {
            request = try JSONDecoder().decode(PlanRequest.self, from: body)
        } catch let DecodingError.keyNotFound(key, context) {
            throw BadRequest("The body has no '\(path(context.codingPath + [key]))': send JSON like \(example).")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw BadRequest("The body's '\(path(context.codingPath))' has the wrong type: send JSON like \(example).")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            throw BadRequest("The body's '\(path(context.codingPath))' cannot be read (\(context.debugDescription)): send JSON like \(example).")
        } catch {
            throw BadRequest("The body is not JSON: send JSON like \(example).")
        }
        guard (1...maxVans).contains(request.vans.count) else {
            throw BadRequest("'vans' lists \(request.vans.count) vans: send from 1 to \(maxVans).")
        }
        if let limit = request.limitPerVan, !(1...NearbyQuery.maxLimit).contains(limit) {
            throw BadRequest("'limit_per_van' is \(limit): give from 1 to \(NearbyQuery.maxLimit) tickets per van.")
        }
        return request
    }

    /// `vans[0].position.latitude`.
    private static func path(_ keys: [any CodingKey]) -> String {
        keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: ["."])
            .replacingOccurrences(of: ".[", with: "[")
    }
}
