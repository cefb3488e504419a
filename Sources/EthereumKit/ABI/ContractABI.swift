import Foundation

/// A contract's ABI: its functions, events and custom errors, with lookups by name, selector and topic0.
///
/// Overloads are allowed: several functions or events may share a name (e.g. the two `AskCreated` generations), and
/// even a topic0 (ERC-20 and ERC-721 `Transfer` differ only in which parameters are indexed); `decodeLog` then picks
/// the candidate whose topic count fits.
public struct ContractABI: Sendable {
    /// The functions, in document order.
    public let functions: [ABIFunction]
    /// The events, in document order.
    public let events: [ABIEvent]
    /// The custom errors, in document order.
    public let errors: [ABICustomError]
    /// The constructor's parameters, if the ABI declares a constructor.
    public let constructorInputs: [ABIParameter]?
    /// Whether the ABI declares a `fallback` function.
    public let hasFallback: Bool
    /// Whether the ABI declares a `receive` function.
    public let hasReceive: Bool

    private let functionsBySelector: [ABISelector: Int]
    /// (topic0, event index), sorted by topic0: a binary search beats hashing 32 bytes for a handful of events.
    private let topicTable: [(topic0: Hash32, index: Int)]
    private let errorsBySelector: [ABISelector: Int]

    /// Creates an ABI from its items.
    /// - Throws: `ABIError` (`.invalidJSON`) if two functions or two errors share a selector.
    public init(functions: [ABIFunction] = [], events: [ABIEvent] = [], errors: [ABICustomError] = [],
                constructorInputs: [ABIParameter]? = nil, hasFallback: Bool = false, hasReceive: Bool = false) throws {
        self.functions = functions
        self.events = events
        self.errors = errors
        self.constructorInputs = constructorInputs
        self.hasFallback = hasFallback
        self.hasReceive = hasReceive
        var bySelector: [ABISelector: Int] = [:]
        for (i, f) in functions.enumerated() {
            if let j = bySelector[f.selector], functions[j].signature != f.signature {
                throw ABIError(.invalidJSON, "functions \(functions[j].signature) and \(f.signature) share the selector \(f.selector)")
            }
            if bySelector[f.selector] == nil { bySelector[f.selector] = i }
        }
        let table = events.enumerated().filter { !$0.element.anonymous }.map { (topic0: $0.element.topic0, index: $0.offset) }
        var errorSelectors: [ABISelector: Int] = [:]
        for (i, e) in errors.enumerated() {
            if let j = errorSelectors[e.selector], errors[j].signature != e.signature {
                throw ABIError(.invalidJSON, "errors \(errors[j].signature) and \(e.signature) share the selector \(e.selector)")
            }
            if errorSelectors[e.selector] == nil { errorSelectors[e.selector] = i }
        }
        self.functionsBySelector = bySelector
        self.topicTable = table.sorted { ($0.topic0, $0.index) < ($1.topic0, $1.index) }
        self.errorsBySelector = errorSelectors
    }

    // MARK: Lookups

    /// The functions called `name` (several when overloaded).
    public func functions(named name: String) -> [ABIFunction] { functions.filter { $0.name == name } }
    /// The function with this selector.
    public func function(selector: ABISelector) -> ABIFunction? { functionsBySelector[selector].map { functions[$0] } }
    /// The function with this canonical signature.
    public func function(signature: String) -> ABIFunction? { functions.first { $0.signature == signature } }
    /// The events called `name` (several when overloaded).
    public func events(named name: String) -> [ABIEvent] { events.filter { $0.name == name } }
    /// The non-anonymous events with this topic0 (usually one).
    public func events(topic0: Hash32) -> [ABIEvent] { candidates(topic0).map { events[$0.index] } }
    /// The first non-anonymous event with this topic0.
    public func event(topic0: Hash32) -> ABIEvent? { candidates(topic0).first.map { events[$0.index] } }

