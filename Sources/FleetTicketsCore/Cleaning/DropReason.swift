/// Why a source row did not reach the table.
public enum DropReason: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// `is_alarm` was true: network alarms are not tickets.
    case alarm
    /// The export's `EXPORT STOPPED…` sentinel row.
    case sentinel
    /// The row had no `ticket_id`.
    case missingTicketID = "missing_ticket_id"
    /// A later row in the same file carried the same `ticket_id` (last row wins).
    case superseded

    public static func < (a: DropReason, b: DropReason) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}
