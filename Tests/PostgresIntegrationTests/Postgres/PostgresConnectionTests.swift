import Testing
import Database
import DatabaseTestSupport
import EthereumKit

@Suite(PostgresTestServer.available) struct PostgresConnectionTests {
    @Test func everyTypeRoundTrips() throws {
        try PostgresSchema.with { schema throws in try BindingChecks.roundTrip(try schema.connect()) }
    }

    @Test func injectionAttemptsStayData() throws {
        try PostgresSchema.with { schema throws in try BindingChecks.injectionStaysData(try schema.connect()) }
    }

    @Test func uint256SortsNumerically() throws {
        try PostgresSchema.with { schema throws in try BindingChecks.uint256Ordering(try schema.connect()) }
    }

    @Test func decodingErrorsAreClear() throws {
        try PostgresSchema.with { schema throws in try BindingChecks.decodingErrors(try schema.connect()) }
    }

    @Test func serverTypesArriveAsTheirValues() throws {
        try PostgresSchema.with { schema throws in
            let db = try schema.connect()
            let row = try db.queryOne("""
                SELECT true AS t, 2::int2 AS small, 3::int4 AS mid, 'NaN'::float8 AS nan, 12.50::numeric AS dec,
                       '\\x00ff'::bytea AS b, now() AS ts, '{"a":1}'::jsonb AS j
                """)
            #expect(try row.decode("t", as: Bool.self) == true)
            #expect(try row.decode("small", as: Int.self) == 2)
            #expect(try row.decode("mid", as: Int32.self) == 3)
            #expect(try row.decode("nan", as: Double.self).isNaN)
            #expect(try row.decode("dec", as: Double.self) == 12.5)
            #expect(throws: DatabaseError.self, "12.50 is not a UInt256") { try row.decode("dec", as: UInt256.self) }
            #expect(try row.decode("b", as: [UInt8].self) == [0, 255])
            #expect(try !row.decode("ts", as: String.self).isEmpty)
            #expect(try row.decode("j", as: String.self) == "{\"a\": 1}")
            // Untyped text parameters take the column's type: jsonb accepts a bound string.
            try db.executeScript("CREATE TABLE docs (body jsonb NOT NULL)")
            try db.execute("INSERT INTO docs VALUES (\("{\"k\": [1, 2]}"))")
            #expect(try db.queryValue("SELECT body->'k'->>1 FROM docs", as: String.self) == "2")
        }
    }

    @Test func textWithNULIsRefusedBeforeReachingTheServer() throws {
        try PostgresSchema.with { schema throws in
            let db = try schema.connect()
            let error = #expect(throws: DatabaseError.self) { try db.query("SELECT \("a\u{0}b")") }
            #expect(error?.code == .invalidParameter)
            #expect(error?.message.contains("bytea") == true)
        }
    }

    @Test func severalStatementsInOneQueryAreRefused() throws {
        try PostgresSchema.with { schema throws in
            let db = try schema.connect()
            try db.executeScript("CREATE TABLE t (x BIGINT)")
            let error = #expect(throws: DatabaseError.self) { try db.execute("INSERT INTO t VALUES (1); DROP TABLE t") }
            #expect(error?.code == .sqlError)
            #expect(error?.sqlState == "42601")
            #expect(try db.queryValue("SELECT count(*) FROM t", as: Int.self) == 0)
        }
    }

    @Test func cachedStatementsSurviveSchemaChanges() throws {
        try PostgresSchema.with { schema throws in
            let db = try schema.connect()
            try db.executeScript("CREATE TABLE t (a BIGINT)")
            try db.execute("INSERT INTO t VALUES (\(1))")
            #expect(try db.queryOne("SELECT * FROM t").values.count == 1)
            try db.executeScript("ALTER TABLE t ADD COLUMN b TEXT")
            // The cached plan now has the wrong result type (SQLSTATE 0A000): re-prepared and retried.
            #expect(try db.queryOne("SELECT * FROM t").values.count == 2)
        }
    }

    @Test func errorsCarryTheSQLState() throws {
        try PostgresSchema.with { schema throws in
            let db = try schema.connect()
            try db.executeScript("CREATE TABLE u (k BIGINT PRIMARY KEY)")
            try db.execute("INSERT INTO u VALUES (\(1))")
            let dup = #expect(throws: DatabaseError.self) { try db.execute("INSERT INTO u VALUES (\(1))") }
            #expect(dup?.code == .constraintViolation)
            #expect(dup?.sqlState == "23505")
            #expect(dup?.message.contains("already exists") == true, "the detail is included: \(dup?.message ?? "")")
            let missing = #expect(throws: DatabaseError.self) { try db.query("SELECT * FROM no_such_table") }
            #expect(missing?.sqlState == "42P01")
        }
    }

    @Test func aBadURLOrADeadServerIsAnErrorNotACrash() throws {
        let refused = #expect(throws: DatabaseError.self) {
            _ = try PostgresConnection(url: "postgres://nobody:secret@127.0.0.1:1/none?connect_timeout=2", logger: .disabled)
        }
        #expect(refused?.code == .connectionFailed)
        #expect(refused?.message.contains("secret") == false, "no password in errors: \(refused?.message ?? "")")
        let notPostgres = #expect(throws: DatabaseError.self) { _ = try PostgresConnection(url: "mysql://x/y", logger: .disabled) }
        #expect(notPostgres?.code == .invalidLocation)
    }
}
