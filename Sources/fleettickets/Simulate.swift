import ArgumentParser
import FleetTicketsCore
import Foundation

/// `fleettickets simulate`: writes a synthetic stream laid out like the bucket.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write a realistic synthetic change stream for both datasets.",
        discussion: """
        Writes OUT/automations/<inc|crq>/changes/<EAT-stamp>.csv: a full-state baseline, \
        20-minute deltas 06:00–20:40 EAT, a full-state re-emission each following morning, \
        ticket lifecycles, alarm rows and the export's sentinel row, plus OUT/gazetteer.csv with \
        the coordinates of its clusters and places. The same seed (and --until) writes the same bytes. \
        --days 0 writes the baseline alone, holding every ticket. Without --until the stream \
        starts 2026-06-15 06:00 EAT; with it, the stream ends at the last export slot at or \
        before --until and --days counts back from that slot's day.
        """
    )

    @Option(name: .long, help: "Folder to write into (laid out like the bucket).")
    var out: String

    @Option(help: "Distinct tickets per dataset.")
    var tickets = 400

    @Option(help: "Days of deltas after the baseline (0 = baseline only).")
    var days = 2

    @Option(help: "End the stream here: now, or an EAT time YYYY-MM-DDTHH:MM (the last export slot at or before it).")
    var until: String?

    @Option(help: "Random seed.")
    var seed: UInt64 = 1

    @Option(help: "Datasets to write (\(Dataset.all.map(\.name).joined(separator: ", "))).")
    var dataset: [String] = Dataset.all.map(\.name)

    func validate() throws {
        guard tickets > 0 else { throw ValidationError("--tickets must be at least 1.") }
        guard days >= 0 else { throw ValidationError("--days cannot be negative.") }
        if let until {
            do { _ = try MomentArgument.parse(until, flag: "--until") } catch let error as MomentArgumentError { throw ValidationError(error.message) }
        }
        do {
            for name in dataset { _ = try Dataset.parse(name) }
        } catch {
            throw ValidationError(Sentences.sentence("\(error)"))
        }
    }

    func run() throws {
        let settings = try until.map { StreamSimulator.Settings(tickets: tickets, days: days, seed: seed, until: try MomentArgument.parse($0, flag: "--until")) }
            ?? StreamSimulator.Settings(tickets: tickets, days: days, seed: seed)
        let simulator = StreamSimulator(settings)
        let root = URL(fileURLWithPath: out, isDirectory: true)
        let written = try simulator.write(to: root, datasets: dataset.compactMap(Dataset.named))
        // The places the stream uses, for `geocode --provider gazetteer` (same as data/gazetteer-kenya.csv).
        try SimulationCatalog.gazetteerCSV.write(to: root.appendingPathComponent("gazetteer.csv"), atomically: true, encoding: .utf8)
        print("wrote \(written.files) files, \(written.rows) rows under \(root.path) (and gazetteer.csv)")
    }
}
