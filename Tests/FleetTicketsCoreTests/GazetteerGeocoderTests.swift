import FleetTicketsCore
import Testing

@Suite struct GazetteerGeocoderTests {
    let gazetteer = try! GazetteerGeocoder(csv: Array("""
        name,latitude,longitude,cluster
        Kasarani,-1.2219,36.8973,Kasarani
        Mwiki,-1.2149,36.9236,Kasarani
        Milimani,-0.1000,34.7600,Kisumu
        Milimani,-1.4710,36.9650,Kitengela
        """.utf8))

    func ask(_ text: String) async throws -> [GeocodeCandidate] {
        try await gazetteer.candidates(for: PlaceQuery(text: text))
    }

    @Test func findsTheLongestKnownPlaceInTheQuery() async throws {
        #expect(try await ask("Kasarani Mwiki").first?.label == "Mwiki")
        #expect(try await ask("KASARANI").first?.coordinate == Coordinate(latitude: -1.2219, longitude: 36.8973))
        #expect(try await ask("Milimani").count == 2, "namesakes are all returned; the engine keeps the nearest")
    }

    @Test func aClusterEntryNeverPosesAsAPreciseLocation() async throws {
        #expect(try await ask("Kasarani Nowhere").isEmpty)
    }

    @Test func aMalformedGazetteerNamesTheLine() {
        let error = #expect(throws: CSVDecodingError.self) {
            try GazetteerGeocoder(csv: Array("name,latitude,longitude\nA,1,2\nB,north,3\n".utf8), name: "g.csv")
        }
        #expect(error?.line == 3)
    }
}
