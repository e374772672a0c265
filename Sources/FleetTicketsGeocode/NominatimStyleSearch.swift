import FleetTicketsCore
import FleetTicketsHTTP
import Foundation

/// The search API LocationIQ and Nominatim share: `q`, `format=json`, `limit`,
/// `countrycodes`, and `viewbox` (a preference, not a bound, without `bounded=1`); answers are
/// an array of places with `lat`/`lon` as strings, `display_name` and `importance`.
enum NominatimStyleSearch {
    struct Place: Decodable {
        var lat: LenientDouble?
        var lon: LenientDouble?
        var display_name: String?
        var importance: LenientDouble?
    }

    /// Half the side of the box a query near a cluster prefers, in degrees (about 28 km).
    static let viewboxHalfSide = 0.25

    /// The query parameters (the key, if any, goes first as LocationIQ documents it).
    static func parameters(_ query: PlaceQuery, key: String?, countryCodes: String, limit: Int) -> KeyValuePairs<String, String?> {
        [
            "key": key,
            "q": query.text,
            "format": "json",
            "limit": String(limit),
            "countrycodes": countryCodes,
            "viewbox": query.near.map(viewbox),
        ]
    }

    /// `left,top,right,bottom` around the point: `lng-0.25,lat+0.25,lng+0.25,lat-0.25`.
    static func viewbox(_ near: Coordinate) -> String {
        let d = viewboxHalfSide
        return [near.longitude - d, near.latitude + d, near.longitude + d, near.latitude - d]
            .map(QueryEncoding.decimal).joined(separator: ",")
    }

    /// Candidates from a 2xx body: an array of places (`[]` is a miss).
    static func candidates(_ response: HTTPResponse, transport: ProviderTransport) -> ProviderVerdict {
        let places: [Place]
        do {
            places = try JSONDecoder().decode([Place].self, from: Data(response.body))
        } catch {
            return transport.unreadable(response, "expected a JSON array of places")
        }
        let candidates = places.compactMap { place -> GeocodeCandidate? in
            guard let lat = place.lat?.value, let lon = place.lon?.value else { return nil }
            return GeocodeCandidate(coordinate: Coordinate(latitude: lat, longitude: lon), label: place.display_name,
                                    quality: place.importance?.value, provider: transport.name)
        }
        if candidates.isEmpty && !places.isEmpty { return transport.unreadable(response, "places without lat/lon") }
        return .answer(candidates)
    }
}
