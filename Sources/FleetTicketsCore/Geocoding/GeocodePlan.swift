/// Which places a locations run asks about, in which order, within the budget.
///
/// Places are grouped by (cleaned name, cluster) — one request answers every `location_name`
/// that cleans to the same place in the same cluster — and ordered so the places with the
/// most actionable tickets are asked first.
public struct GeocodePlan: Sendable, Hashable {
    /// One request: a cleaned place near a cluster, and the feed names it answers for.
    public struct Request: Sendable, Hashable {
        public var place: PlaceName
        public var cluster: String?
        public var centroid: Coordinate
        public var locationNames: [String]
        public var tickets: Int
    }

    /// Requests within the budget, most tickets first.
    public var requests: [Request] = []
    /// Requests left for later runs by the budget.
    public var deferred: [Request] = []
    /// Names with nothing place-like left after cleaning (cached as misses without asking).
    public var unusable: [PlaceNeed] = []
    /// Places whose cluster has no coordinate yet (the 25 km guard needs it): skipped.
    public var withoutCentroid: [PlaceNeed] = []

    public init(_ needs: [PlaceNeed], budget: Int) {
        var groups: [String: Request] = [:]
        for need in needs {
            guard let place = PlaceName(locationName: need.locationName) else {
                unusable.append(need)
                continue
            }
            guard let centroid = need.centroid else {
                withoutCentroid.append(need)
                continue
            }
            let id = place.key + "\u{1F}" + (need.cluster ?? "")
            groups[id, default: Request(place: place, cluster: need.cluster, centroid: centroid, locationNames: [], tickets: 0)]
                .locationNames.append(need.locationName)
            groups[id]!.tickets += need.tickets
        }
        let ordered = groups.values.sorted {
            ($0.tickets, $1.place.key, $1.cluster ?? "") > ($1.tickets, $0.place.key, $0.cluster ?? "")
        }.map { r in var r = r; r.locationNames.sort(); return r }
        let cut = max(0, min(budget, ordered.count))
        requests = Array(ordered.prefix(cut))
        deferred = Array(ordered.dropFirst(cut))
    }
}
