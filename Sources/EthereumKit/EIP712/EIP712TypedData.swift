import Foundation

/// EIP-712 typed structured data, parsed from the standard JSON object (`eth_signTypedData_v4`):
/// `{types, primaryType, domain, message}`; hashes it to the digest a wallet signs:
/// `keccak256(0x19 ‖ 0x01 ‖ domainSeparator ‖ hashStruct(primaryType, message))`.
///
/// Rules (strict where implementations disagree, compatible where eth-account and MetaMask agree):
/// - `primaryType` may be omitted; it is then the unique type (other than `EIP712Domain`) that no other type
///   references, as eth-account infers it. If present it must be defined.
/// - Without an `EIP712Domain` type, one is built from the `domain` keys in the standard order
///   (`name`, `version`, `chainId`, `verifyingContract`, `salt`). With one, the domain keys must equal its fields.
/// - `encodeType` lists the primary type, then the referenced struct types sorted by name (byte order).
/// - Atomic values: integers as JSON numbers or decimal/`0x` strings (range-checked), addresses as `0x` hex (a
///   mixed-case address must have a valid EIP-55 checksum), `bool` as JSON true/false, `bytesN` as `0x` hex of
///   exactly N bytes. `bytes` must be `0x` hex; `string` must be a JSON string (a number is rejected, as ethers does).
/// - A missing or null struct, `bytes` or `string` value encodes as 32 zero bytes (eth-account and MetaMask agree);
///   a missing atomic value or array is an error. A key that is not a field of its struct is an error.
/// - A fixed-size array `T[k]` must have exactly k elements (eth-account does not check this).
public struct EIP712TypedData: Sendable {
    /// One member of a struct type.
    public struct Field: Hashable, Sendable {
        /// The member name.
        public let name: String
        /// The member type as written (`uint256`, `Person[]`, `string[3][4]`).
        public let type: String
        /// Creates a field.
        public init(name: String, type: String) { self.name = name; self.type = type }
    }

    /// The struct types, including `EIP712Domain` (built from the domain keys when the JSON has none).
    public let types: [String: [Field]]
    /// The type of `message`.
    public let primaryType: String
    /// Whether `primaryType` was missing and inferred.
    public let primaryTypeWasInferred: Bool
    /// hashStruct(EIP712Domain, domain).
    public let domainSeparator: Hash32
    /// hashStruct(primaryType, message).
    public let messageHash: Hash32
    /// keccak256(0x19 ‖ 0x01 ‖ domainSeparator ‖ messageHash): what is signed.
    public var digest: Hash32 { EIP712TypedData.digest(domainSeparator: domainSeparator, messageHash: messageHash) }

    let resolved: [String: [(name: String, type: FieldType)]]
    let typeHashes: [String: Hash32]
    let domain: TypedJSON
    let message: TypedJSON

    /// The digest for a domain separator and a struct hash: keccak256(0x19 ‖ 0x01 ‖ domainSeparator ‖ messageHash).
    public static func digest(domainSeparator: Hash32, messageHash: Hash32) -> Hash32 {
        Keccak256.hash([0x19, 0x01] + domainSeparator.bytes + messageHash.bytes)
    }

