import Foundation

/// The analyst's and the manager's questions: trend figures and team closure attribution.
///
/// Implementations must be safe to call from many tasks at once. The PostgreSQL one answers
/// from `reporting.fn_trends` and `reporting.fn_team_closures`, the same functions the
/// dashboard calls, so the SDK and the dashboard can never disagree.
public protocol AnalyticsReader: Sendable {
    /// Opened, closed, closure rate, backlog, MTTR, SLA share and backlog age per period (and group).
    func trends(_ query: TrendQuery) async throws -> TrendReport
    /// Closures per assigned team (and owner) in a period.
    func teamClosures(_ query: TeamClosureQuery) async throws -> TeamClosureReport
}
