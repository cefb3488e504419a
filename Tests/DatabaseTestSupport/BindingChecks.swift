import Database
import EthereumKit

/// Scenarios about values: every bindable type round-trips, injection stays data, UInt256 sorts numerically.
public enum BindingChecks {
    /// One row of every bindable type, with edge values.
    struct Sample: Equatable {
        var i64: Int64, i32: Int32, int: Int, u64: UInt64, u32: UInt32, double: Double, bool: Bool, text: String
        var bytes: [UInt8], address: Address, hash: Hash32, amount: UInt256, optional: String?
    }

    static let samples: [Sample] = [
        Sample(i64: .min, i32: .min, int: -1, u64: 0, u32: 0, double: -1.5, bool: false, text: "",
               bytes: [], address: .zero, hash: .zero, amount: .zero, optional: nil),
        Sample(i64: .max, i32: .max, int: .max, u64: UInt64(Int64.max), u32: .max, double: 1e300, bool: true,
               text: "héllo ✓ 🚀 'quoted' \"double\" back\\slash\nnew line\ttab",
               bytes: Array(0...255), address: Address(hi: 0xdead_beef, mid: 0x0102_0304_0506_0708, lo: .max),
               hash: Hash32(w0: .max, w1: 1, w2: 2, w3: 0x8000_0000_0000_0000), amount: .max, optional: "present"),
        Sample(i64: 0, i32: 0, int: 0, u64: 1 << 40, u32: 7, double: -0.25, bool: false,
               text: String(repeating: "long text ", count: 20_000), bytes: [0], address: Address(hi: 1, mid: 0, lo: 0),
               hash: Hash32(w0: 0, w1: 0, w2: 0, w3: 1), amount: UInt256(l0: 0, l1: 1, l2: 0, l3: 0), optional: ""),
        Sample(i64: -42, i32: -7, int: 123_456_789, u64: 9, u32: 1, double: .infinity, bool: true, text: "NULL",
               bytes: [0, 0, 0], address: .zero, hash: .zero, amount: UInt256(1_000_000_000_000_000_000), optional: nil),
    ]

    /// Inserts every sample with bound parameters and reads it back by name and by index.
    public static func roundTrip(_ db: any DatabaseConnection) throws {
        switch db.dialect {
        case .sqlite:
            try db.executeScript("""
                CREATE TABLE round_trip (id INTEGER PRIMARY KEY, i64 INTEGER, i32 INTEGER, int INTEGER, u64 INTEGER, u32 INTEGER,
                  dbl REAL, flag INTEGER, txt TEXT, bytes BLOB, address BLOB, hash BLOB, amount BLOB, optional TEXT)
                """)
        case .postgres:
            try db.executeScript("""
                CREATE TABLE round_trip (id BIGINT PRIMARY KEY, i64 BIGINT, i32 INTEGER, int BIGINT, u64 BIGINT, u32 BIGINT,
                  dbl DOUBLE PRECISION, flag BOOLEAN, txt TEXT, bytes BYTEA, address BYTEA, hash BYTEA,
                  amount NUMERIC(78, 0), optional TEXT)
                """)
        }
        for (id, s) in samples.enumerated() {
            let changed = try db.execute("""
                INSERT INTO round_trip VALUES (\(id), \(s.i64), \(s.i32), \(s.int), \(s.u64), \(s.u32), \(s.double), \(s.bool),
                  \(s.text), \(s.bytes), \(s.address), \(s.hash), \(s.amount), \(s.optional))
                """)
            try Check.equal(changed, 1, "rows inserted for sample \(id)")
        }
        let rows = try db.query("SELECT * FROM round_trip ORDER BY id")
        try Check.equal(rows.count, samples.count, "rows read back")
        for (id, row) in rows.enumerated() {
            let byName = Sample(
                i64: try row.decode("i64"), i32: try row.decode("i32"), int: try row.decode("int"), u64: try row.decode("u64"),
                u32: try row.decode("u32"), double: try row.decode("dbl"), bool: try row.decode("flag"),
                text: try row.decode("txt"), bytes: try row.decode("bytes"), address: try row.decode("address"),
                hash: try row.decode("hash"), amount: try row.decode("amount"), optional: try row.decode("optional"))
            try Check.equal(byName, samples[id], "sample \(id) read by column name")
            try Check.equal(try row.decode(Int64.self, at: 1), samples[id].i64, "sample \(id) read by index")
            try Check.equal(try row.decode(UInt256.self, at: 12), samples[id].amount, "sample \(id) amount by index")
        }
        // Values bound in WHERE find their rows: equality on every type.
        for (id, s) in samples.enumerated() {
            let found: Int64 = try db.queryValue("""
                SELECT count(*) FROM round_trip WHERE id = \(id) AND i64 = \(s.i64) AND i32 = \(s.i32) AND txt = \(s.text)
                  AND bytes = \(s.bytes) AND address = \(s.address) AND hash = \(s.hash) AND amount = \(s.amount)
                  AND flag = \(s.bool) AND dbl = \(s.double)
                """)
            try Check.equal(found, 1, "sample \(id) found by bound WHERE values")
        }
        // NULL binding and `IS NULL`.
        let nulls: Int64 = try db.queryValue("SELECT count(*) FROM round_trip WHERE optional IS NULL")
        try Check.equal(nulls, 2, "rows with a NULL optional")
        // An UPDATE reports its row count.
        try Check.equal(try db.execute("UPDATE round_trip SET optional = \("x") WHERE optional IS NULL"), 2, "rows updated")
        try Check.equal(try db.execute("DELETE FROM round_trip WHERE id = \(-1)"), 0, "rows deleted by a WHERE that matches none")
        try Check.equal(try db.execute("SELECT * FROM round_trip"), 0, "a SELECT changes no rows")
        let returning = try db.query("UPDATE round_trip SET optional = NULL WHERE id < \(2) RETURNING id")
        try Check.equal(returning.count, 2, "rows returned by UPDATE … RETURNING")
    }

