// Bucket → PostGIS drain throughput with and without the S3 read-ahead, in one invocation:
// the same ≥ 5,000 small INC change files are uploaded to a fresh bucket for each drain, which
// a `--reseed --apply` run (IngestEngine + S3ChangeSource + PostgresTicketStore) drains into a
// freshly migrated database of its own: with read-ahead (S3ChangeSource as shipped, depth 2)
// once per `--read-ahead-db` given (rounds, interleaved with the other drains; the median is
// the figure), and once without (depth 0). Prints files per second for each, their ratio, and
// where each file's time goes (the apply transaction, the time between applies, and beside
// the path the GET waits and the archive moves: a write to processed/ per file and one
// DeleteObjects per batch of files), the CPU each process spent per file, and the S3 server's
// bare request latencies. Each drained bucket is emptied afterwards, so the server's memory
// does not grow from round to round.
// Run it with scripts/bench-s3.sh, which starts the S3 server and PostGIS and creates and
// migrates the databases.
//
// With `--copy-archive-db`, one more read-ahead drain archives every file by CopyObject (the
// source holds no file for the archive): the baseline for the archive's PutObject of the bytes read.
//
//   s3-bench --endpoint URL --read-ahead-db URL [--read-ahead-db URL …] --direct-db URL --memory-db URL
//            [--copy-archive-db URL] [--tickets N] [--days D] [--upload-tasks T] [--s3-pid PID]
//
// The files are a simulated INC stream's baseline and 20-minute deltas (44 a day; the daily
// full-state re-emissions are left out so every file is small): 3,000 tickets over 114 days
// give 5,017 files of a few rows each.
import FleetTicketsCore
import FleetTicketsPostgres
import FleetTicketsS3
import Foundation
import Logging
import Synchronization

struct Failure: Error, CustomStringConvertible {
    var description: String
}

