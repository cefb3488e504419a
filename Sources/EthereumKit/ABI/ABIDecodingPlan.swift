/// A precomputed layout for decoding one list of ABI types (a function's inputs, an event's data, …).
///
/// Build it once per descriptor (`ABIDecodingPlan(types:)` validates the types) and decode many payloads with it:
/// every node already knows its kind, size, head size and whether it is dynamic, so the decoder walks a flat array
/// and reads words straight from an `UnsafeRawBufferPointer`.
///
/// Strictness (the rules of eth-abi's strict mode, plus a bound on expansion):
/// - every word, length and byte string must lie inside the data, and `bytes`/`string` must have their zero padding;
/// - an offset must fit in the data, point behind the head of the tuple or array that holds it, and not at the end;
/// - `uintN` must have zero high bits, `intN` a correct sign extension, `address` 12 zero high bytes, `bool` be 0
///   or 1, `bytesN` zero right padding; `string` must be valid UTF-8;
/// - lengths are checked as 256-bit numbers, so values that wrap in 32 or 64 bits are rejected;
/// - trailing bytes after the encoding are allowed (as in eth-abi), non-canonical but in-bounds offsets too, as long
///   as the decoded value has at most about two values per 32-byte word of data (overlapping offsets could otherwise
///   expand a few kilobytes into gigabytes).
public struct ABIDecodingPlan: Sendable {
    @usableFromInline
    enum Kind: UInt8, Sendable {
        case uint, int, address, bool, fixedBytes, bytes, string, array, fixedArray, tuple
    }

    @usableFromInline
    struct Node: Sendable {
        var kind: Kind
        var isDynamic: Bool
        /// Bits of uintN/intN, N of bytesN, k of T[k].
        var size: Int
        /// Element node of an array.
        var element: Int32
        /// First child index (into `children`) and count of a tuple.
        var childStart: Int32
        var childCount: Int32
        /// The slot size in an enclosing head (32 if dynamic).
        var headSize: Int
        /// The size of the node's own head (tuples and fixed arrays): the sum of the members' head sizes.
        var ownHeadSize: Int
    }

    /// The layout, shared by every copy of the plan (so copying a plan or an event costs one retain).
    @usableFromInline
    final class Storage: Sendable {
        let types: [ABIType]
        @usableFromInline let nodes: [Node]
        @usableFromInline let children: [Int32]
        /// One type per node, only read to build error messages.
        let nodeTypes: [ABIType]
        /// Index (into `children`) of the top-level list.
        @usableFromInline let rootStart: Int32
        /// The total head size of the top-level list.
        @usableFromInline let headSize: Int

        init(types: [ABIType], nodes: [Node], children: [Int32], nodeTypes: [ABIType], rootStart: Int32, headSize: Int) {
            self.types = types
            self.nodes = nodes
            self.children = children
            self.nodeTypes = nodeTypes
            self.rootStart = rootStart
            self.headSize = headSize
        }
    }

    @usableFromInline let storage: Storage

    /// The types this plan decodes, in order.
    public var types: [ABIType] { storage.types }
    /// The total head size of the top-level list: the minimum data length.
    public var headSize: Int { storage.headSize }
    @usableFromInline var nodes: [Node] { storage.nodes }

    /// Builds the layout of `types`, validating each (sizes, nesting, static size).
    /// - Throws: `ABIError` (`.invalidType`) for an invalid type.
    public init(types: [ABIType]) throws {
        for t in types { try t.validate() }
        var builder = Builder()
        let roots = types.map { builder.add($0) }
        let start = Int32(builder.children.count)
        builder.children.append(contentsOf: roots)
        var head = 0
        for r in roots {
            let (s, o) = head.addingReportingOverflow(builder.nodes[Int(r)].headSize)
            guard !o, s <= ABIType.maxStaticSize else {
                throw ABIError(.invalidType, "parameter list (\(types.map(\.description).joined(separator: ",").prefix(80))) has a static size above \(ABIType.maxStaticSize) bytes")
            }
            head = s
        }
        self.storage = Storage(types: types, nodes: builder.nodes, children: builder.children, nodeTypes: builder.nodeTypes, rootStart: start, headSize: head)
    }

    private struct Builder {
        var nodes: [Node] = []
        var children: [Int32] = []
        var nodeTypes: [ABIType] = []

