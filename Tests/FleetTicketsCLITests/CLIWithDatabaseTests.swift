import FleetTicketsCore
@testable import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

/// The executable against a real PostGIS: runs recorded, busy is success, data errors are 3,
/// `--json` is JSON, and `status --check` says what is wrong with its exit status.
// Serialized: each test starts CLI processes with connection pools of their own; the whole
// suite at once crowds the test server beside the other suites.
@Suite(.enabled(if: Services.databaseEnabled, "needs PostGIS: run scripts/test.sh"), .serialized)
struct CLIWithDatabaseTests {
    /// A folder laid out like the bucket.
    func folder(_ files: [(Dataset, String, String)]) throws -> URL {
        let root = try CLI.scratchFolder()
        for (dataset, key, text) in files {
            let url = root.appendingPathComponent(key)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
            _ = dataset
        }
        return root
    }

    /// The key of a change file exported `minutesAgo` minutes ago.
    func recentKey(_ dataset: Dataset, minutesAgo: Double) -> String {
        dataset.changesPrefix + ChangeKey.stamp(for: Date().addingTimeInterval(-minutesAgo * 60)) + ".csv"
    }

    func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    @Test func anAppliedRunIsRecordedAndItsJSONReportParses() async throws {
        let url = try await Services.freshDatabase()
        let dir = try folder([(.inc, Fixtures.key(.inc, hour: 9), Fixtures.csv([Fixtures.row("WOT1"), Fixtures.row("WOT2")]))])
        let r = try await CLI.run(["ingest", "inc", "--dir", dir.path, "--apply", "--json", "--database-url", url])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try #require(try json(r.stdout) as? [String: Any])
        #expect(report["dataset"] as? String == "inc")
        #expect((report["files"] as? [[String: Any]])?.count == 1)
        #expect(r.stderr.isEmpty, "quiet at the default level")
        let again = try await CLI.run(["ingest", "inc", "--dir", dir.path, "--apply", "--database-url", url])
        #expect(again.status == 0 && again.stdout.isEmpty && again.stderr.isEmpty, "nothing new: silent")
        #expect(try SQL.scalar(url, "SELECT string_agg(mode || ' ' || outcome || ' ' || files_applied || ' ' || rows_read, ',') FROM tickets.ingest_runs")
                == "cli ok 1 2", "one record: the no-op records nothing")
        let dry = try await CLI.run(["ingest", "crq", "--dir", dir.path, "--database-url", url])
        #expect(dry.status == 0)
        #expect(try SQL.scalar(url, "SELECT count(*) FROM tickets.ingest_runs") == "1", "dry runs write nothing")
    }

    @Test func aBusyDatasetIsSuccessRecordedAndShownWithItsHolder() async throws {
        let url = try await Services.freshDatabase()
        let dir = try folder([(.inc, Fixtures.key(.inc, hour: 9), Fixtures.csv([Fixtures.row("WOT1")]))])
        let holder = try PostgresConnection(url: url, applicationName: "the other run", logger: Services.logger)
        defer { holder.close() }
        #expect(try holder.tryAdvisoryLock(key: PostgresConnection.advisoryLockKey(named: "ingest:inc")))
        let r = try await CLI.run(["ingest", "inc", "--dir", dir.path, "--apply", "--database-url", url])
        #expect(r.status == 0, "busy is a clean exit: \(r.stderr)")
        #expect(r.stdout.contains("another run is draining this dataset"))
        #expect(try SQL.scalar(url, "SELECT outcome FROM tickets.ingest_runs") == "busy")
        let status = try await CLI.run(["status", "--dir", dir.path, "--database-url", url])
        #expect(status.status == 0)
        #expect(status.stdout.contains("locked by     pid \(holder.backendPID!) the other run from 127.0.0.1:"), "\(status.stdout)")
        #expect(status.stdout.contains("last run      busy at"))
    }

    @Test func aDataErrorExitsThreeAndStatusCheckReportsTheStop() async throws {
        let url = try await Services.freshDatabase()
        let bad = Fixtures.key(.inc, hour: 10)
        let dir = try folder([
            (.inc, Fixtures.key(.inc, hour: 9), Fixtures.csv([Fixtures.row("WOT1")])),
            (.inc, bad, "ticket_id,region\n\"WOT2,nairobi\n"),
        ])
        let r = try await CLI.run(["ingest", "inc", "--dir", dir.path, "--apply", "--database-url", url])
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("The inc file \(bad) cannot be decoded"), "one plain sentence first: \(r.stderr)")
        #expect(try SQL.scalar(url, "SELECT outcome || ' ' || error_key FROM tickets.ingest_runs") == "data_error \(bad)")
        let check = try await CLI.run(["status", "--check", "--dir", dir.path, "--datasets", "inc", "--database-url", url])
        #expect(check.status == 3, "\(check.stdout) \(check.stderr)")
        #expect(check.stdout.split(separator: "\n").first?.hasPrefix("inc: STOPPED: stopped on a data error since") == true, "\(check.stdout)")
        let text = try await CLI.run(["status", "--dir", dir.path, "--database-url", url])
        #expect(text.stdout.contains("STOPPED       on a data error at 2026-06-15T10-00-00.csv"))
        #expect(text.stdout.contains("last failure  "))
    }

    @Test func statusCheckIsZeroWhenFreshAndFourWhenAFileWaitsTooLong() async throws {
        let url = try await Services.freshDatabase()
        let dir = try folder([(.inc, recentKey(.inc, minutesAgo: 5), Fixtures.csv([Fixtures.row("WOT1")]))])
        let applied = try await CLI.run(["ingest", "inc", "--dir", dir.path, "--apply", "--database-url", url])
        #expect(applied.status == 0, "\(applied.stderr)")
        let healthy = try await CLI.run(["status", "--check", "--max-age", "45m", "--dir", dir.path, "--datasets", "inc", "--database-url", url])
        #expect(healthy.status == 0, "\(healthy.stdout) \(healthy.stderr)")
        #expect(healthy.stdout.isEmpty, "nothing to say when healthy")
        // A file that has waited 50 minutes: behind at a 45-minute limit, fine at 2 h.
        let waiting = recentKey(.inc, minutesAgo: 50)
        let old = dir.appendingPathComponent(recentKey(.inc, minutesAgo: 4))
        try Fixtures.csv([Fixtures.row("WOT9")]).write(to: old, atomically: true, encoding: .utf8)
        try FileManager.default.moveItem(at: old, to: dir.appendingPathComponent(waiting))
        _ = try SQL.scalar(url, "UPDATE tickets.import_meta SET metadata = jsonb_set(metadata, '{source_max_key}', to_jsonb($1::text)) WHERE dataset = 'inc'",
                           [recentKey(.inc, minutesAgo: 60)])
        let behind = try await CLI.run(["status", "--check", "--max-age", "45m", "--dir", dir.path, "--datasets", "inc", "--database-url", url])
        #expect(behind.status == 4, "\(behind.stdout) \(behind.stderr)")
        #expect(behind.stdout.hasPrefix("inc: BEHIND: 1 file waiting longer than 45 min"), "\(behind.stdout)")
        let lenient = try await CLI.run(["status", "--check", "--max-age", "2h", "--dir", dir.path, "--datasets", "inc", "--database-url", url])
        #expect(lenient.status == 0, "\(lenient.stdout)")
        let json = try await CLI.run(["status", "--check", "--json", "--dir", dir.path, "--datasets", "inc", "--database-url", url])
        #expect(json.status == 4)
        let statuses = try #require(try self.json(json.stdout) as? [[String: Any]])
        #expect(statuses.map { $0["dataset"] as? String } == ["inc"])
        #expect((statuses[0]["problems"] as? [[String: Any]])?.first?["kind"] as? String == "behind")
        #expect((statuses[0]["lastRun"] as? [String: Any])?["outcome"] as? String == "ok")
    }

    /// Without bucket settings nothing about waiting files is known: UNCHECKED with the reason,
    /// never STALE "because no file is waiting", and one full stop per sentence.
    @Test func withoutBucketSettingsStatusCheckClaimsOnlyUncheckedAndSaysWhy() async throws {
        let url = try await Services.freshDatabase()
        let r = try await CLI.run(["status", "--check", "--database-url", url], env: ["FLEETTICKETS_DATASETS": "inc"])
        #expect(r.status == 1, "\(r.stdout) \(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 1 && lines.first?.hasPrefix("inc: UNCHECKED: ") == true, "the datasets from the environment: \(r.stdout)")
        #expect(r.stdout.contains("RUSTFS_ENDPOINT is not set"), "\(r.stdout)")
        #expect(!r.stdout.contains("STALE") && !r.stdout.contains(".."), "\(r.stdout)")
    }

    @Test func jsonLogLinesAreEachOneObject() async throws {
        let url = try await Services.freshDatabase()
        let dir = try folder([(.inc, Fixtures.key(.inc, hour: 9), Fixtures.csv([Fixtures.row("WOT1")])),
                              (.inc, "automations/inc/changes/stray.txt", "junk")])
        let r = try await CLI.run(["ingest", "inc", "--dir", dir.path, "--apply", "-v", "--log-format", "json", "--database-url", url])
        #expect(r.status == 0)
        #expect(r.stderrLines.count >= 2, "\(r.stderr)")
        for line in r.stderrLines {
            let object = try #require(try json(line) as? [String: String], "\(line)")
            #expect(object["level"] != nil && object["msg"] != nil && object["ts"] != nil)
        }
        #expect(r.stderrLines.contains { $0.contains("\"msg\":\"applied\"") && $0.contains("\"dataset\":\"inc\"") })
        #expect(!r.stdout.contains("{\"level\""), "logs never reach standard output")
    }
}

