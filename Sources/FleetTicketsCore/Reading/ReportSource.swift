import Foundation

/// Which datasets a report covers.
public enum ReportDatasets: String, Sendable, Hashable, CaseIterable {
    case inc, crq, all

    /// The dataset names in display order.
    public var names: [String] {
        switch self {
        case .inc: ["inc"]
        case .crq: ["crq"]
        case .all: ["inc", "crq"]
        }
    }
}

/// What a report is asked for: datasets and an optional range of EAT days.
public struct ReportRequest: Sendable, Hashable {
    /// The datasets covered, each with its own figures.
    public var datasets: ReportDatasets
    /// First EAT day (`YYYY-MM-DD`); nil: 29 days before `to` (30 days in all).
    public var from: String?
    /// Last EAT day (`YYYY-MM-DD`); nil: today in EAT.
    public var to: String?

    /// A request as given (unchecked: the database checks the days again).
    public init(datasets: ReportDatasets = .all, from: String? = nil, to: String? = nil) {
        self.datasets = datasets
        self.from = from
        self.to = to
    }

    /// A request from user input (flags), checked: the dataset is `inc`, `crq` or `all`, each
    /// day a real `YYYY-MM-DD` date, and `from` not after `to`.
    /// - Throws: `ReportRequestError` saying what is wrong and what to pass instead.
    public init(dataset: String, from: String?, to: String?) throws {
        guard let datasets = ReportDatasets(rawValue: dataset.lowercased()) else {
            throw ReportRequestError(message: "Unknown dataset '\(dataset)': pass inc, crq or all.")
        }
        for (flag, day) in [("--from", from), ("--to", to)] {
            if let day, EATDay(day) == nil {
                throw ReportRequestError(message: "\(flag) '\(day)' is not a day: pass an EAT calendar day as YYYY-MM-DD, e.g. 2026-11-01.")
            }
        }
        if let from, let to, let first = EATDay(from), let last = EATDay(to), first > last {
            throw ReportRequestError(message: "The range starts (\(from)) after it ends (\(to)): pass --from on or before --to.")
        }
        self.init(datasets: datasets, from: from, to: to)
    }
}

/// A report request that cannot be answered as given.
public struct ReportRequestError: Error, CustomStringConvertible, Sendable {
    /// One sentence: what is wrong and what to pass instead.
    public var message: String
    /// The message.
    public var description: String { message }
}

/// Where a report's values come from. The PostgreSQL one reads `reporting.fn_report_snapshot`
/// and the analytics functions; an embedding service may bring its own.
///
/// Implementations must be safe to call from many tasks at once.
public protocol ReportSource: Sendable {
    /// Every value the page shows, read consistently enough that "now" means one moment.
    func reportInput(_ request: ReportRequest) async throws -> ReportInput
}

extension ReportRange {
    /// Daily periods up to 62 days (two months of points stay readable), weekly beyond.
    public static func grain(from: String, to: String) -> TrendGrain {
        guard let first = EATDay(from), let last = EATDay(to) else { return .day }
        return last.days(since: first) >= 62 ? .week : .day
    }
}
