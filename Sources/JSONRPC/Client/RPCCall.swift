/// One JSON-RPC call and the decoder of its result: the unit `JSONRPCClient.send` and `.batch` take.
///
/// `Eth` builds the typed `eth_` calls; `RPCCall(method:params:)` with `Value == JSONValue` covers anything else.
public struct RPCCall<Value>: Sendable {
    /// The method name, e.g. `eth_getLogs`.
    public let method: String
    /// The positional parameters.
    public let params: [JSONValue]
    /// Decodes the `result` member in place.
    public let decode: @Sendable (inout JSONScanner) throws(JSONParseError) -> Value

    /// A call with a custom result decoder.
    public init(method: String, params: [JSONValue], decode: @escaping @Sendable (inout JSONScanner) throws(JSONParseError) -> Value) {
        self.method = method
        self.params = params
        self.decode = decode
    }
}

extension RPCCall where Value == JSONValue {
    /// A call whose result is parsed into a `JSONValue` tree (for methods without a typed decoder).
    public init(method: String, params: [JSONValue] = []) {
        self.init(method: method, params: params) { (s: inout JSONScanner) throws(JSONParseError) in try s.readValue() }
    }
}

extension RPCCall {
    /// The request object for this call with `id`, appended to `out`.
    func appendRequest(id: UInt64, to out: inout [UInt8]) {
        out.append(contentsOf: #"{"jsonrpc":"2.0","id":"#.utf8)
        out.append(contentsOf: String(id).utf8)
        out.append(contentsOf: #","method":"#.utf8)
        JSONValue.appendString(method, to: &out)
        out.append(contentsOf: #","params":"#.utf8)
        JSONValue.array(params).append(to: &out)
        out.append(UInt8(ascii: "}"))
    }
}
