import Foundation

/// Distances on the WGS84 ellipsoid, in metres: the same figure PostGIS gives for
/// `ST_Distance(geography, geography)` (spheroid), so the in-memory dispatch reader ranks
/// tickets exactly as the database does.
///
/// Vincenty's inverse formula (1975): sub-millimetre on the ellipsoid for every pair of points
/// except nearly antipodal ones (more than ~19,900 km apart), where its iteration may not
/// converge; there the great-circle distance on the mean-radius sphere (within 0.5 %) is
/// returned instead. No dispatch question is asked across half the planet.
///
/// ```swift
/// let metres = Geodesic.distanceMetres(from: Coordinate(latitude: -1.2921, longitude: 36.8219),
///                                      to: Coordinate(latitude: -1.0, longitude: 36.9))
/// ```
public enum Geodesic {
    /// WGS84 semi-major axis, metres (EPSG:4326's ellipsoid, as PostGIS uses it).
    public static let semiMajorAxis = 6_378_137.0
    /// WGS84 flattening.
    public static let flattening = 1 / 298.257_223_563

    /// The ellipsoidal (geodesic) distance in metres between two positions in degrees.
    public static func distanceMetres(from p: Coordinate, to q: Coordinate) -> Double {
        if p.latitude == q.latitude && p.longitude == q.longitude { return 0 }
        let a = semiMajorAxis, f = flattening, b = a * (1 - f)
        let rad = Double.pi / 180
        var dLon = (q.longitude - p.longitude).truncatingRemainder(dividingBy: 360)
        if dLon > 180 { dLon -= 360 } else if dLon < -180 { dLon += 360 }
        let L = dLon * rad
        let U1 = atan((1 - f) * tan(p.latitude * rad)), U2 = atan((1 - f) * tan(q.latitude * rad))
        let sinU1 = sin(U1), cosU1 = cos(U1), sinU2 = sin(U2), cosU2 = cos(U2)

        var lambda = L
        var sinSigma = 0.0, cosSigma = 0.0, sigma = 0.0, cos2Alpha = 0.0, cos2SigmaM = 0.0
        var converged = false
        for _ in 0..<200 {
            let sinLambda = sin(lambda), cosLambda = cos(lambda)
            let t1 = cosU2 * sinLambda, t2 = cosU1 * sinU2 - sinU1 * cosU2 * cosLambda
            sinSigma = (t1 * t1 + t2 * t2).squareRoot()
            if sinSigma == 0 { return 0 }  // coincident points
            cosSigma = sinU1 * sinU2 + cosU1 * cosU2 * cosLambda
            sigma = atan2(sinSigma, cosSigma)
            let sinAlpha = cosU1 * cosU2 * sinLambda / sinSigma
            cos2Alpha = 1 - sinAlpha * sinAlpha
            // On the equator cos²α = 0 and the term vanishes.
            cos2SigmaM = cos2Alpha != 0 ? cosSigma - 2 * sinU1 * sinU2 / cos2Alpha : 0
            let C = f / 16 * cos2Alpha * (4 + f * (4 - 3 * cos2Alpha))
            let previous = lambda
            lambda = L + (1 - C) * f * sinAlpha
                * (sigma + C * sinSigma * (cos2SigmaM + C * cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)))
            if abs(lambda - previous) < 1e-12 { converged = true; break }
        }
        guard converged else { return sphereDistanceMetres(from: p, to: q) }
        let u2 = cos2Alpha * (a * a - b * b) / (b * b)
        let A = 1 + u2 / 16384 * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)))
        let B = u2 / 1024 * (256 + u2 * (-128 + u2 * (74 - 47 * u2)))
        let deltaSigma = B * sinSigma * (cos2SigmaM + B / 4 * (cosSigma * (-1 + 2 * cos2SigmaM * cos2SigmaM)
            - B / 6 * cos2SigmaM * (-3 + 4 * sinSigma * sinSigma) * (-3 + 4 * cos2SigmaM * cos2SigmaM)))
        return b * A * (sigma - deltaSigma)
    }

    /// Great-circle distance on the 6,371,008.8 m mean-radius sphere (what PostGIS's KNN
    /// operator `<->` orders geography by).
    public static func sphereDistanceMetres(from p: Coordinate, to q: Coordinate) -> Double {
        p.distanceKilometres(to: q) * 1000
    }
}