extension Duration {
    var secondsValue: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

func since(_ start: ContinuousClock.Instant) -> Double { start.duration(to: .now).secondsValue }

// MARK: - arguments

let usage = "usage: s3-bench --endpoint URL --read-ahead-db URL [--read-ahead-db URL …] --direct-db URL --memory-db URL [--copy-archive-db URL] [--tickets N] [--days D] [--upload-tasks T] [--s3-pid PID]\n"
var options: [String: String] = ["--tickets": "3000", "--days": "114", "--upload-tasks": "8"]
/// One database per read-ahead round.
var readAheadDBs: [String] = []
do {
    var rest = Array(CommandLine.arguments.dropFirst())[...]
    while let flag = rest.popFirst() {
        guard ["--endpoint", "--read-ahead-db", "--direct-db", "--memory-db", "--copy-archive-db", "--tickets", "--days", "--upload-tasks",
               "--s3-pid"].contains(flag),
              let value = rest.popFirst() else {
            FileHandle.standardError.write(Data(usage.utf8))
            exit(2)
        }
        if flag == "--read-ahead-db" { readAheadDBs.append(value) } else { options[flag] = value }
    }
}
guard let endpoint = options["--endpoint"], let readAheadDB = readAheadDBs.first, let directDB = options["--direct-db"],
      let memoryDB = options["--memory-db"],
      let tickets = Int(options["--tickets"]!), let days = Int(options["--days"]!), let uploadTasks = Int(options["--upload-tasks"]!),
      tickets > 0, days > 0, uploadTasks > 0 else {
    FileHandle.standardError.write(Data(usage.utf8))
    exit(2)
}
/// The S3 server's process, when it runs on this machine: its CPU time is part of the breakdown.
let s3PID = options["--s3-pid"].flatMap { Int32($0) }

let quiet: Logger = {
    var logger = Logger(label: "fleettickets.s3-bench")
    logger.logLevel = .error
    return logger
}()
let dataset = Dataset.inc

// MARK: - the files

let simulator = StreamSimulator(.init(tickets: tickets, days: days, seed: 7))
let files: [(key: String, bytes: [UInt8])] = simulator.files(for: dataset)
    .filter { $0.kind != .fullState }
    .map { ($0.key, simulator.bytes($0, for: dataset)) }
let totalBytes = files.reduce(0) { $0 + $1.bytes.count }
let totalLines = files.reduce(0) { acc, file in acc + file.bytes.reduce(0) { $0 + ($1 == 10 ? 1 : 0) } - 1 }
print(String(format: "files: %d INC change files (baseline + 20-minute deltas of %d tickets over %d days), %.1f MB, %.1f rows per file on average",
             files.count, tickets, days, Double(totalBytes) / 1_048_576, Double(totalLines) / Double(files.count)))

func configuration(bucket: String) throws -> S3Configuration {
    try S3Configuration(endpoint: endpoint, accessKey: "fleettickets-bench", secretKey: "fleettickets-bench-secret", bucket: bucket)
}

/// Hands out the next file to upload, across tasks.
final class Queue: Sendable {
    let items: [(key: String, bytes: [UInt8])]
    private let cursor = Mutex(0)
    init(_ items: [(key: String, bytes: [UInt8])]) { self.items = items }
    func next() -> (key: String, bytes: [UInt8])? {
        cursor.withLock { i in
            guard i < items.count else { return nil }
            defer { i += 1 }
            return items[i]
        }
    }
}

func upload(to client: S3Client) async throws {
    let queue = Queue(files)
    try await withThrowingTaskGroup(of: Void.self) { group in
        for _ in 0..<uploadTasks {
            group.addTask {
                while let file = queue.next() { try await client.putObject(file.key, bytes: file.bytes) }
            }
        }
        try await group.waitForAll()
    }
}

let stamp = String(UInt64(Date().timeIntervalSince1970 * 1000) % 100_000_000)
/// Untimed uploads, summed for the report.
let uploadSeconds = Mutex(0.0)

/// A fresh bucket holding every file under changes/ (uploaded untimed).
func bucketWithFiles(_ label: String) async throws -> S3Client {
    let client = S3Client(configuration: try configuration(bucket: "ft-bench-\(label)-\(stamp)"), logger: quiet)
    let started = ContinuousClock.now
    try await client.createBucket()
    try await upload(to: client)
    let seconds = since(started)
    uploadSeconds.withLock { $0 += seconds }
    return client
}

/// Deletes what a drain left in the bucket (the archived files), so the S3 server, which keeps
/// every object in memory, serves each round with the same amount held.
func empty(_ client: S3Client) async throws {
    let keys = try await client.listObjects(prefix: "").map(\.key)
    let failed = try await client.deleteObjects(keys)
    guard failed.isEmpty else { throw Failure(description: "emptying \(client.configuration.bucket): \(failed.count) keys not deleted") }
}

// MARK: - timing decorators around the source and the store

/// Seconds spent, summed over a run.
struct Spent: Sendable {
    var list = 0.0
    /// Waiting for a GET: in `read` (the response head, or taking the read-ahead bytes)
    /// and for each chunk of the body.
    var getWait = 0.0
    /// The part of `getWait` spent while the store's apply was pulling rows.
    var getWaitInApply = 0.0
    var applyTotal = 0.0
    var move = 0.0
    var hook = 0.0
    var ledgerLookup = 0.0
    var reads = 0, applies = 0, moves = 0
}

final class Meter: Sendable {
    private let spent = Mutex(Spent())
    func add(_ body: (inout Spent) -> Void) { spent.withLock { body(&$0) } }
    var value: Spent { spent.withLock { $0 } }
}

/// Holds a byte stream's iterator; one consumer, which awaits each chunk before the next.
final class IteratorBox: @unchecked Sendable {
    var iterator: ByteChunks.AsyncIterator
    init(_ iterator: ByteChunks.AsyncIterator) { self.iterator = iterator }
}

struct TimedSource: ChangeSource {
    let inner: any ChangeSource
    let meter: Meter
    var location: String { inner.location }

    func list(prefix: String) async throws -> [SourceObject] {
        let t = ContinuousClock.now
        defer { meter.add { $0.list += since(t) } }
        return try await inner.list(prefix: prefix)
    }