    /// Parses typed data from JSON bytes.
    /// - Throws: `EIP712Error` for malformed JSON, undefined or invalid types, values that do not fit, a domain that
    ///   does not match its type, or a primary type that is undefined or cannot be inferred.
    public init(json data: Data) throws {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: data) } catch {
            throw EIP712Error(.malformed, "typed data is not valid JSON (\(error.localizedDescription))")
        }
        try self.init(jsonObject: object)
    }

    /// Parses typed data from JSON text.
    public init(jsonText: String) throws { try self.init(json: Data(jsonText.utf8)) }

    /// Builds typed data from a parsed JSON object (as `JSONSerialization` returns it).
    public init(jsonObject: Any) throws {
        guard let root = jsonObject as? [String: Any] else {
            throw EIP712Error(.malformed, "typed data must be a JSON object with types, primaryType, domain and message")
        }
        guard let rawTypes = root["types"] as? [String: Any] else {
            throw EIP712Error(.malformed, "typed data needs a \"types\" object mapping type names to field lists")
        }
        var types: [String: [Field]] = [:]
        for (name, rawFields) in rawTypes {
            types[name] = try EIP712TypedData.fields(of: name, rawFields)
        }
        let domain = try TypedJSON(root["domain"] ?? NSNull(), path: "domain", depth: 0)
        guard case .object(let domainObject) = domain else {
            throw EIP712Error(.malformed, "typed data needs a \"domain\" object")
        }
        if let declared = types["EIP712Domain"] {
            let declaredNames = Set(declared.map(\.name)), given = Set(domainObject.keys)
            guard declaredNames == given else {
                throw EIP712Error(.domainMismatch, "the domain keys \(given.sorted()) differ from the EIP712Domain fields \(declared.map(\.name)); declare every domain value and give a value for every declared field")
            }
        } else {
            let standard: [(String, String)] = [("name", "string"), ("version", "string"), ("chainId", "uint256"), ("verifyingContract", "address"), ("salt", "bytes32")]
            for key in domainObject.keys where !standard.contains(where: { $0.0 == key }) {
                throw EIP712Error(.domainMismatch, "domain key \"\(key)\" is not a standard EIP712Domain field; declare an EIP712Domain type to use it")
            }
            types["EIP712Domain"] = standard.filter { domainObject[$0.0] != nil }.map { Field(name: $0.0, type: $0.1) }
        }
        var resolved: [String: [(name: String, type: FieldType)]] = [:]
        for (name, fields) in types {
            try EIP712TypedData.checkStructName(name)
            resolved[name] = try fields.map { ($0.name, try FieldType(parsing: $0.type, structs: types, place: "field \"\($0.name)\" of \(name)")) }
        }
        var hashes: [String: Hash32] = [:]
        for name in types.keys {
            hashes[name] = Keccak256.hash(utf8: EIP712TypedData.encodeType(name, resolved: resolved, types: types))
        }
        let (primary, inferred) = try EIP712TypedData.primaryType(root["primaryType"], resolved: resolved)
        guard let rawMessage = root["message"] else {
            throw EIP712Error(.malformed, "typed data needs a \"message\" object")
        }
        let message = try TypedJSON(rawMessage, path: "message", depth: 0)
        self.types = types
        self.primaryType = primary
        self.primaryTypeWasInferred = inferred
        self.resolved = resolved
        self.typeHashes = hashes
        self.domain = domain
        self.message = message
        self.domainSeparator = Keccak256.hash(try EIP712StructEncoder(resolved: resolved, typeHashes: hashes).encodeData("EIP712Domain", domain, path: "domain", depth: 0))
        self.messageHash = Keccak256.hash(try EIP712StructEncoder(resolved: resolved, typeHashes: hashes).encodeData(primary, message, path: "message", depth: 0))
    }

    // MARK: The EIP-712 functions

    /// encodeType: `Name(type1 name1,…)` followed by the referenced struct types sorted by name.
    public func encodeType(_ name: String) throws -> String {
        guard types[name] != nil else { throw EIP712Error(.undefinedType, "type \"\(name)\" is not defined in types") }
        return EIP712TypedData.encodeType(name, resolved: resolved, types: types)
    }

    /// typeHash = keccak256(encodeType(name)).
    public func typeHash(_ name: String) throws -> Hash32 {
        guard let h = typeHashes[name] else { throw EIP712Error(.undefinedType, "type \"\(name)\" is not defined in types") }
        return h
    }

    /// encodeData: typeHash ‖ enc(member1) ‖ … for a JSON object value of struct type `name`.
    public func encodeData(_ name: String, jsonObject value: Any) throws -> [UInt8] {
        try EIP712StructEncoder(resolved: resolved, typeHashes: typeHashes).encodeData(name, TypedJSON(value, path: name, depth: 0), path: name, depth: 0)
    }

    /// hashStruct = keccak256(encodeData(name, value)).
    public func hashStruct(_ name: String, jsonObject value: Any) throws -> Hash32 {
        Keccak256.hash(try encodeData(name, jsonObject: value))
    }

    /// encodeData of the message (the preimage of `messageHash`).
    public func encodeMessageData() throws -> [UInt8] {
        try EIP712StructEncoder(resolved: resolved, typeHashes: typeHashes).encodeData(primaryType, message, path: "message", depth: 0)
    }

    // MARK: Helpers

    private static func fields(of name: String, _ raw: Any) throws -> [Field] {
        guard let list = raw as? [Any] else {
            throw EIP712Error(.malformed, "type \"\(name)\" must be a list of {name, type} objects")
        }
        var seen = Set<String>()
        return try list.enumerated().map { index, item in
            guard let object = item as? [String: Any], let fieldName = object["name"] as? String, let fieldType = object["type"] as? String else {
                throw EIP712Error(.malformed, "field #\(index) of type \"\(name)\" must be an object with string \"name\" and \"type\"")
            }
            guard seen.insert(fieldName).inserted else {
                throw EIP712Error(.malformed, "type \"\(name)\" has two fields named \"\(fieldName)\"")
            }
            guard !fieldName.contains(where: { ",()".contains($0) }) else {
                throw EIP712Error(.invalidType, "field name \"\(fieldName)\" of type \"\(name)\" contains ',', '(' or ')', which would make encodeType ambiguous")
            }
            return Field(name: fieldName, type: fieldType)
        }
    }

    private static func checkStructName(_ name: String) throws {
        guard !name.contains(where: { "[](),".contains($0) }) else {
            throw EIP712Error(.invalidType, "struct name \"\(name)\" contains one of []() or ',', which would make encodeType ambiguous")
        }
        if let t = try? ABIType(parsing: name), t.isElementary {
            throw EIP712Error(.invalidType, "struct name \"\(name)\" is also an atomic type; rename the struct")
        }
    }

    static func encodeType(_ name: String, resolved: [String: [(name: String, type: FieldType)]], types: [String: [Field]]) -> String {
        var found = Set<String>()
        var stack = [name]
        while let next = stack.popLast() {
            for (_, type) in resolved[next] ?? [] {
                if let s = type.structName, s != name, found.insert(s).inserted { stack.append(s) }
            }
        }
        let order = [name] + found.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        return order.map { n in n + "(" + (types[n] ?? []).map { "\($0.type) \($0.name)" }.joined(separator: ",") + ")" }.joined()
    }

    private static func primaryType(_ raw: Any?, resolved: [String: [(name: String, type: FieldType)]]) throws -> (String, Bool) {
        if let raw, !(raw is NSNull) {
            guard let name = raw as? String else { throw EIP712Error(.primaryType, "primaryType must be a string") }
            guard resolved[name] != nil else {
                throw EIP712Error(.primaryType, "primaryType \"\(name)\" is not defined in types")
            }
            guard name != "EIP712Domain" else {
                throw EIP712Error(.primaryType, "primaryType must be the message type, not EIP712Domain")
            }
            return (name, false)
        }
        let candidates = resolved.keys.filter { $0 != "EIP712Domain" }
        var referenced = Set<String>()
        for (name, fields) in resolved where name != "EIP712Domain" {
            for (_, type) in fields { if let s = type.structName, s != name { referenced.insert(s) } }
        }
        let roots = candidates.filter { !referenced.contains($0) }.sorted()
        guard roots.count == 1 else {
            throw EIP712Error(.primaryType, roots.isEmpty
                ? "primaryType is missing and every type is referenced by another; add primaryType"
                : "primaryType is missing and several types could be it (\(roots.joined(separator: ", "))); add primaryType")
        }
        return (roots[0], true)
    }
}

