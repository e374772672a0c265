import Foundation
import Logging

extension IngestEngine {
    /// Runs the dataset's post-apply hooks when this run committed a file, and any hook an
    /// earlier run owes (one that failed or was killed), even when nothing is new.
    ///
    /// A hook is recorded as owed before it runs and cleared once it succeeds, so a failure, a
    /// kill or a lost connection between the commit and the hook leaves it owed. A dry run
    /// reports what would run and changes nothing.
    func runHooks(_ dataset: Dataset, apply: Bool, store: any TicketStore, report: inout IngestReport) async throws {
        var owed: [PostApplyHook] = []
        do {
            owed = try await store.pendingHooks(of: dataset)
        } catch {
            // Not knowing what is owed must not hide this run's own outcome; the hooks this
            // run needs still run, and the owed ones are asked for again next run.
            logger.warning("could not read the pending post-apply hooks", metadata: ["dataset": "\(dataset)", "error": "\(error)"])
        }
        let committed = !report.files.isEmpty
        let due = dataset.postApplyHooks.filter { committed || owed.contains($0) }
        guard !due.isEmpty else { return }
        report.pendingHooksRetried = due.filter { owed.contains($0) }.map(\.rawValue)
        guard apply else {
            report.hooks = due.map(\.rawValue)
            return
        }
        do {
            if committed && due != owed { try await store.setPendingHooks(due, of: dataset) }
        } catch {
            report.failure = report.failure ?? IngestFailure(
                kind: .dependency, key: nil, line: nil,
                message: "The \(dataset) files were applied, but recording their post-apply hooks as due failed; rerun once the database is reachable and the hooks run then. Cause: \(Sentences.clause(error)).",
                cause: IngestFailure.Cause(error))
            logger.debug("recording pending hooks failed", metadata: ["dataset": "\(dataset)", "error": "\(String(reflecting: error))"])
            return
        }
        for (i, hook) in due.enumerated() {
            do {
                try await store.runHook(hook, for: dataset)
                report.hooks.append(hook.rawValue)
            } catch {
                logger.error("post-apply hook failed", metadata: ["hook": "\(hook.rawValue)", "error": "\(error)"])
                logger.debug("post-apply hook failure detail", metadata: ["hook": "\(hook.rawValue)", "error": "\(String(reflecting: error))"])
                try? await store.setPendingHooks(Array(due[i...]), of: dataset)
                report.failure = report.failure ?? IngestFailure(
                    kind: .dependency, key: nil, line: nil,
                    message: "The \(dataset) post-apply hook \(hook.rawValue) failed; it is remembered, and the next applying run retries it even with no new file. Cause: \(Sentences.clause(error)).",
                    cause: IngestFailure.Cause(error))
                return
            }
        }
        do {
            try await store.setPendingHooks([], of: dataset)
        } catch {
            logger.warning("could not clear the pending post-apply hooks; the next run runs them again", metadata: ["dataset": "\(dataset)", "error": "\(error)"])
        }
    }
}
