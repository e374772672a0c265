import FleetTicketsCore
import FleetTicketsS3
import FleetTicketsTesting
import Foundation
import Testing

/// `fleettickets run --metrics-port` as a process: `/metrics` in the Prometheus text format
/// agrees with the ledger, and `/healthz` answers the `status --check` verdict.
///
/// Like WorkerProcessTests, the waits are generous limits for "it never happened", not
/// timings. Every worker runs inside `CLI.withRunning`, which stops it however the test ends.
@Suite(.serialized) struct MetricsEndpointProcessTests {
    typealias M = FleetTicketsMetrics

    /// Polls `condition` every 50 ms until it holds (true) or `timeout` seconds pass (false).
    func waitFor(_ timeout: Double, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }

    func scrape(_ port: Int) async throws -> [Sample] {
        let answer = try #require(await Scrape.get(port, "/metrics"), "nothing listens on \(port)")
        #expect(answer.status == 200)
        return try Scrape.parse(answer.body)
    }

    func count(_ url: String, _ sql: String) throws -> Int { Int(try SQL.scalar(url, sql) ?? "0") ?? 0 }

    @Test(.enabled(if: Services.bothEnabled, "needs PostGIS and a local S3: run scripts/test.sh"))
    func theCountersAgreeWithTheLedgerAndHealthzFollowsTheVerdict() async throws {
        let url = try await Services.freshDatabase()
        let (bucket, env) = try await Services.freshBucket()
        let inc = ["dataset": "inc"]
        // Every outcome the SDK counts: inserts, an update, an unchanged row, drops by three reasons.
        _ = try await bucket.putObject(Fixtures.key(.inc, hour: 9), bytes: Array(Fixtures.csv([
            Fixtures.row("WOT1"), Fixtures.row("WOT2"), Fixtures.row("WOT3", alarm: true), Fixtures.row(""), Fixtures.row("WOT2"),
        ]).utf8))
        _ = try await bucket.putObject(Fixtures.key(.inc, hour: 10), bytes: Array(Fixtures.csv([
            Fixtures.row("WOT1", status: "closed", actionable: false), Fixtures.row("WOT2"), Fixtures.row("WOT4"),
        ]).utf8))
        let port = Scrape.freePort()
        var all = env
        all["DATABASE_URL"] = url
        // Old fixtures are not stale under a ten-year limit: healthy until something breaks.
        all["FLEETTICKETS_MAX_AGE"] = "3650d"
        all["METRICS_PORT"] = "\(port)"
        try await CLI.withRunning(["run", "--every", "1s", "--datasets", "inc", "--log-format", "json"], env: all) { worker in
            try #require(try await waitFor(120) { try count(url, "SELECT count(*) FROM tickets.ingest_ledger WHERE dataset = 'inc'") == 2 },
                         "the files never reached the ledger: \(worker.stderrSoFar)")
            // The counters follow each commit, the freshness the end of the run (after the
            // archive): wait for the scrape to show both.
            var samples: [Sample] = []
            try #require(try await waitFor(60) {
                samples = (try? await scrape(port)) ?? []
                return samples.sum(M.filesApplied, inc) == 2 && samples.sum(M.freshnessLagSeconds, inc) > 0
            }, "files applied never reached 2 with a freshness: \(samples.filter { $0.name.hasPrefix("fleettickets_") })")
            let ledgerFiles = try count(url, "SELECT count(*) FROM tickets.ingest_ledger WHERE dataset = 'inc'")
            let rowsRead = try count(url, "SELECT sum(rows_read) FROM tickets.ingest_ledger WHERE dataset = 'inc'")
            #expect(samples.sum(M.filesApplied, inc) == Double(ledgerFiles))
            #expect(samples.sum(M.rows, inc) == Double(rowsRead), "every row read is counted under one outcome")
            #expect(rowsRead == 8)
            #expect(samples.sum(M.rows, inc.merging(["outcome": "updated"]) { a, _ in a }) == 1)
            #expect(samples.sum(M.rows, inc.merging(["outcome": "unchanged"]) { a, _ in a }) == 1)
            #expect(samples.sum(M.rows, inc.merging(["outcome": "dropped"]) { a, _ in a }) == samples.sum(M.rowsDropped, inc))
            #expect(samples.sum(M.fileApplySeconds + "_count", inc) == 2, "one apply time per file")
            #expect(samples.sum(M.filesWaiting, inc) == 0)
            #expect(samples.sum(M.datasetParked, inc) == 0)
            #expect(samples.sum(M.freshnessLagSeconds, inc) > 0)

            let healthy = try #require(await Scrape.get(port, "/healthz"))
            #expect(healthy.status == 200, "\(healthy.body)")
            #expect(healthy.body == "healthy\n")
            #expect(await Scrape.get(port, "/nothing-here")?.status == 404)

            // A file that cannot be decoded parks the dataset: 503 naming it, the failure counted.
            let bad = Fixtures.key(.inc, hour: 11)
            _ = try await bucket.putObject(bad, bytes: Array("ticket_id,region\n\"WOT9,nairobi\n".utf8))
            var answer: (status: Int, body: String)?
            try #require(try await waitFor(60) {
                answer = await Scrape.get(port, "/healthz")
                return answer?.status == 503
            }, "healthz never turned 503: \(answer?.body ?? "-") \(worker.stderrSoFar)")
            #expect(answer?.body.hasPrefix("stopped\ninc: STOPPED: ") == true, "\(answer?.body ?? "")")
            #expect(answer?.body.contains(bad) == true, "the problem names the file: \(answer?.body ?? "")")
            try #require(try await waitFor(60) { (try? await scrape(port))?.sum(M.datasetParked, inc) == 1 })
            let after = try await scrape(port)
            #expect(after.sum(M.failures, inc.merging(["kind": "data"]) { a, _ in a }) == 1)
            #expect(after.sum(M.filesWaiting, inc) == 1)
            #expect(after.sum(M.filesApplied, inc) == 2)
            worker.terminate()
            let result = try await CLI.wait(worker, timeout: 60)
            #expect(result.status == 0, "\(result.stderr)")
        }
    }

    @Test func anUnreachableDatabaseIsA503AndTheDependencyFailuresAreCounted() async throws {
        let folder = try CLI.scratchFolder()
        let port = Scrape.freePort()
        let env = ["DATABASE_URL": "postgres://fleettickets@127.0.0.1:1/none?connect_timeout=2", "METRICS_PORT": "\(port)"]
        try await CLI.withRunning(["run", "--every", "1s", "--datasets", "inc", "--dir", folder.path], env: env) { worker in
            var answer: (status: Int, body: String)?
            try #require(try await waitFor(60) {
                answer = await Scrape.get(port, "/healthz")
                return answer != nil
            }, "the endpoint never answered: \(worker.stderrSoFar)")
            #expect(answer?.status == 503)
            #expect(answer?.body.hasPrefix("unchecked\n") == true, "\(answer?.body ?? "")")
            #expect(answer?.body.contains("Check DATABASE_URL") == true, "\(answer?.body ?? "")")
            try #require(try await waitFor(60) {
                ((try? await scrape(port))?.sum(M.failures, ["dataset": "inc", "kind": "dependency"]) ?? 0) >= 1
            }, "the failed open was never counted: \(worker.stderrSoFar)")
            worker.terminate()
            #expect(try await CLI.wait(worker, timeout: 60).status == 0)
        }
    }

    @Test func aTakenPortStopsTheWorkerWithASentence() async throws {
        let listener = try LoopbackListener()
        listener.start(concurrent: false) { close($0) }
        defer { listener.stop() }
        let folder = try CLI.scratchFolder()
        let result = try await CLI.run(["run", "--every", "1s", "--datasets", "inc", "--dir", folder.path, "--metrics-port", "\(listener.port)"],
                                       env: ["DATABASE_URL": "postgres://fleettickets@127.0.0.1:1/none?connect_timeout=2"], timeout: 60)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("Could not serve /metrics and /healthz on port \(listener.port)"), "\(result.stderr)")
        #expect(result.stderr.contains("Choose a free port with --metrics-port or METRICS_PORT"), "\(result.stderr)")
    }

    @Test func aPortOutOfRangeIsAUsageError() async throws {
        let result = try await CLI.run(["run", "--metrics-port", "70000"], env: ["DATABASE_URL": "postgres://x@127.0.0.1:1/none"], timeout: 60)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("--metrics-port must be a TCP port number from 1 to 65535 (got '70000')"), "\(result.stderr)")
    }
}
