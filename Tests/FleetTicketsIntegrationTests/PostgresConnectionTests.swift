import Foundation
import InMemoryLogging
import Logging
import Testing

@testable import FleetTicketsPostgres

// Live tests of the libpq connection layer. They need a PostgreSQL server whose URL is in
// FLEETTICKETS_TEST_DATABASE_URL (e.g. postgres://postgres:secret@127.0.0.1:55432/fleettickets_test)
// and are skipped without it. Each test uses its own TEMP tables and lock keys, so they can run
// in parallel against one database.

private let databaseURL = ProcessInfo.processInfo.environment["FLEETTICKETS_TEST_DATABASE_URL"]


private func openConnection(
    url: String? = nil, logger: Logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
) throws -> PostgresConnection {
    try PostgresConnection(url: url ?? databaseURL!, logger: logger)
}

/// The test URL with its password replaced, or its port pointed at a closed one.
private func variantURL(password: String? = nil, hosts: String? = nil) -> String {
    let url = PostgresURL(databaseURL!)!
    let secret = password ?? url.password ?? ""
    return "postgres://\(url.user ?? "postgres"):\(secret)@\(hosts ?? url.hosts)/\(url.database ?? "")?connect_timeout=3"
}

private struct WriterGaveUp: Error {}

@Suite("PostgresConnection (live)", .enabled(if: databaseURL != nil, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct PostgresConnectionTests {
    @Test func connectsWithApplicationNameAndQuietNotices() throws {
        let db = try openConnection()
        #expect(db.isAlive)
        #expect(db.backendPID != nil)
        #expect(try db.scalar("SELECT current_setting('application_name')", purpose: "read app name") == "fleettickets")
        #expect(try db.scalar("SHOW client_min_messages", purpose: "read client_min_messages") == "warning")
        if let password = PostgresURL(databaseURL!)?.password { #expect(!db.endpoint.contains(password)) }
        db.close()
        #expect(!db.isAlive)
        let error = #expect(throws: PostgresError.self) { try db.execute("SELECT 1", purpose: "run after close") }
        #expect(error?.code == .closed)
    }

    @Test func settingsInTheURLWinOverDefaults() throws {
        let separator = databaseURL!.contains("?") ? "&" : "?"
        let db = try openConnection(url: databaseURL! + separator + "application_name=ops-console&connect_timeout=5")
        #expect(try db.scalar("SELECT current_setting('application_name')", purpose: "read app name") == "ops-console")
    }

    @Test func boundParametersRoundTripAnyText() throws {
        let db = try openConnection()
        let values: [String?] = [
            nil, "héllo Nairobi 🚀 — ñ", "O'Brien said \"hi\" \\ back\\slash\nnew line\ttab\r",
            "'; DROP TABLE pg_class; --", "\\N", "",
        ]
        let result = try db.execute("SELECT $1::text AS a, $2::text AS b, $3::text AS c, $4::text AS d, $5::text AS e, $6::text AS f",
                                    values, purpose: "echo parameters")
        #expect(result.rowCount == 1)
        #expect(result.columns == ["a", "b", "c", "d", "e", "f"])
        for (index, value) in values.enumerated() { #expect(result[0, index] == value) }
        #expect(result.value(0, "f") == "")  // empty string is not NULL
        #expect(try db.scalar("SELECT $1::text IS NULL", [nil], purpose: "test NULL") == "t")

        try db.execute("CREATE TEMP TABLE echo (id int, body text)", purpose: "create echo table")
        let inserted = try db.execute("INSERT INTO echo VALUES (1, $1), (2, $2)", [values[2], values[3]],
                                      purpose: "insert tricky text")
        #expect(inserted.affectedRows == 2)
        #expect(inserted.commandTag == "INSERT 0 2")
        #expect(try db.scalar("SELECT body FROM echo WHERE id = $1", ["2"], purpose: "read back") == values[3])
    }

    @Test func nulInAParameterIsRefusedNotTruncated() throws {
        let db = try openConnection()
        let error = #expect(throws: PostgresError.self) {
            try db.execute("SELECT $1::text", ["a\u{0}b"], purpose: "send a NUL")
        }
        #expect(error?.code == .usage)
    }

    @Test func copiesOneHundredThousandRows() throws {
        let db = try openConnection()
        try db.execute("CREATE TEMP TABLE bulk (id int PRIMARY KEY, name text NOT NULL, note text)",
                       purpose: "create bulk table")
        let tricky = ["tab\there", "line\nbreak", "cr\rhere", "back\\slash", "\\N", "\\.", "ünïcode ✓"]
        let copied = try db.copyIn("COPY bulk (id, name, note) FROM STDIN", purpose: "bulk load rows") { out in
            for id in 0..<100_000 {
                try out.appendRow([String(id), "row \(id)", id % 10 == 0 ? nil : tricky[id % tricky.count]])
            }
            #expect(out.rowsAppended == 100_000)
        }
        #expect(copied == 100_000)
        #expect(try db.scalar("SELECT count(*) FROM bulk", purpose: "count rows") == "100000")
        #expect(try db.scalar("SELECT count(*) FROM bulk WHERE note IS NULL", purpose: "count NULLs") == "10000")
        for id in 1...7 {
            #expect(try db.scalar("SELECT note FROM bulk WHERE id = $1", [String(id)], purpose: "read note")
                == tricky[id % tricky.count])
        }
    }

    @Test func copyConstraintViolationIsReportedAtTheEnd() throws {
        let db = try openConnection()
        try db.execute("CREATE TEMP TABLE uniq (id int PRIMARY KEY)", purpose: "create uniq table")
        let error = #expect(throws: PostgresError.self) {
            try db.copyIn("COPY uniq FROM STDIN", purpose: "load duplicate keys") { out in
                for id in [1, 2, 3, 2] { try out.appendRow([String(id)]) }
            }
        }
        #expect(error?.code == .copy)
        #expect(error?.isUniqueViolation == true)
        #expect(error?.detail?.contains("(id)=(2)") == true)
        #expect(error?.description.contains("Could not load duplicate keys") == true)
        #expect(try db.scalar("SELECT count(*) FROM uniq", purpose: "count after failure") == "0")
    }

    @Test func aThrowingWriterAbortsTheCopyAndLeavesTheConnectionUsable() throws {
        let db = try openConnection()
        try db.execute("CREATE TEMP TABLE partial (id int)", purpose: "create partial table")
        #expect(throws: WriterGaveUp.self) {
            try db.copyIn("COPY partial FROM STDIN", purpose: "load then give up") { out in
                // Past the flush threshold, so some data has already reached the server.
                for id in 0..<60_000 { try out.appendRow([String(id)]) }
                throw WriterGaveUp()
            }
        }
        #expect(db.isAlive)
        #expect(!db.isInTransaction)
        #expect(try db.scalar("SELECT count(*) FROM partial", purpose: "count after abort") == "0")
    }

    @Test func aCopyOverSeveralCallsCountsEveryRowAndAnAbortKeepsNone() throws {
        let db = try openConnection()
        try db.execute("CREATE TEMP TABLE streamed (id int)", purpose: "create streamed table")
        try db.beginCopyIn("COPY streamed FROM STDIN", purpose: "stream in parts")
        #expect(db.isCopyingIn)
        for part in 0..<3 {
            try db.copyInRows(purpose: "stream in parts") { out in
                for id in 0..<1_000 { try out.appendRow([String(part * 1_000 + id)]) }
            }
        }
        #expect(try db.endCopyIn(purpose: "stream in parts") == 3_000)
        #expect(!db.isCopyingIn)
        #expect(try db.scalar("SELECT count(DISTINCT id) FROM streamed", purpose: "count") == "3000")

        // Opened, fed, then dropped (a failed decode between parts): nothing is kept, the
        // connection is ready, and a second begin while one is open is refused.
        try db.beginCopyIn("COPY streamed FROM STDIN", purpose: "stream then drop")
        try db.copyInRows(purpose: "stream then drop") { out in try out.appendRow(["7"]) }
        let nested = #expect(throws: PostgresError.self) { try db.beginCopyIn("COPY streamed FROM STDIN", purpose: "nested") }
        #expect(nested?.code == .usage)
        db.abortCopyIn(purpose: "stream then drop")
        #expect(!db.isCopyingIn && db.isAlive)
        #expect(try db.scalar("SELECT count(*) FROM streamed", purpose: "count after abort") == "3000")
        #expect(throws: PostgresError.self) { try db.endCopyIn(purpose: "end what is not open") }
    }

    @Test func copyMisuseIsExplainedAndRecovered() throws {
        let db = try openConnection()
        try db.execute("CREATE TEMP TABLE misuse (id int)", purpose: "create misuse table")
        let viaExecute = #expect(throws: PostgresError.self) {
            try db.execute("COPY misuse FROM STDIN", purpose: "copy via execute")
        }
        #expect(viaExecute?.code == .usage)
        let notACopy = #expect(throws: PostgresError.self) {
            try db.copyIn("SELECT 1", purpose: "copy a select") { _ in }
        }
        #expect(notACopy?.code == .usage)
        #expect(try db.scalar("SELECT 42", purpose: "check still usable") == "42")
    }

    @Test func transactionRollsBackWhenTheBodyThrows() throws {
        let db = try openConnection()
        try db.execute("CREATE TEMP TABLE ledger (k text PRIMARY KEY)", purpose: "create ledger")
        #expect(throws: WriterGaveUp.self) {
            try db.transaction(purpose: "record a file") {
                try db.execute("INSERT INTO ledger VALUES ($1)", ["a"], purpose: "insert a")
                throw WriterGaveUp()
            }
        }
        #expect(!db.isInTransaction)
        let kept = try db.transaction(purpose: "record b") {
            try db.execute("INSERT INTO ledger VALUES ($1)", ["b"], purpose: "insert b").affectedRows
        }
        #expect(kept == 1)
        #expect(try db.scalar("SELECT string_agg(k, ',') FROM ledger", purpose: "list keys") == "b")
    }

    @Test func commitOfAFailedTransactionThrows() throws {
        let db = try openConnection()
        let error = #expect(throws: PostgresError.self) {
            try db.transaction(purpose: "swallow an error") {
                _ = try? db.execute("SELECT 1/0", purpose: "divide by zero")
            }
        }
        #expect(error?.code == .transaction)
        #expect(!db.isInTransaction)
    }

    @Test func savepointUndoesOnlyItsOwnWork() throws {
        let db = try openConnection()
        try db.execute("CREATE TEMP TABLE sp (k int PRIMARY KEY)", purpose: "create sp table")
        try db.transaction(purpose: "mix good and bad rows") {
            try db.execute("INSERT INTO sp VALUES (1)", purpose: "insert 1")
            _ = try? db.savepoint(purpose: "insert a duplicate") {
                try db.execute("INSERT INTO sp VALUES (1)", purpose: "insert duplicate 1")
            }
            try db.execute("INSERT INTO sp VALUES (2)", purpose: "insert 2")
            let nested = #expect(throws: PostgresError.self) { try db.begin() }
            #expect(nested?.code == .usage)
        }
        #expect(try db.scalar("SELECT count(*) FROM sp", purpose: "count sp") == "2")
    }

    @Test func aPipelineAnswersEachStatementInOrderWithPreparedOnesAmongThem() throws {
        let db = try openConnection()
        let plusOne = PostgresConnection.Statement("SELECT $1::int + 1", ["41"], prepared: true)
        let statements = [plusOne, .init("SELECT 'plain'"), .init(plusOne.sql, ["1"], prepared: true)]
        for _ in 0..<2 {
            // The first run prepares the statement (its Parse answers a result of its own, not
            // counted); the second finds it prepared and sends only its execution.
            let results = try db.pipeline(statements, purpose: "run a mixed pipeline")
            #expect(results.map { $0[0, 0] } == ["42", "plain", "2"])
        }
        let name = PreparedStatements.name(of: plusOne.sql)
        #expect(try db.scalar("SELECT count(*) FROM pg_prepared_statements WHERE name = $1", [name], purpose: "count") == "1")
    }

    @Test func aPreparedStatementOutlivesAFailedPipelineAndARollback() throws {
        let db = try openConnection()
        let echo = PostgresConnection.Statement("SELECT $1::text || ' echoed'", ["x"], prepared: true)
        // Skipped behind a failure: never prepared, so the next pipeline must prepare it.
        let failed = #expect(throws: PostgresError.self) {
            try db.pipeline([.init("SELECT 1/0"), echo], purpose: "fail before the first preparation")
        }
        #expect(failed?.message.contains("division by zero") == true)
        #expect(try db.pipeline([echo], purpose: "prepare after a failure")[0][0, 0] == "x echoed")
        // Prepared inside a transaction that rolls back: it stays, as named statements do.
        try db.execute("BEGIN", purpose: "begin")
        _ = try db.pipeline([.init("SELECT $1::text || ' again'", ["y"], prepared: true)], purpose: "prepare in a transaction")
        try db.execute("ROLLBACK", purpose: "roll back")
        #expect(try db.pipeline([.init("SELECT $1::text || ' again'", ["z"], prepared: true)], purpose: "reuse")[0][0, 0] == "z again")
    }

    @Test func advisoryLocksContendAcrossConnections() throws {
        let (first, second) = (try openConnection(), try openConnection())
        let key = PostgresConnection.advisoryLockKey(named: "test-\(UUID().uuidString)")
        #expect(try first.tryAdvisoryLock(key: key))
        #expect(try !second.tryAdvisoryLock(key: key))
        #expect(try first.advisoryUnlock(key: key))
        #expect(try second.tryAdvisoryLock(key: key))
        #expect(try !first.tryAdvisoryLock(key: key))
        second.close()  // closing releases session locks
        try first.advisoryLock(key: key)
        #expect(try first.advisoryUnlock(key: key))
        #expect(try !first.advisoryUnlock(key: key))
    }

    @Test func connectionErrorsNeverShowThePassword() throws {
        let realPassword = PostgresURL(databaseURL!)?.password
        let wrongPassword = "Wr0ng-Passw0rd-\(UUID().uuidString.prefix(8))"
        let attempts = [
            variantURL(password: wrongPassword),
            variantURL(hosts: "127.0.0.1:1"),  // nothing listens on port 1
            variantURL(password: "Se%zzret9"),  // libpq echoes the malformed token
        ]
        for url in attempts {
            do {
                try openConnection(url: url).close()  // a trust-auth server accepts any password
            } catch let error as PostgresError {
                #expect(error.code == .connect)
                #expect(error.isConnectionFailure)
                for text in [error.description, error.debugDescription, "\(error)"] {
                    #expect(!text.contains(wrongPassword))
                    #expect(!text.contains("zzret9"))
                    if let realPassword, realPassword.count > 3 { #expect(!text.contains(realPassword)) }
                }
                #expect(error.description.hasPrefix("Could not connect to PostgreSQL at "))
                #expect(!error.description.contains("FATAL"))
                #expect(!error.description.contains("Check"), "advice is the caller's to give")
            }
        }
        #expect(throws: PostgresError.self) { try openConnection(url: variantURL(hosts: "127.0.0.1:1")) }
    }

    @Test func lostConnectionIsAConnectionFailure() throws {
        let (victim, killer) = (try openConnection(), try openConnection())
        try killer.execute("SELECT pg_terminate_backend($1::int)", [String(victim.backendPID!)],
                           purpose: "terminate the victim")
        let error = #expect(throws: PostgresError.self) { try victim.execute("SELECT 1", purpose: "query a dead session") }
        #expect(error?.isConnectionFailure == true)
        #expect(!victim.isAlive)
    }

    @Test func serverErrorsSayWhatWhereAndWhy() throws {
        let db = try openConnection()
        let error = #expect(throws: PostgresError.self) {
            try db.execute("SELECT * FROM no_such_table", purpose: "read the missing table")
        }
        #expect(error?.sqlState == "42P01")
        #expect(error?.file.hasSuffix("PostgresConnectionTests.swift") == true)
        let text = error?.description ?? ""
        #expect(text.hasPrefix("Could not read the missing table in "))
        #expect(text.contains("SQLSTATE 42P01"))
        #expect(text.contains("relation \"no_such_table\" does not exist."))
        #expect(try db.scalar("SELECT 1", purpose: "still usable") == "1")
    }

    @Test func serverWarningsGoToTheLogger() throws {
        let handler = InMemoryLogHandler()
        let db = try openConnection(logger: Logger(label: "test", factory: { _ in handler }))
        try db.execute("DO $$ BEGIN RAISE NOTICE 'quiet'; RAISE WARNING 'careful: %', 42; END $$",
                       purpose: "raise a notice and a warning")
        let warnings = handler.entries.filter { $0.level == .warning }
        #expect(warnings.count == 1)
        #expect(warnings.first?.message.description == "PostgreSQL: careful: 42")
        #expect(!handler.entries.contains { $0.message.description.contains("quiet") })
    }

    @Test func simpleQueryRunsAScript() throws {
        let db = try openConnection()
        try db.simpleQuery("""
            CREATE TEMP TABLE script (k int);
            INSERT INTO script VALUES (1), (2);
            INSERT INTO script SELECT k + 10 FROM script;
            """, purpose: "run a script")
        #expect(try db.scalar("SELECT sum(k) FROM script", purpose: "sum") == "26")
        let error = #expect(throws: PostgresError.self) {
            try db.simpleQuery("INSERT INTO script VALUES (3); SELECT 1/0;", purpose: "run a failing script")
        }
        #expect(error?.sqlState == "22012")
        #expect(try db.scalar("SELECT count(*) FROM script", purpose: "count") == "4")  // implicit transaction
    }
}

