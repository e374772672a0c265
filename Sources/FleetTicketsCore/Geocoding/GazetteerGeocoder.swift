import Foundation

/// Answers from a gazetteer file — CSV with a header naming `name`, `latitude`, `longitude`
/// (and optionally `cluster`) — for air-gapped sites, the demo and tests. No network.
///
/// A query matches an entry whose name equals it (case-insensitive), or else the longest run
/// of its words that names a place: `Kasarani Mwiki` finds `Mwiki`. A cluster's own entry
/// (its name equals its `cluster` column) answers only a query for exactly that name, so an
/// unknown place is a miss — and falls back to the cluster — instead of posing as a precise
/// location. Several entries of one name are all returned; the engine keeps the nearest.
public struct GazetteerGeocoder: Geocoder {
    public let provider = "gazetteer"
    private let entries: [String: [GeocodeCandidate]]
    /// Names that are clusters' own entries.
    private let clusterNames: Set<String>

    /// Loads a gazetteer file.
    /// - Throws: `CSVDecodingError` for a malformed file (naming the line).
    public init(file: URL) throws {
        let bytes = try [UInt8](Data(contentsOf: file))
        try self.init(csv: bytes, name: file.path)
    }

    /// Loads gazetteer CSV text.
    public init(csv bytes: [UInt8], name: String = "gazetteer") throws {
        var parser = CSVParser(key: name)
        var records: [CSVParser.Record] = []
        try parser.feed(bytes, into: &records)
        try parser.finish(into: &records)
        guard let header = records.first?.fields.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }),
              let n = header.firstIndex(of: "name"), let la = header.firstIndex(of: "latitude"),
              case let cl = header.firstIndex(of: "cluster"),
              let lo = header.firstIndex(of: "longitude") else {
            throw CSVDecodingError(.badHeader, key: name, line: 1, reason: "a gazetteer needs the columns name, latitude, longitude")
        }
        var entries: [String: [GeocodeCandidate]] = [:]
        var clusterNames = Set<String>()
        for record in records.dropFirst() {
            let f = record.fields
            guard f.count == header.count, let lat = Double(f[la]), let lng = Double(f[lo]),
                  Coordinate(latitude: lat, longitude: lng).isPlausible else {
                throw CSVDecodingError(key: name, line: record.line, reason: "expected a name and a latitude/longitude in range")
            }
            let key = f[n].lowercased().trimmingCharacters(in: .whitespaces)
            if let cl, f[cl].lowercased().trimmingCharacters(in: .whitespaces) == key { clusterNames.insert(key) }
            entries[key, default: []].append(
                GeocodeCandidate(coordinate: Coordinate(latitude: lat, longitude: lng), label: f[n], quality: 1, provider: "gazetteer"))
        }
        self.entries = entries
        self.clusterNames = clusterNames
    }

    /// Names in the gazetteer.
    public var count: Int { entries.count }

    public func candidates(for query: PlaceQuery) async throws -> [GeocodeCandidate] {
        let words = query.text.lowercased().split(separator: " ").map(String.init)
        guard !words.isEmpty else { return [] }
        if let exact = entries[words.joined(separator: " ")] { return exact }
        for length in stride(from: words.count - 1, through: 1, by: -1) {
            for start in 0...(words.count - length) {
                let phrase = words[start..<(start + length)].joined(separator: " ")
                if !clusterNames.contains(phrase), let hits = entries[phrase] { return hits }
            }
        }
        return []
    }
}
