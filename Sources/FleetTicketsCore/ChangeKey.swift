import Foundation

/// A change-stream key whose name carries its export time: `…/changes/YYYY-MM-DDTHH-MM-SS.csv`.
///
/// Keys order by that time (East Africa Time, UTC+03:00, no daylight saving; see ``EATMoment``
/// and docs/time.md). The fixed-width stamp also orders correctly as text, which is what makes
/// the stored watermark comparable.
public struct ChangeKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The full key, e.g. `automations/inc/changes/2026-06-15T17-00-00.csv`.
    public let key: String
    /// The stamp as written in the name, e.g. `2026-06-15T17-00-00`.
    public let stamp: String
    /// The export time the stamp denotes.
    public let exportedAt: Date

    /// Parses `key` if its last path component is `YYYY-MM-DDTHH-MM-SS.csv` naming a real EAT
    /// moment; nil otherwise. A name like `2026-02-30T10-00-00.csv` is not a change file: the
    /// calendar has no such day, and the drain reports the key as a stray instead of guessing.
    public init?(_ key: String) {
        let name = key.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? key
        guard name.hasSuffix(".csv") else { return nil }
        let stamp = String(name.dropLast(4))
        guard let moment = EATMoment(fileStamp: stamp) else { return nil }
        self.key = key
        self.stamp = stamp
        self.exportedAt = moment.date
    }

    /// Stands in for a loose file whose name carries no stamp (orders first).
    static let unnamed = ChangeKey("unnamed/1970-01-01T03-00-00.csv")!

    public static func < (lhs: ChangeKey, rhs: ChangeKey) -> Bool {
        (lhs.stamp, lhs.key) < (rhs.stamp, rhs.key)
    }

    public var description: String { key }

    /// The watermark after applying `key`: the later of the two, never moving backwards.
    /// A key whose name carries no stamp never moves it.
    public static func watermark(_ current: String?, advancedTo key: String) -> String? {
        guard let next = ChangeKey(key) else { return current }
        guard let current, let now = ChangeKey(current) else { return key }
        return next.stamp > now.stamp ? key : current
    }

    /// The stamp for a moment, as the export writes it (EAT).
    public static func stamp(for date: Date) -> String {
        EATMoment(date).fileStamp
    }
}
