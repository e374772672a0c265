import FleetTicketsCore
import FleetTicketsS3
import FleetTicketsTesting
import Foundation
import Testing

/// `fleettickets run` as a process against PostGIS and the local S3 server: a file uploaded
/// while the worker idles is applied, archived and recorded; SIGTERM never leaves half a file
/// (a second signal exits 130 and the file rolls back); the worker outlives its database
/// going away.
///
/// The tests judge order and outcome, never how fast: they share two cores with every other
/// test in the process, so a bound on seconds only says how loaded the machine was. The waits
/// are generous limits for "it never happened". Every worker runs inside ``withWorker(_:_:every:_:)``,
/// which stops it however the test ends.
@Suite(.enabled(if: Services.bothEnabled, "needs PostGIS and a local S3: run scripts/test.sh"), .serialized)
struct WorkerProcessTests {
    /// Runs `body` with a worker draining `inc` into `url` every `every`; the worker is stopped
    /// when `body` ends, whether it returns, throws or fails a `#require`.
    func withWorker<T>(_ url: String, _ env: [String: String], every: String = "1s",
                       _ body: (CLI.Running) async throws -> T) async throws -> T {
        var all = env
        all["DATABASE_URL"] = url
        return try await CLI.withRunning(["run", "--every", every, "--datasets", "inc", "--log-format", "json"], env: all, body)
    }

