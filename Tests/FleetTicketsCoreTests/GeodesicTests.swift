import FleetTicketsCore
import Testing

@Suite struct GeodesicTests {
    /// ST_Distance(geography, geography) from PostGIS 3.3 (spheroid), metres.
    static let postgis: [(Double, Double, Double, Double, Double)] = [
        (-1.2921, 36.8219, -1.0, 36.9, 33448.07563637),
        (-1.2921, 36.8219, -1.29211, 36.82191, 1.56883923),
        (0.0, 0.0, 0.0, 1.0, 111319.49079327),
        (-37.95103341666667, 144.42486788888888, -37.65282113888889, 143.92649552777777, 54972.2711392),  // Vincenty's own test line
        (-4.0435, 39.6682, 3.1190, 35.5973, 912330.55984724),
        (51.5, -0.12, -33.86, 151.21, 16988534.45973522),
        (10, 179.5, 10, -179.5, 109639.32210546),  // across the antimeridian
        (89.9, 0, 89.9, 180, 22338.79568252),       // over the pole
    ]

    @Test func agreesWithPostGISToTheCentimetre() {
        for (aLat, aLng, bLat, bLng, expected) in Self.postgis {
            let a = Coordinate(latitude: aLat, longitude: aLng), b = Coordinate(latitude: bLat, longitude: bLng)
            let got = Geodesic.distanceMetres(from: a, to: b)
            #expect(abs(got - expected) < 0.01, "(\(aLat), \(aLng)) → (\(bLat), \(bLng)): \(got) m, PostGIS \(expected) m")
            #expect(abs(Geodesic.distanceMetres(from: b, to: a) - got) < 1e-6, "symmetric")
        }
    }

    @Test func nearlyAntipodalPointsFallBackWithinHalfAPercent() {
        // Vincenty's iteration does not converge here; PostGIS says 19944127.42 m.
        let got = Geodesic.distanceMetres(from: Coordinate(latitude: 0, longitude: 0), to: Coordinate(latitude: 0.5, longitude: 179.7))
        #expect(got.isFinite)
        #expect(abs(got - 19_944_127.42) / 19_944_127.42 < 0.005)
    }

    @Test func samePointIsZero() {
        let p = Coordinate(latitude: -1.2864, longitude: 36.8172)
        #expect(Geodesic.distanceMetres(from: p, to: p) == 0)
    }
}
