import Foundation

/// Writes a realistic change stream for a dataset: a full-state baseline, 20-minute deltas
/// from 06:00 to 20:40 EAT, a full-state re-emission at the start of each following day,
/// ticket lifecycles, alarms, the export's sentinel row and the odd repeated row.
///
/// Deterministic: the same settings give the same bytes on every machine. Tickets are
/// regenerated from their index when rendered, so memory stays small for large streams.
///
/// ```swift
/// let sim = StreamSimulator(StreamSimulator.Settings(tickets: 500, days: 2, seed: 7))
/// try sim.write(to: URL(fileURLWithPath: "demo"), datasets: Dataset.all)
/// ```
public struct StreamSimulator: Sendable {
    public struct Settings: Sendable, Hashable {
        /// Distinct tickets per dataset over the whole stream.
        public var tickets: Int
        /// Days of 20-minute deltas after the baseline; 0 writes the baseline alone (every ticket).
        public var days: Int
        public var seed: UInt64
        /// The baseline's export time (06:00 EAT on its day).
        public var start: Date
        /// The stream's last export: slots after it are not written (the last day may be
        /// partial). Nil: every slot of every day.
        public var end: Date?

        /// A stream of `days` whole days of deltas from `start` (the baseline's export).
        public init(tickets: Int = 400, days: Int = 2, seed: UInt64 = 1, start: Date = EAT.date(year: 2026, month: 6, day: 15, hour: 6)) {
            self.tickets = max(1, tickets)
            self.days = max(0, days)
            self.seed = seed
            self.start = start
        }

        /// A stream that ends at `until`: its last file is the export slot of `schedule` at or
        /// before `until`, its first (the baseline) the first slot of the day `days - 1` days
        /// before that slot's day (`days` 0: the baseline alone, at that slot). The same
        /// settings and `until` give the same bytes, so a demo of "now" is reproducible.
        public init(tickets: Int = 400, days: Int = 2, seed: UInt64 = 1, until: Date) {
            // The upstream schedule: the slots below are its 06:00 + 20 min × 45.
            let schedule = ExportSchedule.upstream
            let last = schedule.latestSlot(atOrBefore: until)
            let days = max(0, days)
            let start = days == 0
                ? last
                : EATDay(containing: last).adding(days: -(days - 1)).midnight.addingTimeInterval(TimeInterval(schedule.firstMinute * 60))
            self.init(tickets: tickets, days: days, seed: seed, start: start)
            self.end = last
        }
    }

    /// One file of the stream, as a plan; `render` produces its bytes.
    public struct File: Sendable {
        public enum Kind: String, Sendable { case baseline, delta, fullState = "full-state" }
        public var key: String
        public var kind: Kind
        let time: TimeInterval
        let previous: TimeInterval
        /// Ticket indices in emission order; negative = the ticket's previous state (a row a
        /// later one in the same file supersedes).
        let rows: [Int32]
        let alarms: Int
        /// Rows the file holds (tickets, alarms and the sentinel).
        public var rowCount: Int { rows.count + alarms + (kind == .delta ? 0 : 1) }
    }

    public let settings: Settings

    public init(_ settings: Settings = Settings()) {
        self.settings = settings
    }

    /// Slot times (seconds since 1970): per day, 06:00 + 20 min × 0…44, none after the end.
    var slots: [TimeInterval] {
        let start = settings.start.timeIntervalSince1970
        guard settings.days > 0 else { return [start] }
        let all = (0..<settings.days).flatMap { d in (0..<45).map { start + Double(d * 86_400 + $0 * 1200) } }
        guard let end = settings.end?.timeIntervalSince1970 else { return all }
        return all.filter { $0 <= end }
    }

    /// When tickets are created: over the three days before the baseline (its backlog) and
    /// through the stream, up to the last slot; with no deltas every ticket is in the baseline.
    /// Arithmetic, not `slots.last`: every ticket asks for it, millions of times in a benchmark.
    private var window: ClosedRange<TimeInterval> {
        let start = settings.start.timeIntervalSince1970
        let whole = settings.days == 0 ? start : start + Double((settings.days - 1) * 86_400 + 44 * 1200)
        let last = settings.end.map { max(start, min(whole, $0.timeIntervalSince1970)) } ?? whole
        return (start - 3 * 86_400)...last
    }

    func ticket(_ index: Int, _ dataset: Dataset) -> SimulatedTicket {
        SimulatedTicket(index: index, dataset: dataset.name, seed: settings.seed, window: window)
    }

