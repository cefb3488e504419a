import Synchronization

/// The column names of a result, shared by all its rows.
///
/// The name → index lookup is built on the first lookup by name: most readers decode by position, and building two
/// dictionaries (with lower-cased keys) for every query was a measurable part of a small query's cost.
public final class DatabaseColumns: Sendable {
    /// The names, in result order (as the server reports them: PostgreSQL folds unquoted names to lower case).
    public let names: [String]
    private struct Lookup: Sendable {
        var exact: [String: Int] = [:]
        var folded: [String: Int] = [:]
    }
    private let lookup = Mutex<Lookup?>(nil)

    /// Creates the column list of a result.
    public init(names: [String]) {
        self.names = names
    }

    /// The index of the first column named `name` (exact match first, then case-insensitive).
    public func index(of name: String) -> Int? {
        lookup.withLock { cached in
            let table: Lookup
            if let cached { table = cached } else {
                var built = Lookup()
                for (i, n) in names.enumerated() {
                    if built.exact[n] == nil { built.exact[n] = i }
                    if built.folded[n.lowercased()] == nil { built.folded[n.lowercased()] = i }
                }
                cached = built
                table = built
            }
            return table.exact[name] ?? table.folded[name.lowercased()]
        }
    }
}

/// One result row: values with typed access by column index or name.
///
/// ```swift
/// let price: UInt256 = try row.decode("price")
/// let note: String? = try row.decode("note")       // NULL → nil
/// let id = try row.decode(Int64.self, at: 0)
/// ```
/// A value that cannot be read as the requested type throws `DatabaseError` `.typeMismatch`, naming the column,
/// what it holds and what was expected; an unknown column throws `.columnNotFound` listing the columns.
public struct DatabaseRow: Sendable {
    /// The result's columns.
    public let columns: DatabaseColumns
    /// The values, one per column.
    public let values: [DatabaseValue]

    /// Creates a row.
    public init(columns: DatabaseColumns, values: [DatabaseValue]) {
        self.columns = columns
        self.values = values
    }

    /// The value at `index` decoded as `T`.
    public func decode<T: SQLDecodable>(_ type: T.Type = T.self, at index: Int) throws -> T {
        guard values.indices.contains(index) else {
            throw DatabaseError(.columnNotFound, "no column at index \(index): the result has \(values.count) columns \(columns.names)")
        }
        return try decodeValue(values[index], column: index)
    }

    /// The value of the column named `name` decoded as `T`.
    public func decode<T: SQLDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard let index = columns.index(of: name) else {
            throw DatabaseError(.columnNotFound, "no column named '\(name)': the result has columns \(columns.names); check the SELECT list or alias the expression with AS \(name)")
        }
        return try decodeValue(values[index], column: index)
    }

    /// The raw value of the column named `name`, nil if there is no such column.
    public subscript(name: String) -> DatabaseValue? {
        columns.index(of: name).map { values[$0] }
    }

    private func decodeValue<T: SQLDecodable>(_ value: DatabaseValue, column index: Int) throws -> T {
        guard let v = T(databaseValue: value) else {
            let name = columns.names.indices.contains(index) ? columns.names[index] : "?"
            throw DatabaseError(.typeMismatch, "column '\(name)' (index \(index)) holds \(value), which cannot be read as \(T.self); change the Swift type or cast the column in SQL")
        }
        return v
    }
}
