/// Reading JSON-RPC 2.0 response envelopes: `{"jsonrpc":"2.0","id":…,"result":…}` or `{…,"error":{…}}`.
enum ResponseEnvelope {
    /// The outcome of one response object.
    enum Outcome<Value> {
        case value(Value)
        case failure(JSONRPCError)
    }

    private static let keys = JSONKeySet(["jsonrpc", "id", "result", "error"])

    /// Decodes a single response in one pass (the result is decoded where it stands, whatever the key order).
    static func decodeSingle<Value>(_ body: [UInt8], id: UInt64,
                                    _ decode: (inout JSONScanner) throws(JSONParseError) -> Value) -> Outcome<Value> {
        do throws(JSONParseError) {
            return try JSONScanner.withScanner(body) { (s: inout JSONScanner) throws(JSONParseError) -> Outcome<Value> in
                guard try s.peekByte() == UInt8(ascii: "{") else {
                    return .failure(.malformed("the response is not a JSON-RPC object (starts with \(JSONScanner.show(s.buffer, s.position)))"))
                }
                var value: Value?
                var error: JSONValue?
                var responseID: ResponseID = .missing
                try s.readObject(kind: "response", keys: keys, required: 0) { (index: Int, s: inout JSONScanner) throws(JSONParseError) in
                    switch index {
                    case 1: responseID = try readID(&s)
                    case 2: value = try decode(&s)
                    case 3: error = try s.readValue()
                    default: try s.skipValue()
                    }
                }
                try s.finish()
                if let problem = responseID.mismatch(expected: id) { return .failure(.malformed(problem)) }
                return outcome(value: value, error: error)
            }
        } catch {
            return .failure(malformed(error))
        }
    }

    /// One element of a batch response, located but not yet decoded.
    struct BatchItem {
        var id: ResponseID
        var result: Range<Int>?
        var error: JSONValue?
    }

    /// The elements of a batch response, or a single error object that answers the whole batch.
    enum BatchOutcome {
        case items([BatchItem])
        case whole(JSONRPCError)
    }

    /// Splits a batch response into its elements (results are skipped, to be decoded per element later).
    static func splitBatch(_ body: [UInt8]) -> BatchOutcome {
        do throws(JSONParseError) {
            return try JSONScanner.withScanner(body) { (s: inout JSONScanner) throws(JSONParseError) -> BatchOutcome in
                if try s.peekByte() == UInt8(ascii: "{") {
                    // Some servers answer a rejected batch with one error object.
                    let v = try s.readValue()
                    try s.finish()
                    if let e = v["error"] { return .whole(rpcError(e)) }
                    return .whole(.malformed("a batch request was answered with a single object that is not an error"))
                }
                var items: [BatchItem] = []
                if try s.beginArray() {
                    repeat {
                        var item = BatchItem(id: .missing, result: nil, error: nil)
                        try s.readObject(kind: "batch response", keys: keys, required: 0) { (index: Int, s: inout JSONScanner) throws(JSONParseError) in
                            switch index {
                            case 1: item.id = try readID(&s)
                            case 2:
                                s.skipWhitespace()
                                let start = s.position
                                try s.skipValue()
                                item.result = start..<s.position
                            case 3: item.error = try s.readValue()
                            default: try s.skipValue()
                            }
                        }
                        items.append(item)
                    } while try s.nextElement()
                }
                try s.finish()
                return .items(items)
            }
        } catch {
            return .whole(malformed(error))
        }
    }

    /// Decodes one batch element's result from its byte range.
    static func decodeItem<Value>(_ body: [UInt8], _ item: BatchItem,
                                  _ decode: (inout JSONScanner) throws(JSONParseError) -> Value) -> Outcome<Value> {
        guard let range = item.result else { return outcome(value: nil as Value?, error: item.error) }
        if item.error != nil { return outcome(value: nil as Value?, error: item.error, hasResult: true) }
        do throws(JSONParseError) {
            let value = try JSONScanner.withScanner(body, range: range) { (s: inout JSONScanner) throws(JSONParseError) -> Value in
                let v = try decode(&s)
                try s.finish()
                return v
            }
            return .value(value)
        } catch {
            return .failure(malformed(error, offset: range.lowerBound))
        }
    }

    private static func outcome<Value>(value: Value?, error: JSONValue?, hasResult: Bool = false) -> Outcome<Value> {
        switch (value, error) {
        case (.some(let v), nil): return .value(v)
        case (nil, .some(let e)) where !hasResult: return .failure(rpcError(e))
        case (.some, .some), (nil, .some):
            return .failure(.malformed("the response has both \"result\" and \"error\"", retryable: false))
        case (nil, nil): return .failure(.malformed("the response has neither \"result\" nor \"error\""))
        }
    }

    /// A JSON-RPC error object as a classified error.
    static func rpcError(_ e: JSONValue) -> JSONRPCError {
        guard let code = e["code"]?.numberValue?.int64, let c = Int(exactly: code) else {
            return .malformed("the error object has no integer \"code\": \(String(e.text.prefix(200)))", retryable: false)
        }
        return .rpc(code: c, message: e["message"]?.stringValue ?? "", data: e["data"])
    }

    static func malformed(_ e: JSONParseError, offset: Int = 0) -> JSONRPCError {
        let position = offset == 0 ? "" : " (result at byte \(offset))"
        return .malformed("invalid JSON-RPC response: \(e)\(position)", retryable: true)
    }

    /// A response id as read.
    enum ResponseID: Hashable {
        case missing
        case number(UInt64)
        case other(String)

        /// Why this id does not answer request `expected`, or nil if it does.
        func mismatch(expected: UInt64) -> String? {
            switch self {
            case .number(let n) where n == expected: return nil
            case .other(let s) where s == String(expected): return nil
            case .missing: return "the response has no \"id\" (request id \(expected))"
            case .number(let n): return "the response id \(n) does not match the request id \(expected)"
            case .other(let s): return "the response id \(s) does not match the request id \(expected)"
            }
        }

        var number: UInt64? {
            switch self {
            case .number(let n): return n
            case .other(let s): return UInt64(s)
            case .missing: return nil
            }
        }
    }

    static func readID(_ s: inout JSONScanner) throws(JSONParseError) -> ResponseID {
        switch try s.peekByte() {
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            let start = s.position
            if let n = try? s.readUInt64Number() { return .number(n) }
            s.position = start
            return .other(try s.readValue().text)
        case UInt8(ascii: "\""): return .other(try s.readString())
        default: return .other(try s.readValue().text)
        }
    }
}
