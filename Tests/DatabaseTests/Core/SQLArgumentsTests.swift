import Database
import DatabaseTestSupport
import EthereumKit
import Testing

@Suite struct SQLArgumentsTests {
    @Test func templatesRenderOnceForBothDialects() {
        let template = SQLTemplate(parts: ["INSERT INTO t (a, b) VALUES (", ", ", ")"])
        #expect(template.parameterCount == 2)
        #expect(template.sql(for: .sqlite) == "INSERT INTO t (a, b) VALUES (?1, ?2)")
        #expect(template.sql(for: .postgres) == "INSERT INTO t (a, b) VALUES ($1, $2)")
        let query = SQLQuery(template, binds: [.integer(1), .text("x")])
        let interpolated: SQLQuery = "INSERT INTO t (a, b) VALUES (\(Int64(1)), \("x"))"
        #expect(query == interpolated && query.hashValue == interpolated.hashValue)
        #expect(query.sql(for: .postgres) == interpolated.sql(for: .postgres))
        // Appending drops the pre-rendered text: the result renders from its parts.
        var extended = query
        extended.append(" RETURNING \(Int64(2))")
        #expect(extended.sql(for: .sqlite) == "INSERT INTO t (a, b) VALUES (?1, ?2) RETURNING ?3")
        #expect(SQLTemplate(interpolated) == template)
        #expect(SQLTemplate(parts: []).parameterCount == 0)
    }