        mutating func add(_ type: ABIType) -> Int32 {
            let index = Int32(nodes.count)
            nodes.append(Node(kind: .uint, isDynamic: false, size: 0, element: -1, childStart: 0, childCount: 0, headSize: 32, ownHeadSize: 0))
            nodeTypes.append(type)
            var node = nodes[Int(index)]
            node.isDynamic = type.isDynamic
            switch type {
            case .uint(let bits): node.kind = .uint; node.size = bits
            case .int(let bits): node.kind = .int; node.size = bits
            case .address: node.kind = .address
            case .bool: node.kind = .bool
            case .fixedBytes(let n): node.kind = .fixedBytes; node.size = n
            case .bytes: node.kind = .bytes
            case .string: node.kind = .string
            case .array(let element):
                node.kind = .array
                node.element = add(element)
                node.ownHeadSize = nodes[Int(node.element)].headSize
            case .fixedArray(let element, let count):
                node.kind = .fixedArray
                node.size = count
                node.element = add(element)
                node.ownHeadSize = nodes[Int(node.element)].headSize * count
            case .tuple(let components):
                node.kind = .tuple
                let members = components.map { add($0) }
                node.childStart = Int32(children.count)
                node.childCount = Int32(members.count)
                children.append(contentsOf: members)
                node.ownHeadSize = members.reduce(0) { $0 + nodes[Int($1)].headSize }
            }
            node.headSize = node.isDynamic ? 32 : (node.kind == .tuple || node.kind == .fixedArray ? node.ownHeadSize : 32)
            nodes[Int(index)] = node
            return index
        }
    }

    /// Decodes a payload into one value per type.
    /// - Throws: `ABIError` naming the byte offset and type of the first violation; never traps.
    public func decode(_ data: UnsafeRawBufferPointer) throws -> [ABIValue] {
        let count = storage.types.count
        return try withReader(data) { reader in
            var out: [ABIValue] = []
            out.reserveCapacity(count)
            var head = 0
            for k in 0..<count {
                out.append(try reader.decodeRootElement(k, headPosition: &head))
            }
            return out
        }
    }

    /// Decodes a payload held in an array.
    public func decode(_ data: [UInt8]) throws -> [ABIValue] {
        try data.withUnsafeBytes { try decode($0) }
    }

    /// Runs `body` with a reader over `data` for element-by-element decoding (used by event and call decoders to
    /// fill their own arrays without an intermediate one).
    @inlinable
    func withReader<R>(_ data: UnsafeRawBufferPointer, _ body: (inout ABIReader) throws -> R) throws -> R {
        let storage = self.storage
        return try storage.nodes.withUnsafeBufferPointer { nodes in
            try storage.children.withUnsafeBufferPointer { children in
                var reader = ABIReader(plan: storage, raw: data, nodes: nodes, children: children)
                return try body(&reader)
            }
        }
    }
}

/// The decoding walk over one payload. Node and child indices come from the plan, so they are always in range.
@usableFromInline
struct ABIReader {
    @usableFromInline let plan: ABIDecodingPlan.Storage
    @usableFromInline let raw: UnsafeRawBufferPointer
    @usableFromInline let nodes: UnsafeBufferPointer<ABIDecodingPlan.Node>
    @usableFromInline let children: UnsafeBufferPointer<Int32>
    /// How many more leaf values and array headers may be produced.
    @usableFromInline var budget: Int

    @usableFromInline
    init(plan: ABIDecodingPlan.Storage, raw: UnsafeRawBufferPointer, nodes: UnsafeBufferPointer<ABIDecodingPlan.Node>, children: UnsafeBufferPointer<Int32>) {
        self.plan = plan
        self.raw = raw
        self.nodes = nodes
        self.children = children
        self.budget = 2 * (raw.count / 32) + 16
    }

    /// Decodes the `k`-th top-level value; `head` is its head position and advances past it.
    @usableFromInline
    mutating func decodeRootElement(_ k: Int, headPosition head: inout Int) throws -> ABIValue {
        let n = Int(children[Int(plan.rootStart) + k])
        let node = nodes[n]
        let value: ABIValue
        if node.isDynamic {
            let target = try pointer(at: head, base: 0, headEnd: plan.headSize, node: n)
            value = try decode(n, at: target)
        } else {
            value = try decode(n, at: head)
        }
        head += node.headSize
        return value
    }