/// A field type resolved against the struct definitions.
indirect enum FieldType: Sendable {
    /// A static elementary type (uintN, intN, address, bool, bytesN): its 32-byte ABI word.
    case atomic(ABIType)
    /// `bytes`: keccak256 of the bytes.
    case bytes
    /// `string`: keccak256 of the UTF-8.
    case string
    /// A struct: hashStruct of the value.
    case structure(String)
    /// `T[]` or `T[k]`: keccak256 of the concatenated element encodings.
    case array(FieldType, Int?)

    init(parsing text: String, structs: [String: [EIP712TypedData.Field]], place: String) throws {
        guard text.utf8.count(where: { $0 == UInt8(ascii: "[") }) <= ABIType.maxNestingDepth else {
            throw EIP712Error(.invalidType, "\(place): type \"\(text.prefix(60))…\" has more than \(ABIType.maxNestingDepth) array dimensions")
        }
        if text.hasSuffix("]"), let open = text.lastIndex(of: "[") {
            let inner = String(text[..<open])
            let size = text[text.index(after: open)..<text.index(before: text.endIndex)]
            let element = try FieldType(parsing: inner, structs: structs, place: place)
            if size.isEmpty {
                self = .array(element, nil)
                return
            }
            guard size.allSatisfy(\.isASCII), size.allSatisfy(\.isNumber), size.first != "0", size.count <= 9, let k = Int(size) else {
                throw EIP712Error(.invalidType, "\(place): array size in \"\(text)\" must be a positive integer without leading zeros")
            }
            self = .array(element, k)
            return
        }
        if structs[text] != nil {
            self = .structure(text)
            return
        }
        guard let abi = try? ABIType(parsing: text), abi.isElementary else {
            if text.contains("[") || text.contains("]") {
                throw EIP712Error(.invalidType, "\(place): malformed array type \"\(text)\"")
            }
            throw EIP712Error(.undefinedType, "\(place): type \"\(text)\" is neither an atomic type nor defined in types")
        }
        switch abi {
        case .bytes: self = .bytes
        case .string: self = .string
        default: self = .atomic(abi)
        }
    }

    /// The struct this type refers to (through any arrays), if any.
    var structName: String? {
        switch self {
        case .structure(let s): return s
        case .array(let e, _): return e.structName
        default: return nil
        }
    }
}