    func read(_ key: String) async throws -> ByteChunks {
        let t = ContinuousClock.now
        let chunks = try await inner.read(key)
        meter.add { $0.getWait += since(t); $0.reads += 1 }
        let box = IteratorBox(chunks.makeAsyncIterator())
        let meter = self.meter
        return ByteChunks(unfolding: {
            let t = ContinuousClock.now
            defer { meter.add { $0.getWait += since(t); $0.getWaitInApply += since(t) } }
            return try await box.iterator.next()
        })
    }

    func move(_ key: String, to destination: String) async throws {
        let t = ContinuousClock.now
        defer { meter.add { $0.move += since(t); $0.moves += 1 } }
        try await inner.move(key, to: destination)
    }

    /// A batch's time counts once for each of its files: how long each waited for its move.
    func move(_ moves: [ObjectMove]) async -> [String: any Error] {
        let t = ContinuousClock.now
        defer { meter.add { $0.move += since(t) * Double(moves.count); $0.moves += moves.count } }
        return await inner.move(moves)
    }

    func willRead(_ keys: [String], within budget: ReadAheadBudget) async { await inner.willRead(keys, within: budget) }
}

struct TimedStore: TicketStore {
    let inner: PostgresTicketStore
    let meter: Meter

    func watermark(of dataset: Dataset) async throws -> String? { try await inner.watermark(of: dataset) }

    func appliedKeys(of dataset: Dataset, among keys: [String]) async throws -> Set<String> {
        let t = ContinuousClock.now
        defer { meter.add { $0.ledgerLookup += since(t) } }
        return try await inner.appliedKeys(of: dataset, among: keys)
    }

    func apply(_ file: ChangeFile, rows: RowBatches) async throws -> ApplyCounts {
        let t = ContinuousClock.now
        defer { meter.add { $0.applyTotal += since(t); $0.applies += 1 } }
        return try await inner.apply(file, rows: rows)
    }

    func runHook(_ hook: PostApplyHook, for dataset: Dataset) async throws {
        let t = ContinuousClock.now
        defer { meter.add { $0.hook += since(t) } }
        try await inner.runHook(hook, for: dataset)
    }

    func pendingHooks(of dataset: Dataset) async throws -> [PostApplyHook] { try await inner.pendingHooks(of: dataset) }

    func setPendingHooks(_ hooks: [PostApplyHook], of dataset: Dataset) async throws {
        try await inner.setPendingHooks(hooks, of: dataset)
    }

    func withExclusiveAccess<T: Sendable>(to dataset: Dataset, _ body: () async throws -> T) async throws -> T? {
        try await inner.withExclusiveAccess(to: dataset, body)
    }

    func rehearse<T: Sendable>(_ body: (any TicketStore) async throws -> T) async throws -> T {
        try await inner.rehearse(body)
    }
}

// MARK: - CPU time (Linux /proc), to tell waiting from working

/// Cumulative CPU seconds: the whole machine (busy and all), this process (with its curl
/// threads), and the S3 server's process when known.
struct CPUSample {
    var machineBusy = 0.0
    var machineTotal = 0.0
    var bench = 0.0
    var s3: Double?

    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    static func now() -> CPUSample {
        var sample = CPUSample()
        if let stat = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
           let line = stat.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) {
            let t = line.split(separator: " ").dropFirst().compactMap { Double($0) }
            if t.count >= 8 {
                // user nice system idle iowait irq softirq steal
                sample.machineBusy = (t[0] + t[1] + t[2] + t[5] + t[6] + t[7]) / ticksPerSecond
                sample.machineTotal = (t[0] + t[1] + t[2] + t[3] + t[4] + t[5] + t[6] + t[7]) / ticksPerSecond
            }
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        sample.bench = Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        if let pid = s3PID, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
           let close = stat.lastIndex(of: ")") {
            // Fields after the command name: state is field 3, utime 14, stime 15.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) {
                sample.s3 = (user + system) / ticksPerSecond
            }
        }
        return sample
    }

    static func - (a: CPUSample, b: CPUSample) -> CPUSample {
        CPUSample(machineBusy: a.machineBusy - b.machineBusy, machineTotal: a.machineTotal - b.machineTotal,
                  bench: a.bench - b.bench, s3: a.s3.flatMap { x in b.s3.map { x - $0 } })
    }
}

// MARK: - the measured runs