    // MARK: Words

    @inline(__always)
    private func word(at pos: Int, node n: Int) throws -> UInt256 {
        guard pos <= raw.count - 32 else { throw insufficient(at: pos, need: 32, node: n, what: "a word") }
        return UInt256(bigEndianWordAt: pos, of: raw)
    }

    /// Reads an offset word at `pos` and returns the absolute position it points to.
    @inline(__always)
    private func pointer(at pos: Int, base: Int, headEnd: Int, node n: Int) throws -> Int {
        let w = try word(at: pos, node: n)
        guard w.l1 | w.l2 | w.l3 == 0, w.l0 < UInt64(raw.count) else {
            throw ABIError(.invalidOffset, "offset \(w) at byte \(pos) for \(typeName(n)) points past the end of the \(raw.count)-byte data")
        }
        let target = base + Int(w.l0)
        guard target >= base + headEnd else {
            throw ABIError(.invalidOffset, "offset \(w.l0) at byte \(pos) for \(typeName(n)) points into the head (bytes \(base)..<\(base + headEnd)); a tail must come after the head")
        }
        guard target < raw.count else {
            throw ABIError(.invalidOffset, "offset \(w.l0) at byte \(pos) for \(typeName(n)) (relative to byte \(base)) points past the end of the \(raw.count)-byte data")
        }
        return target
    }

    /// Reads a length word at `pos` that must not exceed `limit`.
    @inline(__always)
    private func length(at pos: Int, limit: Int, unit: Int, node n: Int) throws -> Int {
        let w = try word(at: pos, node: n)
        guard w.l1 | w.l2 | w.l3 == 0, w.l0 <= UInt64(limit) else {
            let room = unit == 1 ? "\(limit) bytes" : "\(limit) element slots of \(unit) bytes"
            throw ABIError(.invalidLength, "length \(w) at byte \(pos) for \(typeName(n)) exceeds the data: the remaining \(max(raw.count - pos - 32, 0)) bytes hold at most \(room)")
        }
        return Int(w.l0)
    }

    @inline(__always)
    private mutating func spend(_ units: Int, at pos: Int, node n: Int) throws {
        budget -= units
        guard budget >= 0 else {
            throw ABIError(.excessiveExpansion, "decoding \(typeName(n)) at byte \(pos) would produce more values than the \(raw.count)-byte data can hold; offsets overlap (non-canonical or malicious encoding)")
        }
    }

    // MARK: Values

    @usableFromInline
    mutating func decode(_ n: Int, at pos: Int) throws -> ABIValue {
        let node = nodes[n]
        switch node.kind {
        case .uint, .int, .address, .bool, .fixedBytes:
            try spend(1, at: pos, node: n)
            let w = try word(at: pos, node: n)
            return try ABIReader.value(of: w, kind: node.kind, size: node.size) { problem in
                ABIError(problem.code, "\(typeName(n)) word at byte \(pos): \(problem.message)")
            }
        case .bytes, .string:
            try spend(1, at: pos, node: n)
            let start = pos + 32
            let count = try length(at: pos, limit: max(raw.count - start, 0), unit: 1, node: n)
            let padded = (count + 31) & ~31
            guard padded <= raw.count - start else {
                throw insufficient(at: start, need: padded, node: n, what: "\(count) bytes and their padding to \(padded)")
            }
            for i in (start + count)..<(start + padded) where raw[i] != 0 {
                throw ABIError(.nonZeroPadding, "non-zero padding byte 0x\(String(raw[i], radix: 16)) at byte \(i) after the \(count)-byte \(typeName(n)) at byte \(pos)")
            }
            let body = UnsafeRawBufferPointer(rebasing: raw[start..<(start + count)])
            if node.kind == .bytes { return .bytes([UInt8](body)) }
            guard let s = String(validating: body, as: UTF8.self) else {
                throw ABIError(.invalidUTF8, "the \(count)-byte string at byte \(pos) is not valid UTF-8 (\(ABIReader.firstInvalidUTF8(body).map { "first bad byte at \(start + $0)" } ?? "invalid sequence"))")
            }
            return .string(s)
        case .array:
            try spend(1, at: pos, node: n)
            let elementHead = max(nodes[Int(node.element)].headSize, 32)
            let start = pos + 32
            let count = try length(at: pos, limit: max(raw.count - start, 0) / elementHead, unit: elementHead, node: n)
            try spend(count, at: pos, node: n)
            budget += count  // only a bound check: the elements spend their own units
            return .array(try sequence(element: Int(node.element), count: count, base: start, node: n))
        case .fixedArray:
            return .array(try sequence(element: Int(node.element), count: node.size, base: pos, node: n))
        case .tuple:
            var out: [ABIValue] = []
            out.reserveCapacity(Int(node.childCount))
            var head = pos
            let headEnd = node.ownHeadSize
            for c in 0..<Int(node.childCount) {
                let child = Int(children[Int(node.childStart) + c])
                let childNode = nodes[child]
                if childNode.isDynamic {
                    out.append(try decode(child, at: pointer(at: head, base: pos, headEnd: headEnd, node: child)))
                } else {
                    out.append(try decode(child, at: head))
                }
                head += childNode.headSize
            }
            return .tuple(out)
        }
    }

