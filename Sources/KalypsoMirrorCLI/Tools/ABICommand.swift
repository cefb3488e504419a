import EthereumKit
import Foundation

/// `kalypso-mirror abi encode|decode|event`: ABI encoding and decoding from the command line (like `cast`).
enum ABICommand: CLICommand {
    static let name = "abi"
    static let summary = "ABI-encode arguments, decode data to JSON, decode an event log"
    static var handlesOwnHelp: Bool { true }
    static let help = """
    Usage:
      kalypso-mirror abi encode '<types or function signature>' <args…>
      kalypso-mirror abi decode '<(types) or function signature>' <0xhex>
      kalypso-mirror abi event (--abi <file> | --event '<declaration>') --topics <t0,t1,…> [--data <0xhex>]

    Run 'kalypso-mirror abi <subcommand> --help' for details.
    """

    static let encodeHelp = """
    Usage: kalypso-mirror abi encode '<types or function signature>' <args…>

    Encodes one argument per type (standard ABI encoding) and prints 0x-hex.
    With a function signature ('transfer(address,uint256)') the 4-byte selector comes first.
    Types: '(uint256,address[])', 'uint8', '((uint256,bytes)[],bool)'.
    Arguments: integers in decimal or 0x hex; addresses, bytes and bytesN as 0x-hex (a mixed-case address must
    have a valid EIP-55 checksum); true/false; strings literally; arrays and tuples as [a,b,…] with bare or
    JSON-quoted elements, e.g. '[0xab…,0xcd…]' or '[1,["x","y"]]'.

    Examples:
      kalypso-mirror abi encode '(uint256,address[])' 5 '[0x00000000000000000000000000000000000000aa]'
      kalypso-mirror abi encode 'transfer(address,uint256)' 0x00000000000000000000000000000000000000aa 10
    """

    static let decodeHelp = """
    Usage: kalypso-mirror abi decode '<(types) or function signature>' <0xhex>

    Decodes strictly (bounds, offsets, padding, dirty bits, UTF-8) and prints ONE JSON array with a value per type:
    integers as decimal strings, bytes and bytesN as 0x-hex, addresses as lowercase 0x-hex, bools, strings,
    arrays and tuples as JSON arrays. With a function signature ('transfer(address,uint256)') the data is calldata
    and must start with that function's selector.

    Example:
      kalypso-mirror abi decode '(uint256,bool)' 0x…
    """