    /// Polls `condition` every 25 ms until it holds (true) or `timeout` seconds pass (false).
    func waitFor(_ timeout: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(25))
        }
        return try await condition()
    }

    func count(_ url: String, _ sql: String, _ params: [String?] = []) throws -> Int { Int(try SQL.scalar(url, sql, params) ?? "0") ?? 0 }

    func workerHoldsAConnection(_ url: String) throws -> Bool {
        try count(url, "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'fleettickets run%' AND datname = current_database()") > 0
    }

    /// The `msg` of each JSON log line, in order; records an issue for a line that is not one JSON object.
    func messages(_ result: CLI.Result) -> [String] {
        result.stderrLines.compactMap { line in
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                Issue.record("each log line one JSON object: \(line)")
                return nil
            }
            return object["msg"] as? String
        }
    }

    @Test func aFileUploadedWhileTheWorkerIdlesIsAppliedArchivedAndRecorded() async throws {
        let url = try await Services.freshDatabase()
        let (bucket, env) = try await Services.freshBucket()
        let key = Fixtures.key(.inc, hour: 9)
        let result = try await withWorker(url, env) { worker in
            try #require(try await waitFor(60) { try workerHoldsAConnection(url) }, "the worker never connected: \(worker.stderrSoFar)")
            #expect(try count(url, "SELECT count(*) FROM tickets.ingest_runs") == 0, "idle ticks record nothing")
            let uploaded = Date()
            _ = try await bucket.putObject(key, bytes: Array(Fixtures.csv([Fixtures.row("WOT1"), Fixtures.row("WOT2")]).utf8))
            try #require(try await waitFor(60) { try count(url, "SELECT count(*) FROM tickets.inc") == 2 },
                         "the file never reached tickets.inc: \(worker.stderrSoFar)")
            // The run is recorded just after its files commit, in a statement of its own.
            try #require(try await waitFor(60) { try count(url, "SELECT count(*) FROM tickets.ingest_runs WHERE outcome = 'ok'") == 1 },
                         "the run was never recorded: \(worker.stderrSoFar)")
            try #require(try await waitFor(60) { try await bucket.listObjects(prefix: Dataset.inc.processedPrefix).count == 1 },
                         "the file was never archived: \(worker.stderrSoFar)")
            #expect(try await bucket.listObjects(prefix: Dataset.inc.changesPrefix).isEmpty)
            let run = try #require(try SQL.scalar(url, """
                SELECT files_applied || ' ' || extract(epoch FROM finished_at) || ' ' || extract(epoch FROM finished_at - started_at)
                FROM tickets.ingest_runs WHERE outcome = 'ok'
                """)).split(separator: " ").compactMap { Double($0) }
            try #require(run.count == 3)
            #expect(run[0] == 1, "one run applied the one file")
            #expect(run[1] > uploaded.timeIntervalSince1970, "the run that applied it ended after the upload")
            print(String(format: "worker: the file was committed %.2f s after its upload (interval 1 s, its run %.3f s)",
                         run[1] - uploaded.timeIntervalSince1970, run[2]))
            worker.terminate()
            return try await CLI.wait(worker, timeout: 60)
        }
        #expect(result.status == 0, "\(result.stderr)")
        let said = messages(result)
        let started = try #require(said.firstIndex(of: "worker started"), "\(said)")
        let applied = try #require(said.firstIndex(of: "applied"), "\(said)")
        #expect(started < applied, "\(said)")
        #expect(said.last == "worker stopped", "\(said)")
        #expect(try count(url, "SELECT count(*) FROM tickets.ingest_runs WHERE mode = 'worker'") == 1, "idle ticks record nothing")
        #expect(try count(url, "SELECT count(*) FROM tickets.ingest_ledger WHERE key = $1", [key]) == 1)
    }

    @Test func sigtermInTheMiddleOfALargeFileLeavesItAppliedAndArchivedNeverHalf() async throws {
        let url = try await Services.freshDatabase()
        let (bucket, env) = try await Services.freshBucket()
        let simulator = StreamSimulator(.init(tickets: 25_000, days: 0, seed: 9))
        let baseline = try #require(simulator.files(for: .inc).first)
        try await bucket.putObject(baseline.key, bytes: simulator.bytes(baseline, for: .inc))
        let later = Fixtures.key(.inc, day: 20, hour: 9)
        _ = try await bucket.putObject(later, bytes: Array(Fixtures.csv([Fixtures.row("WOTLATER")]).utf8))
        let result = try await withWorker(url, env, every: "60s") { worker in
            // The worker is inside the big file once its session is streaming rows into staging
            // (the file's one COPY, sent after its transaction's first statements).
            try #require(try await waitFor(120) {
                try count(url, "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'fleettickets run%' AND query LIKE '%COPY ft_stage%'") > 0
            }, "never saw the worker applying: \(worker.stderrSoFar)")
            worker.terminate()
            return try await CLI.wait(worker, timeout: 180)
        }
        #expect(result.status == 0, "\(result.stderr)")
        let said = messages(result)
        let asked = try #require(said.firstIndex(of: "graceful shutdown: finishing the file in flight"), "\(said)")
        #expect(said[asked...].contains("applied") && said.last == "worker stopped", "stopped after finishing the file: \(said)")
        // The file in flight was finished, committed and archived; the next one left alone.
        #expect(try count(url, "SELECT count(*) FROM tickets.ingest_ledger WHERE key = $1", [baseline.key]) == 1)
        #expect(try count(url, "SELECT count(*) FROM tickets.inc") == 25_000, "all of the file, not part of it")
        #expect(try SQL.scalar(url, "SELECT metadata->>'source_max_key' FROM tickets.import_meta WHERE dataset = 'inc'") == baseline.key)
        let changes = try await bucket.listObjects(prefix: Dataset.inc.changesPrefix).map(\.key)
        #expect(changes == [later], "the baseline was archived, the later file left for the next run")
        #expect(try count(url, "SELECT count(*) FROM tickets.inc WHERE ticket_id = 'WOTLATER'") == 0)
        #expect(try count(url, "SELECT count(*) FROM tickets.ingest_runs WHERE outcome = 'ok' AND files_applied = 1") == 1)
        #expect(try count(url, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())") == 0,
                "locks released (this database's: other tests run beside this one)")
    }

    @Test func aSecondSignalExitsAtOnceAndTheFileInFlightRollsBack() async throws {
        let url = try await Services.freshDatabase()
        let (bucket, env) = try await Services.freshBucket()
        let simulator = StreamSimulator(.init(tickets: 25_000, days: 0, seed: 9))
        let baseline = try #require(simulator.files(for: .inc).first)
        try await bucket.putObject(baseline.key, bytes: simulator.bytes(baseline, for: .inc))
        let result = try await withWorker(url, env, every: "60s") { worker in
            try #require(try await waitFor(120) {
                try count(url, "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'fleettickets run%' AND query LIKE '%COPY ft_stage%'") > 0
            }, "never saw the worker applying: \(worker.stderrSoFar)")
            worker.terminate()
            try #require(try await waitFor(60) { worker.stderrSoFar.contains("graceful shutdown: finishing the file in flight") },
                         "the first signal never reached the worker: \(worker.stderrSoFar)")
            worker.interrupt()
            return try await CLI.wait(worker, timeout: 60)
        }
        #expect(result.status == 130, "\(result.stderr)")
        #expect(result.stderr.contains("second signal: exiting now"), "\(result.stderr)")
        // The server rolls back the transaction of a connection that went away.
        #expect(try await waitFor(60) { try count(url, "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'fleettickets run%'") == 0 })
        #expect(try count(url, "SELECT count(*) FROM tickets.inc") == 0, "nothing of the file in flight")
        #expect(try count(url, "SELECT count(*) FROM tickets.ingest_ledger") == 0)
        #expect(try await bucket.listObjects(prefix: Dataset.inc.changesPrefix).map(\.key) == [baseline.key], "nothing archived")
        #expect(try count(url, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())") == 0,
                "the lock went with the connection")
    }

    @Test func theWorkerOutlivesItsDatabaseGoingAwayAndComingBack() async throws {
        let url = try await Services.freshDatabase()
        let name = String(url[url.index(after: url.lastIndex(of: "/")!)...])
        let admin = try #require(Services.adminURL)
        let (bucket, env) = try await Services.freshBucket()
        // However the test ends, the database accepts connections again (so it can be dropped).
        defer { _ = try? SQL.scalar(admin, "ALTER DATABASE \(name) ALLOW_CONNECTIONS true") }
        let result = try await withWorker(url, env) { worker in
            _ = try await bucket.putObject(Fixtures.key(.inc, hour: 9), bytes: Array(Fixtures.csv([Fixtures.row("WOT1")]).utf8))
            try #require(try await waitFor(60) { try count(url, "SELECT count(*) FROM tickets.inc") == 1 }, "\(worker.stderrSoFar)")
            // The database goes away: no new connections, and the worker's own is cut.
            try SQL.scalar(admin, "ALTER DATABASE \(name) ALLOW_CONNECTIONS false")
            try SQL.scalar(admin, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name])
            _ = try await bucket.putObject(Fixtures.key(.inc, hour: 10), bytes: Array(Fixtures.csv([Fixtures.row("WOT2")]).utf8))
            // First the failure (logged), then the worker still there.
            try #require(try await waitFor(60) { worker.stderrSoFar.contains("retrying with backoff") },
                         "the worker never reported the lost database: \(worker.stderrSoFar)")
            #expect(worker.isRunning, "a dependency failure does not kill the worker: \(worker.stderrSoFar)")
            // It comes back: the worker reconnects on its next (backed-off) attempt and catches up.
            try SQL.scalar(admin, "ALTER DATABASE \(name) ALLOW_CONNECTIONS true")
            try #require(try await waitFor(90) { try count(url, "SELECT count(*) FROM tickets.inc") == 2 },
                         "the worker never applied the file after the database came back: \(worker.stderrSoFar)")
            try #require(try await waitFor(60) {
                try count(url, "SELECT count(*) FROM tickets.ingest_runs WHERE outcome = 'dependency_error'") >= 1
            }, "the failures were never recorded once the database answered: \(worker.stderrSoFar)")
            worker.terminate()
            return try await CLI.wait(worker, timeout: 60)
        }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(messages(result).last == "worker stopped")
    }
}
