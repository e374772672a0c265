/// Which keys of a listing a run applies, and which it reports instead.
///
/// Pure: built from the listing, the watermark and the ledger's answer, so every ordering,
/// watermark, stray and late rule is decided here and tested without I/O.
package struct DrainPlan: Sendable, Hashable {
    /// Files to apply, oldest first.
    package var toApply: [PlannedFile] = []
    /// Keys at or before the watermark that the ledger never recorded (and not applied now).
    package var late: [String] = []
    /// Keys at or before the watermark that were applied but are still in `changes/`
    /// (a move that failed): moved now, never re-applied.
    package var unarchived: [String] = []
    /// Keys under `changes/` that are not change files: a name other than
    /// `YYYY-MM-DDTHH-MM-SS.csv`, one in a subfolder, or a stamp naming a moment the calendar
    /// does not have (`2026-02-30T10-00-00.csv`). Reported, never applied, moved or deleted.
    package var stray: [String] = []
    /// Entries under `changes/` that cannot be read as files (directories, links leaving the root).
    package var skipped: [SkippedEntry] = []

    /// A file the run applies.
    package struct PlannedFile: Sendable, Hashable {
        package var object: SourceObject
        package var key: ChangeKey
        /// At or before the watermark, applied on request.
        package var late: Bool
    }

    /// The plan for a listing of `changes/`, asking the store's ledger only about the keys at or
    /// before the watermark (none, on a normal run): what the engine drains and `status` shows.
    package static func resolve(_ listing: [SourceObject], dataset: Dataset, watermark: String?, reseed: Bool,
                               includeLate: Bool, ledger store: any TicketStore) async throws -> DrainPlan {
        let split = partition(listing, dataset: dataset, watermark: watermark, reseed: reseed)
        let applied = split.settled.isEmpty ? [] : try await store.appliedKeys(of: dataset, among: split.settled.map(\.0.key))
        return assemble(split, applied: applied, includeLate: includeLate)
    }

    /// The plan, once the ledger has said which settled keys it applied.
    package static func make(_ listing: [SourceObject], dataset: Dataset, watermark: String?, applied: Set<String>,
                            reseed: Bool, includeLate: Bool) -> DrainPlan {
        assemble(partition(listing, dataset: dataset, watermark: watermark, reseed: reseed), applied: applied, includeLate: includeLate)
    }

    typealias Partition = (fresh: [(SourceObject, ChangeKey)], settled: [(SourceObject, ChangeKey)], stray: [String],
                           skipped: [SkippedEntry])

    /// Splits a listing of `changes/` into stray keys, keys after the watermark, and the rest
    /// (`settled`, which the ledger must sort into applied-but-unarchived and late).
    static func partition(_ listing: [SourceObject], dataset: Dataset, watermark: String?, reseed: Bool) -> Partition {
        let mark = watermark.flatMap(ChangeKey.init)
        var fresh: [(SourceObject, ChangeKey)] = []
        var settled: [(SourceObject, ChangeKey)] = []
        var stray: [String] = []
        var skipped: [SkippedEntry] = []
        for object in listing where object.key.hasPrefix(dataset.changesPrefix) {
            if let reason = object.unusable {
                skipped.append(SkippedEntry(key: object.key, reason: reason))
                continue
            }
            let name = object.key.dropFirst(dataset.changesPrefix.count)
            guard !name.contains("/"), let key = ChangeKey(object.key) else {
                stray.append(object.key)
                continue
            }
            if reseed || isAfter(key, watermark: watermark, parsed: mark) {
                fresh.append((object, key))
            } else {
                settled.append((object, key))
            }
        }
        return (fresh.sorted { $0.1 < $1.1 }, settled.sorted { $0.1 < $1.1 }, stray.sorted(), skipped.sorted { $0.key < $1.key })
    }

    private static func assemble(_ split: Partition, applied: Set<String>, includeLate: Bool) -> DrainPlan {
        let (fresh, settled, stray, skipped) = split
        var plan = DrainPlan(stray: stray, skipped: skipped)
        var lateFiles: [PlannedFile] = []
        for (object, key) in settled {
            if applied.contains(object.key) {
                plan.unarchived.append(object.key)
            } else if includeLate {
                lateFiles.append(PlannedFile(object: object, key: key, late: true))
            } else {
                plan.late.append(object.key)
            }
        }
        plan.toApply = (lateFiles + fresh.map { PlannedFile(object: $0.0, key: $0.1, late: false) }).sorted { $0.key < $1.key }
        return plan
    }

    /// A key is after the watermark when its stamp is later; a watermark that is not a change
    /// key (hand-edited) is compared as text.
    static func isAfter(_ key: ChangeKey, watermark: String?, parsed: ChangeKey?) -> Bool {
        guard let watermark else { return true }
        if let parsed { return key.stamp > parsed.stamp }
        return key.key > watermark
    }
}
