import CPostgres
import EthereumKit

/// PostgreSQL type OIDs the layer sends or reads (from `pg_type`).
enum PostgresOID {
    static let unknown: Oid = 0
    static let bool: Oid = 16
    static let bytea: Oid = 17
    static let int8: Oid = 20
    static let int2: Oid = 21
    static let int4: Oid = 23
    static let oid: Oid = 26
    static let float4: Oid = 700
    static let float8: Oid = 701
    static let numeric: Oid = 1700
}

/// Parameters encoded for `PQexecPrepared`: binary for int8, float8, bool and bytea (no escaping, no parsing);
/// text for strings (type left to the server, so `text`, `varchar` and `jsonb` columns all accept it) and numeric.
struct PostgresParameters {
    private(set) var types: [Oid] = []
    private var formats: [Int32] = []
    private var lengths: [Int32] = []
    private var offsets: [Int?] = []
    private var storage: [UInt8] = []

    init(_ binds: [SQLBind], sql: String) throws {
        types.reserveCapacity(binds.count)
        for (i, bind) in binds.enumerated() {
            switch bind {
            case .null: add(type: PostgresOID.unknown, binary: false, nil)
            case .integer(let v): add(type: PostgresOID.int8, binary: true, Self.bigEndian(UInt64(bitPattern: v)))
            case .int32(let v): add(type: PostgresOID.int4, binary: true, Array(Self.bigEndian(UInt64(UInt32(bitPattern: v))).suffix(4)))
            case .double(let v): add(type: PostgresOID.float8, binary: true, Self.bigEndian(v.bitPattern))
            case .bool(let v): add(type: PostgresOID.bool, binary: true, [v ? 1 : 0])
            case .blob(let v): add(type: PostgresOID.bytea, binary: true, v)
            case .uint256(let v): add(type: PostgresOID.numeric, binary: false, Array(v.description.utf8))
            case .text(let v):
                let bytes = Array(v.utf8)
                if bytes.contains(0) {
                    throw DatabaseError(.invalidParameter, "parameter \(i + 1): PostgreSQL text cannot hold the NUL character (0x00); bind such data as [UInt8] (bytea)", sql: sql)
                }
                add(type: PostgresOID.unknown, binary: false, bytes)
            case .invalid(let why):
                throw DatabaseError(.invalidParameter, "parameter \(i + 1): \(why)", sql: sql)
            }
        }
        storage.append(0) // keeps the base address non-nil even when every value is empty
    }

    private mutating func add(type: Oid, binary: Bool, _ bytes: [UInt8]?) {
        types.append(type)
        formats.append(binary ? 1 : 0)
        guard let bytes else {
            offsets.append(nil)
            lengths.append(0)
            return
        }
        offsets.append(storage.count)
        lengths.append(Int32(bytes.count))
        storage.append(contentsOf: bytes)
        if !binary { storage.append(0) } // text parameters are C strings
    }

    private static func bigEndian(_ v: UInt64) -> [UInt8] {
        (0..<8).map { UInt8(truncatingIfNeeded: v >> (56 - 8 * UInt64($0))) }
    }

    /// Calls `body` with the value pointers (nil for NULL), lengths and formats libpq expects.
    func withUnsafeArguments<R>(_ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes { raw in
            let base = raw.baseAddress
            let pointers: [UnsafePointer<CChar>?] = offsets.map { offset in
                offset.flatMap { base?.advanced(by: $0).assumingMemoryBound(to: CChar.self) }
            }
            return try pointers.withUnsafeBufferPointer { p in
                try lengths.withUnsafeBufferPointer { l in
                    try formats.withUnsafeBufferPointer { f in
                        try body(p.baseAddress, l.baseAddress, f.baseAddress)
                    }
                }
            }
        }
    }
}

