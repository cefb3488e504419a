import EthereumKit

/// A value bound to a statement parameter, captured when the query is built and encoded by the backend.
///
/// Encodings (the same Swift value always reads back as itself on both backends):
///
/// | case | SQLite | PostgreSQL |
/// |---|---|---|
/// | `integer` | INTEGER | `int8` (binary) |
/// | `int32` | INTEGER | `int4` (binary; for `int4` function arguments such as a backend pid) |
/// | `double` | REAL (SQLite stores NaN as NULL) | `float8` (binary) |
/// | `bool` | INTEGER 0/1 | `bool` (binary) |
/// | `text` | TEXT (UTF-8) | untyped text (the server infers `text`, `varchar`, `jsonb`, …) |
/// | `blob` | BLOB | `bytea` (binary) |
/// | `uint256` | 32-byte big-endian BLOB (byte order = numeric order) | `numeric` (decimal text) for `NUMERIC(78,0)` |
public enum SQLBind: Sendable, Hashable {
    /// SQL NULL.
    case null
    /// A signed 64-bit integer.
    case integer(Int64)
    /// A signed 32-bit integer (`Int32` values), typed `int4` for PostgreSQL.
    case int32(Int32)
    /// A 64-bit float.
    case double(Double)
    /// A boolean.
    case bool(Bool)
    /// UTF-8 text.
    case text(String)
    /// Raw bytes.
    case blob([UInt8])
    /// An unsigned 256-bit integer (token amounts, prices, stakes).
    case uint256(UInt256)
    /// A value that cannot be bound (for example a `UInt64` above `Int64.max`); running the query throws
    /// `DatabaseError.Code.invalidParameter` with this explanation. Interpolation cannot throw, so it is deferred.
    case invalid(String)
}

/// A value read from a result column, as the backend delivered it.
///
/// SQLite yields `null`, `integer`, `double`, `text` and `blob`. PostgreSQL additionally yields `bool` (for `bool`
/// columns) and `numeric` (decimal text of `numeric` columns); other server types (timestamps, json, …) arrive as
/// `text` in PostgreSQL's output format.
public enum DatabaseValue: Sendable, Hashable, CustomStringConvertible {
    /// SQL NULL.
    case null
    /// An integer (SQLite INTEGER; PostgreSQL int2/int4/int8/oid).
    case integer(Int64)
    /// A float (SQLite REAL; PostgreSQL float4/float8).
    case double(Double)
    /// A PostgreSQL `bool`.
    case bool(Bool)
    /// Text.
    case text(String)
    /// Bytes (SQLite BLOB; PostgreSQL bytea).
    case blob([UInt8])
    /// A PostgreSQL `numeric` in its decimal text form, for example `"1000000000000000000"` or `"0.5"`.
    case numeric(String)

    /// A short description for error messages: the kind and a truncated value.
    public var description: String {
        switch self {
        case .null: return "NULL"
        case .integer(let v): return "integer \(v)"
        case .double(let v): return "real \(v)"
        case .bool(let v): return "bool \(v)"
        case .numeric(let v): return "numeric \(v.prefix(80))"
        case .blob(let v): return "blob of \(v.count) bytes"
        case .text(let v):
            let shown = v.count <= 40 ? v : String(v.prefix(40)) + "…"
            return "text \"\(shown)\""
        }
    }
}

/// The SQL flavour a query is rendered for.
public enum SQLDialect: Sendable, Hashable {
    /// SQLite: parameters are `?1`, `?2`, …
    case sqlite
    /// PostgreSQL: parameters are `$1`, `$2`, …
    case postgres

    /// The placeholder of the parameter at 1-based `position`.
    public func placeholder(_ position: Int) -> String {
        switch self {
        case .sqlite: return "?\(position)"
        case .postgres: return "$\(position)"
        }
    }
}
