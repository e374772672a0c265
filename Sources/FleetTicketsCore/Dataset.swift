import Foundation

/// One ticket type's change stream and table: the whole difference between INC and CRQ.
///
/// A dataset is configuration, not code. Adding a third ticket type is one new value
/// (and one migration for its table); the engine, the stores and the sources do not change.
///
/// ```swift
/// let report = try await IngestEngine(source: source, store: store).run(.inc, options: .init(apply: true))
/// ```
public struct Dataset: Sendable, Hashable, CustomStringConvertible {
    /// Short name used on the command line, in the ledger and in `tickets.import_meta` (`inc`, `crq`).
    public var name: String
    /// Schema-qualified table the rows are upserted into (`tickets.inc`).
    public var table: String
    /// Prefix of the change stream in the bucket, ending in `/` (`automations/inc/changes/`).
    public var changesPrefix: String
    /// Prefix applied files are moved to, ending in `/` (`automations/inc/processed/`).
    public var processedPrefix: String
    /// Hooks run once after a run that applied at least one file.
    public var postApplyHooks: [PostApplyHook]

    public init(name: String, table: String, changesPrefix: String, processedPrefix: String, postApplyHooks: [PostApplyHook] = []) {
        self.name = name
        self.table = table
        self.changesPrefix = changesPrefix
        self.processedPrefix = processedPrefix
        self.postApplyHooks = postApplyHooks
    }

    /// A dataset laid out as the upstream export lays out every stream: `automations/<name>/changes/`.
    public static func standard(_ name: String, postApplyHooks: [PostApplyHook] = []) -> Dataset {
        Dataset(
            name: name,
            table: "tickets.\(name)",
            changesPrefix: "automations/\(name)/changes/",
            processedPrefix: "automations/\(name)/processed/",
            postApplyHooks: postApplyHooks
        )
    }

    /// Incidents / customer faults. After an applying run it captures the daily history.
    public static let inc = Dataset.standard("inc", postApplyHooks: [.captureHistory])
    /// New-installation requests. After an applying run it captures the CRQ history.
    public static let crq = Dataset.standard("crq", postApplyHooks: [.captureCRQHistory])
    /// Every dataset the product knows, in the order `status` lists them.
    public static let all: [Dataset] = [.inc, .crq]

    /// The dataset with this name, if the product knows it.
    public static func named(_ name: String) -> Dataset? {
        all.first { $0.name == name.trimmingCharacters(in: .whitespaces).lowercased() }
    }

    /// The dataset with this name; every dataset name the product reads goes through here.
    /// - Throws: `DatasetNameError` listing the known datasets (from ``all``).
    public static func parse(_ name: String) throws(DatasetNameError) -> Dataset {
        guard let dataset = named(name) else { throw DatasetNameError(name: name) }
        return dataset
    }

    /// The datasets of a comma-separated list (`inc,crq`), in its order, each once.
    /// - Throws: `DatasetNameError` for an unknown name or a list that names none.
    public static func parseList(_ list: String) throws(DatasetNameError) -> [Dataset] {
        let names = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw DatasetNameError(name: "") }
        var out: [Dataset] = []
        for name in names {
            let dataset = try parse(name)
            if !out.contains(dataset) { out.append(dataset) }
        }
        return out
    }

    /// The key an applied change file is moved to.
    public func processedKey(for key: String) -> String {
        processedPrefix + key.dropFirst(changesPrefix.count)
    }

    public var description: String { name }
}

/// Work the store runs once after a run that applied files.
public enum PostApplyHook: String, Sendable, Hashable, Codable {
    /// `tickets.capture_history()`: the daily backlog snapshot and observed closures.
    case captureHistory = "capture_history"
    /// `tickets.capture_crq_history()`: the same capture for CRQ (daily snapshot, observed
    /// closures and reopenings, per-group backlog).
    case captureCRQHistory = "capture_crq_history"
}

/// A dataset name the product does not know (or a list that names none).
public struct DatasetNameError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name as given; empty when a list named no dataset at all.
    public var name: String
    /// The names of the datasets the product knows, from `Dataset.all`.
    public var known: [String]

    /// An error about `name`; the known names default to `Dataset.all`'s.
    public init(name: String, known: [String] = Dataset.all.map(\.name)) {
        self.name = name
        self.known = known
    }

    /// `unknown dataset 'xyz' (the known datasets: inc, crq)`.
    public var description: String {
        name.isEmpty ? "no dataset named (\(knownList))" : "unknown dataset '\(name)' (\(knownList))"
    }

    /// `the known datasets: inc, crq`.
    public var knownList: String { "the known datasets: \(known.joined(separator: ", "))" }
}
