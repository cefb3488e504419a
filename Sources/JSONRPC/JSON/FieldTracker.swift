/// Tracks which fields of a JSON object a typed decoder has seen: rejects duplicates and reports missing fields.
public struct FieldTracker {
    /// One bit per key index of the decoder's `JSONKeySet`.
    public private(set) var seen: UInt64 = 0
    /// The offset of the object, for messages.
    public let objectStart: Int
    /// The object kind, for messages (for example `log`).
    public let kind: StaticString

    /// Starts tracking an object of `kind` that begins at `objectStart`.
    @inline(__always)
    public init(kind: StaticString, at objectStart: Int) {
        self.kind = kind
        self.objectStart = objectStart
    }

    /// Marks field `index` as seen; a second occurrence is a `.duplicateField` error.
    @inline(__always)
    public mutating func mark(_ index: Int, _ keys: JSONKeySet, at offset: Int) throws(JSONParseError) {
        let bit: UInt64 = 1 << UInt64(index)
        guard seen & bit == 0 else {
            throw JSONParseError(.duplicateField, at: offset, "\(kind) object at byte \(objectStart) has field \"\(keys.name(index))\" twice")
        }
        seen |= bit
    }

    /// Whether field `index` was seen.
    @inline(__always)
    public func has(_ index: Int) -> Bool { seen & (1 << UInt64(index)) != 0 }

    /// Throws `.missingField` naming the first field of `required` (a bit mask) that was not seen.
    @inline(__always)
    public func require(_ required: UInt64, _ keys: JSONKeySet) throws(JSONParseError) {
        let missing = required & ~seen
        guard missing != 0 else { return }
        let index = missing.trailingZeroBitCount
        throw JSONParseError(.missingField, at: objectStart, "\(kind) object at byte \(objectStart) lacks required field \"\(keys.name(index))\"")
    }

    /// A mask with the bits of `indices` set.
    public static func mask(_ indices: Int...) -> UInt64 { indices.reduce(0) { $0 | 1 << UInt64($1) } }
}

extension JSONScanner {
    /// Reads one object: for each member whose key is in `keys`, calls `member(index, &scanner)` to read its value
    /// (a key seen twice is a `.duplicateField` error); other members are skipped; afterwards every field in
    /// `required` (a bit mask of key indices) must have been seen. An empty object `{}` is allowed if `required` is 0.
    @inline(__always)
    public mutating func readObject(kind: StaticString, keys: JSONKeySet, required: UInt64,
                                    _ member: (Int, inout JSONScanner) throws(JSONParseError) -> Void) throws(JSONParseError) {
        var fields = FieldTracker(kind: kind, at: position)
        if try beginObject() {
            repeat {
                let keyOffset = position
                let key = try readKey()
                let index = keys.index(of: key, in: self)
                guard index >= 0 else { try skipValue(); continue }
                try fields.mark(index, keys, at: keyOffset)
                try member(index, &self)
            } while try nextMember()
        }
        try fields.require(required, keys)
    }
}