    static let eventHelp = """
    Usage: kalypso-mirror abi event (--abi <file> | --event '<declaration>') --topics <t0,t1,…> [--data <0xhex>]

    Decodes one log and prints JSON: {"event", "signature", "topic0", "fields": [{"name", "type", "indexed",
    "value"}]}. An indexed bytes, string, array or tuple is only present as its hash: such a field has
    "topicHash" instead of "value".
      --abi <file>      a JSON ABI (an array, or an artifact with an "abi" key); the event is found by topic0
      --event <decl>    one event instead of a file, e.g. 'Transfer(address indexed from,address indexed to,uint256 v)'
      --anonymous       with --event: the event is anonymous (no topic0)
      --topics <list>   comma-separated 32-byte topics, topic0 first
      --data <0xhex>    the log data (default: empty)
    """

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        let sub = arguments.positional()
        switch sub {
        case "encode":
            if arguments.wantsHelp { Console.out(encodeHelp); return 0 }
            return try encode(&arguments)
        case "decode":
            if arguments.wantsHelp { Console.out(decodeHelp); return 0 }
            return try decode(&arguments)
        case "event":
            if arguments.wantsHelp { Console.out(eventHelp); return 0 }
            return try event(&arguments)
        case nil:
            if arguments.wantsHelp { Console.out(help); return 0 }
            throw CLIError.usage("abi needs a subcommand: encode, decode or event; see 'kalypso-mirror abi --help'")
        case let other?:
            throw CLIError.usage("unknown abi subcommand '\(other)'; expected encode, decode or event (see 'kalypso-mirror abi --help')")
        }
    }

    /// A type list `(T1,…)` / single type, or a function signature `name(T1,…)`.
    private static func parseSpec(_ raw: String) throws -> (function: ABIFunction?, types: [ABIType]) {
        let spec = raw.filter { $0 != " " && $0 != "\t" }
        do {
            if let first = spec.first, first != "(", spec.contains("(") {
                let function = try ABIFunction(signature: spec)
                return (function, function.inputs.map(\.type))
            }
            return (nil, try ABIType.parameterList(parsing: spec))
        } catch let e as ABIError {
            throw CLIError.usage(e.message)
        }
    }

    private static func encode(_ arguments: inout Arguments) throws -> Int32 {
        let (function, types) = try parseSpec(try arguments.requiredPositional("types or function signature"))
        let words = arguments.remainingPositionals()
        try arguments.finish()
        guard words.count == types.count else {
            throw CLIError.usage("\(types.count) argument(s) expected for (\(types.map(\.description).joined(separator: ","))), got \(words.count)")
        }
        var values: [ABIValue] = []
        for (i, (word, type)) in zip(words, types).enumerated() {
            do { values.append(try ABIValue(argument: word, as: type)) } catch let e as ABIError {
                throw CLIError.usage("argument \(i + 1): \(e.message)")
            }
        }
        do {
            let bytes = try function?.encodeCall(values) ?? ABIEncoder.encode(types: types, values: values)
            Console.out(Hex.encode(bytes))
        } catch let e as ABIError {
            throw CLIError.usage(e.message)
        }
        return 0
    }

    private static func decode(_ arguments: inout Arguments) throws -> Int32 {
        let (function, types) = try parseSpec(try arguments.requiredPositional("(types) or function signature"))
        let hex = try arguments.requiredPositional("0xhex data")
        try arguments.finish()
        let data: [UInt8]
        do { data = try Hex.decode(hex) } catch let e as HexError { throw CLIError.usage("data: \(e.message)") }
        do {
            let values = try function?.decodeCall(data) ?? ABIDecoder.decode(types: types, data: data)
            Console.out(ABIValue.tuple(values).jsonText)
        } catch let e as ABIError {
            throw CLIError.usage("cannot decode: \(e.message)")
        }
        return 0
    }

    private static func event(_ arguments: inout Arguments) throws -> Int32 {
        let abiPath = try arguments.option("--abi")
        let declaration = try arguments.option("--event")
        let anonymous = arguments.flag("--anonymous")
        let topicsText = try arguments.requiredOption("--topics", "t0,t1,…")
        let dataText = try arguments.option("--data") ?? "0x"
        try arguments.finish()
        let topics: [Hash32]
        do {
            topics = try topicsText.split(separator: ",", omittingEmptySubsequences: false).map { try Hash32(hex: $0.filter { $0 != " " }) }
        } catch let e as HexError {
            throw CLIError.usage("--topics: \(e.message) (each topic is 0x and 64 hex digits, comma-separated)")
        }
        let data: [UInt8]
        do { data = try Hex.decode(dataText) } catch let e as HexError { throw CLIError.usage("--data: \(e.message)") }
        let decoded: DecodedEvent
        do {
            switch (abiPath, declaration) {
            case let (path?, nil):
                guard let contents = FileManager.default.contents(atPath: path) else {
                    throw CLIError.usage("--abi: cannot read \(path) (check the path and permissions)")
                }
                decoded = try ContractABI(json: contents).decodeLog(topics: topics, data: data)
            case let (nil, text?):
                decoded = try ABIEvent(declaration: text, anonymous: anonymous).decode(topics: topics, data: data)
            default:
                throw CLIError.usage("abi event needs exactly one of --abi <file> or --event '<declaration>'; see 'kalypso-mirror abi event --help'")
            }
        } catch let e as ABIError {
            throw CLIError.usage(e.message)
        }
        Console.out(eventJSON(decoded))
        return 0
    }

    static func eventJSON(_ decoded: DecodedEvent) -> String {
        var out = "{\"event\":" + ABIJSON.quote(decoded.name) + ",\"signature\":" + ABIJSON.quote(decoded.event.signature)
        out += ",\"topic0\":" + (decoded.event.anonymous ? "null" : "\"\(decoded.event.topic0)\"") + ",\"fields\":["
        for (i, field) in decoded.fields.enumerated() {
            if i > 0 { out += "," }
            out += "{\"name\":" + ABIJSON.quote(field.name) + ",\"type\":\"\(field.parameter.type)\",\"indexed\":\(field.parameter.indexed)"
            switch field.value {
            case .value(let v):
                out += ",\"value\":"
                v.appendJSON(to: &out)
            case .topicHash(let h):
                out += ",\"topicHash\":\"\(h)\""
            }
            out += "}"
        }
        return out + "]}"
    }
}
