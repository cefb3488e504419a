import Testing
@testable import JSONRPC

@Suite struct JSONRPCErrorTests {
    @Test(arguments: [
        (-32603, "internal error", true), (-32000, "header not found", true), (-32005, "rate limit exceeded", true),
        (429, "Too Many Requests", true), (-32000, "request timed out", true), (-32000, "execution reverted", false),
        (3, "execution reverted: not owner", false), (-32601, "the method eth_foo does not exist/is not available", false),
        (-32602, "invalid argument 0: hex string has odd length", false), (-32700, "parse error", false),
        (-32000, "nonce too low", false), (-32000, "missing trie node abc (path )", false), (-32000, "something unexpected", false),
    ])
    func rpcRetryability(_ code: Int, _ message: String, _ retryable: Bool) {
        #expect(JSONRPCError.rpc(code: code, message: message, data: nil).isRetryable == retryable)
    }

    @Test(arguments: [(500, true), (502, true), (503, true), (504, true), (429, true), (408, true), (400, false), (401, false),
                      (403, false), (404, false), (413, false)])
    func httpRetryability(_ status: Int, _ retryable: Bool) {
        #expect(JSONRPCError.http(status: status, retryAfter: nil, bodyPreview: "").isRetryable == retryable)
    }

    @Test func revertDataAndHTTPStatusOnRPCErrors() throws {
        let e = JSONRPCError.rpc(code: 3, message: "execution reverted", data: .string("0x08c379a0"), httpStatus: 400)
        #expect(e.revertData == [0x08, 0xc3, 0x79, 0xa0])
        #expect(e.httpStatus == 400)
        #expect(!e.isRetryable)
        #expect(!e.countsAgainstEndpoint)
        #expect(JSONRPCError.rpc(code: -32000, message: "busy", data: nil, httpStatus: 503).isRetryable)
    }

    @Test func locatingScrubsSecretsFromMessages() {
        let url = RedactedURL("https://user:hunter2@node.example/v3/0123456789abcdef0123456789abcdef?key=s3cr3t")
        let raw = JSONRPCError.transport(.connectionFailed, "Failed to connect to https://user:hunter2@node.example/v3/0123456789abcdef0123456789abcdef?key=s3cr3t", retryable: true)
        let e = raw.at(url, method: "eth_call")
        #expect(!e.description.contains("hunter2"))
        #expect(!e.description.contains("0123456789abcdef0123456789abcdef"))
        #expect(!e.description.contains("s3cr3t"))
        #expect(e.description.contains("eth_call at https://***:***@node.example/v3/***?key=***"))
    }

    @Test func kindsAreMetricLabels() {
        #expect(JSONRPCError.cancelled.kind == "cancelled")
        #expect(JSONRPCError.malformed("x").kind == "malformed_response")
        #expect(JSONRPCError.http(status: 500, retryAfter: nil, bodyPreview: "").kind == "http_status")
    }
}
