/// One parameter of a function, event or error: its name, type, whether it is indexed (events only), and for tuple
/// types (and arrays of tuples) the named components.
public struct ABIParameter: Hashable, Sendable {
    /// The declared name; may be empty.
    public var name: String
    /// The ABI type.
    public var type: ABIType
    /// Whether an event parameter is stored in a topic.
    public var indexed: Bool
    /// For a tuple type or an array of tuples: the members, with their names. Empty otherwise (or when unnamed).
    public var components: [ABIParameter]
    /// The Solidity type as the compiler wrote it (`struct Market`, `enum SecretType`), if the JSON ABI had one.
    public var internalType: String?

    /// Creates a parameter.
    public init(name: String = "", type: ABIType, indexed: Bool = false, components: [ABIParameter] = [], internalType: String? = nil) {
        self.name = name
        self.type = type
        self.indexed = indexed
        self.components = components
        self.internalType = internalType
    }
}

/// Canonical signatures and parameter-list plans shared by functions, events and errors.
enum ABISignature {
    static func canonical(_ name: String, _ parameters: [ABIParameter]) -> String {
        name + "(" + parameters.map(\.type.description).joined(separator: ",") + ")"
    }

    static func plan(_ parameters: [ABIParameter], of item: String) throws -> ABIDecodingPlan {
        do { return try ABIDecodingPlan(types: parameters.map(\.type)) } catch let e as ABIError {
            throw ABIError(e.code, "\(item): \(e.message)")
        }
    }
}

/// A contract function: name, inputs, outputs, state mutability, canonical signature and selector, with
/// precomputed decoding plans for its calldata and return data.
public struct ABIFunction: Hashable, Sendable {
    /// How a function may interact with state (`stateMutability` in the JSON ABI).
    public enum StateMutability: String, Hashable, Sendable {
        case pure, view, nonpayable, payable
    }

    /// The function name.
    public let name: String
    /// The parameters.
    public let inputs: [ABIParameter]
    /// The return values.
    public let outputs: [ABIParameter]
    /// `pure`, `view`, `nonpayable` or `payable`.
    public let stateMutability: StateMutability
    /// The canonical signature, e.g. `register(address,uint256,uint256,bytes)`.
    public let signature: String
    /// The first 4 bytes of keccak256(signature).
    public let selector: ABISelector
    /// The decoding plan of the inputs.
    public let inputPlan: ABIDecodingPlan
    /// The decoding plan of the outputs.
    public let outputPlan: ABIDecodingPlan

    /// Creates a function; validates all parameter types.
    public init(name: String, inputs: [ABIParameter], outputs: [ABIParameter] = [], stateMutability: StateMutability = .nonpayable) throws {
        self.name = name
        self.inputs = inputs
        self.outputs = outputs
        self.stateMutability = stateMutability
        self.signature = ABISignature.canonical(name, inputs)
        self.selector = ABISelector(signature: signature)
        self.inputPlan = try ABISignature.plan(inputs, of: "inputs of \(signature)")
        self.outputPlan = try ABISignature.plan(outputs, of: "outputs of \(signature)")
    }

    /// Parses a human-readable signature such as `transfer(address,uint256)` (no names, no outputs).
    public init(signature text: String, stateMutability: StateMutability = .nonpayable) throws {
        let (name, types) = try ABIType.signature(parsing: text)
        try self.init(name: name, inputs: types.map { ABIParameter(type: $0) }, stateMutability: stateMutability)
    }

    /// Calldata: selector ‖ encode(args).
    public func encodeCall(_ arguments: [ABIValue]) throws -> [UInt8] {
        try ABIEncoder.encodeCall(selector: selector, types: inputs.map(\.type), values: arguments)
    }

