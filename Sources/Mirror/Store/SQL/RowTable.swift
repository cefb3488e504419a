import Database

/// A table the store inserts into in batches: multi-row `INSERT … VALUES (…), (…) <tail>` statements whose texts
/// are rendered once (`SQLTemplate`) for 64, 16, 4 and 1 rows, so any number of rows takes few statements and the
/// connection's prepared-statement cache holds four per table.
struct RowTable: Sendable {
    /// The table.
    let name: String
    /// The inserted columns, in bind order.
    let columns: [String]
    /// Templates by decreasing row count.
    private let batches: [(rows: Int, template: SQLTemplate)]

    /// The row counts of the batch statements.
    static let batchSizes = [64, 16, 4, 1]

    /// - Parameter tail: what follows the VALUES list, e.g. `ON CONFLICT (a, b) DO NOTHING`.
    init(name: String, columns: [String], tail: String) {
        self.name = name
        self.columns = columns
        let head = "INSERT INTO \(name) (\(columns.joined(separator: ", "))) VALUES "
        batches = Self.batchSizes.map { ($0, SQLTemplate.rows(head: head, columns: columns.count, rows: $0, tail: " " + tail)) }
    }

    /// A table whose rows are never replaced: a second insert of the same key is a no-op.
    static func insertOnly(_ name: String, columns: [String], key: [String]) -> RowTable {
        RowTable(name: name, columns: columns, tail: "ON CONFLICT (\(key.joined(separator: ", "))) DO NOTHING")
    }

    /// Inserts `arguments.count / columns.count` rows whose values are `arguments`, row after row.
    func insert(_ arguments: SQLArguments, into db: any DatabaseConnection) throws {
        let width = columns.count
        var offset = 0
        var remaining = arguments.count / width
        for (rows, template) in batches {
            while remaining >= rows {
                let end = offset + rows * width
                try db.execute(template, arguments, parameters: offset..<end)
                offset = end
                remaining -= rows
            }
        }
    }
}

extension SQLTemplate {
    /// `head (?, ?, …), (?, ?, …)tail` with `rows` groups of `columns` parameters: a multi-row VALUES list.
    static func rows(head: String, columns: Int, rows: Int, tail: String) -> SQLTemplate {
        var parts: [String] = []
        parts.reserveCapacity(columns * rows + 1)
        parts.append(head + "(")
        for r in 0..<rows {
            for c in 0..<columns {
                if c + 1 < columns { parts.append(", ") } else { parts.append(r + 1 < rows ? "), (" : ")" + tail) }
            }
        }
        return SQLTemplate(parts: parts)
    }
}
