import FleetTicketsCore
import FleetTicketsS3
import FleetTicketsTesting
import Foundation
import Testing

/// `fleettickets run` as a process against PostGIS and the local S3 server: a new file is in
/// the table within one interval plus its apply time, SIGTERM never leaves half a file, and the
/// worker outlives its database going away.
@Suite(.enabled(if: Services.bothEnabled, "needs PostGIS and a local S3: run scripts/test.sh"), .serialized)
struct WorkerProcessTests {
    func start(_ url: String, _ env: [String: String], every: String = "1s") throws -> CLI.Running {
        var all = env
        all["DATABASE_URL"] = url
        return try CLI.start(["run", "--every", every, "--datasets", "inc", "--log-format", "json"], env: all)
    }

    /// Polls `condition` every 25 ms until it holds (returns the seconds it took) or `timeout` passes (nil).
    func waitFor(_ timeout: Double, _ condition: () async throws -> Bool) async throws -> Double? {
        let start = ContinuousClock.now
        while start.duration(to: .now) < .milliseconds(Int64(timeout * 1000)) {
            if try await condition() {
                let d = start.duration(to: .now)
                return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
            }
            try await Task.sleep(for: .milliseconds(25))
        }
        return nil
    }

    func count(_ url: String, _ sql: String, _ params: [String?] = []) throws -> Int { Int(try SQL.scalar(url, sql, params) ?? "0") ?? 0 }

    func workerHoldsAConnection(_ url: String) throws -> Bool {
        try count(url, "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'fleettickets run%' AND datname = current_database()") > 0
    }

