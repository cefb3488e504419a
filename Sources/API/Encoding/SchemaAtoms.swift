import HTTPServer
import Mirror

/// The JSON Schemas of the conventions in `ChainJSON.swift`, shared by every entity schema.
enum Atom {
    static let uint256 = JSONSchema.string(pattern: "^(0|[1-9][0-9]{0,77})$",
                                           description: "256-bit unsigned integer as a decimal string (may exceed 2^53)")
    static let address = JSONSchema.string(pattern: "^0x[0-9a-f]{40}$", description: "address, lowercase 0x-hex")
    static let checksummedAddress = JSONSchema.string(pattern: "^0x[0-9a-fA-F]{40}$", description: "address, EIP-55 checksummed")
    static let hash = JSONSchema.string(pattern: "^0x[0-9a-f]{64}$", description: "32-byte hash, lowercase 0x-hex")
    static let bytes = JSONSchema.string(pattern: "^0x([0-9a-f]{2})*$", description: "bytes, lowercase 0x-hex")
    static let blockNumber = JSONSchema.integer(minimum: 0, format: "int64", description: "block number")
    static let count = JSONSchema.integer(minimum: 0, description: "a count")
    static let timestamp = JSONSchema.string(format: "date-time", description: "ISO-8601 UTC time")

    /// The API names of an enum.
    static func names<E: APINamed>(_ type: E.Type, _ description: String) -> JSONSchema {
        .string(enum: E.apiNames, description: description)
    }

    /// `schema` or `null`, described.
    static func orNull(_ schema: JSONSchema, _ description: String) -> JSONSchema {
        JSONSchema.nullable(schema).described(description)
    }

    /// An object with one integer member per API name of `E` (every name present, 0 when none).
    static func counts<E: APINamed>(by type: E.Type, _ description: String) -> JSONSchema {
        .object(E.apiNames.map { ($0, Atom.count) }, description: description)
    }

    /// A property list of an object schema that is extended by others (a record and its derived values).
    typealias Properties = [(String, JSONSchema)]
}

/// The `block` member every response carries: the synced block the answer reflects, read in the same snapshot.
enum BlockJSON {
    static let name = "Block"
    static let schema = JSONSchema.object([
        ("number", Atom.blockNumber.described("the last block whose logs are applied (the sync cursor)")),
        ("hash", Atom.hash.described("that block's hash")),
    ], description: "The synced block this answer reflects: every value in the response was read in one database snapshot at this block")

    static func write(_ c: Checkpoint, to w: inout JSONWriter) {
        w.object { w in
            w.field("number", c.blockNumber)
            w.field("hash", c.blockHash)
        }
    }
}
