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
    /// (a move that failed) with the bytes the ledger recorded: moved now, never re-applied.
    package var unarchived: [String] = []
    /// Keys at or before the watermark that were applied but are back with other bytes
    /// (`Reupload`): neither applied nor moved until an operator decides.
    package var reuploaded: [Reupload] = []
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
        /// Already applied, applied again on request (`--reapply`).
        package var reapplied = false
    }

    /// The plan for a listing of `changes/`, asking the store's ledger only about the keys at or
    /// before the watermark (none, on a normal run): what the engine drains and `status` shows.
    /// `reapply` names one settled key to apply whatever the ledger says (`--reapply`).
    package static func resolve(_ listing: [SourceObject], dataset: Dataset, watermark: String?, reseed: Bool,
                               includeLate: Bool, reapply: String? = nil, ledger store: any TicketStore) async throws -> DrainPlan {
        let split = partition(listing, dataset: dataset, watermark: watermark, reseed: reseed)
        let applied = split.settled.isEmpty ? [:] : try await store.appliedFingerprints(of: dataset, among: split.settled.map(\.0.key))
        return assemble(split, applied: applied, includeLate: includeLate, reapply: reapply)
    }

    /// The plan, once the ledger has said which settled keys it applied (with no fingerprints).
    package static func make(_ listing: [SourceObject], dataset: Dataset, watermark: String?, applied: Set<String>,
                            reseed: Bool, includeLate: Bool) -> DrainPlan {
        make(listing, dataset: dataset, watermark: watermark, fingerprints: applied.reduce(into: [:]) { $0[$1] = FileFingerprint() },
             reseed: reseed, includeLate: includeLate)
    }

    /// The plan, once the ledger has said which settled keys it applied and with which bytes.
    package static func make(_ listing: [SourceObject], dataset: Dataset, watermark: String?,
                            fingerprints applied: [String: FileFingerprint], reseed: Bool, includeLate: Bool,
                            reapply: String? = nil) -> DrainPlan {
        assemble(partition(listing, dataset: dataset, watermark: watermark, reseed: reseed), applied: applied,
                 includeLate: includeLate, reapply: reapply)
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

    private static func assemble(_ split: Partition, applied: [String: FileFingerprint], includeLate: Bool,
                                 reapply: String?) -> DrainPlan {
        let (fresh, settled, stray, skipped) = split
        var plan = DrainPlan(stray: stray, skipped: skipped)
        var lateFiles: [PlannedFile] = []
        for (object, key) in settled {
            if object.key == reapply {
                lateFiles.append(PlannedFile(object: object, key: key, late: applied[object.key] == nil,
                                             reapplied: applied[object.key] != nil))
            } else if let recorded = applied[object.key] {
                let listed = FileFingerprint(object)
                if recorded.differs(from: listed) {
                    plan.reuploaded.append(Reupload(key: object.key, applied: recorded, now: listed))
                } else {
                    plan.unarchived.append(object.key)
                }
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
