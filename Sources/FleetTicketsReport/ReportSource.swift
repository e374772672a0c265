import FleetTicketsCore
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
    public var datasets: ReportDatasets
    /// First EAT day (`YYYY-MM-DD`); nil: 29 days before `to` (30 days in all).
    public var from: String?
    /// Last EAT day (`YYYY-MM-DD`); nil: today in EAT.
    public var to: String?

    public init(datasets: ReportDatasets = .all, from: String? = nil, to: String? = nil) {
        self.datasets = datasets
        self.from = from
        self.to = to
    }
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
        guard let first = Self.day(from), let last = Self.day(to) else { return .day }
        return last.timeIntervalSince(first) / 86_400 >= 62 ? .week : .day
    }

    /// A `YYYY-MM-DD` day as its UTC midnight (only differences between days are used).
    private static func day(_ text: String) -> Date? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        return ReportFormat.eat.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2]))
    }
}
