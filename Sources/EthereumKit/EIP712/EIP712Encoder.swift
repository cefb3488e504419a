import Foundation

/// A JSON value inside typed data, converted once from `JSONSerialization` output.
indirect enum TypedJSON: Sendable {
    case string(String)
    /// An exact integer (decimal text), or nil text for a number that is not an exact integer.
    case number(String?)
    case bool(Bool)
    case null
    case array([TypedJSON])
    case object([String: TypedJSON])

    /// The deepest value nesting accepted.
    static let maxDepth = 64

    init(_ raw: Any, path: String, depth: Int) throws {
        guard depth <= TypedJSON.maxDepth else {
            throw EIP712Error(.invalidValue, "\(path): values nested deeper than \(TypedJSON.maxDepth) levels")
        }
        switch raw {
        case let s as String:
            self = .string(s)
        case let n as NSNumber:
            switch try? LooseValue(json: n, path: path) {
            case .bool(let b)?: self = .bool(b)
            case .integer(let text)?: self = .number(text)
            default: self = .number(nil)
            }
        case is NSNull:
            self = .null
        case let a as [Any]:
            self = .array(try a.enumerated().map { try TypedJSON($0.element, path: "\(path)[\($0.offset)]", depth: depth + 1) })
        case let o as [String: Any]:
            var out: [String: TypedJSON] = [:]
            for (k, v) in o { out[k] = try TypedJSON(v, path: "\(path).\(k)", depth: depth + 1) }
            self = .object(out)
        default:
            throw EIP712Error(.invalidValue, "\(path): not a JSON value")
        }
    }

    var kind: String {
        switch self {
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a bool"
        case .null: return "null"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// encodeData / enc() of EIP-712 over resolved types.
struct EIP712StructEncoder {
    let resolved: [String: [(name: String, type: FieldType)]]
    let typeHashes: [String: Hash32]

    /// typeHash ‖ enc(member1) ‖ … ‖ enc(memberN) for an object of struct type `name`.
    func encodeData(_ name: String, _ value: TypedJSON, path: String, depth: Int) throws -> [UInt8] {
        guard let fields = resolved[name], let typeHash = typeHashes[name] else {
            throw EIP712Error(.undefinedType, "\(path): type \"\(name)\" is not defined in types")
        }
        guard case .object(let object) = value else {
            throw EIP712Error(.invalidValue, "\(path) (\(name)): expected an object, got \(value.kind)")
        }
        for key in object.keys where !fields.contains(where: { $0.name == key }) {
            throw EIP712Error(.invalidValue, "\(path).\(key): \"\(key)\" is not a field of \(name) (fields: \(fields.map(\.name).joined(separator: ", "))); remove it or fix the type")
        }
        var out = typeHash.bytes
        out.reserveCapacity(32 * (fields.count + 1))
        for (fieldName, type) in fields {
            let word = try encode(type, object[fieldName] ?? .null, path: "\(path).\(fieldName)", depth: depth + 1)
            out.append(contentsOf: word.bytes)
        }
        return out
    }

    /// enc(value) for one member: a 32-byte word.
    func encode(_ type: FieldType, _ value: TypedJSON, path: String, depth: Int) throws -> Hash32 {
        guard depth <= TypedJSON.maxDepth else {
            throw EIP712Error(.invalidValue, "\(path): values nested deeper than \(TypedJSON.maxDepth) levels")
        }
        switch (type, value) {
        case (.structure, .null), (.bytes, .null), (.string, .null):
            return .zero
        case (.structure(let name), _):
            return Keccak256.hash(try encodeData(name, value, path: path, depth: depth))
        case (.string, .string(let s)):
            return Keccak256.hash(utf8: s)
        case (.bytes, .string(let s)):
            do { return Keccak256.hash(try Hex.decode(s)) } catch let e as HexError {
                throw EIP712Error(.invalidValue, "\(path) (bytes): \(e.message)")
            }
        case (.array(let element, let size), .array(let items)):
            if let size, items.count != size {
                throw EIP712Error(.invalidValue, "\(path): \(items.count) elements given for a fixed array of \(size)")
            }
            var words: [UInt8] = []
            words.reserveCapacity(32 * items.count)
            for (i, item) in items.enumerated() {
                words.append(contentsOf: try encode(element, item, path: "\(path)[\(i)]", depth: depth + 1).bytes)
            }
            return Keccak256.hash(words)
        case (.atomic(let abi), _):
            let loose: LooseValue
            switch value {
            case .string(let s): loose = .text(s)
            case .number(let text?): loose = .integer(text)
            case .bool(let b): loose = .bool(b)
            case .number(nil): throw EIP712Error(.invalidValue, "\(path) (\(abi)): not an exact integer; write large integers as strings")
            default: throw EIP712Error(.invalidValue, "\(path) (\(abi)): expected a value, got \(value.kind)")
            }
            do {
                return Hash32(ABIEncoder.word(try loose.convert(to: abi, path: path)))
            } catch let e as ABIError {
                throw EIP712Error(.invalidValue, e.message)
            }
        default:
            let expected: String
            switch type {
            case .array: expected = "an array"
            case .structure: expected = "an object"
            default: expected = "a string"
            }
            throw EIP712Error(.invalidValue, "\(path): expected \(expected), got \(value.kind)")
        }
    }
}