    private mutating func sequence(element e: Int, count: Int, base: Int, node n: Int) throws -> [ABIValue] {
        let element = nodes[e]
        let headEnd = element.headSize * count
        if base > raw.count - headEnd {
            throw insufficient(at: base, need: headEnd, node: n, what: "\(count) element slots of \(element.headSize) bytes")
        }
        var out: [ABIValue] = []
        out.reserveCapacity(count)
        var head = base
        for _ in 0..<count {
            if element.isDynamic {
                out.append(try decode(e, at: pointer(at: head, base: base, headEnd: headEnd, node: e)))
            } else {
                out.append(try decode(e, at: head))
            }
            head += element.headSize
        }
        return out
    }

    // MARK: Word validation (shared with topic decoding)

    /// Interprets one 32-byte word as a value of an elementary static kind, rejecting dirty bits.
    @inline(__always) @usableFromInline
    static func value(of w: UInt256, kind: ABIDecodingPlan.Kind, size: Int, error: (ABIError) -> ABIError) throws -> ABIValue {
        switch kind {
        case .uint:
            if size < 256 && !(w >> size).isZero {
                throw error(ABIError(.nonZeroPadding, "value 0x\(w.hexQuantity.dropFirst(2)) has non-zero bits above bit \(size)"))
            }
            return .uint(w)
        case .int:
            let v = Int256(bitPattern: w)
            if size < 256 && !v.fits(inBits: size) {
                throw error(ABIError(.nonZeroPadding, "0x\(w.hexQuantity.dropFirst(2)) is not the sign extension of a \(size)-bit value"))
            }
            return .int(v)
        case .address:
            guard let a = Address(word: w) else {
                throw error(ABIError(.nonZeroPadding, "0x\(w.hexQuantity.dropFirst(2)) has non-zero high 12 bytes"))
            }
            return .address(a)
        case .bool:
            guard w.l1 | w.l2 | w.l3 == 0, w.l0 <= 1 else {
                throw error(ABIError(.invalidBool, "0x\(w.hexQuantity.dropFirst(2)) is neither 0 nor 1"))
            }
            return .bool(w.l0 == 1)
        default:
            // bytesN: the low 32 − N bytes must be zero.
            if size < 32 && !(w << (size * 8)).isZero {
                throw error(ABIError(.nonZeroPadding, "non-zero padding after the first \(size) bytes"))
            }
            var buffer: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
            return withUnsafeMutableBytes(of: &buffer) { raw in
                w.store(bigEndianInto: raw, at: 0)
                return .fixedBytes(Array(UnsafeRawBufferPointer(rebasing: raw[0..<size])))
            }
        }
    }

    static func firstInvalidUTF8(_ body: UnsafeRawBufferPointer) -> Int? {
        var iterator = body.makeIterator()
        var decoder = UTF8()
        var offset = 0
        var consumed = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let s): offset += UTF8.width(s); consumed = offset
            case .emptyInput: return nil
            case .error: return consumed
            }
        }
    }

    private func typeName(_ n: Int) -> String {
        let s = plan.nodeTypes[n].description
        return s.count > 80 ? String(s.prefix(80)) + "…" : s
    }

    private func insufficient(at pos: Int, need: Int, node n: Int, what: String) -> ABIError {
        ABIError(.insufficientData, "\(typeName(n)) needs \(what) at byte \(pos), but the data is \(raw.count) bytes long")
    }
}