    @Test func aFileInTheBucketIsInTheTableWithinOneIntervalPlusItsApplyTime() async throws {
        let url = try await Services.freshDatabase()
        let (bucket, env) = try await Services.freshBucket()
        let worker = try start(url, env)
        #expect(try await waitFor(20) { try workerHoldsAConnection(url) } != nil, "the worker connected")
        try await Task.sleep(for: .milliseconds(300))  // past its first (idle) tick
        let key = Fixtures.key(.inc, hour: 9)
        let uploaded = Date().timeIntervalSince1970
        _ = try await bucket.putObject(key, bytes: Array(Fixtures.csv([Fixtures.row("WOT1"), Fixtures.row("WOT2")]).utf8))
        let seen = try await waitFor(10) { try count(url, "SELECT count(*) FROM tickets.inc") == 2 }
        _ = try #require(seen, "the file never reached tickets.inc: \(worker.stderrSoFar)")
        // The run is recorded just after its files commit, in a statement of its own.
        _ = try #require(try await waitFor(10) { try count(url, "SELECT count(*) FROM tickets.ingest_runs WHERE outcome = 'ok'") == 1 },
                         "the run was recorded")
        // Judged on the worker's own clock readings (when its run committed), not on this test's
        // polling: the suite runs beside 68 others on two cores and the poller can be late.
        let run = try #require(try SQL.scalar(url, """
            SELECT extract(epoch FROM finished_at - started_at) || ' ' || extract(epoch FROM finished_at)
            FROM tickets.ingest_runs WHERE outcome = 'ok'
            """)).split(separator: " ").compactMap { Double($0) }
        let (apply, took) = (run[0], run[1] - uploaded)
        // One interval (1 s) plus the run's own time, plus 0.75 s for a tick scheduled late on a
        // busy machine.
        #expect(took <= 1.0 + apply + 0.75, "committed \(took) s after the upload; the run took \(apply) s")
        print(String(format: "worker: the file was in tickets.inc %.2f s after its upload (interval 1 s, its run %.3f s)", took, apply))
        #expect(try await waitFor(5) { try await bucket.listObjects(prefix: "automations/inc/processed/").count == 1 } != nil, "archived")
        worker.terminate()
        let result = try await CLI.wait(worker, timeout: 20)
        #expect(result.status == 0, "\(result.stderr)")
        for line in result.stderrLines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "each log line one JSON object: \(line)")
        }
        #expect(result.stderr.contains("\"msg\":\"worker stopped\""))
        #expect(try count(url, "SELECT count(*) FROM tickets.ingest_runs WHERE mode = 'worker'") == 1, "idle ticks record nothing")
    }

    @Test func sigtermInTheMiddleOfALargeFileLeavesItAppliedAndArchivedNeverHalf() async throws {
        let url = try await Services.freshDatabase()
        let (bucket, env) = try await Services.freshBucket()
        let simulator = StreamSimulator(.init(tickets: 25_000, days: 0, seed: 9))
        let baseline = try #require(simulator.files(for: .inc).first)
        try await bucket.putObject(baseline.key, bytes: simulator.bytes(baseline, for: .inc))
        let later = Fixtures.key(.inc, day: 20, hour: 9)
        _ = try await bucket.putObject(later, bytes: Array(Fixtures.csv([Fixtures.row("WOTLATER")]).utf8))
        let worker = try start(url, env, every: "60s")
        // The worker is inside the big file once its session is streaming rows into staging (the
        // file's one COPY, sent after its transaction's first statements).
        let copying = try await waitFor(60) {
            try count(url, "SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE 'fleettickets run%' AND query LIKE '%COPY ft_stage%'") > 0
        }
        #expect(copying != nil, "never saw the worker applying: \(worker.stderrSoFar)")
        worker.terminate()
        let result = try await CLI.wait(worker, timeout: 120)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("stop requested"))
        // The file in flight was finished, committed and archived; the next one left alone.
        #expect(try count(url, "SELECT count(*) FROM tickets.ingest_ledger WHERE key = $1", [baseline.key]) == 1)
        #expect(try count(url, "SELECT count(*) FROM tickets.inc") == 25_000, "all of the file, not part of it")
        #expect(try SQL.scalar(url, "SELECT metadata->>'source_max_key' FROM tickets.import_meta WHERE dataset = 'inc'") == baseline.key)
        let changes = try await bucket.listObjects(prefix: "automations/inc/changes/").map(\.key)
        #expect(changes == [later], "the baseline was archived, the later file left for the next run")
        #expect(try count(url, "SELECT count(*) FROM tickets.inc WHERE ticket_id = 'WOTLATER'") == 0)
        #expect(try count(url, "SELECT count(*) FROM tickets.ingest_runs WHERE outcome = 'ok' AND files_applied = 1") == 1)
        #expect(try count(url, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())") == 0,
                "locks released (this database's: other tests run beside this one)")
    }

    @Test func theWorkerOutlivesItsDatabaseGoingAwayAndComingBack() async throws {
        let url = try await Services.freshDatabase()
        let name = String(url[url.index(after: url.lastIndex(of: "/")!)...])
        let admin = try #require(Services.adminURL)
        let (bucket, env) = try await Services.freshBucket()
        let worker = try start(url, env)
        _ = try await bucket.putObject(Fixtures.key(.inc, hour: 9), bytes: Array(Fixtures.csv([Fixtures.row("WOT1")]).utf8))
        #expect(try await waitFor(20) { try count(url, "SELECT count(*) FROM tickets.inc") == 1 } != nil, "\(worker.stderrSoFar)")
        // The database goes away: no new connections, and the worker's own is cut.
        try SQL.scalar(admin, "ALTER DATABASE \(name) ALLOW_CONNECTIONS false")
        try SQL.scalar(admin, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", [name])
        _ = try await bucket.putObject(Fixtures.key(.inc, hour: 10), bytes: Array(Fixtures.csv([Fixtures.row("WOT2")]).utf8))
        try await Task.sleep(for: .seconds(4))
        #expect(worker.isRunning, "a dependency failure does not kill the worker: \(worker.stderrSoFar)")
        // It comes back: the worker reconnects on its next (backed-off) attempt and catches up.
        try SQL.scalar(admin, "ALTER DATABASE \(name) ALLOW_CONNECTIONS true")
        let caughtUp = try await waitFor(30) { try count(url, "SELECT count(*) FROM tickets.inc") == 2 }
        #expect(caughtUp != nil, "the worker never applied the file after the database came back: \(worker.stderrSoFar)")
        #expect(try count(url, "SELECT count(*) FROM tickets.ingest_runs WHERE outcome = 'dependency_error'") >= 1,
                "the failures were recorded once the database answered")
        #expect(worker.stderrSoFar.contains("retrying with backoff"))
        worker.terminate()
        let result = try await CLI.wait(worker, timeout: 20)
        #expect(result.status == 0)
    }
}
