import Foundation

/// One reason a dataset is not healthy, as `status --check` prints it (one line each).
public struct HealthProblem: Sendable, Codable, Hashable, CustomStringConvertible {
    /// What kind of problem.
    public enum Kind: String, Sendable, Codable {
        /// Files wait in `changes/` longer than the allowed age: the ingest is not keeping up or not running.
        case behind
        /// No recent export applied although the schedule says one should have been.
        case stale
        /// The dataset's last run stopped on a data error that no later run has cleared.
        case stopped
        /// Files at or before the watermark were never applied.
        case late
        /// Files already applied are back in `changes/` with other bytes (upstream rewrote history).
        case reuploaded
        /// The source could not be listed, so behind, late and stale could not be judged.
        case unchecked
        /// A quality figure is over the threshold an operator set (`QualityThresholds`).
        case quality
    }

    /// The dataset it is about.
    public var dataset: String
    /// What kind of problem it is.
    public var kind: Kind
    /// One sentence: what is wrong and what to do.
    public var message: String

    /// A problem.
    public init(dataset: String, kind: Kind, message: String) {
        self.dataset = dataset
        self.kind = kind
        self.message = message
    }

    /// The line `status --check` prints: `inc: BEHIND: …`.
    public var description: String { "\(dataset): \(kind.rawValue.uppercased()): \(message)" }
}

/// Judges a dataset's status for alerting (`status --check`): behind, stale, stopped, late,
/// re-uploaded, unchecked when the source could not be listed, and quality figures over their
/// thresholds (`HealthCheck+Quality.swift`).
///
/// Pure: the status (with the source listed and the runs read) and the moment are inputs.
/// It never claims what it could not check: without a listing, only a stop (which the run log
/// shows) and `unchecked` are reported. `StatusReader` assembles the status and applies it.
public struct HealthCheck: Sendable {
    /// How old pending files and the newest applied export may get.
    public var maxAge: TimeInterval
    /// When exports are expected, so nights and the gap before the first export are quiet.
    public var schedule: ExportSchedule
    /// The limits on the quality figures (all unset by default).
    public var quality: QualityThresholds

    /// A check; the defaults are `SettingDefaults`' (those of `status --check`).
    public init(maxAge: TimeInterval = SettingDefaults.statusMaxAge, schedule: ExportSchedule = .upstream,
                quality: QualityThresholds = QualityThresholds()) {
        self.maxAge = maxAge
        self.schedule = schedule
        self.quality = quality
    }

    /// The dataset's problems at `now`; empty when healthy.
    public func problems(_ s: DatasetStatus, now: Date) -> [HealthProblem] {
        var out: [HealthProblem] = []
        let age = Self.age
        if let run = s.stoppedBy {
            out.append(HealthProblem(dataset: s.dataset, kind: .stopped, message:
                "stopped on a data error since \(EAT.label(run.startedAt))\(run.errorKey.map { " at \($0)" } ?? ""): \(run.error ?? "no detail recorded")"))
        }
        guard let pending = s.pending else {
            // Behind, late and stale all depend on what is waiting in the source.
            out.append(HealthProblem(dataset: s.dataset, kind: .unchecked, message: Sentences.join(
                "the source could not be listed, so waiting, late and overdue files were not judged: \(s.sourceNote ?? "no source configured")",
                "Check the source settings and that it is reachable")))
            // Quality comes from the store alone, so it is judged without a listing.
            return out + qualityProblems(s, now: now)
        }
        let overdue = pending.compactMap { ChangeKey($0) }.filter { now.timeIntervalSince($0.exportedAt) > maxAge }
        if let oldest = overdue.min(by: { $0 < $1 }) {
            out.append(HealthProblem(dataset: s.dataset, kind: .behind, message:
                "\(overdue.count) file\(overdue.count == 1 ? "" : "s") waiting longer than \(age(maxAge)), the oldest \(oldest.key) (\(age(now.timeIntervalSince(oldest.exportedAt))) old). Is the worker or the cron job running? Check its log and the last failed run."))
        }
        if let late = s.late, !late.isEmpty {
            out.append(HealthProblem(dataset: s.dataset, kind: .late, message:
                "\(late.count) late file\(late.count == 1 ? "" : "s") (at or before the watermark, never applied), e.g. \(late[0]). Check them, then ingest \(s.dataset) --include-late --apply."))
        }
        if let reuploaded = s.reuploaded, let first = reuploaded.first {
            out.append(HealthProblem(dataset: s.dataset, kind: .reuploaded, message:
                "\(reuploaded.count) applied file\(reuploaded.count == 1 ? " is" : "s are") back in changes/ with other bytes, e.g. \(first.summary). Compare the two versions, then ingest \(s.dataset) --reapply KEY --apply, or move the file out of changes/ (see docs/operations.md)."))
        }
        // An export that should have landed more than maxAge ago must be applied by now.
        let expected = schedule.latestSlot(atOrBefore: now.addingTimeInterval(-maxAge))
        let newest = s.watermarkExportedAt
        if newest.map({ $0 < expected }) ?? true, overdue.isEmpty, s.stoppedBy == nil {
            out.append(HealthProblem(dataset: s.dataset, kind: .stale, message: newest.map {
                "the newest export applied is from \(EAT.label($0)) (\(age(now.timeIntervalSince($0))) old); the export of \(EAT.label(expected)) should be in by now and no file is waiting. Check that the upstream export is writing to the bucket."
            } ?? "nothing was ever applied and no file is waiting. Check the bucket settings and the upstream export, or seed the dataset (see the runbook)."))
        }
        out += qualityProblems(s, now: now)
        return out
    }

    /// `45 min`, `3 h 20 min`, `2 d 4 h`: an age as the problems and `status` write it.
    public static func age(_ seconds: TimeInterval) -> String {
        let m = Int(seconds / 60)
        if m < 120 { return "\(m) min" }
        if m < 48 * 60 { return "\(m / 60) h \(m % 60) min" }
        return "\(m / 1440) d \(m % 1440 / 60) h"
    }

    /// Parses `45m`, `2h`, `90s`, `1h30m`, `1d` or a bare number of seconds.
    public static func parseDuration(_ text: String) -> TimeInterval? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !t.isEmpty else { return nil }
        if let plain = Double(t), plain >= 0 { return plain }
        var total = 0.0, number = ""
        for c in t {
            if c.isNumber || c == "." {
                number.append(c)
                continue
            }
            guard let value = Double(number) else { return nil }
            let unit: Double
            switch c {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86_400
            default: return nil
            }
            total += value * unit
            number = ""
        }
        return number.isEmpty ? total : nil
    }
}
