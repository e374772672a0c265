// End-to-end `ingest --apply` throughput on PostgreSQL + PostGIS against its floor, in the
// same invocation on the same server: (a) the release CLI applying a whole simulated INC
// stream, in rows read per second; (b) a plain COPY of the same cleaned rows (decoded with
// the project's own CSVParser + RowCleaner) into an empty table of the same shape as
// tickets.inc — generated columns, indexes, row trigger — in rows per second; their ratio
// (b)/(a); and (c) the median wall time of a no-op `ingest --apply` (nothing new).
// Run it with scripts/bench-postgres.sh, which starts the server, creates and migrates a
// fresh database and simulates the stream.
//
//   pg-bench --url URL --dir DIR --cli PATH [--noop-runs N]
//
// URL: a freshly migrated database (tickets.inc empty); DIR: a simulated stream
// (DIR/automations/inc/changes/*.csv), which the measured run archives to processed/;
// PATH: the release `fleettickets` binary. SQL goes through `psql` (the store's connection
// layer is package-internal), the figures through the CLI and the public store API.
import FleetTicketsCore
import FleetTicketsPostgres
import Foundation

struct Failure: Error, CustomStringConvertible {
    var description: String
}

extension Duration {
    var secondsValue: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

// MARK: - arguments

var options: [String: String] = ["--noop-runs": "5"]
do {
    var rest = Array(CommandLine.arguments.dropFirst())[...]
    while let flag = rest.popFirst() {
        guard ["--url", "--dir", "--cli", "--noop-runs"].contains(flag), let value = rest.popFirst() else {
            FileHandle.standardError.write(Data("usage: pg-bench --url URL --dir DIR --cli PATH [--noop-runs N]\n".utf8))
            exit(2)
        }
        options[flag] = value
    }
}
guard let url = options["--url"], let dir = options["--dir"], let cli = options["--cli"],
      let noopRuns = Int(options["--noop-runs"]!), noopRuns > 0 else {
    FileHandle.standardError.write(Data("usage: pg-bench --url URL --dir DIR --cli PATH [--noop-runs N]\n".utf8))
    exit(2)
}
let dataset = Dataset.inc
let changes = URL(fileURLWithPath: dir).appendingPathComponent(dataset.changesPrefix, isDirectory: true)
let work = FileManager.default.temporaryDirectory.appendingPathComponent("fleettickets-pg-bench-\(getpid())")
try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: work) }

// MARK: - child processes

struct Run {
    var status: Int32
    var stdout: String
    var stderr: String
    var seconds: Double
}

/// Runs a program to completion, its output collected in files (no pipe can fill up and
/// stall it); `seconds` is the wall time from launch to exit.
func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> Run {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: executable.hasPrefix("/") ? executable : "/usr/bin/env")
    p.arguments = executable.hasPrefix("/") ? arguments : [executable] + arguments
    p.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = work.appendingPathComponent("out"), err = work.appendingPathComponent("err")
    _ = FileManager.default.createFile(atPath: out.path, contents: nil)
    _ = FileManager.default.createFile(atPath: err.path, contents: nil)
    let outHandle = try FileHandle(forWritingTo: out), errHandle = try FileHandle(forWritingTo: err)
    p.standardOutput = outHandle
    p.standardError = errHandle
    p.standardInput = FileHandle.nullDevice
    let start = ContinuousClock.now
    try p.run()
    p.waitUntilExit()
    let seconds = start.duration(to: .now).secondsValue
    try outHandle.close()
    try errHandle.close()
    return Run(status: p.terminationStatus,
               stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
               stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "",
               seconds: seconds)
}

/// Runs SQL (or a psql meta-command) through `psql`; returns the unaligned, tuples-only output.
@discardableResult
func psql(_ command: String) throws -> Run {
    let r = try run("psql", ["-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", command])
    guard r.status == 0 else { throw Failure(description: "psql failed on: \(command.prefix(120))\n\(r.stderr)") }
    return r
}

func sql(_ command: String) throws -> String {
    try psql(command).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
}

func rate(_ rows: Int, _ seconds: Double) -> String {
    String(format: "%9.0f rows/s", Double(rows) / seconds)
}

// MARK: - the server and the database

let settings = try sql("""
    SELECT string_agg(name || '=' || current_setting(name), ' ' ORDER BY name) FROM pg_settings
    WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers', 'work_mem', 'max_wal_size', 'wal_level')
    """)
print("server: \(try sql("SELECT current_setting('server_version')")), \(settings)")
let fast = try sql("SELECT current_setting('fsync') = 'off' OR current_setting('synchronous_commit') = 'off'") == "t"
if fast {
    print("WARNING: the server runs in FLEETTICKETS_PG_FAST mode (fsync or synchronous_commit off): the figures are not durable ones;",
          "restart it without FLEETTICKETS_PG_FAST (scripts/local-postgis.sh stop && scripts/local-postgis.sh start) for a fair run")
}
guard try sql("SELECT (SELECT count(*) FROM tickets.inc) + (SELECT count(*) FROM tickets.ingest_ledger)") == "0" else {
    throw Failure(description: "tickets.inc or the ledger is not empty: pg-bench needs a freshly migrated database")
}