struct Measurement {
    var label: String
    var seconds: Double
    var files: Int
    var spent: Spent
    var cpu: CPUSample
    var filesPerSecond: Double { Double(files) / seconds }
}

/// Uploads the files to a fresh bucket, drains it, then empties it unless `keep` (the bucket
/// the latency probes read from).
func drain(_ label: String, bucket name: String, readAheadDepth: Int, archiveFromMemory: Bool = true, databaseURL: String,
           keep: Bool = false) async throws -> (Measurement, S3Client) {
    let client = try await bucketWithFiles(name)
    let source = S3ChangeSource(client: client, logger: quiet)
    // Depth 0: nothing downloaded ahead (the engine still opens the next file).
    var budget = ReadAheadBudget.default
    if readAheadDepth == 0 { budget.bytesAhead = 0 } else { budget.filesAhead = readAheadDepth }
    if !archiveFromMemory { budget.heldBytes = 0 }
    let measurement = try await drain(label, from: source, databaseURL: databaseURL, readAhead: budget)
    if !keep { try await empty(client) }
    return (measurement, client)
}

func drain(_ label: String, from bucket: any ChangeSource, databaseURL: String,
           readAhead: ReadAheadBudget = .default) async throws -> Measurement {
    let store = try PostgresTicketStore(url: databaseURL, logger: quiet)
    defer { store.close() }
    guard try await store.status(of: dataset).ledgerFiles == 0 else {
        throw Failure(description: "\(databaseURL) already has applied files: s3-bench needs a freshly migrated database")
    }
    let meter = Meter()
    let source = TimedSource(inner: bucket, meter: meter)
    let engine = IngestEngine(source: source, store: TimedStore(inner: store, meter: meter), logger: quiet)
    let cpuBefore = CPUSample.now()
    let started = ContinuousClock.now
    let report = await engine.run(dataset, options: IngestOptions(apply: true, reseed: true, readAhead: readAhead))
    let seconds = since(started)
    let cpu = CPUSample.now() - cpuBefore
    if let failure = report.failure { throw Failure(description: "\(label): the drain failed: \(failure.message)") }
    guard report.files.count == files.count, report.archiveFailed.isEmpty else {
        throw Failure(description: "\(label): applied \(report.files.count) of \(files.count) files, \(report.archiveFailed.count) moves failed")
    }
    let ledger = try await store.status(of: dataset).ledgerFiles
    guard ledger == files.count else { throw Failure(description: "\(label): the ledger holds \(ledger) files, expected \(files.count)") }
    guard try await bucket.list(prefix: dataset.changesPrefix).isEmpty else {
        throw Failure(description: "\(label): files are left in changes/ after the drain")
    }
    return Measurement(label: label, seconds: seconds, files: report.files.count, spent: meter.value, cpu: cpu)
}

let psqlSettings: String = {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["psql", "-X", "-At", "-d", readAheadDB, "-c",
                   "SELECT 'fsync=' || current_setting('fsync') || ' synchronous_commit=' || current_setting('synchronous_commit')"]
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = FileHandle.nullDevice
    guard (try? p.run()) != nil else { return "settings unknown (no psql)" }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}()
print("PostgreSQL: \(psqlSettings); S3: \(endpoint)")

// The read-ahead rounds, interleaved with the other drains so that a slow spell of the
// machine (its speed moves by ±10 % over minutes) does not fall on every round.
let rounds = readAheadDBs.count
func aheadRound(_ index: Int) async throws -> Measurement {
    let label = rounds == 1 ? "read-ahead (depth 2)" : "read-ahead, round \(index + 1)"
    return try await drain(label, bucket: "ahead\(index + 1)", readAheadDepth: 2, databaseURL: readAheadDBs[index]).0
}
var aheadRounds = [try await aheadRound(0)]
var copyArchive: Measurement?
if let copyDB = options["--copy-archive-db"] {
    copyArchive = try await drain("read-ahead, copy archive", bucket: "copy", readAheadDepth: 2, archiveFromMemory: false,
                                  databaseURL: copyDB).0
}
let (direct, directClient) = try await drain("no read-ahead (depth 0)", bucket: "direct", readAheadDepth: 0, databaseURL: directDB,
                                             keep: true)
