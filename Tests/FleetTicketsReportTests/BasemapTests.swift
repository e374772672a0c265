import FleetTicketsCore
@testable import FleetTicketsReport
import Testing

/// The map's geography: where the embedded shapes are, and what a frame carries of them.
@Suite struct BasemapTests {
    /// Even-odd point-in-ring test, on (latitude, longitude) pairs.
    private func contains(_ ring: [(Double, Double)], lat: Double, lng: Double) -> Bool {
        var inside = false
        var j = ring.count - 1
        for i in ring.indices {
            let (yi, xi) = ring[i], (yj, xj) = ring[j]
            if (yi > lat) != (yj > lat), lng < (xj - xi) * (lat - yi) / (yj - yi) + xi { inside.toggle() }
            j = i
        }
        return inside
    }

    @Test func theLakesAreWhereTheMapsPutThem() throws {
        let victoria = try #require(Basemap.lakes.first { $0.name == "Lake Victoria" }).ring
        #expect(contains(victoria, lat: -1.0, lng: 33.0), "the middle of Lake Victoria")
        #expect(!contains(victoria, lat: -1.2921, lng: 36.8219), "Nairobi is dry land")
        #expect(!contains(victoria, lat: -0.1022, lng: 34.7617), "Kisumu is on the shore, not in the lake")
        let turkana = try #require(Basemap.lakes.first { $0.name == "Lake Turkana" }).ring
        #expect(contains(turkana, lat: 3.6, lng: 36.1))
    }

    @Test func theCoastRunsPastMombasa() {
        // Some coastline segment passes within about 5 km of Mombasa (-4.05, 39.67).
        let (lat, lng) = (-4.05, 39.67)
        let nearest = Basemap.coastline.flatMap { line in
            zip(line, line.dropFirst()).map { a, b -> Double in
                let (dy, dx) = (b.0 - a.0, b.1 - a.1)
                let t = max(0, min(1, ((lat - a.0) * dy + (lng - a.1) * dx) / (dy * dy + dx * dx)))
                let (y, x) = (a.0 + t * dy - lat, a.1 + t * dx - lng)
                return (y * y + x * x).squareRoot()
            }
        }.min() ?? 99
        #expect(nearest < 0.05)
    }

    @Test func aCountryWideFrameDrawsTheLakesBordersAndCoast() {
        let points = [(-1.2921, 36.8219), (-0.1022, 34.7617), (-4.0435, 39.6682), (3.12, 35.6)]
        let svg = Basemap.svg(MapProjection(points: points))
        #expect(svg.contains("<title>Lake Victoria</title>"))
        #expect(svg.contains("<title>Lake Turkana</title>"))
        #expect(svg.contains("class=\"coast\""))
        #expect(svg.contains("class=\"border\""))
        #expect(svg.utf8.count < 20_000, "the geography stays a small part of the page (\(svg.utf8.count) bytes)")
    }

    @Test func aCityFrameCarriesNoFarAwayShapes() {
        let svg = Basemap.svg(MapProjection(points: [(-1.2219, 36.8973), (-1.30, 36.80)]))
        #expect(svg == "<g class=\"basemap\" aria-hidden=\"true\"></g>", "nothing of Kenya's edges is inside Nairobi")
    }

    @Test func thePageDrawsTheGeographyUnderTheMarks() throws {
        let page = ReportPage.html(for: ReportFixtures.full)
        let basemap = try #require(page.range(of: "<g class=\"basemap\""))
        let marks = try #require(page.range(of: "<g class=\"marks\">"))
        #expect(basemap.lowerBound < marks.lowerBound, "drawn first, so the marks sit on top")
    }
}
