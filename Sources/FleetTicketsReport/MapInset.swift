import FleetTicketsCore
import Foundation

/// The densest part of a wide map, shown again enlarged under it.
///
/// When the open tickets spread over more than `minimumSpanKm` (a country, not a city), the
/// cluster with the most open tickets within `radiusKm` of its centroid gives the detail area:
/// every mark and cluster label within that radius. No inset when the map is already a city's,
/// or when the area would hold almost every mark anyway (the main map shows it well enough).
struct MapInset: Sendable {
    var title: String
    var marks: [MapMark]
    var clusters: [ClusterLabel]

    static let minimumSpanKm = 80.0
    static let radiusKm = 25.0

    /// Kilometres between two points, equirectangular (accurate to well under 1% at this scale).
    static func distanceKm(_ a: (lat: Double, lng: Double), _ b: (lat: Double, lng: Double)) -> Double {
        let meanLat = (a.lat + b.lat) / 2 * .pi / 180
        let dx = (a.lng - b.lng) * cos(meanLat), dy = a.lat - b.lat
        return (dx * dx + dy * dy).squareRoot() * 111.32
    }

    static func densest(in map: ReportMap) -> MapInset? {
        guard map.marks.count >= 10, map.clusters.count >= 2 else { return nil }
        let lats = map.marks.map(\.latitude), lngs = map.marks.map(\.longitude)
        let span = distanceKm((lats.min()!, lngs.min()!), (lats.max()!, lngs.max()!))
        guard span > minimumSpanKm else { return nil }
        func near(_ centre: ClusterLabel) -> [MapMark] {
            map.marks.filter { distanceKm(($0.latitude, $0.longitude), (centre.latitude, centre.longitude)) <= radiusKm }
        }
        // Clusters × marks: tens of clusters, a few thousand marks.
        let scored = map.clusters.map { ($0, near($0)) }
        guard let (centre, marks) = scored.max(by: { ($0.1.count, $1.0.name) < ($1.1.count, $0.0.name) }),
              marks.count >= 5, Double(marks.count) <= Double(map.marks.count) * 0.9 else { return nil }
        let clusters = map.clusters.filter {
            distanceKm(($0.latitude, $0.longitude), (centre.latitude, centre.longitude)) <= radiusKm
        }
        return MapInset(title: "within \(Int(radiusKm)) km of \(centre.name)", marks: marks, clusters: clusters)
    }
}