    /// Decodes calldata (selector ‖ arguments) into the input values; the selector must match.
    public func decodeCall(_ data: UnsafeRawBufferPointer) throws -> [ABIValue] {
        guard let s = ABISelector(prefixOf: data) else {
            throw ABIError(.selectorMismatch, "calldata of \(data.count) bytes is too short for the 4-byte selector of \(signature)")
        }
        guard s == selector else {
            throw ABIError(.selectorMismatch, "calldata selector \(s) is not \(selector) (\(signature))")
        }
        do {
            return try inputPlan.decode(UnsafeRawBufferPointer(rebasing: data[4...]))
        } catch let e as ABIError {
            throw ABIError(e.code, "calldata of \(signature) (offsets after the selector): \(e.message)")
        }
    }

    /// Decodes calldata held in an array; see `decodeCall(_:)`.
    public func decodeCall(_ data: [UInt8]) throws -> [ABIValue] {
        try data.withUnsafeBytes { try decodeCall($0) }
    }

    /// Decodes return data into the output values.
    public func decodeOutput(_ data: [UInt8]) throws -> [ABIValue] {
        do { return try outputPlan.decode(data) } catch let e as ABIError {
            throw ABIError(e.code, "return data of \(signature): \(e.message)")
        }
    }

    /// Encodes return values (as a contract would return them).
    public func encodeOutput(_ values: [ABIValue]) throws -> [UInt8] {
        try ABIEncoder.encode(types: outputs.map(\.type), values: values)
    }

    public static func == (a: ABIFunction, b: ABIFunction) -> Bool {
        a.name == b.name && a.inputs == b.inputs && a.outputs == b.outputs && a.stateMutability == b.stateMutability
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(signature)
        hasher.combine(inputs)
        hasher.combine(outputs)
        hasher.combine(stateMutability)
    }
}

/// A custom error declared in a contract (`error CannotBeZero();`), with its selector and decoding plan.
///
/// (Named `ABICustomError` because `ABIError` is the error type this module throws.)
public struct ABICustomError: Hashable, Sendable {
    /// The error name.
    public let name: String
    /// The parameters.
    public let inputs: [ABIParameter]
    /// The canonical signature, e.g. `MustBeAnEnclave(bytes32)`.
    public let signature: String
    /// The first 4 bytes of keccak256(signature): how the revert data starts.
    public let selector: ABISelector
    /// The decoding plan of the parameters.
    public let plan: ABIDecodingPlan

    /// Creates an error definition; validates the parameter types.
    public init(name: String, inputs: [ABIParameter]) throws {
        self.name = name
        self.inputs = inputs
        self.signature = ABISignature.canonical(name, inputs)
        self.selector = ABISelector(signature: signature)
        self.plan = try ABISignature.plan(inputs, of: "error \(signature)")
    }

    /// Parses a signature such as `InsufficientBalance(uint256,uint256)`.
    public init(signature text: String) throws {
        let (name, types) = try ABIType.signature(parsing: text)
        try self.init(name: name, inputs: types.map { ABIParameter(type: $0) })
    }

    /// Revert data: selector ‖ encode(args).
    public func encode(_ arguments: [ABIValue]) throws -> [UInt8] {
        try ABIEncoder.encodeCall(selector: selector, types: inputs.map(\.type), values: arguments)
    }

    /// Decodes revert data (selector ‖ arguments); the selector must match.
    public func decode(_ data: [UInt8]) throws -> [ABIValue] {
        guard let s = ABISelector(prefixOf: data), s == selector else {
            throw ABIError(.selectorMismatch, "revert data does not start with the selector \(selector) of \(signature)")
        }
        do { return try plan.decode(Array(data.dropFirst(4))) } catch let e as ABIError {
            throw ABIError(e.code, "revert data of \(signature) (offsets after the selector): \(e.message)")
        }
    }

    public static func == (a: ABICustomError, b: ABICustomError) -> Bool { a.name == b.name && a.inputs == b.inputs }
    public func hash(into hasher: inout Hasher) { hasher.combine(signature); hasher.combine(inputs) }
}