@Suite("PostgresURL and lock keys")
struct PostgresURLTests {
    @Test func redactsThePassword() throws {
        let url = try #require(PostgresURL("postgres://ops:s3cr%40t@127.0.0.1:54329/fleettickets?sslmode=disable"))
        #expect(url.user == "ops")
        #expect(url.password == "s3cr@t")
        #expect(url.hosts == "127.0.0.1:54329")
        #expect(url.database == "fleettickets")
        #expect(url.redacted == "postgres://ops@127.0.0.1:54329/fleettickets")
        #expect(url.endpoint == "127.0.0.1:54329/fleettickets")
        #expect(Set(url.passwordSpellings) == ["s3cr%40t", "s3cr@t"])
    }

    @Test func findsPasswordsInTheQueryAndHandlesOtherShapes() throws {
        let query = try #require(PostgresURL("postgresql://ops@db.example:5432/ft?password=p%26w&user=alt"))
        #expect(query.password == "p&w")
        #expect(query.user == "alt")
        #expect(query.redacted == "postgres://alt@db.example:5432/ft")
        let bare = try #require(PostgresURL("postgres://[::1]:5433,h2/"))
        #expect(bare.user == nil && bare.password == nil && bare.database == nil)
        #expect(bare.hosts == "[::1]:5433,h2")
        #expect(PostgresURL("postgres://")?.endpoint == "default host/")
        #expect(PostgresURL("host=localhost password=x dbname=ft") == nil)
        #expect(PostgresURL("mysql://a:b@c/d") == nil)
    }

    @Test func lockKeysAreStableFNV1a() {
        #expect(PostgresConnection.fnv1a64("".utf8) == 0xcbf2_9ce4_8422_2325)
        #expect(PostgresConnection.fnv1a64("a".utf8) == 0xaf63_dc4c_8601_ec8c)
        #expect(PostgresConnection.fnv1a64("foobar".utf8) == 0x8594_4171_f739_67e8)
        // Fixed value: the migration runner's key must not change between releases.
        #expect(PostgresConnection.advisoryLockKey(named: "migrations") == -7_970_727_934_192_382_069)
    }

    @Test func errorsFoldLibpqMessagesOntoOneLine() {
        let error = PostgresError(code: .connect, purpose: "connect",
                                  message: "Connection refused\n\tIs the server running on that host?\n",
                                  endpoint: "127.0.0.1:1/ft")
        #expect(error.description == "Could not connect to PostgreSQL at 127.0.0.1:1/ft: Connection refused; Is the server running on that host?")
        let lost = PostgresError(
            code: .query, purpose: "run a query",
            message: "server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.\n",
            endpoint: "e")
        #expect(lost.message == "server closed the connection unexpectedly; This probably means the server terminated abnormally before or while processing the request.")
    }
}
