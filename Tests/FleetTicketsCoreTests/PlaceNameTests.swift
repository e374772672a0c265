import FleetTicketsCore
import Testing

@Suite struct PlaceNameTests {
    @Test(arguments: [
        ("NW_KASARANI_MWIKI_FDT12", "Kasarani Mwiki"),
        ("ADR_MNT_ROYSAMBU_ZIMMERMAN_SDUS", "Roysambu Zimmerman"),
        ("NW_EMBAKASI_PIPELINE_FDT3", "Embakasi Pipeline"),
        ("KASARANI_CLAY_CITY", "Kasarani Clay City"),
        ("NW_THIKA_SECTION_9_FDT6", "Thika Section 9"),
        ("NAKURU_SECTION_58", "Nakuru Section 58"),
        ("NW_ROYSAMBU_GITHURAI_44_FDT 7", "Roysambu Githurai 44"),
        ("NW_LANGATA_SOUTH_C", "Langata South C"),
        ("nw_kilimani_yaya fdt2", "Kilimani Yaya"),
        ("ADR_MNT_NYALI_BAMBURI_ODF3_OLT1", "Nyali Bamburi"),
        ("  NW__WESTLANDS___PARKLANDS__  ", "Westlands Parklands"),
        ("MOUNT_KENYA_ESTATE", "Mount Kenya Estate"),
        ("FDTWEST_ESTATE", "Fdtwest Estate"),
        ("NW_KITENGELA_ACACIA_POP", "Kitengela Acacia"),
    ])
    func stripsNetworkCodesAndKeepsPlaceWords(_ name: String, _ expected: String) throws {
        let place = try #require(PlaceName(locationName: name))
        #expect(place.query == expected)
        #expect(place.key == expected.lowercased())
    }

    @Test(arguments: ["NW_FDT12", "SDUS", "", "ADR_MNT_", "FDT 12", "123"])
    func namesWithoutPlaceWordsGiveNothing(_ name: String) {
        #expect(PlaceName(locationName: name) == nil)
    }

    @Test func distancesAreGreatCircleKilometres() {
        let nairobi = Coordinate(latitude: -1.2921, longitude: 36.8219)
        let mombasa = Coordinate(latitude: -4.0435, longitude: 39.6682)
        #expect(abs(nairobi.distanceKilometres(to: mombasa) - 440) < 5)
        #expect(nairobi.distanceKilometres(to: nairobi) == 0)
        #expect(!Coordinate(latitude: 0, longitude: 0).isPlausible)
        #expect(!Coordinate(latitude: 91, longitude: 0).isPlausible)
    }
}
