/// A `location_name` from the feed with its network codes removed: what a geocoder is asked.
///
/// `NW_KASARANI_MWIKI_FDT12` → `Kasarani Mwiki`; `ADR_MNT_ROYSAMBU_ZIMMERMAN_SDUS` →
/// `Roysambu Zimmerman`. Place words (including numbers that belong to a place, as in
/// `Section 58` or `Githurai 44`) are kept.
public struct PlaceName: Sendable, Hashable, CustomStringConvertible {
    /// The query text, words in title case: `Kasarani Mwiki`.
    public let query: String
    /// The cache key: the query lowercased.
    public var key: String { query.lowercased() }

    /// Network-plant tokens (with or without a number attached) that are never place words.
    static let plantCodes: Set<String> = [
        "FDT", "FAT", "FDB", "FDP", "ODF", "ODB", "OLT", "ONT", "ONU", "SPL", "SPLITTER", "CAB", "CABINET",
        "MDU", "SDU", "SDUS", "MDUS", "MSAN", "POP", "BTS", "NODE", "HUB", "JC", "JB", "MH", "PED",
    ]
    /// Prefix tokens of the export's naming scheme, stripped only at the start of the name.
    static let prefixes: Set<String> = ["NW", "ADR", "MNT", "NWK"]

    /// Normalises a `location_name`; nil when nothing place-like is left.
    public init?(locationName: String) {
        var words = locationName
            .split(whereSeparator: { $0 == "_" || $0 == " " || $0 == "\t" || $0 == "/" || $0 == "," || $0 == "-" })
            .map { String($0).uppercased() }
        while let first = words.first, Self.prefixes.contains(first) { words.removeFirst() }
        var kept: [String] = []
        for (i, word) in words.enumerated() {
            if Self.isPlantCode(word) { continue }
            // A bare number right after a plant code (`FDT 12`) goes with the code.
            if word.allSatisfy(\.isNumber), i > 0, Self.isPlantCode(words[i - 1]) { continue }
            kept.append(word)
        }
        guard kept.contains(where: { $0.contains(where: \.isLetter) }) else { return nil }
        query = kept.map(Self.titleCased).joined(separator: " ")
    }

    static func isPlantCode(_ word: String) -> Bool {
        let letters = word.prefix { $0.isLetter }
        let rest = word.dropFirst(letters.count)
        return plantCodes.contains(String(letters)) && rest.allSatisfy(\.isNumber)
    }

    static func titleCased(_ word: String) -> String {
        guard let first = word.first else { return word }
        if word.count <= 1 { return word }  // "C" in "South C"
        return String(first) + word.dropFirst().lowercased()
    }

    public var description: String { query }
}