    @Test func argumentsConvertToTheSameBindsAsInterpolation() {
        let address = Address(hi: 1, mid: 2, lo: 3), hash = Hash32(w0: 4, w1: 5, w2: 6, w3: 7)
        var a = SQLArguments()
        a.append(Int64(-1)); a.append(5); a.append(UInt64(9)); a.append(2.5); a.append(true); a.append("s")
        a.append("constant" as StaticString); a.append(bytes: [1, 2]); a.append(address); a.append(hash); a.append(UInt256.max)
        a.appendNull(); a.append(nil as Address?) { $0.append($1) }; a.append(Optional(UInt256(3))) { $0.append($1) }
        a.appendText { $0.append(contentsOf: "built".utf8) }
        a.appendBlob(count: 3) { raw in raw[0] = 7; raw[2] = 9 }
        a.append(SQLBind.int32(4))
        #expect(a.count == 17)
        #expect(a.binds(0..<a.count) == [
            .integer(-1), .integer(5), .integer(9), .double(2.5), .bool(true), .text("s"), .text("constant"), .blob([1, 2]),
            .blob(address.bytes), .blob(hash.bytes), .uint256(.max), .null, .null, .uint256(UInt256(3)), .text("built"),
            .blob([7, 0, 9]), .integer(4),
        ])
        a.removeAll()
        #expect(a.count == 0)
        a.append(UInt64.max)
        guard case .invalid(let why) = a.bind(at: 0) else {
            Issue.record("expected an invalid bind")
            return
        }
        #expect(why.contains("18446744073709551615"))
    }

    @Test func sqliteBindsInPlaceAndReadsBackWhatTheBindPathStores() throws {
        try SQLiteFixture.with("arguments") { db, _ throws in
            try db.executeScript("CREATE TABLE t (k INTEGER PRIMARY KEY, i INTEGER, r REAL, b INTEGER, s TEXT, e TEXT, x BLOB, z BLOB, a BLOB, h BLOB, u BLOB, n BLOB)")
            let insert = SQLTemplate(parts: ["INSERT INTO t VALUES ("] + Array(repeating: ", ", count: 11) + [")"])
            var a = SQLArguments()
            for k in 0..<3 as Range<Int64> {
                a.append(k); a.append(Int64.min + k); a.append(-0.5); a.append(k == 1); a.append("ünï \(k)"); a.append("")
                a.append(bytes: [UInt8](repeating: UInt8(k), count: 100)); a.append(bytes: [])
                a.append(Address(hi: 9, mid: 9, lo: UInt64(k))); a.append(Hash32(w0: UInt64(k), w1: 0, w2: 0, w3: 1)); a.append(UInt256(UInt64(k)) << 200)
                a.appendNull()
            }
            // One statement per row, each with its slice of the arguments.
            for row in 0..<3 { #expect(try db.execute(insert, a, parameters: row * 12..<(row + 1) * 12) == 1) }
            let rows = try db.query("SELECT * FROM t ORDER BY k")
            #expect(rows.count == 3)
            for (k, row) in rows.enumerated() {
                let expected = a.binds(k * 12..<(k + 1) * 12)
                #expect(try row.decode(Int64.self, at: 1) == Int64.min + Int64(k))
                #expect(try row.decode(Double.self, at: 2) == -0.5 && (try row.decode(Bool.self, at: 3)) == (k == 1))
                #expect(try row.decode(String.self, at: 4) == "ünï \(k)" && (try row.decode(String.self, at: 5)) == "")
                #expect(try row.decode([UInt8].self, at: 6) == [UInt8](repeating: UInt8(k), count: 100))
                #expect(try row.decode([UInt8].self, at: 7) == [], "an empty blob is not NULL")
                #expect(try row.decode(Address.self, at: 8) == Address(hi: 9, mid: 9, lo: UInt64(k)))
                #expect(try row.decode(Hash32.self, at: 9) == Hash32(w0: UInt64(k), w1: 0, w2: 0, w3: 1))
                #expect(try row.decode(UInt256.self, at: 10) == UInt256(UInt64(k)) << 200)
                #expect(row.values[11] == .null)
                // The same values through the SQLBind path give the same row.
                try db.execute(SQLQuery(insert, binds: [.integer(100 + Int64(k))] + expected.dropFirst()))
                let copy = try db.queryOne("SELECT * FROM t WHERE k = \(100 + Int64(k))")
                #expect(Array(copy.values.dropFirst()) == Array(row.values.dropFirst()))
            }
        }
    }

    @Test func inPlaceErrorsNameTheProblem() throws {
        try SQLiteFixture.with("arguments-errors") { db, _ throws in
            try db.executeScript("CREATE TABLE t (a INTEGER NOT NULL)")
            let insert = SQLTemplate(parts: ["INSERT INTO t VALUES (", ")"])
            var a = SQLArguments()
            a.append(UInt64.max)
            let invalid = #expect(throws: DatabaseError.self) { try db.execute(insert, a, parameters: 0..<1) }
            #expect(invalid?.code == .invalidParameter)
            a.removeAll()
            a.append(1); a.append(2)
            #expect((#expect(throws: DatabaseError.self) { try db.execute(insert, a, parameters: 0..<2) })?.code == .misuse)
            #expect((#expect(throws: DatabaseError.self) { try db.execute(insert, a, parameters: 1..<3) })?.code == .misuse)
            a.removeAll()
            a.appendNull()
            #expect((#expect(throws: DatabaseError.self) { try db.execute(insert, a, parameters: 0..<1) })?.code == .constraintViolation)
            // The statement is usable again after a failure.
            a.removeAll()
            a.append(7)
            #expect(try db.execute(insert, a, parameters: 0..<1) == 1)
            #expect(try db.queryValue("SELECT a FROM t", as: Int64.self) == 7)
        }
    }

    /// Template statements survive eviction from a tiny statement cache (they are prepared again, never used after
    /// finalization).
    @Test func templateStatementsAreEvictedSafely() throws {
        var configuration = SQLiteConfiguration()
        configuration.statementCacheCapacity = 2
        try SQLiteFixture.with("arguments-cache", configuration: configuration) { db, _ throws in
            try db.executeScript("CREATE TABLE t (a INTEGER)")
            let templates = (1...5).map { n in SQLTemplate(parts: ["INSERT INTO t SELECT ", " + \(n)"]) }
            var a = SQLArguments()
            a.append(10)
            for _ in 0..<4 {
                for t in templates { try db.execute(t, a, parameters: 0..<1) }
                _ = try db.query("SELECT count(*) FROM t")
            }
            #expect(try db.queryValue("SELECT sum(a) FROM t", as: Int64.self) == 4 * (5 * 10 + 15))
        }
    }
}