/// `status` shows the quality figures, `--json` carries them, and the thresholds (flags or
/// environment) make `status --check` fail with a sentence naming the figure.
@Suite(.enabled(if: Services.databaseEnabled, "needs PostGIS: run scripts/test.sh"), .serialized)
struct CLIQualityTests {
    /// A database holding `QualityScenario`'s dataset, and an empty folder to list.
    func loaded() async throws -> (url: String, dir: String) {
        let url = try await Services.freshDatabase()
        let store = try PostgresTicketStore(url: url, logger: Services.logger)
        defer { store.close() }
        try await QualityScenario(store: store).load()
        return (url, try CLI.scratchFolder().path)
    }

    @Test func statusShowsTheFiguresAndTheJSONCarriesThem() async throws {
        let (url, dir) = try await loaded()
        let text = try await CLI.run(["status", "--dir", dir, "--datasets", "inc", "--database-url", url])
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("  quality       last EAT day 2026-06-15: 5 rows written (10 read), 1 without a cluster, 2 with a cluster the gazetteer does not know, 2 unparsed timestamps (first_seen_at 1, scheduled_at 1); dropped 1 alarm, 1 missing_ticket_id, 1 sentinel, 1 superseded"), "\(text.stdout)")
        #expect(text.stdout.contains("3 of 5 open tickets without a position"), "\(text.stdout)")
        let json = try await CLI.run(["status", "--json", "--dir", dir, "--datasets", "inc", "--database-url", url])
        let datasets = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        let quality = try #require(datasets.first?["quality"] as? [String: Any])
        #expect(quality["rows"] as? Int == 5 && quality["rows_without_cluster"] as? Int == 1 && quality["rows_with_unknown_cluster"] as? Int == 2)
        #expect(quality["unparsed_timestamps"] as? Int == 2 && quality["open_without_position"] as? Int == 3 && quality["day"] as? String == "2026-06-15")
        #expect(quality["dropped"] as? [String: Int] == ["alarm": 1, "missing_ticket_id": 1, "sentinel": 1, "superseded": 1])
        let lag = try #require(quality["content_lag_seconds"] as? Double)
        let expected = Date().timeIntervalSince(EAT.date(year: 2026, month: 6, day: 15, hour: 10))
        #expect(abs(lag - expected) < 120, "now minus the newest last_seen_at: \(lag) vs \(expected)")
    }

    @Test func thresholdsFailTheCheckWithASentenceAndPassWhenMet() async throws {
        let (url, dir) = try await loaded()
        // The data is from June 2026: a generous --max-age keeps "stale" out of the way.
        let base = ["status", "--check", "--dir", dir, "--datasets", "inc", "--max-age", "100000d", "--database-url", url]
        let met = try await CLI.run(base + ["--max-without-cluster", "1", "--max-dropped", "missing_ticket_id=1"],
                                    env: ["FLEETTICKETS_MAX_UNKNOWN_CLUSTER": "40%"])
        #expect(met.status == 0 && met.stdout.isEmpty, "thresholds met: healthy: \(met.stdout) \(met.stderr)")
        let failed = try await CLI.run(base + ["--max-without-cluster", "0"],
                                       env: ["FLEETTICKETS_MAX_DROPPED": "missing_ticket_id=0", "FLEETTICKETS_MAX_UNKNOWN_CLUSTER": "40%"])
        #expect(failed.status == 4, "\(failed.stdout) \(failed.stderr)")
        let lines = failed.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2, "\(lines)")
        #expect(lines.first?.hasPrefix("inc: QUALITY: rows_without_cluster is 1 (20.0% of the 5 rows of 2026-06-15 (EAT)), above the threshold 0. ") == true, "\(lines)")
        #expect(lines.last?.hasPrefix("inc: QUALITY: dropped.missing_ticket_id is 1 (10.0% of the 10 rows read of 2026-06-15 (EAT)), above the threshold 0. ") == true, "\(lines)")
        let bad = try await CLI.run(base + ["--max-open-without-position", "a few"])
        #expect(bad.status == 2 && bad.stderr.contains("--max-open-without-position must be a count like 12 or a share like 2% (got 'a few')"), "\(bad.stderr)")
    }
}
