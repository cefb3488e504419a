import Foundation

/// A SQL statement whose interpolated values are bound parameters, never text.
///
/// ```swift
/// let q: SQLQuery = "SELECT * FROM asks WHERE market_id = \(marketID) AND price <= \(maxPrice)"
/// // SQLite:     SELECT * FROM asks WHERE market_id = ?1 AND price <= ?2
/// // PostgreSQL: SELECT * FROM asks WHERE market_id = $1 AND price <= $2
/// ```
///
/// Every `\(value)` must be `SQLBindable` and becomes a parameter, so `"'; DROP TABLE x; --"` stays data.
/// Three escapes exist for what parameters cannot express:
/// - `\(identifier: name)` inserts a double-quoted identifier (quotes inside are doubled);
/// - `\(unsafeRaw: text)` inserts SQL text verbatim — only for trusted constants, never for input;
/// - `\(otherQuery)` splices another `SQLQuery` with its own parameters (for composed WHERE clauses);
/// - `\(list: values)` binds each element: `IN (\(list: ids))` → `IN (?1, ?2, ?3)` (an empty list renders `NULL`,
///   so `x IN (NULL)` matches nothing).
public struct SQLQuery: Sendable, Hashable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// The SQL text around the parameters: `parts.count == binds.count + 1`.
    public private(set) var parts: [String]
    /// The bound values, in order of appearance.
    public private(set) var binds: [SQLBind]
    /// The pre-rendered text when the query was made from a `SQLTemplate` (dropped by `append`).
    private var template: SQLTemplate?

    /// A statement without parameters.
    public init(stringLiteral value: String) {
        parts = [value]
        binds = []
    }

    /// A statement built by interpolation.
    public init(stringInterpolation: StringInterpolation) {
        parts = stringInterpolation.parts
        binds = stringInterpolation.binds
    }

    /// A statement from trusted text (a constant, an embedded migration). Never pass user input.
    public init(unsafeRaw sql: String) {
        parts = [sql]
        binds = []
    }

    /// A statement with the text of `template` and these parameter values, one per placeholder (a count that differs
    /// from `template.parameterCount` fails when the statement runs, as a misuse). Running it does not render the
    /// text again: use this for statements run many times, such as batch inserts.
    public init(_ template: SQLTemplate, binds: [SQLBind]) {
        parts = template.parts
        self.binds = binds
        self.template = template
    }

    /// Appends another query (text and parameters).
    public mutating func append(_ other: SQLQuery) {
        template = nil
        parts[parts.count - 1] += other.parts[0]
        parts.append(contentsOf: other.parts.dropFirst())
        binds.append(contentsOf: other.binds)
    }

    /// The concatenation of two queries.
    public static func + (lhs: SQLQuery, rhs: SQLQuery) -> SQLQuery {
        var q = lhs
        q.append(rhs)
        return q
    }

    /// The statement text with the dialect's placeholders.
    public func sql(for dialect: SQLDialect) -> String {
        if let template { return template.sql(for: dialect) }
        return Self.render(parts, for: dialect)
    }

    /// Joins `parts` with the dialect's placeholders `1…parts.count - 1`.
    static func render(_ parts: [String], for dialect: SQLDialect) -> String {
        if parts.count == 1 { return parts[0] }
        var text = parts[0]
        for i in 1..<parts.count {
            text += dialect.placeholder(i)
            text += parts[i]
        }
        return text
    }

    /// The SQLite rendering (for logs and errors; values are never included).
    public var description: String { sql(for: .sqlite) }

    /// Equal text and equal parameters (however the query was built).
    public static func == (a: SQLQuery, b: SQLQuery) -> Bool { a.parts == b.parts && a.binds == b.binds }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(parts)
        hasher.combine(binds)
    }

    /// Collects literal text and parameters.
    public struct StringInterpolation: StringInterpolationProtocol {
        var parts: [String] = [""]
        var binds: [SQLBind] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            parts.reserveCapacity(interpolationCount + 1)
            binds.reserveCapacity(interpolationCount)
        }

        /// Literal SQL text.
        public mutating func appendLiteral(_ literal: String) {
            parts[parts.count - 1] += literal
        }

        /// A bound parameter.
        public mutating func appendInterpolation(_ value: some SQLBindable) {
            binds.append(value.sqlBind)
            parts.append("")
        }

        /// A bound parameter that may be NULL (`nil` binds NULL).
        public mutating func appendInterpolation<T: SQLBindable>(_ value: T?) {
            binds.append(value?.sqlBind ?? .null)
            parts.append("")
        }

        /// Each element as its own parameter, separated by commas (`NULL` when empty).
        public mutating func appendInterpolation<S: Sequence>(list values: S) where S.Element: SQLBindable {
            var first = true
            for v in values {
                if !first { appendLiteral(", ") }
                appendInterpolation(v)
                first = false
            }
            if first { appendLiteral("NULL") }
        }

        /// A double-quoted identifier (table or column name); embedded quotes are doubled.
        public mutating func appendInterpolation(identifier name: String) {
            appendLiteral("\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"")
        }

        /// Trusted SQL text inserted verbatim. Only for constants chosen by the program, never for input.
        public mutating func appendInterpolation(unsafeRaw sql: String) {
            appendLiteral(sql)
        }

        /// Another query, with its parameters.
        public mutating func appendInterpolation(_ query: SQLQuery) {
            parts[parts.count - 1] += query.parts[0]
            parts.append(contentsOf: query.parts.dropFirst())
            binds.append(contentsOf: query.binds)
        }
    }
}

/// A statement text with parameter slots, rendered once for both dialects and reused with different values through
/// `SQLQuery(template, binds:)` — for statements run many times (batch inserts), where rendering the text for every
/// run would cost more than binding. Build it from trusted text only (table and column names chosen by the program).
///
/// ```swift
/// let insert = SQLTemplate(parts: ["INSERT INTO t (a, b) VALUES (", ", ", ")"])   // 2 parameters
/// try db.execute(SQLQuery(insert, binds: [1.sqlBind, "x".sqlBind]))
/// ```
public final class SQLTemplate: Sendable, Hashable, CustomStringConvertible {
    /// The SQL text around the parameters: `parts.count == parameterCount + 1`.
    public let parts: [String]
    /// The number of parameters.
    public var parameterCount: Int { parts.count - 1 }
    private let sqlite: String
    private let postgres: String

    /// A template from the text around its parameters (`parts.count - 1` parameters). Trusted text only.
    public init(parts: [String]) {
        self.parts = parts.isEmpty ? [""] : parts
        sqlite = SQLQuery.render(self.parts, for: .sqlite)
        postgres = SQLQuery.render(self.parts, for: .postgres)
    }

    /// The template of a query's text (its parameter values are ignored).
    public convenience init(_ query: SQLQuery) {
        self.init(parts: query.parts)
    }

    /// The text with the dialect's placeholders.
    public func sql(for dialect: SQLDialect) -> String {
        switch dialect {
        case .sqlite: return sqlite
        case .postgres: return postgres
        }
    }

    public var description: String { sqlite }

    public static func == (a: SQLTemplate, b: SQLTemplate) -> Bool { a.parts == b.parts }

    public func hash(into hasher: inout Hasher) { hasher.combine(parts) }
}
