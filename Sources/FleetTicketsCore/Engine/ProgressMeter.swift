import Foundation

/// Turns progress events into one status line: step i of N, rows per second, time left.
///
/// Pure arithmetic on the events and the elapsed time the caller passes in, so it is tested
/// without a terminal or a clock; the CLI's reporter redraws its `line(at:)` a few times a second.
///
/// ```swift
/// var meter = ProgressMeter()
/// meter.update(event, at: 1.5)
/// print(meter.line(at: 2.0) ?? "")   // ingest inc: file 3 of 12 · 45,000 rows · 9,800 rows/s · ~12 s left
/// ```
public struct ProgressMeter: Sendable {
    private var event: ProgressEvent?
    private var startedAt: Double = 0

    /// A meter that has seen no event.
    public init() {}

    /// Takes an event seen `seconds` after the meter began. A new task restarts the rates.
    public mutating func update(_ event: ProgressEvent, at seconds: Double) {
        if self.event?.task != event.task { startedAt = seconds }
        self.event = event
    }

    /// The line to show `seconds` after the meter began; nil before the first event.
    public func line(at seconds: Double) -> String? {
        guard let e = event else { return nil }
        let elapsed = max(0, seconds - startedAt)
        let live = e.finished ? nil : e.tally?.snapshot
        var parts = ["\(e.task): \(e.unit) \(e.step) of \(e.steps)"]
        if let item = e.item { parts[0] += " (\(item.split(separator: "/").last.map(String.init) ?? item))" }
        let rows = e.rowsDone + (live?.rowsRead ?? 0)
        if e.tally != nil || e.rowsDone > 0 {
            parts.append("\(Self.grouped(rows)) rows")
            if elapsed >= 0.5 { parts.append("\(Self.grouped(Int(Double(rows) / elapsed))) rows/s") }
        } else if elapsed >= 0.5 {
            let done = e.finished ? e.step : e.step - 1
            parts.append(String(format: "%.1f", Double(done) / elapsed) + " \(e.unit)s/s")
        }
        if let left = secondsLeft(e, live: live, elapsed: elapsed) { parts.append("~\(Self.duration(left)) left") }
        return parts.joined(separator: " · ")
    }

    /// By bytes when the sizes are known (a large file counts for what it weighs), else by steps.
    private func secondsLeft(_ e: ProgressEvent, live: FileTally.Snapshot?, elapsed: Double) -> Double? {
        guard elapsed >= 1 else { return nil }
        if e.bytesTotal > 0 {
            let done = Double(e.bytesDone + (live?.bytesRead ?? 0))
            guard done > 0 else { return nil }
            return max(0, Double(e.bytesTotal) - done) * elapsed / done
        }
        let done = Double(e.finished ? e.step : e.step - 1)
        guard done > 0 else { return nil }
        return Double(e.steps) * elapsed / done - elapsed
    }

    /// `1,234,567`, whatever the locale (logs and terminals are read by the same people).
    static func grouped(_ n: Int) -> String {
        let digits = String(abs(n))
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// `45 s`, `4 min 48 s`, `2 h 05 min`.
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s) s" }
        if s < 3600 { return "\(s / 60) min \(s % 60) s" }
        return String(format: "%d h %02d min", s / 3600, (s % 3600) / 60)
    }
}