    /// The table entries whose topic0 equals `topic0` (binary search).
    private func candidates(_ topic0: Hash32) -> ArraySlice<(topic0: Hash32, index: Int)> {
        var low = 0, high = topicTable.count
        while low < high {
            let mid = (low + high) / 2
            if topicTable[mid].topic0 < topic0 { low = mid + 1 } else { high = mid }
        }
        var end = low
        while end < topicTable.count && topicTable[end].topic0 == topic0 { end += 1 }
        return topicTable[low..<end]
    }
    /// The event with this canonical signature.
    public func event(signature: String) -> ABIEvent? { events.first { $0.signature == signature } }
    /// The errors called `name`.
    public func errors(named name: String) -> [ABICustomError] { errors.filter { $0.name == name } }
    /// The custom error with this selector.
    public func error(selector: ABISelector) -> ABICustomError? { errorsBySelector[selector].map { errors[$0] } }

    // MARK: Decoding

    /// Decodes a log by its topic0. If several events share the topic0, the one whose topic count matches is used.
    /// - Throws: `ABIError` `.unknownItem` for no topics or an unknown topic0 (anonymous events cannot be looked up;
    ///   decode them with `ABIEvent.decode`), otherwise the event's decoding errors.
    public func decodeLog(topics: [Hash32], data: UnsafeRawBufferPointer) throws -> DecodedEvent {
        guard let t0 = topics.first else {
            throw ABIError(.unknownItem, "a log without topics is an anonymous event; decode it with its ABIEvent")
        }
        let found = candidates(t0)
        guard let first = found.first else {
            throw ABIError(.unknownItem, "no event in the ABI has topic0 \(t0)")
        }
        if found.count == 1 { return try events[first.index].decode(topics: topics, data: data) }
        let fitting = found.first { events[$0.index].topicCount == topics.count } ?? first
        return try events[fitting.index].decode(topics: topics, data: data)
    }

    /// Decodes a log whose data is held in an array.
    public func decodeLog(topics: [Hash32], data: [UInt8]) throws -> DecodedEvent {
        try data.withUnsafeBytes { try decodeLog(topics: topics, data: $0) }
    }

    /// Decodes calldata by its selector: the function and its arguments.
    public func decodeCall(_ data: [UInt8]) throws -> (function: ABIFunction, arguments: [ABIValue]) {
        guard let s = ABISelector(prefixOf: data) else {
            throw ABIError(.selectorMismatch, "calldata of \(data.count) bytes has no 4-byte selector")
        }
        guard let f = function(selector: s) else {
            throw ABIError(.unknownItem, "no function in the ABI has selector \(s)")
        }
        return (f, try f.decodeCall(data))
    }

    /// Explains revert data, using this ABI's custom errors.
    public func decodeRevert(_ data: [UInt8]) -> RevertReason { RevertReason(data: data, abi: self) }
}

// MARK: - JSON ABI

extension ContractABI {
    /// Parses a JSON ABI: an array of items, or an object with an `abi` array (Hardhat/Foundry artifacts).
    ///
    /// Functions (inputs, outputs, `stateMutability`, or the legacy `constant`/`payable`), events (`indexed`,
    /// `anonymous`), errors, and tuple `components` at any depth (`tuple`, `tuple[]`, `tuple[2][]`) are read;
    /// `constructor`, `fallback` and `receive` are recorded; an item without `type` is a function.
    /// - Throws: `ABIError` (`.invalidJSON`) naming the item and what is wrong.
    public init(json data: Data) throws {
        let root: Any
        do { root = try JSONSerialization.jsonObject(with: data) } catch {
            throw ABIError(.invalidJSON, "the JSON ABI is not valid JSON (\(error.localizedDescription))")
        }
        let items: [Any]
        if let array = root as? [Any] {
            items = array
        } else if let object = root as? [String: Any], let array = object["abi"] as? [Any] {
            items = array
        } else {
            throw ABIError(.invalidJSON, "a JSON ABI must be an array of items (or an artifact object with an \"abi\" array)")
        }
        var functions: [ABIFunction] = [], events: [ABIEvent] = [], errors: [ABICustomError] = []
        var constructor: [ABIParameter]?
        var fallback = false, receive = false
        for (index, item) in items.enumerated() {
            guard let object = item as? [String: Any] else {
                throw ABIError(.invalidJSON, "ABI item #\(index) is not a JSON object")
            }
            let kind = object["type"] as? String ?? "function"
            let name = object["name"] as? String ?? ""
            let place = "ABI item #\(index) (\(kind) \(name))"
            func parameters(_ key: String) throws -> [ABIParameter] {
                guard let raw = object[key] else { return [] }
                guard let list = raw as? [Any] else { throw ABIError(.invalidJSON, "\(place): \"\(key)\" must be an array") }
                return try list.enumerated().map { try ContractABI.parameter($0.element, place: "\(place) \(key)[\($0.offset)]", depth: 0) }
            }
            func named() throws -> String {
                guard ABITypeParser.isIdentifier(name) else {
                    throw ABIError(.invalidJSON, "\(place): \"name\" must be an identifier")
                }
                return name
            }
            do {
                switch kind {
                case "function":
                    functions.append(try ABIFunction(name: named(), inputs: parameters("inputs"), outputs: parameters("outputs"),
                                                     stateMutability: try ContractABI.mutability(object, place: place)))
                case "event":
                    guard object["anonymous"] == nil || object["anonymous"] is Bool else {
                        throw ABIError(.invalidJSON, "\(place): \"anonymous\" must be true or false")
                    }
                    events.append(try ABIEvent(name: named(), inputs: parameters("inputs"), anonymous: (object["anonymous"] as? Bool) ?? false))
                case "error":
                    errors.append(try ABICustomError(name: named(), inputs: parameters("inputs")))
                case "constructor":
                    constructor = try parameters("inputs")
                case "fallback":
                    fallback = true
                case "receive":
                    receive = true
                default:
                    throw ABIError(.invalidJSON, "\(place): unknown item type \"\(kind)\" (expected function, event, error, constructor, fallback or receive)")
                }
            } catch let e as ABIError where e.code != .invalidJSON {
                throw ABIError(.invalidJSON, "\(place): \(e.message)")
            }
        }
        try self.init(functions: functions, events: events, errors: errors, constructorInputs: constructor, hasFallback: fallback, hasReceive: receive)
    }