// MARK: - the floor's rows: every file of the stream, decoded and cleaned by the project's own code

/// COPY text format: backslash, tab, newline and carriage return escaped.
func appendCopyField(_ text: String, to out: inout [UInt8]) {
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "\\"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
        case UInt8(ascii: "\t"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
        case UInt8(ascii: "\n"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
        case UInt8(ascii: "\r"): out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
        default: out.append(byte)
        }
    }
}

let files = try FileManager.default.contentsOfDirectory(atPath: changes.path)
    .compactMap { name in ChangeKey(dataset.changesPrefix + name) }
    .sorted()
guard !files.isEmpty else { throw Failure(description: "no change files in \(changes.path)") }
let floorFile = work.appendingPathComponent("floor.copy")
var rowsRead = 0, rowsKept = 0, streamBytes = 0
var ticketIDs = Set<String>()
do {
    let started = ContinuousClock.now
    _ = FileManager.default.createFile(atPath: floorFile.path, contents: nil)
    let output = try FileHandle(forWritingTo: floorFile)
    var buffer: [UInt8] = []
    buffer.reserveCapacity(1 << 20 + 65_536)
    for file in files {
        let input = try FileHandle(forReadingFrom: URL(fileURLWithPath: dir).appendingPathComponent(file.key))
        var parser = CSVParser(key: file.key)
        var cleaner: RowCleaner?
        var records: [CSVParser.Record] = []
        func take(_ records: [CSVParser.Record]) throws {
            for record in records {
                guard let c = cleaner else {
                    cleaner = try RowCleaner(header: record.fields, key: file.key)
                    continue
                }
                rowsRead += 1
                guard case let .kept(row) = try c.clean(record) else { continue }
                rowsKept += 1
                ticketIDs.insert(row.ticketID)
                appendCopyField(row.ticketID, to: &buffer)
                buffer.append(UInt8(ascii: "\t"))
                appendCopyField(row.raw.jsonText, to: &buffer)
                buffer.append(UInt8(ascii: "\n"))
            }
            if buffer.count >= 1 << 20 {
                try output.write(contentsOf: buffer)
                buffer.removeAll(keepingCapacity: true)
            }
        }
        while let data = try input.read(upToCount: 256 * 1024), !data.isEmpty {
            streamBytes += data.count
            try parser.feed([UInt8](data), into: &records)
            try take(records)
            records.removeAll(keepingCapacity: true)
        }
        try parser.finish(into: &records)
        try take(records)
        try input.close()
    }
    try output.write(contentsOf: buffer)
    try output.close()
    let seconds = started.duration(to: .now).secondsValue
    let copyBytes = (try FileManager.default.attributesOfItem(atPath: floorFile.path)[.size] as? Int) ?? 0
    print(String(format: "stream: %d files, %.1f MB, %d rows read, %d kept, %d distinct tickets", files.count,
                 Double(streamBytes) / 1_048_576, rowsRead, rowsKept, ticketIDs.count))
    print(String(format: "floor rows decoded + cleaned + written in COPY text format (%.1f MB) in %.2f s (untimed)",
                 Double(copyBytes) / 1_048_576, seconds))
}

// MARK: - (b) the floor: one COPY into an empty table shaped like tickets.inc

try psql("""
    SET client_min_messages = warning;
    CREATE SCHEMA IF NOT EXISTS bench;
    DROP TABLE IF EXISTS bench.floor;
    CREATE TABLE bench.floor (LIKE tickets.inc INCLUDING ALL);
    DO $$
    DECLARE r record;
    BEGIN
        -- the stream repeats ticket_ids: the primary key becomes a plain btree index
        FOR r IN SELECT conname FROM pg_constraint WHERE conrelid = 'bench.floor'::regclass AND contype = 'p' LOOP
            EXECUTE format('ALTER TABLE bench.floor DROP CONSTRAINT %I', r.conname);
        END LOOP;
        CREATE INDEX floor_ticket_id_idx ON bench.floor (ticket_id);
        -- the row trigger(s) of tickets.inc, as defined there
        FOR r IN SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger
                 WHERE tgrelid = 'tickets.inc'::regclass AND NOT tgisinternal LOOP
            EXECUTE replace(r.def, ' ON tickets.inc ', ' ON bench.floor ');
        END LOOP;
    END
    $$;
    """)
let shape = try sql("""
    SELECT (SELECT count(*) FROM pg_attribute WHERE attrelid = c.oid AND attgenerated = 's') || ' generated columns, '
        || (SELECT count(*) FROM pg_index WHERE indrelid = c.oid) || ' indexes, '
        || (SELECT count(*) FROM pg_trigger WHERE tgrelid = c.oid AND NOT tgisinternal) || ' trigger(s)'
    FROM pg_class c WHERE c.oid = 'tickets.inc'::regclass
    UNION ALL
    SELECT (SELECT count(*) FROM pg_attribute WHERE attrelid = c.oid AND attgenerated = 's') || ' generated columns, '
        || (SELECT count(*) FROM pg_index WHERE indrelid = c.oid) || ' indexes, '
        || (SELECT count(*) FROM pg_trigger WHERE tgrelid = c.oid AND NOT tgisinternal) || ' trigger(s)'
    FROM pg_class c WHERE c.oid = 'bench.floor'::regclass
    """).split(separator: "\n")
