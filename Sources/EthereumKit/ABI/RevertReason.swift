/// Why a call reverted, decoded from its revert data.
///
/// Solidity reverts with `Error(string)` (`require(cond, "msg")`, `revert("msg")`), `Panic(uint256)` (assert,
/// overflow, division by zero, bad array index, …), a custom error (`revert CannotBeZero()`), or no data at all
/// (`revert()`, `require(cond)` without a message, out of gas, a call to a non-contract). `description` is one
/// sentence for people and logs.
public enum RevertReason: Hashable, Sendable, CustomStringConvertible {
    /// No revert data.
    case empty
    /// `Error(string)` with its message.
    case error(String)
    /// `Panic(uint256)` with its code.
    case panic(UInt256)
    /// A custom error from the given ABI, with its decoded arguments.
    case custom(ABICustomError, [ABIValue])
    /// A known selector (`Error`, `Panic` or a custom error) whose arguments do not decode.
    case malformed(selector: ABISelector, name: String, problem: String)
    /// Data that starts with a selector nobody here knows (or is shorter than 4 bytes).
    case unknown([UInt8])

    /// The selector of `Error(string)`: `0x08c379a0`.
    public static let errorSelector = ABISelector(rawValue: 0x08c3_79a0)
    /// The selector of `Panic(uint256)`: `0x4e487b71`.
    public static let panicSelector = ABISelector(rawValue: 0x4e48_7b71)

    /// Decodes revert data. Never throws: anything that does not decode is `.malformed` or `.unknown`.
    /// - Parameter abi: custom errors to look the selector up in (optional).
    public init(data: [UInt8], abi: ContractABI? = nil) {
        guard !data.isEmpty else { self = .empty; return }
        guard let selector = ABISelector(prefixOf: data) else { self = .unknown(data); return }
        let body = Array(data.dropFirst(4))
        switch selector {
        case RevertReason.errorSelector:
            do {
                let values = try ABIDecoder.decode(types: [.string], data: body)
                self = values[0].stringValue.map(RevertReason.error) ?? .unknown(data)
            } catch let e as ABIError {
                self = .malformed(selector: selector, name: "Error(string)", problem: e.message)
            } catch {
                self = .unknown(data)
            }
        case RevertReason.panicSelector:
            do {
                let values = try ABIDecoder.decode(types: [.uint(256)], data: body)
                self = values[0].uintValue.map(RevertReason.panic) ?? .unknown(data)
            } catch let e as ABIError {
                self = .malformed(selector: selector, name: "Panic(uint256)", problem: e.message)
            } catch {
                self = .unknown(data)
            }
        default:
            guard let custom = abi?.error(selector: selector) else { self = .unknown(data); return }
            do {
                self = .custom(custom, try custom.plan.decode(body))
            } catch let e as ABIError {
                self = .malformed(selector: selector, name: custom.signature, problem: e.message)
            } catch {
                self = .unknown(data)
            }
        }
    }

    /// The meaning of a Solidity panic code, as a sentence fragment; nil for codes Solidity does not define.
    public static func panicMeaning(_ code: UInt256) -> String? {
        guard let c = code.uint64 else { return nil }
        switch c {
        case 0x00: return "generic compiler-inserted panic"
        case 0x01: return "assertion failed (assert with a false condition)"
        case 0x11: return "arithmetic overflow or underflow outside an unchecked block"
        case 0x12: return "division or modulo by zero"
        case 0x21: return "conversion of a value out of range into an enum"
        case 0x22: return "access to an incorrectly encoded storage byte array"
        case 0x31: return "pop() on an empty array"
        case 0x32: return "array index out of bounds"
        case 0x41: return "too much memory allocated or an array too large"
        case 0x51: return "call to a zero-initialized internal function variable"
        default: return nil
        }
    }

    /// One sentence explaining the revert.
    public var description: String {
        switch self {
        case .empty:
            return "reverted without data (revert(), require without a message, out of gas, or a call to an account without code)"
        case .error(let message):
            return "reverted with Error(string): \(ABIJSON.quote(message))"
        case .panic(let code):
            let hex = "0x" + String(code.hexQuantity.dropFirst(2)).leftPadded(to: 2)
            if let meaning = RevertReason.panicMeaning(code) {
                return "reverted with Panic(\(hex)): \(meaning)"
            }
            return "reverted with Panic(\(hex)), a code Solidity does not define"
        case .custom(let error, let values):
            let args = zip(error.inputs, values).map { p, v in p.name.isEmpty ? v.description : "\(p.name)=\(v)" }
            return "reverted with custom error \(error.name)(\(args.joined(separator: ", ")))"
        case .malformed(let selector, let name, let problem):
            return "reverted with \(name) (selector \(selector)) but its arguments do not decode: \(problem)"
        case .unknown(let data):
            if let selector = ABISelector(prefixOf: data) {
                return "reverted with unknown error selector \(selector) and \(data.count - 4) bytes of arguments; add the contract's error definitions to the ABI to decode it"
            }
            return "reverted with \(data.count) bytes of data (\(Hex.encode(data))), too short for an error selector"
        }
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