if aheadRounds.count < rounds { aheadRounds.append(try await aheadRound(aheadRounds.count)) }
// The same files from memory: the drain without an S3 server, what our side alone sustains.
let memory = try await drain("in memory (no S3 server)", from: InMemoryChangeSource(Dictionary(uniqueKeysWithValues: files)),
                             databaseURL: memoryDB)
while aheadRounds.count < rounds { aheadRounds.append(try await aheadRound(aheadRounds.count)) }
/// The median round (the lower middle one of an even count) stands for the read-ahead drain.
let ahead = aheadRounds.sorted { $0.filesPerSecond < $1.filesPerSecond }[(rounds - 1) / 2]
let buckets = rounds + 1 + (copyArchive == nil ? 0 : 1)
print(String(format: "upload: %d PUTs into %d buckets in %.1f s in all (%d concurrent; untimed)",
             buckets * files.count, buckets, uploadSeconds.withLock { $0 }, uploadTasks))

// MARK: - one-row files: the store's apply against a bare BEGIN; COPY; COMMIT of the same row

/// Runs a psql script; returns its wall seconds.
func psqlScript(_ url: String, _ script: String) throws -> Double {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("s3-bench-\(getpid()).sql")
    try script.write(to: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: path) }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", path.path]
    p.standardOutput = FileHandle.nullDevice
    let started = ContinuousClock.now
    try p.run()
    p.waitUntilExit()
    guard p.terminationStatus == 0 else { throw Failure(description: "psql failed on the bare COPY script") }
    return since(started)
}

let oneRowFiles = 300
/// The mean wall time of applying a one-row file through the engine and the store, and of a
/// bare `BEGIN; COPY tickets.inc (ticket_id, raw); COMMIT` of the same row (psql, one session,
/// its start measured apart and taken off), interleaved in rounds of 50 so both see the same load.
func oneRowCosts(databaseURL: String) async throws -> (apply: Double, bare: Double) {
    let store = try PostgresTicketStore(url: databaseURL, logger: quiet)
    defer { store.close() }
    let meter = Meter()
    let timed = TimedStore(inner: store, meter: meter)
    var bareSeconds = 0.0
    let rounds = oneRowFiles / 50
    for round in 0..<rounds {
        let bucket = InMemoryChangeSource()
        var copies = ""
        for i in 0..<50 {
            let n = round * 50 + i
            // Keys far after the stream's, new tickets: each file inserts one row.
            let key = dataset.changesPrefix + String(format: "2031-01-%02dT%02d-%02d-00.csv", 1 + round, i / 60, i % 60)
            var fields = [String](repeating: "", count: SourceColumns.all.count)
            for (c, name) in SourceColumns.all.enumerated() {
                switch name {
                case "ticket_id": fields[c] = "ONE\(n)"
                case "is_alarm", "is_auto_created", "is_auto_closed": fields[c] = "false"
                case "is_actionable": fields[c] = "true"
                case "raw_status": fields[c] = "Assigned"
                case "normalized_status": fields[c] = "open"
                case "cluster": fields[c] = "Kasarani"
                case "created_at_service", "first_seen_at", "last_seen_at", "source_created_at", "source_updated_at":
                    fields[c] = "2031-01-01 08:00:00"
                default: break
                }
            }
            bucket.put(key, text: SourceColumns.all.joined(separator: ",") + "\n" + fields.joined(separator: ",") + "\n")
            var raw: [String: String] = [:]
            for (c, name) in SourceColumns.all.enumerated() where !SourceColumns.dropped.contains(name) { raw[name] = fields[c] }
            raw["ticket_id"] = "BARE\(n)"
            let json = String(decoding: try JSONEncoder().encode(raw), as: UTF8.self)
            copies += "BEGIN;\nCOPY tickets.inc (ticket_id, raw) FROM STDIN;\nBARE\(n)\t\(json.replacingOccurrences(of: "\\", with: "\\\\"))\n\\.\nCOMMIT;\n"
        }
        let report = await IngestEngine(source: bucket, store: timed, logger: quiet)
            .run(dataset, options: IngestOptions(apply: true, reseed: true))
        guard report.failure == nil, report.files.count == 50 else {
            throw Failure(description: "one-row apply failed: \(report.failure?.message ?? "\(report.files.count) files")")
        }
        let empty = try psqlScript(databaseURL, "SELECT 1;\n")
        bareSeconds += max(0, try psqlScript(databaseURL, copies) - empty)
    }
    return (meter.value.applyTotal / Double(oneRowFiles), bareSeconds / Double(oneRowFiles))
}
let oneRow = try await oneRowCosts(databaseURL: directDB)

