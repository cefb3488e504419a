import Foundation
import Synchronization

/// A complete HTTP response to send.
public struct CannedResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Extra headers (Content-Length, Content-Encoding and Connection are added by the server).
    public var headers: [(String, String)]
    /// The body (uncompressed).
    public var body: [UInt8]
    /// Send the body gzip-encoded with `Content-Encoding: gzip`.
    public var gzip: Bool

    /// Creates a response.
    public init(status: Int = 200, headers: [(String, String)] = [], body: [UInt8], gzip: Bool = false) {
        self.status = status; self.headers = headers; self.body = body; self.gzip = gzip
    }

    /// A JSON body.
    public static func json(_ text: String, status: Int = 200, headers: [(String, String)] = [], gzip: Bool = false) -> CannedResponse {
        CannedResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: Array(text.utf8), gzip: gzip)
    }

    /// A JSON-RPC success reply: `{"jsonrpc":"2.0","id":<id>,"result":<resultJSON>}`.
    public static func rpcResult(id: String, _ resultJSON: String, gzip: Bool = false) -> CannedResponse {
        .json(#"{"jsonrpc":"2.0","id":\#(id),"result":\#(resultJSON)}"#, gzip: gzip)
    }

    /// A JSON-RPC error reply.
    public static func rpcError(id: String, code: Int, message: String, dataJSON: String? = nil, status: Int = 200) -> CannedResponse {
        let data = dataJSON.map { #","data":\#($0)"# } ?? ""
        return .json(#"{"jsonrpc":"2.0","id":\#(id),"error":{"code":\#(code),"message":\#(RecordedRequest.text(message))\#(data)}}"#, status: status)
    }

    /// The body as text.
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}

/// What the server does with one request. Compose `delay` with any other action.
public indirect enum FaultAction: Sendable {
    /// Send this response.
    case respond(CannedResponse)
    /// Forward the request to the upstream URL and relay its response unchanged.
    case forward
    /// Forward, then rewrite the upstream response before relaying it (corrupt logs, move the head backwards, …).
    case forwardTransformed(@Sendable (CannedResponse) -> CannedResponse)
    /// Wait, then act (a wait is cut short if the client hangs up or the server stops).
    case delay(Duration, then: FaultAction)
    /// Never answer; the connection stays open until the client gives up or the server stops.
    case hang
    /// Reset the connection (TCP RST) without answering.
    case reset
    /// Close the connection (FIN) without answering.
    case close
    /// Send the headers with the full Content-Length but only `keepBytes` of the body, then close.
    case truncate(CannedResponse, keepBytes: Int)
}

/// An ordered list of fault rules; the first rule that matches a request decides its action.
///
/// A rule matches on a predicate over the request (helpers: `method(_:)`, `any`), may fire a limited number of
/// times, and produces an action from the request (so canned replies can echo the JSON-RPC id). Requests no rule
/// matches get `fallback` (`.forward` when the server has an upstream, a JSON-RPC "method not found" otherwise).
public final class FaultScript: Sendable {
    /// One rule.
    public struct Rule: Sendable {
        /// Which requests it applies to.
        public var matches: @Sendable (RecordedRequest) -> Bool
        /// How many more times it may fire (nil: unlimited).
        public var remaining: Int?
        /// The action for a matching request.
        public var action: @Sendable (RecordedRequest) -> FaultAction
    }

    private let rules = Mutex<[Rule]>([])
    private let fallback: @Sendable (RecordedRequest) -> FaultAction

    /// Creates an empty script.
    public init(fallback: (@Sendable (RecordedRequest) -> FaultAction)? = nil) {
        self.fallback = fallback ?? { request in
            .respond(.rpcError(id: request.calls.first?.id ?? "null", code: -32601, message: "no fault rule for this request"))
        }
    }

    /// Appends a rule that fires `times` times (nil: always).
    public func add(times: Int? = nil, when matches: @escaping @Sendable (RecordedRequest) -> Bool = { _ in true },
                    _ action: @escaping @Sendable (RecordedRequest) -> FaultAction) {
        rules.withLock { $0.append(Rule(matches: matches, remaining: times, action: action)) }
    }

    /// Appends a rule with a fixed action.
    public func add(times: Int? = nil, when matches: @escaping @Sendable (RecordedRequest) -> Bool = { _ in true }, _ action: FaultAction) {
        add(times: times, when: matches) { _ in action }
    }

    /// Removes every rule.
    public func clear() { rules.withLock { $0.removeAll() } }

    /// The action for `request` (consumes one firing of the matching rule).
    public func action(for request: RecordedRequest) -> FaultAction {
        let chosen: (@Sendable (RecordedRequest) -> FaultAction)? = rules.withLock { rules in
            for i in rules.indices where rules[i].remaining != 0 && rules[i].matches(request) {
                if let r = rules[i].remaining { rules[i].remaining = r - 1 }
                return rules[i].action
            }
            return nil
        }
        return (chosen ?? fallback)(request)
    }

    /// A predicate: the (first) JSON-RPC method is `name`.
    public static func method(_ name: String) -> @Sendable (RecordedRequest) -> Bool { { $0.rpcMethod == name } }
}
