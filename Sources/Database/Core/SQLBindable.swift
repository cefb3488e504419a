import EthereumKit

/// A Swift value that can be a statement parameter (see `SQLBind` for how each backend stores it).
public protocol SQLBindable {
    /// The parameter value.
    var sqlBind: SQLBind { get }
}

/// A Swift value that can be read from a result column.
public protocol SQLDecodable {
    /// The value, or nil when `databaseValue` cannot represent `Self`; `DatabaseRow` then throws a `typeMismatch`
    /// error naming the column, what it holds and what was expected.
    init?(databaseValue: DatabaseValue)
}

extension SQLBind: SQLBindable {
    public var sqlBind: SQLBind { self }
}

extension DatabaseValue: SQLDecodable {
    public init?(databaseValue: DatabaseValue) { self = databaseValue }
}

extension Optional: SQLBindable where Wrapped: SQLBindable {
    /// `nil` binds NULL.
    public var sqlBind: SQLBind { self?.sqlBind ?? .null }
}

extension Optional: SQLDecodable where Wrapped: SQLDecodable {
    /// NULL reads as `nil`; anything else must decode as `Wrapped`.
    public init?(databaseValue: DatabaseValue) {
        if case .null = databaseValue { self = .none; return }
        guard let v = Wrapped(databaseValue: databaseValue) else { return nil }
        self = .some(v)
    }
}

// MARK: - Integers

extension Int64: SQLBindable, SQLDecodable {
    public var sqlBind: SQLBind { .integer(self) }
    /// From an integer, or a PostgreSQL integral `numeric` that fits.
    public init?(databaseValue: DatabaseValue) {
        switch databaseValue {
        case .integer(let v): self = v
        case .numeric(let text): guard let v = Int64(text) else { return nil }; self = v
        default: return nil
        }
    }
}

extension Int: SQLBindable, SQLDecodable {
    public var sqlBind: SQLBind { .integer(Int64(self)) }
    public init?(databaseValue: DatabaseValue) {
        guard let v = Int64(databaseValue: databaseValue), let i = Int(exactly: v) else { return nil }
        self = i
    }
}

extension Int32: SQLBindable, SQLDecodable {
    /// `int4` for PostgreSQL (so `pg_terminate_backend(\(pid))` resolves), INTEGER for SQLite.
    public var sqlBind: SQLBind { .int32(self) }
    public init?(databaseValue: DatabaseValue) {
        guard let v = Int64(databaseValue: databaseValue), let i = Int32(exactly: v) else { return nil }
        self = i
    }
}

extension UInt32: SQLBindable, SQLDecodable {
    public var sqlBind: SQLBind { .integer(Int64(self)) }
    public init?(databaseValue: DatabaseValue) {
        guard let v = Int64(databaseValue: databaseValue), let i = UInt32(exactly: v) else { return nil }
        self = i
    }
}

extension UInt64: SQLBindable, SQLDecodable {
    /// SQL integers are signed 64-bit: values above `Int64.max` cannot be bound (use `UInt256` for such amounts).
    public var sqlBind: SQLBind {
        guard let v = Int64(exactly: self) else {
            return .invalid("the UInt64 \(self) is above Int64.max, the largest SQL integer; bind it as UInt256 instead")
        }
        return .integer(v)
    }
    /// From a non-negative integer.
    public init?(databaseValue: DatabaseValue) {
        switch databaseValue {
        case .integer(let v): guard let u = UInt64(exactly: v) else { return nil }; self = u
        case .numeric(let text): guard let u = UInt64(text) else { return nil }; self = u
        default: return nil
        }
    }
}

// MARK: - Other scalars

extension Double: SQLBindable, SQLDecodable {
    public var sqlBind: SQLBind { .double(self) }
    /// From a real, an integer that converts exactly, or a PostgreSQL `numeric`.
    public init?(databaseValue: DatabaseValue) {
        switch databaseValue {
        case .double(let v): self = v
        case .integer(let v): guard let d = Double(exactly: v) else { return nil }; self = d
        case .numeric(let text): guard let d = Double(text) else { return nil }; self = d
        default: return nil
        }
    }
}

extension Bool: SQLBindable, SQLDecodable {
    public var sqlBind: SQLBind { .bool(self) }
    /// From a PostgreSQL `bool` or an integer 0 or 1 (SQLite's booleans).
    public init?(databaseValue: DatabaseValue) {
        switch databaseValue {
        case .bool(let v): self = v
        case .integer(0): self = false
        case .integer(1): self = true
        default: return nil
        }
    }
}

extension String: SQLBindable, SQLDecodable {
    public var sqlBind: SQLBind { .text(self) }
    /// From text only (no silent conversion of numbers or bytes).
    public init?(databaseValue: DatabaseValue) {
        guard case .text(let v) = databaseValue else { return nil }
        self = v
    }
}

extension Array: SQLBindable where Element == UInt8 {
    public var sqlBind: SQLBind { .blob(self) }
}

extension Array: SQLDecodable where Element == UInt8 {
    /// From a blob / bytea.
    public init?(databaseValue: DatabaseValue) {
        guard case .blob(let v) = databaseValue else { return nil }
        self = v
    }
}

// MARK: - Chain types

extension Address: SQLBindable, SQLDecodable {
    /// A 20-byte BLOB / bytea.
    public var sqlBind: SQLBind { .blob(bytes) }
    /// From a blob of exactly 20 bytes.
    public init?(databaseValue: DatabaseValue) {
        guard case .blob(let v) = databaseValue, let a = try? Address(bytes: v) else { return nil }
        self = a
    }
}

extension Hash32: SQLBindable, SQLDecodable {
    /// A 32-byte BLOB / bytea.
    public var sqlBind: SQLBind { .blob(bytes) }
    /// From a blob of exactly 32 bytes.
    public init?(databaseValue: DatabaseValue) {
        guard case .blob(let v) = databaseValue, let h = try? Hash32(bytes: v) else { return nil }
        self = h
    }
}

extension UInt256: SQLBindable, SQLDecodable {
    /// SQLite: a 32-byte big-endian BLOB; PostgreSQL: `numeric` (store it in `NUMERIC(78,0)`).
    public var sqlBind: SQLBind { .uint256(self) }
    /// From a 32-byte blob (SQLite), an integral `numeric` (PostgreSQL) or a non-negative integer (`COUNT`, literals).
    public init?(databaseValue: DatabaseValue) {
        switch databaseValue {
        case .blob(let v):
            guard v.count == 32, let u = UInt256(bigEndian: v) else { return nil }
            self = u
        case .numeric(let text):
            guard let u = UInt256(decimal: text) else { return nil }
            self = u
        case .integer(let v):
            guard v >= 0 else { return nil }
            self = UInt256(UInt64(v))
        default: return nil
        }
    }
}
