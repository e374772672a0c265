// Decode + clean throughput and peak memory of the ingest engine, against a baseline run in
// the same invocation: CSV.swift (yaslab/CSV.swift, a streaming RFC 4180 reader) decoding the
// same file. Each measurement runs in a child process so its peak RSS is its own.
//
//   core-bench [ROWS ...]            default: 10000 100000 1000000
//   core-bench --quotes [MB ...]     one quoted field of MB megabytes of doubled quotes ("")
//                                    against a plain field of the same size (default: 1 2 4 20)
//   core-bench --child MODE FILE     (internal) one measurement, printed as one line
import CSV
import FleetTicketsCore
import FleetTicketsTesting
import Foundation

/// This process's own peak resident memory: VmHWM from /proc (getrusage's ru_maxrss would
/// carry over the parent's peak across fork and exec).
func peakRSSMegabytes() -> Double {
    let status = (try? String(contentsOfFile: "/proc/self/status", encoding: .utf8)) ?? ""
    let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
    let kib = Double(line.split(separator: " ").dropFirst().first ?? "") ?? 0
    return kib / 1024
}

/// One measurement in this process: returns (rows, seconds).
func measure(_ mode: String, _ path: String) async throws -> (Int, Double) {
    let start = ContinuousClock.now
    var rows = 0
    switch mode {
    case "csvswift":  // baseline: a listed, well-kept streaming CSV reader, decode only
        let reader = try CSVReader(stream: InputStream(fileAtPath: path)!, hasHeaderRow: true)
        while let fields = reader.next() { rows += fields.isEmpty ? 0 : 1 }
    case "parser":  // our parser alone, decode only: the like-for-like comparison
        var parser = CSVParser(key: path)
        var records: [CSVParser.Record] = []
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
        while let data = try handle.read(upToCount: 256 * 1024), !data.isEmpty {
            try parser.feed([UInt8](data), into: &records)
            rows += records.count
            records.removeAll(keepingCapacity: true)
        }
        try parser.finish(into: &records)
        rows += records.count - 1  // the header
    case "engine":  // the whole engine: stream, decode, clean, batch, hand to a discarding store
        let store = DiscardingTicketStore()
        let report = await IngestEngine(source: LooseFilesChangeSource(), store: store)
            .run(.inc, options: IngestOptions(apply: true, looseFiles: [path]))
        if let failure = report.failure { throw NSError(domain: failure.message, code: 1) }
        rows = report.rowsRead
    case "idle":
        rows = 0
    default:
        fatalError("unknown mode \(mode)")
    }
    return (rows, start.duration(to: .now).secondsValue)
}

extension Duration {
    var secondsValue: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}

let args = Array(CommandLine.arguments.dropFirst())
if args.first == "--child" {
    let (rows, seconds) = try await measure(args[1], args[2])
    print("\(rows) \(seconds) \(peakRSSMegabytes())")
    exit(0)
}

let sizes = args.isEmpty ? [10_000, 100_000, 1_000_000] : args.compactMap(Int.init)
let work = FileManager.default.temporaryDirectory.appendingPathComponent("fleettickets-bench-\(getpid())")
defer { try? FileManager.default.removeItem(at: work) }

func child(_ mode: String, _ path: String) throws -> (rows: Int, seconds: Double, rss: Double) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    p.arguments = ["--child", mode, path]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let parts = String(decoding: data, as: UTF8.self).split(separator: " ").map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
    guard p.terminationStatus == 0, parts.count == 3 else { fatalError("child \(mode) failed") }
    return (Int(parts[0])!, Double(parts[1])!, Double(parts[2])!)
}

if args.first == "--quotes" {
    // The adversarial shape: a decoder that copies per doubled quote, or re-scans a
    // record that straddles chunks, is quadratic here. Linear means a ratio near 1 at any size.
    let megabytes = args.count > 1 ? args.dropFirst().compactMap(Int.init) : [1, 2, 4, 20]
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fleettickets-quotes-\(getpid())")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    print("field MB  plain s  doubled-quotes s  ratio (doubled / plain)")
    for mb in megabytes {
        func file(_ name: String, _ byte: UInt8) throws -> String {
            let url = dir.appendingPathComponent("\(name)-\(mb).csv")
            var bytes = Array("ticket_id,note\nWOT1,\"".utf8)
            bytes += [UInt8](repeating: byte, count: mb << 20)
            bytes += Array("\"\n".utf8)
            try Data(bytes).write(to: url)
            return url.path
        }
        let plain = try child("parser", try file("plain", UInt8(ascii: "x")))
        let doubled = try child("parser", try file("quotes", UInt8(ascii: "\"")))
        print(String(format: "%8d  %7.3f  %16.3f  %6.2f", mb, plain.seconds, doubled.seconds, doubled.seconds / plain.seconds))
    }
    exit(0)
}

let idle = try child("idle", "/dev/null")
print(String(format: "process floor: %.1f MB peak RSS", idle.rss))
print("rows       file MB  mode      rows/s      MB/s   peak RSS MB  vs csvswift")
for n in sizes {
    let root = work.appendingPathComponent("\(n)")
    try StreamSimulator(.init(tickets: n, days: 0, seed: 1)).write(to: root, datasets: [.inc])
    let file = root.appendingPathComponent(Dataset.inc.changesPrefix + "2026-06-15T06-00-00.csv").path
    let megabytes = Double((try FileManager.default.attributesOfItem(atPath: file)[.size] as? Int) ?? 0) / 1_048_576
    let baseline = try child("csvswift", file)
    for mode in ["csvswift", "parser", "engine"] {
        let r = mode == "csvswift" ? baseline : try child(mode, file)
        let rate = Double(r.rows) / r.seconds
        print(String(format: "%-10d %7.1f  %-8@ %9.0f  %8.1f  %11.1f  %10.2fx",
                     n, megabytes, mode as NSString, rate, megabytes / r.seconds, r.rss, baseline.seconds / r.seconds))
    }
    try? FileManager.default.removeItem(at: root)
}