    /// Classic injection payloads are stored and matched as plain text; the table survives.
    public static func injectionStaysData(_ db: any DatabaseConnection) throws {
        try db.executeScript("CREATE TABLE victims (name TEXT NOT NULL)")
        let payloads = ["'; DROP TABLE victims; --", "x'); DROP TABLE victims; --", "\" OR 1=1 --", "?1", "$1", "1; DELETE FROM victims"]
        for p in payloads { try db.execute("INSERT INTO victims (name) VALUES (\(p))") }
        for p in payloads {
            let rows = try db.query("SELECT name FROM victims WHERE name = \(p)")
            try Check.equal(rows.count, 1, "rows matching payload \(p)")
            try Check.equal(try rows[0].decode("name", as: String.self), p, "payload read back")
        }
        let count: Int64 = try db.queryValue("SELECT count(*) FROM victims WHERE name = \("' OR '1'='1")")
        try Check.equal(count, 0, "a tautology payload matches nothing")
        try Check.equal(try db.queryValue("SELECT count(*) FROM victims", as: Int64.self), Int64(payloads.count), "rows after the payloads")
        // A quoted identifier with a quote inside stays one identifier.
        let column = "we\"ird"
        try db.executeScript("CREATE TABLE odd (\"we\"\"ird\" TEXT)")
        try db.execute("INSERT INTO odd (\(identifier: column)) VALUES (\("ok"))")
        try Check.equal(try db.queryValue("SELECT \(identifier: column) FROM odd", as: String.self), "ok", "quoted identifier")
    }

    /// UInt256 columns sort and compare numerically, across the 64-bit limb boundaries.
    public static func uint256Ordering(_ db: any DatabaseConnection) throws {
        switch db.dialect {
        case .sqlite: try db.executeScript("CREATE TABLE prices (id INTEGER PRIMARY KEY, price BLOB NOT NULL)")
        case .postgres: try db.executeScript("CREATE TABLE prices (id BIGINT PRIMARY KEY, price NUMERIC(78, 0) NOT NULL)")
        }
        let values: [UInt256] = [
            .max, UInt256(l0: 0, l1: 0, l2: 0, l3: 1), UInt256(l0: 5, l1: 1, l2: 0, l3: 0), UInt256(UInt64.max),
            .zero, UInt256(256), UInt256(255), UInt256(1_000_000_000_000_000_000), UInt256(l0: 0, l1: 0, l2: 1, l3: 0),
        ]
        for (i, v) in values.enumerated() { try db.execute("INSERT INTO prices VALUES (\(i), \(v))") }
        let sorted = try db.query("SELECT price FROM prices ORDER BY price").map { try $0.decode("price", as: UInt256.self) }
        try Check.equal(sorted, values.sorted(by: <), "ORDER BY price")
        let threshold = UInt256(UInt64.max)
        let above: Int64 = try db.queryValue("SELECT count(*) FROM prices WHERE price > \(threshold)")
        try Check.equal(above, Int64(values.filter { $0 > threshold }.count), "price > 2^64-1")
        let maxRow: UInt256 = try db.queryValue("SELECT max(price) FROM prices")
        try Check.equal(maxRow, .max, "max(price)")
        let minRow: UInt256 = try db.queryValue("SELECT min(price) FROM prices")
        try Check.equal(minRow, .zero, "min(price)")
    }

    /// Reading a value as the wrong type, or a missing column, is a clear error; unbindable values are refused.
    public static func decodingErrors(_ db: any DatabaseConnection) throws {
        let row = try db.queryOne("SELECT 1 AS one, 'text' AS word, NULL AS absent")
        let mismatch = try Check.fails(with: .typeMismatch, "String from an integer") { _ = try row.decode("one", as: String.self) }
        try Check.that(mismatch.message.contains("'one'") && mismatch.message.contains("String"), "the mismatch names the column and type: \(mismatch.message)")
        try Check.fails(with: .typeMismatch, "Int from text") { _ = try row.decode("word", as: Int.self) }
        try Check.fails(with: .typeMismatch, "non-optional from NULL") { _ = try row.decode("absent", as: Int.self) }
        try Check.equal(try row.decode("absent", as: Int?.self), nil, "optional from NULL")
        try Check.fails(with: .columnNotFound, "unknown column") { _ = try row.decode("missing", as: Int.self) }
        try Check.fails(with: .columnNotFound, "index out of range") { _ = try row.decode(Int.self, at: 3) }
        try Check.fails(with: .typeMismatch, "Address from a 3-byte blob") {
            _ = try db.queryOne("SELECT \([UInt8]([1, 2, 3])) AS b").decode("b", as: Address.self)
        }
        let tooBig = UInt64(Int64.max) + 1
        let invalid = try Check.fails(with: .invalidParameter, "UInt64 above Int64.max") { _ = try db.query("SELECT \(tooBig)") }
        try Check.that(invalid.message.contains("UInt256"), "the UInt64 error says what to do: \(invalid.message)")
        try Check.fails(with: .noRows, "queryOne without rows") { _ = try db.queryOne("SELECT 1 WHERE 1 = 0") }
        try Check.fails(with: .sqlError, "syntax error") { try db.execute("SELEKT 1") }
    }
}
