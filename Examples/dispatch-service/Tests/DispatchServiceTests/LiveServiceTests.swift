import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Testing

/// The built `dispatch-service` binary as a process against PostGIS and the local S3 server:
/// it starts, a file put into the bucket shows up in `/dispatch/nearest` within one worker
/// interval plus its apply time, bad parameters get a 400 sentence, and SIGTERM exits 0.
@Suite(.enabled(if: LiveServices.enabled, "needs PostGIS and a local S3: run scripts/test.sh"), .serialized)
struct LiveServiceTests {
    /// The worker's interval in the test (the bound below is one interval plus the apply).
    static let interval = 2.0

    @Test func aFilePutIntoTheBucketShowsUpInNearestWithinOneIntervalPlusItsApply() async throws {
        let url = try await LiveServices.freshDatabase()
        let (bucket, bucketEnv) = try await LiveServices.freshBucket()
        var env = ProcessInfo.processInfo.environment.merging(bucketEnv) { _, new in new }
        env["DATABASE_URL"] = url
        env["FLEETTICKETS_EVERY"] = "\(Int(Self.interval))s"
        env["FLEETTICKETS_DATASETS"] = "inc"
        env["PORT"] = "0"
        env["LOG_LEVEL"] = "notice"
        // An empty folder as the working directory, so no stray .env is read.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dispatch-service-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }

        let result = try await ChildProcess.withRunning(ChildProcess.builtProduct("dispatch-service"), [], environment: env, directory: directory) { service in
            let base = try #require(try await Self.listening(service), "the service never said where it listens: \(service.stderrSoFar)")
            // Before the file: nothing near the fix.
            let nearest = "\(base)/dispatch/nearest?lat=-1.2864&lng=36.8172&limit=5"
            #expect(try await HTTPAnswer.get(nearest).body.contains(#""tickets":[]"#))

            let put = ContinuousClock.now
            _ = try await bucket.putObject(Fixtures.key(.inc, hour: 9), bytes: Array(Fixtures.csv([
                Fixtures.row("LIVE1", extra: ["latitude": "-1.2870", "longitude": "36.8180"]),
            ]).utf8))
            var seen: Duration?
            while ContinuousClock.now - put < .seconds(60) {
                let answer = try await HTTPAnswer.get(nearest)
                #expect(answer.status == 200, "\(answer.body)")
                if answer.body.contains(#""ticket_id":"LIVE1""#) {
                    seen = ContinuousClock.now - put
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            let latency = try #require(seen, "the ticket never showed up in /dispatch/nearest: \(service.stderrSoFar)")
            let apply = Double(try await LiveServices.psql(url, """
                SELECT extract(epoch FROM finished_at - started_at) FROM tickets.ingest_runs WHERE outcome = 'ok' AND files_applied = 1
                """)) ?? 0
            let seconds = Double(latency.components.seconds) + Double(latency.components.attoseconds) / 1e18
            print(String(format: "dispatch-service: the ticket showed up %.2f s after the put (interval %.0f s, its run %.3f s)",
                         seconds, Self.interval, apply))
            // One interval (the worker may have just gone to sleep) plus the run that applied it;
            // the margin covers the poll, one HTTP round trip and a loaded two-core machine.
            #expect(seconds <= Self.interval + apply + 3, "showed up after \(seconds) s")

            let bad = try await HTTPAnswer.get("\(base)/dispatch/nearest?lat=-1.2864&lng=36.8172&within=-1")
            #expect(bad.status == 400)
            #expect(bad.body.contains("Parameter 'within': radius -1.0 km is out of range"), "\(bad.body)")
            let missing = try await HTTPAnswer.get("\(base)/dispatch/nearest?lng=36.8172")
            #expect(missing.status == 400 && missing.body.contains("'lat' and 'lng' are required"), "\(missing.body)")

            let map = try await HTTPAnswer.get("\(base)/tickets.geojson")
            #expect(map.status == 200 && map.body.contains(#""ticket_id": "LIVE1""#), "\(map.body)")
            // The fixture's export is from June: stale by the default limit, so 503 with the problem.
            let health = try await HTTPAnswer.get("\(base)/healthz")
            #expect(health.status == 503 && health.body.contains("inc: STALE: "), "\(health.body)")
            let metrics = try await HTTPAnswer.get("\(base)/metrics")
            #expect(metrics.status == 200 && metrics.body.contains("hb_requests"), "request metrics through the bootstrapped registry: \(metrics.body)")

            service.terminate()
            return try await service.wait(timeout: 60)
        }
        #expect(result.status == 0, "SIGTERM exits 0: \(result.stderr)")
        #expect(!result.timedOut)
        #expect(result.stderr.contains("worker stopped") && result.stderr.contains("dispatch-service stopped"), "\(result.stderr)")
        #expect(try await LiveServices.psql(url, "SELECT count(*) FROM tickets.ingest_ledger") == "1", "the file applied once")
    }

    /// `http://127.0.0.1:PORT` once the service logged its port (it binds port 0).
    static func listening(_ service: ChildProcess.Running) async throws -> String? {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline && service.isRunning {
            for line in service.stderrSoFar.split(separator: "\n") where line.contains("dispatch-service listening") {
                if let range = line.range(of: #"port=\d+"#, options: .regularExpression) {
                    return "http://127.0.0.1:\(line[range].dropFirst(5))"
                }
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }
}