    /// The stream's files for a dataset, oldest first.
    public func files(for dataset: Dataset) -> [File] {
        let slots = self.slots
        var perSlot = [[Int32]](repeating: [], count: slots.count)
        var createdAt = [TimeInterval](repeating: 0, count: settings.tickets)
        var rng = SplitMix64.forItem(0, seed: settings.seed, stream: dataset.name == "inc" ? 11 : 12)
        for i in 0..<settings.tickets {
            let t = ticket(i, dataset)
            createdAt[i] = t.createdAt
            var last = -1
            for e in t.events {
                let s = firstSlot(atOrAfter: e.at, slots)
                guard s < slots.count, s != last else { continue }
                last = s
                if s > 0, !isFullState(s) {
                    if rng.unit() < 0.01 { perSlot[s].append(-Int32(i) - 1) }
                    perSlot[s].append(Int32(i))
                }
            }
        }
        var out: [File] = []
        for (s, time) in slots.enumerated() {
            let kind: File.Kind = s == 0 ? .baseline : isFullState(s) ? .fullState : .delta
            let key = dataset.changesPrefix + ChangeKey.stamp(for: Date(timeIntervalSince1970: time)) + ".csv"
            if kind == .delta {
                let alarms = Int(rng.next() % 3)
                out.append(File(key: key, kind: kind, time: time, previous: slots[s - 1], rows: perSlot[s], alarms: alarms))
            } else {
                let existing = (0..<settings.tickets).compactMap { createdAt[$0] <= time ? Int32($0) : nil }
                out.append(File(key: key, kind: kind, time: time, previous: time, rows: existing, alarms: 1 + Int(rng.next() % 3)))
            }
        }
        return out
    }

    private func isFullState(_ slot: Int) -> Bool { slot % 45 == 0 }

    private func firstSlot(atOrAfter t: TimeInterval, _ slots: [TimeInterval]) -> Int {
        var lo = 0, hi = slots.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if slots[mid] < t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Renders a file, handing its bytes to `sink` in pieces of about 1 MiB.
    public func render(_ file: File, for dataset: Dataset, into sink: ([UInt8]) throws -> Void) rethrows {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        func line(_ fields: [String]) {
            var text = ""
            for (i, f) in fields.enumerated() {
                if i > 0 { text += "," }
                if f.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" }) {
                    text += "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                } else {
                    text += f
                }
            }
            text += "\n"
            buffer.append(contentsOf: text.utf8)
        }
        line(SourceColumns.all)
        let snapshot = "\(dataset.name)-\(ChangeKey.stamp(for: Date(timeIntervalSince1970: file.time)))"
        let firstSeenFloor = settings.start.timeIntervalSince1970
        for r in file.rows {
            let stale = r < 0
            let t = ticket(Int(stale ? -(r + 1) : r), dataset)
            let at = stale ? file.previous : file.time
            line(t.fields(at: max(at, t.createdAt), snapshot: snapshot, firstSeen: max(t.createdAt, firstSeenFloor)))
            if buffer.count >= 1 << 20 {
                try sink(buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        for n in 0..<file.alarms { line(alarm(n, file: file, dataset: dataset, snapshot: snapshot)) }
        if file.kind != .delta {
            var sentinel = [String](repeating: "", count: SourceColumns.all.count)
            sentinel[0] = "EXPORT STOPPED - row limit reached"
            line(sentinel)
        }
        try sink(buffer)
    }

    /// A network alarm row: `is_alarm` true, which ingest drops.
    private func alarm(_ n: Int, file: File, dataset: Dataset, snapshot: String) -> [String] {
        var f = [String](repeating: "", count: SourceColumns.all.count)
        let stamp = ChangeKey.stamp(for: Date(timeIntervalSince1970: file.time))
        f[0] = "ALM\(stamp.filter(\.isNumber))\(n)"
        f[1] = dataset.name
        f[2] = "Alarm Raised"
        f[3] = "open"
        f[4] = "pending"
        f[5] = "true"
        f[6] = "true"
        f[9] = SimulationCatalog.clusters[n % SimulationCatalog.clusters.count].name
        f[31] = snapshot
        return f
    }

    /// A file's bytes in memory.
    public func bytes(_ file: File, for dataset: Dataset) -> [UInt8] {
        var out: [UInt8] = []
        render(file, for: dataset) { out.append(contentsOf: $0) }
        return out
    }

    /// Writes the stream laid out like the bucket under `root`; returns files and rows written.
    @discardableResult
    public func write(to root: URL, datasets: [Dataset] = Dataset.all) throws -> (files: Int, rows: Int) {
        var files = 0, rows = 0
        for dataset in datasets {
            let dir = root.appendingPathComponent(dataset.changesPrefix, isDirectory: true)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            for file in self.files(for: dataset) {
                let url = root.appendingPathComponent(file.key)
                guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
                    throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
                }
                let handle = try FileHandle(forWritingTo: url)
                defer { try? handle.close() }
                try render(file, for: dataset) { try handle.write(contentsOf: $0) }
                files += 1
                rows += file.rowCount
            }
        }
        return (files, rows)
    }

    /// Puts the stream into an in-memory bucket.
    public func load(into source: InMemoryChangeSource, datasets: [Dataset] = Dataset.all) {
        for dataset in datasets {
            for file in files(for: dataset) { source.put(file.key, bytes(file, for: dataset)) }
        }
    }
}