print("shape: tickets.inc \(shape.first ?? "?"); bench.floor \(shape.last ?? "?")")

try psql("CHECKPOINT")
let floor = try run("psql", ["-X", "-v", "ON_ERROR_STOP=1", "-d", url,
                             "-c", "\\copy bench.floor (ticket_id, raw) FROM '\(floorFile.path)'"])
guard floor.status == 0, floor.stdout.contains("COPY \(rowsKept)") else {
    throw Failure(description: "the floor COPY failed or copied another count (expected \(rowsKept)): \(floor.stdout) \(floor.stderr)")
}
try? FileManager.default.removeItem(at: floorFile)

// MARK: - (a) the whole stream through the release CLI, as an operator runs it

try psql("CHECKPOINT")
let ingest = try run(cli, ["ingest", dataset.name, "--dir", dir, "--apply", "--json"], environment: ["DATABASE_URL": url])
guard ingest.status == 0 else {
    throw Failure(description: "ingest --apply failed (exit \(ingest.status)):\n\(ingest.stderr)\n\(ingest.stdout.prefix(2000))")
}
let decoder = JSONDecoder()
decoder.dateDecodingStrategy = .iso8601
let report = try decoder.decode(IngestReport.self, from: Data(ingest.stdout.utf8))
guard report.failure == nil, report.files.count == files.count, report.rowsRead == rowsRead else {
    throw Failure(description: "ingest --apply did not apply the whole stream: \(report.files.count) files, \(report.rowsRead) rows read, failure \(report.failure.map { "\($0)" } ?? "none")")
}
let store = try PostgresTicketStore(url: url)
let status = try await store.status(of: dataset)
store.close()
guard status.tickets == ticketIDs.count, status.ledgerRowsRead == rowsRead else {
    throw Failure(description: "after the run tickets.inc holds \(status.tickets) tickets (expected \(ticketIDs.count)), the ledger \(status.ledgerRowsRead) rows read (expected \(rowsRead))")
}

// MARK: - (c) no-op runs: everything is applied, nothing new

var noops: [Double] = []
for _ in 0..<noopRuns {
    let r = try run(cli, ["ingest", dataset.name, "--dir", dir, "--apply"], environment: ["DATABASE_URL": url])
    guard r.status == 0, r.stdout.isEmpty else {
        throw Failure(description: "the no-op ingest --apply did something or failed (exit \(r.status)):\n\(r.stdout)\n\(r.stderr)")
    }
    noops.append(r.seconds)
}
noops.sort()
let noopMedian = noops.count % 2 == 1 ? noops[noops.count / 2] : (noops[noops.count / 2 - 1] + noops[noops.count / 2]) / 2

// MARK: - figures

let counts = report.counts
// The simulator writes a full-state file (every open ticket) each morning at 06:00 EAT, deltas otherwise.
let fullState = report.files.filter { $0.key.hasSuffix("T06-00-00.csv") }
let inFiles = report.files.reduce(0) { $0 + $1.seconds }
let inFullState = fullState.reduce(0) { $0 + $1.seconds }
let rateA = Double(rowsRead) / ingest.seconds
let rateB = Double(rowsKept) / floor.seconds
let ratio = rateB / rateA
print("")
print(String(format: "(a) ingest --apply, whole stream  %8d rows read  %7.2f s  %@   (+%d inserted ~%d updated =%d unchanged)",
             rowsRead, ingest.seconds, rate(rowsRead, ingest.seconds) as NSString, counts.inserted, counts.updated, counts.unchanged))
print(String(format: "      in the %d files %.2f s (%d full-state, %d rows: %.2f s; %d deltas: %.2f s); start, plan, history hook, exit %.2f s",
             report.files.count, inFiles, fullState.count, fullState.reduce(0) { $0 + $1.rowsRead }, inFullState,
             report.files.count - fullState.count, inFiles - inFullState, ingest.seconds - inFiles))
print(String(format: "(b) floor: COPY into bench.floor  %8d rows       %7.2f s  %@",
             rowsKept, floor.seconds, rate(rowsKept, floor.seconds) as NSString))
print(String(format: "ratio (b)/(a): %.2f   (target <= 1.5: %@)", ratio, ratio <= 1.5 ? "met" : "MISSED"))
print(String(format: "(c) no-op ingest --apply, median of %d: %.3f s   (runs %@; target < 0.3 s: %@)",
             noops.count, noopMedian, noops.map { String(format: "%.3f", $0) }.joined(separator: " ") as NSString,
             noopMedian < 0.3 ? "met" : "MISSED"))
if fast { print("WARNING: fast (non-durable) server settings; see above") }
