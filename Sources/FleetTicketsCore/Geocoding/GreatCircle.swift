import Foundation

extension Coordinate {
    /// Great-circle distance in kilometres (haversine on a 6371.0088 km mean-radius sphere;
    /// within 0.5 % of the ellipsoid, plenty for a 25 km wrong-city guard).
    public func distanceKilometres(to other: Coordinate) -> Double {
        let r = 6371.0088
        let φ1 = latitude * .pi / 180, φ2 = other.latitude * .pi / 180
        let dφ = φ2 - φ1, dλ = (other.longitude - longitude) * .pi / 180
        let a = sin(dφ / 2) * sin(dφ / 2) + cos(φ1) * cos(φ2) * sin(dλ / 2) * sin(dλ / 2)
        return 2 * r * asin(min(1, sqrt(a)))
    }

    /// A usable position: finite, in range, and not the (0, 0) placeholder.
    public var isPlausible: Bool {
        latitude.isFinite && longitude.isFinite && abs(latitude) <= 90 && abs(longitude) <= 180
            && !(latitude == 0 && longitude == 0)
    }
}