    /// Parses a JSON ABI from text.
    public init(jsonText: String) throws {
        try self.init(json: Data(jsonText.utf8))
    }

    private static func mutability(_ object: [String: Any], place: String) throws -> ABIFunction.StateMutability {
        if let raw = object["stateMutability"] {
            guard let s = raw as? String, let m = ABIFunction.StateMutability(rawValue: s) else {
                throw ABIError(.invalidJSON, "\(place): stateMutability must be pure, view, nonpayable or payable")
            }
            return m
        }
        if object["constant"] as? Bool == true { return .view }
        if object["payable"] as? Bool == true { return .payable }
        return .nonpayable
    }

    static func parameter(_ raw: Any, place: String, depth: Int) throws -> ABIParameter {
        guard depth <= ABIType.maxNestingDepth else {
            throw ABIError(.invalidJSON, "\(place): components nested deeper than \(ABIType.maxNestingDepth) levels")
        }
        guard let object = raw as? [String: Any] else { throw ABIError(.invalidJSON, "\(place) is not a JSON object") }
        guard let typeText = object["type"] as? String else { throw ABIError(.invalidJSON, "\(place) has no \"type\" string") }
        let name = object["name"] as? String ?? ""
        let indexed = object["indexed"] as? Bool ?? false
        let internalType = object["internalType"] as? String
        guard typeText.hasPrefix("tuple") else {
            if object["components"] != nil, !((object["components"] as? [Any])?.isEmpty ?? false) {
                throw ABIError(.invalidJSON, "\(place): \"components\" given for the non-tuple type \(typeText)")
            }
            do {
                return ABIParameter(name: name, type: try ABIType(parsing: typeText), indexed: indexed, internalType: internalType)
            } catch let e as ABIError {
                throw ABIError(.invalidJSON, "\(place): \(e.message)")
            }
        }
        guard let list = object["components"] as? [Any], !list.isEmpty else {
            throw ABIError(.invalidJSON, "\(place): type \(typeText) needs a non-empty \"components\" array")
        }
        let components = try list.enumerated().map { try parameter($0.element, place: "\(place).components[\($0.offset)]", depth: depth + 1) }
        // The base tuple, then the array suffixes after "tuple" (e.g. "[2][]"), parsed by the type grammar.
        let suffix = typeText.dropFirst("tuple".count)
        let base = ABIType.tuple(components.map(\.type))
        let type: ABIType
        do {
            type = try ABIType(parsing: base.description + suffix)
        } catch let e as ABIError {
            throw ABIError(.invalidJSON, "\(place): type \(typeText): \(e.message)")
        }
        return ABIParameter(name: name, type: type, indexed: indexed, components: components, internalType: internalType)
    }
}
