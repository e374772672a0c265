/// Watches a file's ticket ids as they are staged, so the merge can skip its de-duplication
/// (a self-join of the staging table, most of a second per 200,000 rows) when no ticket can
/// appear twice.
///
/// It keeps one 64-bit hash per id, up to `limit` ids (a few MB); past that, or at the first
/// hash seen twice, it answers "may repeat" and forgets. Equal ids always hash alike (ids the
/// database holds byte-equal are equal strings here), so "no repeat" is certain; a collision
/// of different ids only costs the de-duplication it would have skipped.
struct RepeatWatch {
    static let limit = 300_000
    private var seen: Set<Int> = []
    private(set) var mayRepeat = false

    mutating func note(_ ticketID: String) {
        guard !mayRepeat else { return }
        if seen.count >= Self.limit || !seen.insert(ticketID.hashValue).inserted {
            mayRepeat = true
            seen = []
        }
    }
}
