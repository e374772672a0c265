import Foundation
import Logging
import Testing
@testable import fleettickets

/// The executable without services: exit statuses, which stream says what, settings precedence.
@Suite struct CLIBasicsTests {
    @Test func helpGoesToStandardOutputAndExitsZero() async throws {
        let r = try await CLI.run(["--help"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("SUBCOMMANDS") && r.stdout.contains("run"))
        #expect(r.stderr.isEmpty)
        let run = try await CLI.run(["run", "--help"])
        #expect(run.status == 0 && run.stdout.contains("--every") && run.stdout.contains("--geocode-budget"))
        let status = try await CLI.run(["status", "--help"])
        #expect(status.status == 0 && status.stdout.contains("--check") && status.stdout.contains("--max-age"))
    }

    @Test func usageErrorsExitTwoWithTheMessageOnStandardError() async throws {
        for arguments in [["ingest", "nope"], ["status", "--max-age", "soon"], ["run", "--every", "0s"], ["run", "--datasets", "inc,xyz"], ["frobnicate"]] {
            let r = try await CLI.run(arguments)
            #expect(r.status == 2, "\(arguments): \(r.stderr)")
            #expect(r.stdout.isEmpty, "\(arguments)")
            #expect(!r.stderr.isEmpty, "\(arguments)")
        }
    }

    @Test func aMissingDatabaseURLIsAConfigurationError() async throws {
        let r = try await CLI.run(["status"])
        #expect(r.status == 2)
        #expect(r.stderr.hasPrefix("DATABASE_URL is not set"))
        #expect(r.stdout.isEmpty)
    }

    @Test func anUnreachableDatabaseIsADependencyFailureThatHidesThePassword() async throws {
        for command in [["status"], ["status", "--check"], ["ingest", "inc", "--dir", "/"]] {
            let r = try await CLI.run(command, env: ["DATABASE_URL": "postgres://ops:Sup3rS3cret@127.0.0.1:9/tickets?connect_timeout=2"])
            #expect(r.status == 1, "\(command): \(r.stderr)")
            #expect(r.stdout.isEmpty)
            #expect(r.stderr.contains("127.0.0.1:9"), "says where")
            #expect(!r.stderr.contains("Sup3rS3cret"), "never the password")
            #expect(r.stderr.contains("Check DATABASE_URL"), "the CLI adds the advice: \(r.stderr)")
        }
    }

    /// Flags beat the environment, which beats `.env`: each points at a different (closed)
    /// port, and the error names the one that was used.
    @Test func flagsBeatTheEnvironmentWhichBeatsTheEnvFile() async throws {
        let folder = try CLI.scratchFolder()
        try "DATABASE_URL=postgres://u@127.0.0.1:11/fromfile?connect_timeout=2\n".write(to: folder.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
        try "DATABASE_URL=postgres://u@127.0.0.1:12/other?connect_timeout=2\n".write(to: folder.appendingPathComponent("other.env"), atomically: true, encoding: .utf8)
        let envURL = "postgres://u@127.0.0.1:13/fromenv?connect_timeout=2"
        let flagURL = "postgres://u@127.0.0.1:14/fromflag?connect_timeout=2"
        let fileOnly = try await CLI.run(["status"], in: folder)
        #expect(fileOnly.status == 1 && fileOnly.stderr.contains("127.0.0.1:11"), "\(fileOnly.stderr)")
        let otherFile = try await CLI.run(["status", "--env-file", "other.env"], in: folder)
        #expect(otherFile.stderr.contains("127.0.0.1:12"), "\(otherFile.stderr)")
        let env = try await CLI.run(["status"], env: ["DATABASE_URL": envURL], in: folder)
        #expect(env.stderr.contains("127.0.0.1:13"), "\(env.stderr)")
        let flag = try await CLI.run(["status", "--database-url", flagURL], env: ["DATABASE_URL": envURL], in: folder)
        #expect(flag.stderr.contains("127.0.0.1:14"), "\(flag.stderr)")
    }

    @Test func simulateWritesItsSummaryToStandardOutputOnly() async throws {
        let folder = try CLI.scratchFolder()
        let r = try await CLI.run(["simulate", "--out", folder.path, "--tickets", "20", "--days", "0"])
        #expect(r.status == 0)
        #expect(r.stdout.hasPrefix("wrote "))
        #expect(r.stderr.isEmpty)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("automations/inc/changes").path))
    }

    @Test func aLogLineKeepsItsOwnLevelAndMessageWhateverTheMetadata() throws {
        let data = JSONLinesLogHandler.line(label: "fleettickets", level: .warning, message: "the real message",
                                            metadata: ["msg": "forged", "level": "trace", "ts": "never", "logger": "other", "key": "a \"quoted\"\nline"])
        #expect(data.last == 0x0A)
        #expect(data.dropLast().contains(0x0A) == false, "one line")
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
        #expect(object["msg"] == "the real message")
        #expect(object["level"] == "warning")
        #expect(object["logger"] == "fleettickets")
        #expect(object["ts"] != "never")
        #expect(object["meta.msg"] == "forged" && object["meta.level"] == "trace")
        #expect(object["key"] == "a \"quoted\"\nline")
    }
}