// MARK: - bare request latencies of the S3 server (for the breakdown)

func median(_ values: [Double]) -> Double {
    let sorted = values.sorted()
    return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
}

let probes = 200
var getMs: [Double] = [], putMs: [Double] = [], copyMs: [Double] = [], deleteMs: [Double] = []
for i in 0..<probes {
    let key = dataset.processedKey(for: files[i * files.count / probes].key)
    var t = ContinuousClock.now
    let bytes = try await directClient.getObjectBytes(key)
    getMs.append(since(t) * 1000)
    let (scratch, written) = ("bench/scratch-\(i).csv", "bench/written-\(i).csv")
    t = ContinuousClock.now
    try await directClient.putObject(written, bytes: bytes, contentType: "text/csv")
    putMs.append(since(t) * 1000)
    t = ContinuousClock.now
    try await directClient.copyObject(key, to: scratch)
    copyMs.append(since(t) * 1000)
    t = ContinuousClock.now
    try await directClient.deleteObject(scratch)
    deleteMs.append(since(t) * 1000)
    try await directClient.deleteObject(written)
}
// One DeleteObjects of an archive batch's worth of keys.
let batchKeys = IngestOptions().archiveBatchSize
var deleteBatchMs: [Double] = []
for round in 0..<10 {
    let scratch = (0..<batchKeys).map { "bench/scratch-batch-\(round)-\($0).csv" }
    for key in scratch { try await directClient.copyObject(dataset.processedKey(for: files[0].key), to: key) }
    let t = ContinuousClock.now
    let failed = try await directClient.deleteObjects(scratch)
    deleteBatchMs.append(since(t) * 1000)
    guard failed.isEmpty else { throw Failure(description: "DeleteObjects failed for \(failed.count) keys") }
}

// MARK: - report

