import Foundation

/// The most a quality figure may be: a count (`12`) or a share of its base (`2%`).
/// A figure above its limit fails `status --check`; `0` fails on the first one.
public enum QualityLimit: Sendable, Hashable, CustomStringConvertible {
    /// At most this many.
    case count(Int)
    /// At most this share (0…1) of the figure's base (the day's rows, rows read, or open tickets).
    case share(Double)

    /// Parses `12` (a count) or `2%` / `2.5%` (a share of the base).
    public init?(_ text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        if t.hasSuffix("%") {
            guard let percent = Double(t.dropLast().trimmingCharacters(in: .whitespaces)), percent >= 0, percent <= 100 else { return nil }
            self = .share(percent / 100)
        } else {
            guard let n = Int(t), n >= 0 else { return nil }
            self = .count(n)
        }
    }

    /// Whether `value` out of `base` is over the limit.
    public func isExceeded(by value: Int, of base: Int) -> Bool {
        switch self {
        case .count(let n): value > n
        case .share(let s): base > 0 && Double(value) / Double(base) > s
        }
    }

    /// `12` or `2%`, as it is written.
    public var description: String {
        switch self {
        case .count(let n): "\(n)"
        case .share(let s): "\(Setting.number((s * 100 * 10_000).rounded() / 10_000))%"
        }
    }
}

/// The thresholds operators set on the quality figures (`DatasetQuality`) for
/// `status --check`. Every one is unset by default: what is normal (drops of alarms, rows
/// without a cluster) depends on the feed, so nothing is judged until an operator says so.
/// docs/settings.md lists their settings; docs/operations.md suggests values.
public struct QualityThresholds: Sendable, Hashable {
    /// The most `content_lag_seconds` may be, judged at the newest export slot the schedule
    /// put out (so the night between the last and the first export is quiet).
    public var maxContentLag: TimeInterval?
    /// The most rows of the day without a cluster (a share: of the day's rows).
    public var maxWithoutCluster: QualityLimit?
    /// The most rows of the day whose cluster the gazetteer does not know (share: of the day's rows).
    public var maxUnknownCluster: QualityLimit?
    /// The most timestamp values of the day that did not parse (share: of the day's rows).
    public var maxUnparsedTimestamps: QualityLimit?
    /// The most open tickets without a position (share: of the open tickets).
    public var maxOpenWithoutPosition: QualityLimit?
    /// The most rows of the day dropped for a reason (share: of the rows the day's files read).
    public var maxDropped: [DropReason: QualityLimit]

    /// Thresholds; all unset by default.
    public init(maxContentLag: TimeInterval? = nil, maxWithoutCluster: QualityLimit? = nil, maxUnknownCluster: QualityLimit? = nil,
                maxUnparsedTimestamps: QualityLimit? = nil, maxOpenWithoutPosition: QualityLimit? = nil,
                maxDropped: [DropReason: QualityLimit] = [:]) {
        self.maxContentLag = maxContentLag
        self.maxWithoutCluster = maxWithoutCluster
        self.maxUnknownCluster = maxUnknownCluster
        self.maxUnparsedTimestamps = maxUnparsedTimestamps
        self.maxOpenWithoutPosition = maxOpenWithoutPosition
        self.maxDropped = maxDropped
    }

    /// Parses `missing_ticket_id=0,alarm=10%`: a limit per drop reason.
    /// - Throws: a sentence naming the part that is not `REASON=LIMIT` with a known reason.
    public static func parseDropped(_ text: String) throws(QualityThresholdError) -> [DropReason: QualityLimit] {
        var out: [DropReason: QualityLimit] = [:]
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            let known = DropReason.allCases.map(\.rawValue).joined(separator: ", ")
            guard pair.count == 2, let reason = DropReason(rawValue: pair[0]) else {
                throw QualityThresholdError("must be REASON=LIMIT pairs like missing_ticket_id=0,alarm=10% with reasons among \(known) (got '\(part)')")
            }
            guard let limit = QualityLimit(pair[1]) else { throw QualityThresholdError(QualityThresholdError.limitRule(pair[1])) }
            out[reason] = limit
        }
        return out
    }

    /// Parses one limit (`12` or `2%`).
    /// - Throws: a sentence saying what a limit looks like.
    public static func parseLimit(_ text: String) throws(QualityThresholdError) -> QualityLimit {
        guard let limit = QualityLimit(text) else { throw QualityThresholdError(QualityThresholdError.limitRule(text)) }
        return limit
    }
}

/// A threshold's text that cannot be used.
public struct QualityThresholdError: Error, CustomStringConvertible, Sendable {
    /// What is wrong and what a good value looks like.
    public var description: String

    init(_ description: String) { self.description = description }

    static func limitRule(_ text: String) -> String {
        "must be a count like 12 or a share like 2% (got '\(text)')"
    }
}
