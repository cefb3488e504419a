import API
import DatabaseTestSupport
import EthereumKit
import Foundation
import HTTPTestSupport
import Testing

/// Every route, with good and bad inputs, validated against the server's own `/openapi.json` by
/// `validate_openapi.py` (openapi-spec-validator and jsonschema from Tests/APITests/requirements.txt, installed in the
/// project venv by `make api-venv`).
@Suite struct OpenAPIConformanceTests {
    @Test func everyResponseValidatesAgainstTheDocument() throws {
        let f = try APIFixture("openapi", ranges: 4)
        try f.commitRange(blocks: 20, raw: true)
        let state = f.chain.state
        var targets = ["/v1/status", "/healthz", "/readyz", "/metrics", "/openapi.json",
                       "/v1/generators", "/v1/generators?limit=2", "/v1/generators?market=0&state=joined", "/v1/generators?state=wip",
                       "/v1/markets", "/v1/markets?limit=1", "/v1/markets/0/generators?filter=eligible",
                       // errors: 400, 404, 405 (below) and the unmatched 404
                       "/v1/generators/0x12", "/v1/markets/x", "/v1/generators?limt=1", "/v1/asks/999999", "/nowhere",
                       "/v1/generators/\(Address(hi: 1, mid: 2, lo: 3))/markets",
                       "/v1/signature-checks", "/v1/signature-checks?mismatches=true", "/v1/signature-checks?kind=enclave",
                       "/v1/signature-checks?kind=admin&limit=1000", "/v1/signature-checks?kind=x", "/v1/signature-checks?cursor=zzz",
                       "/v1/transactions/0x12/events", "/v1/transactions/\(Hash32(w0: 0xdead, w1: 0, w2: 0, w3: 1))/events"]
        for a in state.generators.keys.sorted() { targets += ["/v1/generators/\(a)", "/v1/generators/\(a)/markets"] }
        for m in state.markets.keys.sorted() { targets += ["/v1/markets/\(m)", "/v1/markets/\(m)/generators", "/v1/markets/\(m)/stats"] }
        for id in state.asks.keys.sorted() { targets.append("/v1/asks/\(id)") }
        // Events of every fifth transaction (raw logs kept in the last range only) and every transaction of the last range.
        let withRawLogs = Set(f.chain.rawLogs.keys.map(\.transactionHash))
        var seenTransactions = Set<Hash32>()
        for hash in f.chain.logs.map(\.position.transactionHash) where seenTransactions.insert(hash).inserted {
            if seenTransactions.count % 5 == 0 || withRawLogs.contains(hash) { targets.append("/v1/transactions/\(hash)/events") }
        }
        for a in state.generators.keys.sorted() { targets.append("/v1/signature-checks?expected=\(a)") }
        var cursor: String? = nil
        repeat {
            let page = try JSONObject(try f.get("/v1/generators?limit=3" + (cursor.map { "&cursor=\($0)" } ?? "")))
            cursor = try page.optionalString("nextCursor")
        } while cursor != nil
        repeat {
            let page = try JSONObject(try f.get("/v1/signature-checks?limit=40" + (cursor.map { "&cursor=\($0)" } ?? "")))
            cursor = try page.optionalString("nextCursor")
        } while cursor != nil
        for target in targets { _ = try f.get(target) }
        _ = try f.get("/v1/markets/0", method: "POST")
        _ = try f.get("/v1/asks/0", method: "DELETE")

        let directory = try TemporaryDirectory("api-openapi")
        defer { directory.remove() }
        let (code, output) = try OpenAPIValidation.validate(port: f.port, recorder: f.recorder, directory: directory.path)
        print(output.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(code != 2, "the validators are not installed: run `make api-venv`")
        #expect(code == 0, "\(output)")
        #expect(output.contains("\(f.recorder.count) responses validated"))
    }

    @Test func theValidatorCatchesAResponseThatBreaksTheSchema() throws {
        // The validator must be able to fail: a body with a numeric uint256 and an extra member is rejected.
        let f = try APIFixture("openapi-negative", ranges: 1, blocks: 10)
        let directory = try TemporaryDirectory("api-openapi-negative")
        defer { directory.remove() }
        let document = directory.file("openapi.json"), responses = directory.file("responses.json")
        try Data(try fetch(f.port, "/openapi.json").body).write(to: URL(fileURLWithPath: document))
        let bad: [[String: Any]] = [["method": "GET", "target": "/v1/markets/0", "status": 200, "contentType": "application/json",
                                     "body": #"{"block":{"number":1,"hash":"0x00"},"market":{"id":0},"extra":true}"#]]
        try JSONSerialization.data(withJSONObject: bad).write(to: URL(fileURLWithPath: responses))
        let (code, output) = try OpenAPIValidation.run(document: document, responses: responses)
        #expect(code == 1, "\(output)")
        #expect(output.contains("FAIL GET /v1/markets/0"))
    }
}