func padded(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

func row(_ m: Measurement) -> String {
    let n = Double(m.files)
    let s = m.spent
    let perFile = m.seconds / n * 1000
    let apply = s.applyTotal / n * 1000
    let reading = s.getWaitInApply / n * 1000
    // The engine opens the next file while the store applies this one, so most GET waiting
    // overlaps an apply; what it could not hide shows in `between`. Moves run behind the drain.
    return padded(m.label, 24) + String(format: " %8.1f %9.2f %9.2f   %7.2f %9.2f %9.2f   %7.2f %9.2f", m.filesPerSecond, m.seconds,
                                        perFile, apply, reading, perFile - apply, s.getWait / n * 1000, s.move / n * 1000)
}
print("")
print(padded("", 24) + "                             ---- on the path, ms per file ----   ---- beside it ----")
print(padded("run", 24) + " files/s    total s   ms/file     apply (reading)   between       GET      move")
for round in aheadRounds { print(row(round)) }
if let copyArchive { print(row(copyArchive)) }
print(row(direct))
print(row(memory))
if rounds > 1 {
    let rates = aheadRounds.map(\.filesPerSecond)
    print(String(format: "read-ahead: the median of %d rounds is %@ (%.1f files/s; the rounds ranged %.1f–%.1f)",
                 rounds, ahead.label, ahead.filesPerSecond, rates.min()!, rates.max()!))
}
let aheadName = rounds > 1 ? "read-ahead (median)" : "read-ahead"
print(String(format: "ratio %@ / no read-ahead: %.2f×", aheadName, ahead.filesPerSecond / direct.filesPerSecond))
if let copyArchive {
    print(String(format: "ratio %@ / the same with a CopyObject archive: %.2f× (S3 server CPU per file %.2f ms against %.2f ms)",
                 aheadName, ahead.filesPerSecond / copyArchive.filesPerSecond, (ahead.cpu.s3 ?? 0) / Double(ahead.files) * 1000,
                 (copyArchive.cpu.s3 ?? 0) / Double(copyArchive.files) * 1000))
}
print("  apply = the store's transaction for the file (decode, COPY, upsert, ledger, watermark, commit), of which")
print("  (reading) = waiting for the file's bytes as its rows are pulled; between = the rest of the drain's time per")
print("  file, when no file is being applied: waiting for the next file's first bytes where the engine's look-ahead")
print(String(format: "  did not hide them, listing (%.2f s), ledger lookups, the capture_history hook (%.2f s), the last moves.",
             ahead.spent.list, ahead.spent.hook))
print("  Beside the path: GET = all waiting for files' bytes, mostly while the file before is applied; move = how")
print("  long each file waited for its move to processed/ (a PutObject of the bytes read ahead, else a CopyObject;")
print("  one DeleteObjects per batch of \(batchKeys) committed files), which runs behind the drain. In memory: the same")
print("  files and store, the bucket an InMemoryChangeSource.")
let cores = ProcessInfo.processInfo.activeProcessorCount
for m in [ahead] + (copyArchive.map { [$0] } ?? []) + [direct, memory] {
    let n = Double(m.files), c = m.cpu
    let s3 = c.s3.map { String(format: "S3 server %.2f ms, ", $0 / n * 1000) } ?? ""
    let rest = c.machineBusy - c.bench - (c.s3 ?? 0)
    print(padded(m.label, 24) + " CPU per file: " + s3
          + String(format: "bench process (engine, curl) %.2f ms, the rest (PostgreSQL, other load) %.2f ms; machine %.0f%% busy of %d cores",
                   c.bench / n * 1000, rest / n * 1000, c.machineTotal > 0 ? 100 * c.machineBusy / c.machineTotal : 0, cores))
}
print(String(format: "S3 server, bare sequential requests (median of %d): GET %.2f ms, PutObject %.2f ms, CopyObject %.2f ms, DeleteObject %.2f ms;",
             probes, median(getMs), median(putMs), median(copyMs), median(deleteMs)))
print(String(format: "  DeleteObjects of %d keys %.2f ms (median of %d), %.3f ms per key",
             batchKeys, median(deleteBatchMs), deleteBatchMs.count, median(deleteBatchMs) / Double(batchKeys)))
print(String(format: "one-row file: the store's apply %.2f ms, bare BEGIN; COPY; COMMIT %.2f ms (mean of %d each, same session load): %.2f× (target <= 1.5×: %@)",
             oneRow.apply * 1000, oneRow.bare * 1000, oneRowFiles, oneRow.apply / oneRow.bare,
             oneRow.apply / oneRow.bare <= 1.5 ? "met" : "MISSED"))
let target = 250.0
let medianNote = rounds > 1 ? ", the median of \(rounds) rounds" : ""
if ahead.filesPerSecond >= target {
    print(String(format: "target ≥ %.0f files/s with read-ahead: met (%.1f files/s%@)", target, ahead.filesPerSecond, medianNote))
} else {
    let s = ahead.spent, n = Double(ahead.files)
    let onPath = 1000 / ahead.filesPerSecond
    let parts = [("the apply transaction", s.applyTotal / n * 1000),
                 ("between applies (waiting for the next file, listing, hook, the last moves)", onPath - s.applyTotal / n * 1000)]
        .sorted { $0.1 > $1.1 }
    print(String(format: "target ≥ %.0f files/s with read-ahead: MISSED (%.1f files/s%@ = %.2f ms per file; the budget is %.2f ms).",
                 target, ahead.filesPerSecond, medianNote, 1000 / ahead.filesPerSecond, 1000 / target))
    print("  per-file path: " + parts.map { "\($0.0) " + String(format: "%.2f ms", $0.1) }.joined(separator: ", "))
    if let s3 = ahead.cpu.s3, s3 > 0 {
        let perFile = s3 / n
        print(String(format: "  the S3 server used %.2f ms of CPU per file, %.0f%% of one core; one core fully used would serve at most %.0f files/s",
                     perFile * 1000, 100 * s3 / ahead.seconds, 1 / perFile))
    }
}
