import ArgumentParser
import FleetTicketsCore
import FleetTicketsPostgres
import Foundation
import Logging

/// `fleettickets ingest inc|crq`: drains one dataset's change stream.
struct Ingest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Drain one dataset's change stream into the database (dry run unless --apply).",
        discussion: """
        Applies every change file newer than the watermark, oldest first, each in one \
        transaction, then moves it to processed/. A run with nothing new prints nothing with \
        --apply. Late files (at or before the watermark, never applied) are reported and left \
        in place unless --include-late.
        """
    )

    @Argument(help: "The dataset: \(Dataset.all.map(\.name).joined(separator: " or ")).")
    var dataset: String

    @Flag(help: "Read from the bucket (the default source).")
    var fromBucket = false

    @Option(help: "Read from a folder laid out like the bucket (DIR/automations/<dataset>/changes/).")
    var dir: String?

    @Option(parsing: .upToNextOption, help: "Apply these files in name order (no watermark, no archive).")
    var csv: [String] = []

    @Flag(help: "Commit. Without it nothing is written anywhere.")
    var apply = false

    @Flag(help: "Ignore the watermark and apply every file in changes/ (bucket cutover).")
    var reseed = false

    @Flag(help: "Also apply late files.")
    var includeLate = false

    @Option(help: ArgumentHelp("Apply this already-applied key again (a re-upload), under the per-ticket version guard, then archive it.",
                               valueName: "KEY"))
    var reapply: String?

    @Flag(help: "Print the report as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        do {
            _ = try Dataset.parse(dataset)
        } catch {
            throw ValidationError(Sentences.sentence("\(error)"))
        }
        let sources = (fromBucket ? 1 : 0) + (dir == nil ? 0 : 1) + (csv.isEmpty ? 0 : 1)
        guard sources <= 1 else { throw ValidationError("Choose one source: --from-bucket, --dir or --csv.") }
        if !csv.isEmpty && (reseed || includeLate) {
            throw ValidationError("--reseed and --include-late apply to a stream (--from-bucket or --dir), not to --csv files.")
        }
        if reapply != nil && (!csv.isEmpty || reseed) {
            throw ValidationError("--reapply applies one key of a stream (--from-bucket or --dir); it does not combine with --csv or --reseed.")
        }
    }

    func run() async throws {
        let logger = global.bootstrapLogging()
        let settings = try global.settings()
        let dataset = try Dataset.parse(self.dataset)
        let source = try SourceChoice(dir: dir, csv: csv).open(settings: settings, logger: logger)
        let store = try await global.openStore(try global.requireDatabaseURL(settings), logger: logger, role: "ingest \(dataset)")
        defer { store.close() }
        // A bare file name names the file in the dataset's changes/.
        let reapplyKey = reapply.map { $0.contains("/") ? $0 : dataset.changesPrefix + $0 }
        let options = IngestOptions(apply: apply, reseed: reseed, includeLate: includeLate,
                                    looseFiles: csv.isEmpty ? nil : csv.map { URL(fileURLWithPath: $0).path }, reapply: reapplyKey)
        var engine = IngestEngine(source: source, store: store, logger: logger)
        let stop = StopSignal()
        let trap = SignalTrap(stop)
        engine.stop = stop
        engine.recorder = RunRecorder(mode: .cli, log: store, logger: logger)
        let progress = ProgressReporter.onTerminal()
        engine.progress = progress?.handler
        let report = await engine.run(dataset, options: options)
        progress?.finish()
        withExtendedLifetime(trap) {}
        if json {
            print(ReportPrinter.json(report))
        } else if let text = ReportPrinter.text(report) {
            print(text)
        }
        if let failure = report.failure {
            throw CommandFailure(status: failure.kind == .data ? ExitStatus.data : ExitStatus.dependency, message: failure.message)
        }
        if let key = reapplyKey, !report.busy, !report.stopped, !report.files.contains(where: { $0.key == key }) {
            throw CommandFailure(status: .usage, message: "--reapply \(key): no such file in \(dataset.changesPrefix) of \(source.location); nothing was reapplied. Check the key with fleettickets status \(dataset).")
        }
    }
}

/// Where change files come from, as chosen on the command line.
struct SourceChoice {
    var dir: String?
    var csv: [String]

    func open(settings: FleetTicketsSettings, logger: Logger) throws -> any ChangeSource {
        if let dir {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue else {
                throw CommandFailure(status: .usage, message: "The folder \(dir) does not exist; --dir needs a folder laid out like the bucket (DIR/automations/<dataset>/changes/).")
            }
            return LocalFolderChangeSource(root: URL(fileURLWithPath: dir, isDirectory: true))
        }
        if !csv.isEmpty {
            for path in csv where !FileManager.default.isReadableFile(atPath: path) {
                throw CommandFailure(status: .usage, message: "Cannot read \(path); --csv needs existing CSV files.")
            }
            return LooseFilesChangeSource()
        }
        return try BucketSource.open(settings: settings, logger: logger)
    }
}
