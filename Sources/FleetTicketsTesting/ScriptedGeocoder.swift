import FleetTicketsCore
import Synchronization

/// A geocoder that answers from a script and records what it was asked.
///
/// ```swift
/// let geocoder = ScriptedGeocoder(["Kasarani Mwiki": .found(lat: -1.2149, lng: 36.9236)])
/// ```
public final class ScriptedGeocoder: Geocoder {
    /// One scripted answer.
    public enum Answer: Sendable {
        case found(lat: Double, lng: Double)
        case nothing
        case fail(GeocoderError)
    }

    public let provider: String
    private let script: [String: [Answer]]
    private let asked = Mutex<[PlaceQuery]>([])

    /// Answers by query text; a list answers successive asks in turn (the last one repeats).
    /// Unscripted queries find nothing.
    public init(_ script: [String: [Answer]], provider: String = "scripted") {
        self.script = script
        self.provider = provider
    }

    public convenience init(_ script: [String: Answer], provider: String = "scripted") {
        self.init(script.mapValues { [$0] }, provider: provider)
    }

    /// Every query asked, in order.
    public var queries: [PlaceQuery] { asked.withLock { $0 } }

    public func candidates(for query: PlaceQuery) async throws -> [GeocodeCandidate] {
        let n = asked.withLock { q -> Int in
            q.append(query)
            return q.filter { $0.text == query.text }.count - 1
        }
        guard let answers = script[query.text], !answers.isEmpty else { return [] }
        switch answers[min(n, answers.count - 1)] {
        case let .found(lat, lng):
            return [GeocodeCandidate(coordinate: Coordinate(latitude: lat, longitude: lng), provider: provider)]
        case .nothing:
            return []
        case let .fail(error):
            throw error
        }
    }
}
