import EthereumKit

/// Parameter values appended in order into flat storage — no allocation per value — for statements run many times
/// with many parameters (multi-row batch inserts).
///
/// `db.execute(template, arguments, parameters: range)` runs `template` with the values at `range` (one statement
/// of a batch). SQLite binds them in place: integers directly, bytes and text as pointers into the storage
/// (`SQLITE_STATIC`, no copy). Other backends convert them to `SQLBind`s. The encodings are those of `SQLBind`:
/// addresses and hashes are blobs, `UInt256` a 32-byte big-endian blob (SQLite) or `numeric` (PostgreSQL), booleans
/// 0/1 (SQLite) or `bool`. A `UInt64` above `Int64.max` records an invalid parameter that fails when the statement
/// runs (`.invalidParameter`), as `SQLBind.invalid` does.
///
/// Reuse one value for many batches with `removeAll()` (it keeps its capacity).
public struct SQLArguments: Sendable {
    @usableFromInline enum Kind: UInt8, Sendable { case null, integer, double, bool, text, blob, uint256, invalid }

    /// One value: its kind, and an integer (integer, double bits, bool) or a byte range of `bytes`.
    @usableFromInline struct Slot: Sendable {
        @usableFromInline var kind: Kind
        @usableFromInline var length: Int32
        @usableFromInline var word: Int64
        @inlinable init(kind: Kind, length: Int32, word: Int64) {
            self.kind = kind
            self.length = length
            self.word = word
        }
    }

    @usableFromInline var slots: [Slot] = []
    @usableFromInline var bytes: [UInt8] = []

    /// Empty arguments with room for `capacity` values and `byteCapacity` bytes of payload.
    public init(capacity: Int = 0, byteCapacity: Int = 0) {
        slots.reserveCapacity(capacity)
        bytes.reserveCapacity(byteCapacity)
    }

    /// The number of values.
    public var count: Int { slots.count }

    /// Removes every value, keeping the storage.
    public mutating func removeAll() {
        slots.removeAll(keepingCapacity: true)
        bytes.removeAll(keepingCapacity: true)
    }

    // MARK: Appending

    /// SQL NULL.
    @inlinable
    public mutating func appendNull() { slots.append(Slot(kind: .null, length: 0, word: 0)) }

    /// An integer.
    @inlinable
    public mutating func append(_ v: Int64) { slots.append(Slot(kind: .integer, length: 0, word: v)) }

    /// An integer.
    @inlinable
    public mutating func append(_ v: Int) { append(Int64(v)) }

    /// An integer; above `Int64.max` it is an invalid parameter (bind such values as `UInt256`).
    @inlinable
    public mutating func append(_ v: UInt64) {
        if let i = Int64(exactly: v) { append(i) } else { appendInvalid("the UInt64 \(v) is above Int64.max, the largest SQL integer; bind it as UInt256 instead") }
    }

    /// A float.
    public mutating func append(_ v: Double) { slots.append(Slot(kind: .double, length: 0, word: Int64(bitPattern: v.bitPattern))) }

    /// A boolean.
    @inlinable
    public mutating func append(_ v: Bool) { slots.append(Slot(kind: .bool, length: 0, word: v ? 1 : 0)) }

    /// UTF-8 text.
    @inlinable
    public mutating func append(_ v: String) {
        var text = v
        let offset = bytes.count
        text.withUTF8 { bytes.append(contentsOf: $0) }
        slots.append(Slot(kind: .text, length: Int32(bytes.count - offset), word: Int64(offset)))
    }

    /// Constant UTF-8 text.
    @inlinable
    public mutating func append(_ v: StaticString) {
        let offset = bytes.count
        v.withUTF8Buffer { bytes.append(contentsOf: $0) }
        slots.append(Slot(kind: .text, length: Int32(bytes.count - offset), word: Int64(offset)))
    }

    /// Text that `write` appends to the storage as UTF-8 (it must append valid UTF-8 and nothing else): builds text
    /// such as JSON in place, without an intermediate `String`.
    @inlinable
    public mutating func appendText(_ write: (inout [UInt8]) -> Void) {
        let offset = bytes.count
        write(&bytes)
        slots.append(Slot(kind: .text, length: Int32(bytes.count - offset), word: Int64(offset)))
    }

    /// Bytes.
    @inlinable
    public mutating func append(bytes v: [UInt8]) {
        let offset = bytes.count
        bytes.append(contentsOf: v)
        slots.append(Slot(kind: .blob, length: Int32(v.count), word: Int64(offset)))
    }

    /// Bytes from a buffer.
    public mutating func append(bytes v: UnsafeRawBufferPointer) {
        let offset = bytes.count
        bytes.append(contentsOf: v)
        slots.append(Slot(kind: .blob, length: Int32(v.count), word: Int64(offset)))
    }

