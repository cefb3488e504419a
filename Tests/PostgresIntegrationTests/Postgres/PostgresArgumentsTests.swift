import Database
import DatabaseTestSupport
import EthereumKit
import Testing

/// `SQLArguments` on PostgreSQL go through the generic path (converted to `SQLBind`s): the same values as on SQLite.
@Suite(PostgresTestServer.available) struct PostgresArgumentsTests {
    @Test func batchArgumentsRoundTrip() throws {
        try PostgresSchema.with { schema throws in
            let db = try schema.connect()
            try db.executeScript("CREATE TABLE t (k BIGINT PRIMARY KEY, b BOOLEAN, s TEXT, x BYTEA, a BYTEA, u NUMERIC(78,0), n BYTEA)")
            let insert = SQLTemplate(parts: ["INSERT INTO t VALUES ("] + Array(repeating: ", ", count: 6) + [") ON CONFLICT (k) DO NOTHING"])
            var a = SQLArguments()
            for k in 0..<3 as Range<Int64> {
                a.append(k); a.append(k == 1); a.append("ünï"); a.append(bytes: [UInt8(k), 0]); a.append(Address(hi: 1, mid: 2, lo: UInt64(k)))
                a.append(UInt256.max >> Int(k)); a.appendNull()
            }
            for row in 0..<3 { #expect(try db.execute(insert, a, parameters: row * 7..<(row + 1) * 7) == 1) }
            #expect(try db.execute(insert, a, parameters: 0..<7) == 0, "ON CONFLICT DO NOTHING")
            let rows = try db.query("SELECT k, b, s, x, a, u, n FROM t ORDER BY u")
            #expect(try rows.map { try $0.decode(Int64.self, at: 0) } == [2, 1, 0], "NUMERIC sorts numerically")
            for row in rows {
                let k = try row.decode(Int64.self, at: 0)
                #expect(try row.decode(Bool.self, at: 1) == (k == 1) && (try row.decode(String.self, at: 2)) == "ünï")
                #expect(try row.decode([UInt8].self, at: 3) == [UInt8(k), 0])
                #expect(try row.decode(Address.self, at: 4) == Address(hi: 1, mid: 2, lo: UInt64(k)))
                #expect(try row.decode(UInt256.self, at: 5) == UInt256.max >> Int(k))
                #expect(row.values[6] == .null)
            }
        }
    }
}
