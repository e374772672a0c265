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
        let failed = r.failure != nil
        var lines: [String] = []
        let dry = r.mode == .dryRun
        let verb = dry ? "would apply" : "applied"
        if r.files.isEmpty && failed {
            // Never "nothing new" on a run that could not look or stopped at its first file.
            lines.append("\(r.dataset): nothing applied; the run failed (see the message below).")
        } else if r.files.isEmpty {
            lines.append("\(r.dataset): nothing new\(r.watermarkBefore.map { " after \(name($0))" } ?? "")\(dry ? " (dry run)" : "").")
        } else {
            let c = r.counts
            lines.append("\(r.dataset): \(verb) \(r.files.count) file\(r.files.count == 1 ? "" : "s"), \(r.rowsRead) rows read: "
                + "\(c.inserted) inserted, \(c.updated) updated, \(c.unchanged) unchanged\(stale(c.stale))\(dropped(r.dropped))"
                + String(format: " in %.2f s.", r.seconds))
            for f in r.files {
                lines.append("  \(name(f.key))\(f.late ? " (late)" : "")\(f.reapplied ? " (reapplied)" : "")  \(f.rowsRead) rows  +\(f.counts.inserted) ~\(f.counts.updated) =\(f.counts.unchanged)\(f.counts.stale > 0 ? " stale \(f.counts.stale)" : "")\(dropped(f.dropped))"
                    + (f.extraColumns.isEmpty ? "" : "  new columns kept in raw: \(f.extraColumns.joined(separator: ", "))"))
                if !f.duplicateColumns.isEmpty {
                    lines.append("WARNING: \(name(f.key)): the header names \(f.duplicateColumns.joined(separator: ", ")) more than once; the last of each was kept")
                }
            }
            if let mark = r.watermarkAfter, !dry || mark != r.watermarkBefore { lines.append("  watermark \(dry ? "would be" : "now") \(mark)") }
            if !r.hooks.isEmpty { lines.append("  \(dry ? "would run" : "ran") \(r.hooks.joined(separator: ", "))") }
        }
        if r.files.isEmpty && !r.pendingHooksRetried.isEmpty {
            lines.append("  \(dry ? "would retry" : r.hooks.isEmpty ? "retried (failed again)" : "retried") the post-apply hook(s) an earlier run left pending: \(r.pendingHooksRetried.joined(separator: ", "))")
        }
        if !r.late.isEmpty {
            lines.append("LATE: \(r.late.count) file\(r.late.count == 1 ? "" : "s") at or before the watermark never applied, left in place (apply with --include-late):")
            lines += r.late.map { "  \($0)" }
        }
        if !r.reuploaded.isEmpty {
            lines.append("RE-UPLOADED: \(r.reuploaded.count) applied file\(r.reuploaded.count == 1 ? "" : "s") back in changes/ with other bytes, neither applied nor archived (compare, then ingest \(r.dataset) --reapply KEY --apply, or move it away):")
            lines += r.reuploaded.map { "  \($0.summary)" }
        }
        if !r.archiveRetried.isEmpty { lines.append("  archived \(r.archiveRetried.count) file(s) whose earlier move failed") }
        for f in r.archiveFailed { lines.append("WARNING: applied but not archived (the next run retries): \(f.key): \(f.message)") }
        for entry in r.skipped { lines.append("WARNING: skipped \(entry.key): \(entry.reason)") }
        if !r.stray.isEmpty {
            lines.append("  ignored \(r.stray.count) key(s) that are not change files (names not like <YYYY-MM-DDTHH-MM-SS>.csv with a real EAT date and time), left in place:")
            lines += r.stray.prefix(20).map { "    \($0)" }
            if r.stray.count > 20 { lines.append("    … and \(r.stray.count - 20) more (all of them in --json)") }
        }
        if r.stopped { lines.append("Stopped on request: the files after the last one applied are left for the next run.") }
        if dry && !r.files.isEmpty { lines.append("Dry run: nothing was written. Run again with --apply to commit.") }
        return lines.joined(separator: "\n")
    }

    static func text(_ statuses: [DatasetStatus]) -> String {
        var lines: [String] = []
        for s in statuses {
            let state = s.pending == nil ? "UNKNOWN (the source could not be checked)"
                : s.reuploaded?.isEmpty == false ? "RE-UPLOADED" : s.isCurrent ? "current" : "BEHIND"
            lines.append("\(s.dataset): \(state)")
            lines.append("  watermark     \(s.watermark ?? "none (never applied)")")
            if let at = s.lastAppliedAt { lines.append("  last applied  \(s.lastFile.map(name) ?? "-") at \(at.formatted(.iso8601))") }
            if let pending = s.pending { lines.append("  pending       \(pending.count)\(pending.isEmpty ? "" : " (oldest \(name(pending[0])))")") }
            if let late = s.late, !late.isEmpty { lines.append("  LATE          \(late.count): \(late.prefix(3).map(name).joined(separator: ", ")) (apply with ingest --include-late)") }
            for file in s.reuploaded ?? [] {
                lines.append("  RE-UPLOADED   \(file.summary) (compare, then ingest \(s.dataset) --reapply \(name(file.key)) --apply)")
            }
            if let note = s.sourceNote { lines.append("  source        \(note)") }
            lines.append("  tickets       \(s.tickets) (\(s.open) open, \(s.closed) closed); ledger \(s.ledgerFiles) files, \(s.ledgerRowsRead) rows read")
            let geo = s.geoSources.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            let coverage = s.geocodeCoverage.map { String(format: "%.0f%% placed: ", $0 * 100) } ?? ""
            lines.append("  geocoded      \(coverage)\(geo.isEmpty ? "-" : geo)")
            lines += qualityLines(s)
            lines += runLines(s)
        }
        return lines.joined(separator: "\n")
    }

    static func text(_ r: GeocodeReport) -> String {
        var lines: [String] = []
        let what = r.kind == .clusters ? "clusters" : "places"
        if r.dryRun {
            lines.append("geocode \(r.kind.rawValue) (dry run, \(r.provider)): \(r.needed) \(what) need an answer; would ask \(r.asked) (budget \(r.budget))"
                + (r.deferred > 0 ? ", \(r.deferred) left for later runs" : "") + ".")
            lines += r.sample.map { "  would ask: \($0)" }
        } else {
            lines.append("geocode \(r.kind.rawValue) (\(r.provider)): asked \(r.asked)\(r.requests != r.asked ? " in \(r.requests) requests (retries count against the budget)" : ""): \(r.hits) hits, \(r.misses) misses, \(r.rejected) rejected (too far)"
                + (r.failed > 0 ? ", \(r.failed) failed (asked again next run)" : "") + String(format: " in %.1f s; budget left %d", r.seconds, r.budgetLeft)
                + (r.deferred > 0 ? ", \(r.deferred) left for later runs." : "."))
            let placed = r.newlyPlaced.sorted { $0.key < $1.key }.map { "\($0.value) by \($0.key)" }
            lines.append("  tickets newly placed: \(placed.isEmpty ? "none" : placed.joined(separator: ", ")); positions changed: \(r.geometriesChanged)")
        }
        if r.withoutCentroid > 0 { lines.append("  \(r.withoutCentroid) places skipped: their cluster has no coordinate yet (run geocode clusters first)") }
        if r.unusable > 0 { lines.append("  \(r.unusable) location names hold no place words (cached as misses)") }
        if let stop = r.stoppedEarly { lines.append("WARNING: stopped early: \(stop)") }
        if r.dryRun && r.asked > 0 { lines.append("Dry run: nothing asked or saved. Run again with --apply.") }
        return lines.joined(separator: "\n")
    }

    /// Freshness, the last run, the last failure, a stop and the lock holder: what an operator checks first.
    private static func runLines(_ s: DatasetStatus) -> [String] {
        var lines: [String] = []
        let stamp = { (d: Date) in d.formatted(.iso8601) }
        lines.append("  freshness     \(s.watermarkExportedAt.map { "newest export applied \(EAT.label($0))" } ?? "nothing applied yet")")
        let describe = { (r: IngestRun) in
            "\(r.outcome.rawValue) at \(stamp(r.startedAt)) (\(r.mode.rawValue), \(r.host) pid \(r.pid)): \(r.filesApplied) files, \(r.rowsRead) rows"
        }
        lines.append("  last run      \(s.lastRun.map(describe) ?? "none recorded")")
        if let failed = s.lastFailedRun {
            lines.append("  last failure  \(stamp(failed.startedAt)): \(failed.error ?? failed.outcome.rawValue)")
        }
        if let stop = s.stoppedBy { lines.append("  STOPPED       on a data error at \(stop.errorKey.map(name) ?? "-"); fix or remove the file, then rerun") }
        if let h = s.lockHolder {
            lines.append("  locked by     pid \(h.pid) \(h.applicationName ?? "")\(h.client.map { " from \($0)" } ?? "")\(h.since.map { ", connected since \(stamp($0))" } ?? "")")
        } else {
            lines.append("  locked by     nobody")
        }
        return lines
    }

    private static func name(_ key: String) -> String { key.split(separator: "/").last.map(String.init) ?? key }

    /// Rows the version guard refused: a newer file already wrote those tickets.
    private static func stale(_ n: Int) -> String {
        n == 0 ? "" : ", \(n) stale (a newer file already wrote them; kept the newer)"
    }

    private static func dropped(_ d: [DropReason: Int]) -> String {
        guard !d.isEmpty else { return "" }
        return "; dropped " + d.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", ")
    }
}
