import FleetTicketsCore
import Foundation

/// Turns reports into what an operator reads: short when all is well, specific when not.
enum ReportPrinter {
    static func json(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return (try? String(decoding: encoder.encode(value), as: UTF8.self)) ?? "{}"
    }

    /// The ingest report as text; nil when an applying run had nothing to do (quiet).
    static func text(_ r: IngestReport) -> String? {
        if r.busy { return "\(r.dataset): another run is draining this dataset; nothing done." }
        if r.isNoOp && r.mode == .apply && r.stray.isEmpty { return nil }
        var lines: [String] = []
        let dry = r.mode == .dryRun
        let verb = dry ? "would apply" : "applied"
        if r.files.isEmpty {
            lines.append("\(r.dataset): nothing new\(r.watermarkBefore.map { " after \(name($0))" } ?? "")\(dry ? " (dry run)" : "").")
        } else {
            let c = r.counts
            lines.append("\(r.dataset): \(verb) \(r.files.count) file\(r.files.count == 1 ? "" : "s"), \(r.rowsRead) rows read: "
                + "\(c.inserted) inserted, \(c.updated) updated, \(c.unchanged) unchanged\(dropped(r.dropped))"
                + String(format: " in %.2f s.", r.seconds))
            for f in r.files {
                lines.append("  \(name(f.key))\(f.late ? " (late)" : "")  \(f.rowsRead) rows  +\(f.counts.inserted) ~\(f.counts.updated) =\(f.counts.unchanged)\(dropped(f.dropped))"
                    + (f.extraColumns.isEmpty ? "" : "  new columns kept in raw: \(f.extraColumns.joined(separator: ", "))"))
            }
            if let mark = r.watermarkAfter, !dry || mark != r.watermarkBefore { lines.append("  watermark \(dry ? "would be" : "now") \(mark)") }
            if !r.hooks.isEmpty { lines.append("  \(dry ? "would run" : "ran") \(r.hooks.joined(separator: ", "))") }
        }
        if !r.late.isEmpty {
            lines.append("LATE: \(r.late.count) file\(r.late.count == 1 ? "" : "s") at or before the watermark never applied, left in place (apply with --include-late):")
            lines += r.late.map { "  \($0)" }
        }
        if !r.archiveRetried.isEmpty { lines.append("  archived \(r.archiveRetried.count) file(s) whose earlier move failed") }
        for f in r.archiveFailed { lines.append("WARNING: applied but not archived (the next run retries): \(f.key): \(f.message)") }
        if !r.stray.isEmpty { lines.append("  ignored \(r.stray.count) key(s) that are not change files: \(r.stray.prefix(3).joined(separator: ", "))\(r.stray.count > 3 ? ", …" : "")") }
        if dry && !r.files.isEmpty { lines.append("Dry run: nothing was written. Run again with --apply to commit.") }
        return lines.joined(separator: "\n")
    }

    static func text(_ statuses: [DatasetStatus]) -> String {
        var lines: [String] = []
        for s in statuses {
            let state = s.pending == nil ? "source not checked" : s.isCurrent ? "current" : "BEHIND"
            lines.append("\(s.dataset): \(state)")
            lines.append("  watermark     \(s.watermark ?? "none (never applied)")")
            if let at = s.lastAppliedAt { lines.append("  last applied  \(s.lastFile.map(name) ?? "-") at \(ISO8601DateFormatter().string(from: at))") }
            if let pending = s.pending { lines.append("  pending       \(pending.count)\(pending.isEmpty ? "" : " (oldest \(name(pending[0])))")") }
            if let late = s.late, !late.isEmpty { lines.append("  LATE          \(late.count): \(late.prefix(3).map(name).joined(separator: ", ")) (apply with ingest --include-late)") }
            if let note = s.sourceNote { lines.append("  source        \(note)") }
            lines.append("  tickets       \(s.tickets) (\(s.open) open, \(s.closed) closed); ledger \(s.ledgerFiles) files, \(s.ledgerRowsRead) rows read")
            let geo = s.geoSources.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            lines.append("  geocoded      \(geo.isEmpty ? "-" : geo)")
        }
        return lines.joined(separator: "\n")
    }

    private static func name(_ key: String) -> String { key.split(separator: "/").last.map(String.init) ?? key }

    private static func dropped(_ d: [DropReason: Int]) -> String {
        guard !d.isEmpty else { return "" }
        return "; dropped " + d.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", ")
    }
}