    /// A blob of `count` bytes written by `fill` (which gets a zeroed buffer of exactly that size).
    public mutating func appendBlob(count: Int, _ fill: (UnsafeMutableRawBufferPointer) -> Void) {
        let offset = grow(by: count)
        bytes.withUnsafeMutableBytes { fill(UnsafeMutableRawBufferPointer(rebasing: $0[offset..<offset + count])) }
        slots.append(Slot(kind: .blob, length: Int32(count), word: Int64(offset)))
    }

    /// A 20-byte address blob.
    @inlinable
    public mutating func append(_ a: Address) {
        let offset = bytes.count
        withUnsafeBytes(of: a.hi.bigEndian) { bytes.append(contentsOf: $0) }
        withUnsafeBytes(of: (a.mid.bigEndian, a.lo.bigEndian)) { bytes.append(contentsOf: $0) }
        slots.append(Slot(kind: .blob, length: 20, word: Int64(offset)))
    }

    /// A 32-byte hash blob.
    @inlinable
    public mutating func append(_ h: Hash32) {
        let offset = bytes.count
        withUnsafeBytes(of: (h.w0.bigEndian, h.w1.bigEndian, h.w2.bigEndian, h.w3.bigEndian)) { bytes.append(contentsOf: $0) }
        slots.append(Slot(kind: .blob, length: 32, word: Int64(offset)))
    }

    /// An unsigned 256-bit integer (32-byte big-endian blob on SQLite, `numeric` on PostgreSQL).
    @inlinable
    public mutating func append(_ u: UInt256) {
        let offset = bytes.count
        withUnsafeBytes(of: (u.l3.bigEndian, u.l2.bigEndian, u.l1.bigEndian, u.l0.bigEndian)) { bytes.append(contentsOf: $0) }
        slots.append(Slot(kind: .uint256, length: 32, word: Int64(offset)))
    }

    /// Any bindable value (slower than the typed appends for addresses, hashes and amounts).
    public mutating func append(_ bind: SQLBind) {
        switch bind {
        case .null: appendNull()
        case .integer(let v): append(v)
        case .int32(let v): append(Int64(v))
        case .double(let v): append(v)
        case .bool(let v): append(v)
        case .text(let v): append(v)
        case .blob(let v): append(bytes: v)
        case .uint256(let v): append(v)
        case .invalid(let why): appendInvalid(why)
        }
    }

    /// An optional value: NULL when nil.
    @inlinable
    public mutating func append<T>(_ v: T?, _ appendValue: (inout SQLArguments, T) -> Void) {
        if let v { appendValue(&self, v) } else { appendNull() }
    }

    @usableFromInline
    mutating func appendInvalid(_ why: String) {
        let offset = bytes.count
        bytes.append(contentsOf: Array(why.utf8))
        slots.append(Slot(kind: .invalid, length: Int32(bytes.count - offset), word: Int64(offset)))
    }

    private mutating func grow(by n: Int) -> Int {
        let offset = bytes.count
        bytes.append(contentsOf: repeatElement(0, count: n))
        return offset
    }

    // MARK: Reading

    /// The value at `index` as a `SQLBind` (for backends without an in-place path, and for messages).
    public func bind(at index: Int) -> SQLBind {
        let s = slots[index]
        let range = Int(s.word)..<Int(s.word) + Int(s.length)
        switch s.kind {
        case .null: return .null
        case .integer: return .integer(s.word)
        case .double: return .double(Double(bitPattern: UInt64(bitPattern: s.word)))
        case .bool: return .bool(s.word != 0)
        case .text: return .text(String(decoding: bytes[range], as: UTF8.self))
        case .blob: return .blob(Array(bytes[range]))
        case .uint256: return .uint256(UInt256(bigEndian: bytes[range]) ?? .zero)
        case .invalid: return .invalid(String(decoding: bytes[range], as: UTF8.self))
        }
    }

    /// The values at `range` as `SQLBind`s.
    public func binds(_ range: Range<Int>) -> [SQLBind] { range.map(bind(at:)) }

    /// Calls `body` with the slots and the payload bytes (valid only inside `body`).
    func withStorage<T>(_ body: (UnsafeBufferPointer<Slot>, UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        try slots.withUnsafeBufferPointer { s in try bytes.withUnsafeBytes { b in try body(s, b) } }
    }
}

extension DatabaseConnection {
    /// Runs `template` once with the values of `arguments` at `parameters` (as many as the template has
    /// parameters) and returns the number of rows changed. The generic path converts them to `SQLBind`s;
    /// `SQLiteConnection` binds them in place.
    @discardableResult
    public func execute(_ template: SQLTemplate, _ arguments: SQLArguments, parameters: Range<Int>) throws -> Int {
        if let sqlite = self as? SQLiteConnection { return try sqlite.executeInPlace(template, arguments, parameters: parameters) }
        return try execute(SQLQuery(template, binds: arguments.binds(parameters)))
    }
}
