import Foundation

/// What the report says when its range holds none of the newest data.
public enum ReportRangeNotice: Sendable, Hashable {
    /// The default range (the days to today) held no data, so the range ends at the newest
    /// data's day instead, keeping its length.
    case movedToNewestData(days: Int, newest: String)
    /// The range as given (explicit days) starts after the newest data's day.
    case noDataInRange(newest: String)

    /// One sentence for the page and the terminal.
    public var sentence: String {
        switch self {
        case let .movedToNewestData(days, newest):
            "No data in the last \(days) days; showing the \(days) days to \(newest), the newest data."
        case let .noDataInRange(newest):
            "No data in this range: the newest data is from \(newest). Pass --to \(newest) (or leave out --from and --to) to see it."
        }
    }
}

/// Chooses the report's range from the request and the day of the newest data, so a report of
/// data that stopped arriving still shows that data. The one rule:
/// - the data's newest day is on or after the range's first day: the range stands;
/// - otherwise, with no day given (the default range), the range keeps its length and ends on
///   the newest day, with a ``ReportRangeNotice/movedToNewestData(days:newest:)`` notice;
/// - otherwise (days given) the range is honoured as given, with a
///   ``ReportRangeNotice/noDataInRange(newest:)`` notice saying where the data is.
///
/// With nothing ingested (no newest day) the range stands and there is no notice: the page
/// already says nothing was ingested.
public enum ReportRangeChoice {
    /// The range to read (`from`, `to`, EAT days `YYYY-MM-DD`) and the notice to show, given the
    /// request, the range resolved from it (defaults filled in) and the newest data's EAT day.
    public static func choose(request: ReportRequest, resolvedFrom: String, resolvedTo: String,
                              newest: EATDay?) -> (from: String, to: String, notice: ReportRangeNotice?) {
        guard let newest, let first = EATDay(resolvedFrom), let last = EATDay(resolvedTo), newest < first else {
            return (resolvedFrom, resolvedTo, nil)
        }
        guard request.from == nil, request.to == nil else {
            return (resolvedFrom, resolvedTo, .noDataInRange(newest: newest.description))
        }
        let span = last.days(since: first)
        return (newest.adding(days: -span).description, newest.description,
                .movedToNewestData(days: span + 1, newest: newest.description))
    }

    /// The EAT day of the newest export applied across `headlines`; nil when nothing was.
    public static func newestDay(of headlines: [HeadlineFigures]) -> EATDay? {
        headlines.compactMap(\.lastExportedAt).max().map { EATDay(containing: $0) }
    }
}
