import FleetTicketsCore
import FleetTicketsPostgres
import FleetTicketsTesting
import Foundation
import Testing

/// What an embedding service sees of the PostgreSQL adapter's failures through the public API
/// only: one public type, caught by `code`, with the SQLSTATE and the other facts as fields, and
/// never the password.
@Suite(.enabled(if: Integration.hasDatabase, "FLEETTICKETS_TEST_DATABASE_URL is not set"))
struct PublicErrorTests {
    @Test func anUnreachableServerIsAConnectErrorThatNeverShowsThePassword() throws {
        let password = "Sup3rS3cret-\(UUID().uuidString.prefix(6))"
        do {
            _ = try PostgresTicketStore(url: "postgres://ft:\(password)@127.0.0.1:1/ft?connect_timeout=3", logger: Integration.logger)
            Issue.record("nothing listens on port 1")
        } catch let error as PostgresError where error.code == .connect {
            #expect(error.isConnectionFailure)
            #expect(error.endpoint.contains("127.0.0.1:1"))
            for text in [error.description, error.debugDescription, error.message, "\(error)"] {
                #expect(!text.contains(password), "\(text)")
            }
        }
    }

    @Test func aSchemaMissingUnderTheDrainIsADependencyFailureWithItsSQLState() async throws {
        let url = try Integration.freshDatabase(migrated: false)
        let store = try PostgresTicketStore(url: url, logger: Integration.logger)
        defer { store.close() }
        let bucket = InMemoryChangeSource()
        bucket.put(Fixtures.key(.inc, hour: 9), text: Fixtures.csv([Fixtures.row("WOT1")]))
        do {
            _ = try await IngestEngine(source: bucket, store: store).run(.inc, options: IngestOptions(apply: true)).checked()
            Issue.record("a drain into an empty database succeeded")
        } catch let error as IngestError where error.code == .dependency {
            let cause = try #require(error.underlying as? PostgresError, "\(String(describing: error.underlying))")
            #expect(cause.code == .query)
            // 42P01 undefined table or 3F000 undefined schema: either way the SQL does not match the schema.
            #expect(cause.sqlState == "42P01" || cause.sqlState == "3F000", "\(cause.debugDescription)")
            #expect(error.dataset == "inc")
        }
    }

    @Test func aConstraintViolationCarriesSQLStateAndDetail() throws {
        let db = try PostgresConnection(url: try Integration.freshDatabase(migrated: false), logger: Integration.logger)
        defer { db.close() }
        try db.execute("CREATE TABLE t (id int PRIMARY KEY)", purpose: "create a keyed table")
        try db.execute("INSERT INTO t VALUES (1)", purpose: "insert the first row")
        let error = #expect(throws: PostgresError.self) { try db.execute("INSERT INTO t VALUES (1)", purpose: "insert the row again") }
        #expect(error?.code == .query)
        #expect(error?.sqlState == "23505")
        #expect(error?.isUniqueViolation == true)
        #expect(error?.detail?.contains("(id)=(1)") == true)
        #expect(error?.description.contains("SQLSTATE 23505") == true)
    }

    @Test func aTableNameThatIsNotPlainIsAConfigurationErrorNamingIt() async throws {
        let store = try PostgresTicketStore(url: try Integration.freshDatabase(), logger: Integration.logger)
        defer { store.close() }
        let odd = Dataset(name: "odd", table: "tickets.\"odd\"; --", changesPrefix: "odd/changes/", processedPrefix: "odd/processed/")
        do {
            _ = try await store.status(of: odd)
            Issue.record("an odd table name was used")
        } catch let error as PostgresError where error.code == .configuration {
            #expect(error.table == odd.table)
            #expect(error.sqlState == nil)
        }
    }

    @Test func anAnswerThisBuildCannotReadNamesTheFunction() async throws {
        let url = try Integration.freshDatabase()
        let db = try PostgresConnection(url: url, logger: Integration.logger)
        defer { db.close() }
        try db.execute("""
            CREATE OR REPLACE FUNCTION reporting.fn_dispatch_nearest(
                p_lat double precision, p_lng double precision, p_limit integer DEFAULT 10,
                p_within_km double precision DEFAULT NULL, p_rank text DEFAULT 'distance')
            RETURNS jsonb LANGUAGE sql AS $$ SELECT '{"not": "an answer"}'::jsonb $$
            """, purpose: "stand in a function of another version")
        let reader = PostgresDispatchReader(url: url, maxConnections: 1, logger: Integration.logger)
        defer { reader.close() }
        let query = try NearbyQuery(near: Coordinate(latitude: -1.29, longitude: 36.82), limit: 5, withinKilometres: nil, rank: .distance)
        do {
            _ = try await reader.nearestOpenTickets(query)
            Issue.record("an unreadable answer was decoded")
        } catch let error as PostgresError where error.code == .unexpectedAnswer {
            #expect(error.function == "reporting.fn_dispatch_nearest")
            #expect(error.description.contains("reporting.fn_dispatch_nearest"))
        }
    }
}
