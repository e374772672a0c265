import FleetTicketsCore

/// `GET /dispatch/nearest`'s query parameters as the SDK's ``NearbyQuery``: the text of each
/// parameter is read here (a bad one names itself and what is accepted); the ranges are the
/// SDK's own rules (``NearbyQuery/init(near:limit:withinKilometres:rank:)``).
///
///     lat, lng   decimal degrees (required)
///     limit      1…1000 (default 10)
///     within     radius in km, > 0 (default: none)
///     rank       distance or urgency (default distance)
enum NearestParameters {
    /// The query parameter carrying each argument of the SDK's query.
    static let parameter: [DispatchQueryError.Argument: String] = [
        .latitude: "lat", .longitude: "lng", .limit: "limit", .radius: "within", .position: "lat",
    ]

    /// The query, or a ``BadRequest`` naming the parameter.
    static func query(_ value: (String) -> String?) throws(BadRequest) -> NearbyQuery {
        func number(_ name: String, _ accepted: String) throws(BadRequest) -> Double? {
            guard let text = value(name) else { return nil }
            guard let number = Double(text), number.isFinite else {
                throw BadRequest("Parameter '\(name)' is '\(text)', not a number: give \(accepted).")
            }
            return number
        }
        let degrees = "decimal degrees"
        guard let lat = try number("lat", "the latitude in \(degrees), from -90 to 90"),
              let lng = try number("lng", "the longitude in \(degrees), from -180 to 180") else {
            throw BadRequest("Parameters 'lat' and 'lng' are required: give the vehicle's position in \(degrees), e.g. ?lat=-1.2921&lng=36.8219.")
        }
        var limit = 10
        if let text = value("limit") {
            guard let n = Int(text) else {
                throw BadRequest("Parameter 'limit' is '\(text)', not a whole number: give how many tickets to list, from 1 to \(NearbyQuery.maxLimit).")
            }
            limit = n
        }
        let within = try number("within", "a radius in kilometres greater than 0, or leave it out")
        var rank = DispatchRank.distance
        if let text = value("rank") {
            guard let r = DispatchRank(rawValue: text) else {
                let accepted = DispatchRank.allCases.map(\.rawValue).joined(separator: " or ")
                throw BadRequest("Parameter 'rank' is '\(text)': give \(accepted).")
            }
            rank = r
        }
        do {
            return try NearbyQuery(near: Coordinate(latitude: lat, longitude: lng), limit: limit, withinKilometres: within, rank: rank)
        } catch let error as DispatchQueryError {
            throw BadRequest("Parameter '\(parameter[error.argument] ?? "lat")': \(error.message); \(error.hint).")
        } catch {
            throw BadRequest("Bad dispatch query: \(error).")
        }
    }
}
