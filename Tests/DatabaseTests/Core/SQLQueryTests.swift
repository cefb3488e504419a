import Testing
import Database
import EthereumKit

@Suite struct SQLQueryTests {
    @Test func interpolatedValuesBecomeNumberedPlaceholders() {
        let name = "'; DROP TABLE t; --"
        let id: Int64 = 7
        let q: SQLQuery = "SELECT * FROM t WHERE a = \(id) AND b = \(name)"
        #expect(q.sql(for: .sqlite) == "SELECT * FROM t WHERE a = ?1 AND b = ?2")
        #expect(q.sql(for: .postgres) == "SELECT * FROM t WHERE a = $1 AND b = $2")
        #expect(q.binds == [.integer(7), .text(name)])
        #expect(!q.description.contains("DROP"), "the description shows placeholders, never values")
    }

    @Test func everyBindableTypeMapsToItsBind() {
        let address = Address(hi: 1, mid: 2, lo: 3)
        let q: SQLQuery = """
            VALUES (\(Int64(-1)), \(5), \(Int32(-3)), \(UInt32.max), \(UInt64(9)), \(2.5), \(true), \("s"), \([UInt8]([1, 2])),
              \(address), \(Hash32.zero), \(UInt256.max), \(nil as String?), \(Optional(4)), \(SQLBind.null))
            """
        #expect(q.binds == [
            .integer(-1), .integer(5), .int32(-3), .integer(Int64(UInt32.max)), .integer(9), .double(2.5), .bool(true),
            .text("s"), .blob([1, 2]), .blob(address.bytes), .blob(Hash32.zero.bytes), .uint256(.max), .null, .integer(4), .null,
        ])
    }

    @Test func uint64AboveInt64MaxIsDeferredAsInvalid() {
        let q: SQLQuery = "SELECT \(UInt64.max)"
        guard case .invalid(let why) = q.binds[0] else {
            Issue.record("expected an invalid bind, got \(q.binds)")
            return
        }
        #expect(why.contains("18446744073709551615"))
    }

    @Test func listsIdentifiersRawAndNestedQueries() {
        let ids: [Int64] = [3, 4, 5]
        let filter: SQLQuery = "price <= \(UInt256(10))"
        let q: SQLQuery = "SELECT \(identifier: "we\"ird") FROM \(unsafeRaw: "asks") WHERE id IN (\(list: ids)) AND \(filter) AND x = \("y")"
        #expect(q.sql(for: .postgres) == "SELECT \"we\"\"ird\" FROM asks WHERE id IN ($1, $2, $3) AND price <= $4 AND x = $5")
        #expect(q.binds == [.integer(3), .integer(4), .integer(5), .uint256(UInt256(10)), .text("y")])
        let empty: SQLQuery = "SELECT 1 WHERE x IN (\(list: [Int]()))"
        #expect(empty.sql(for: .sqlite) == "SELECT 1 WHERE x IN (NULL)")
        #expect(empty.binds.isEmpty)
    }

    @Test func appendingKeepsParameterOrder() {
        var q: SQLQuery = "SELECT * FROM t WHERE a = \(1)"
        q.append(" AND b = \(2)")
        let r = q + " AND c = \(3) LIMIT 1"
        #expect(r.sql(for: .sqlite) == "SELECT * FROM t WHERE a = ?1 AND b = ?2 AND c = ?3 LIMIT 1")
        #expect(r.binds == [.integer(1), .integer(2), .integer(3)])
        let literal: SQLQuery = "SELECT '?' AS q"
        #expect(literal.sql(for: .sqlite) == "SELECT '?' AS q")
        #expect(SQLQuery(unsafeRaw: "PRAGMA x").binds.isEmpty)
    }
}