/// Reading `PGresult`s (text format) into rows and errors.
enum PostgresResult {
    /// All rows of a successful result.
    static func rows(of result: OpaquePointer) throws -> [DatabaseRow] {
        let fieldCount = PQnfields(result)
        let rowCount = PQntuples(result)
        var names: [String] = []
        var types: [Oid] = []
        for f in 0..<fieldCount {
            names.append(PQfname(result, f).map { String(cString: $0) } ?? "column\(f)")
            types.append(PQftype(result, f))
        }
        let columns = DatabaseColumns(names: names)
        var rows: [DatabaseRow] = []
        rows.reserveCapacity(Int(rowCount))
        for r in 0..<rowCount {
            var values: [DatabaseValue] = []
            values.reserveCapacity(Int(fieldCount))
            for f in 0..<fieldCount {
                if PQgetisnull(result, r, f) != 0 {
                    values.append(.null)
                    continue
                }
                let length = Int(PQgetlength(result, r, f))
                let bytes = PQgetvalue(result, r, f).map {
                    UnsafeRawBufferPointer(start: $0, count: length)
                } ?? UnsafeRawBufferPointer(start: nil, count: 0)
                values.append(try value(bytes, type: types[Int(f)], column: names[Int(f)]))
            }
            rows.append(DatabaseRow(columns: columns, values: values))
        }
        return rows
    }

    /// One value in PostgreSQL's text output format.
    private static func value(_ bytes: UnsafeRawBufferPointer, type: Oid, column: String) throws -> DatabaseValue {
        let text = String(decoding: bytes, as: UTF8.self)
        switch type {
        case PostgresOID.bool: return .bool(text == "t")
        case PostgresOID.int8, PostgresOID.int4, PostgresOID.int2, PostgresOID.oid:
            guard let v = Int64(text) else { throw malformed(column, text) }
            return .integer(v)
        case PostgresOID.float4, PostgresOID.float8:
            switch text {
            case "NaN": return .double(.nan)
            case "Infinity": return .double(.infinity)
            case "-Infinity": return .double(-.infinity)
            default:
                guard let v = Double(text) else { throw malformed(column, text) }
                return .double(v)
            }
        case PostgresOID.numeric: return .numeric(text)
        case PostgresOID.bytea: return .blob(try byteaHex(bytes, column: column))
        default: return .text(text)
        }
    }

    /// Decodes bytea's hex output (`\x0a1b…`, the server default since 9.0).
    private static func byteaHex(_ bytes: UnsafeRawBufferPointer, column: String) throws -> [UInt8] {
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"), bytes.count % 2 == 0 else {
            throw DatabaseError(.typeMismatch, "column '\(column)': bytea is not in hex output format; do not set bytea_output = escape")
        }
        var out = [UInt8](repeating: 0, count: (bytes.count - 2) / 2)
        var i = 2
        while i < bytes.count {
            let hi = Hex.nibble(bytes[i]), lo = Hex.nibble(bytes[i + 1])
            guard hi < 16, lo < 16 else { throw malformed(column, "bytea") }
            out[(i - 2) / 2] = hi << 4 | lo
            i += 2
        }
        return out
    }

    private static func malformed(_ column: String, _ text: String) -> DatabaseError {
        DatabaseError(.typeMismatch, "column '\(column)': the server sent '\(text.prefix(40))', which does not parse as its declared type")
    }

    /// The error of a failed result (SQLSTATE, message, detail, hint), mapped to a `DatabaseError.Code`.
    static func error(of result: OpaquePointer?, connection: OpaquePointer?, sql: String?) -> DatabaseError {
        func field(_ code: Int32) -> String? {
            guard let result, let p = PQresultErrorField(result, code) else { return nil }
            return String(cString: p)
        }
        let state = field(kalypso_pg_diag_sqlstate())
        var message = field(kalypso_pg_diag_message_primary())
            ?? connection.flatMap { PQerrorMessage($0).map { String(cString: $0) } }?.trimmingSpaces() ?? "unknown error"
        if message.isEmpty { message = "unknown error" }
        if let detail = field(kalypso_pg_diag_message_detail()) { message += " (\(detail))" }
        if let hint = field(kalypso_pg_diag_message_hint()) { message += "; hint: \(hint)" }
        let code: DatabaseError.Code
        switch state {
        case let s? where s.hasPrefix("23"): code = .constraintViolation
        case "55P03"?: code = .busy
        case "25P02"?: code = .transactionAborted
        case let s? where s.hasPrefix("08") || s == "57P01" || s == "57P02" || s == "57P03": code = .connectionLost
        default: code = .sqlError
        }
        return DatabaseError(code, "PostgreSQL: \(message)", sqlState: state, sql: sql)
    }
}

extension String {
    /// Without leading and trailing whitespace and newlines (libpq messages end in a newline).
    func trimmingSpaces() -> String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
