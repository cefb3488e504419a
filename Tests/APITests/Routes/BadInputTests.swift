import API
import EthereumKit
import Foundation
import HTTPTestSupport
import Testing

/// Malformed requests answer 4xx with a JSON error that says what is wrong, and never reach the database.
@Suite struct BadInputTests {
    /// (target, status, code, a phrase the message must contain)
    static let cases: [(String, Int, String, String)] = [
        ("/v1/generators/0x12", 400, "invalid_parameter", "40 hex digits"),
        ("/v1/generators/1234567890123456789012345678901234567890", 400, "invalid_parameter", "must start with 0x"),
        ("/v1/generators/0xzz34567890123456789012345678901234567890", 400, "invalid_parameter", "hex"),
        ("/v1/generators/0x5aaeb6053F3E94C9b9A09f33669435E7Ef1BeAed", 400, "invalid_parameter", "checksum"),
        ("/v1/generators/0x12/markets", 400, "invalid_parameter", "address"),
        ("/v1/markets/-1", 400, "invalid_parameter", "decimal integer"),
        ("/v1/markets/abc", 400, "invalid_parameter", "decimal integer"),
        ("/v1/markets/0x10", 400, "invalid_parameter", "decimal integer"),
        ("/v1/markets/1.5/stats", 400, "invalid_parameter", "decimal integer"),
        ("/v1/markets/" + String(repeating: "9", count: 78), 400, "invalid_parameter", "larger than 2^256"),
        ("/v1/asks/%20", 400, "invalid_parameter", "decimal integer"),
        ("/v1/generators?limit=0", 400, "invalid_parameter", "from 1 to 1000"),
        ("/v1/generators?limit=-5", 400, "invalid_parameter", "from 1 to 1000"),
        ("/v1/generators?limit=1001", 400, "invalid_parameter", "from 1 to 1000"),
        ("/v1/generators?limit=99999999999999999999999", 400, "invalid_parameter", "from 1 to 1000"),
        ("/v1/generators?limit=ten", 400, "invalid_parameter", "from 1 to 1000"),
        ("/v1/markets?limit=1000000", 400, "invalid_parameter", "from 1 to 1000"),
        ("/v1/generators?cursor=zzz", 400, "invalid_parameter", "nextCursor"),
        ("/v1/generators?cursor=", 400, "invalid_parameter", "nextCursor"),
        ("/v1/markets?cursor=g00", 400, "invalid_parameter", "nextCursor"),
        ("/v1/generators?state=JOINED", 400, "invalid_parameter", "joined, no_compute_available"),
        ("/v1/generators?market=-1", 400, "invalid_parameter", "decimal integer"),
        ("/v1/generators?limt=10", 400, "unknown_parameter", "limt"),
        ("/v1/generators?limit=5&limit=6", 400, "invalid_parameter", "more than once"),
        ("/v1/generators/0x0000000000000000000000000000000000000001?verbose=1", 400, "unknown_parameter", "accepted: none"),
        ("/v1/markets/0/generators?filter=all", 400, "invalid_parameter", "listed, eligible"),
        ("/v1/markets/0/generators?eligible=true", 400, "unknown_parameter", "accepted: filter"),
        ("/v1/status?x", 400, "unknown_parameter", "`x`"),
        ("/v1/generator/0x0000000000000000000000000000000000000001", 404, "not_found", "/openapi.json"),
        ("/v2/generators", 404, "not_found", "no route"),
        ("/v1/markets/0/asks", 404, "not_found", "no route"),
    ]

    @Test func malformedParametersAre400AndUnknownPaths404() throws {
        let f = try APIFixture("bad-input", ranges: 1, blocks: 10)
        for (target, status, code, phrase) in Self.cases {
            let response = try f.get(target)
            #expect(response.status == status, "\(target): \(response.text)")
            #expect(response.header("Content-Type") == "application/json", "\(target)")
            let body = try JSONObject(response)
            #expect(try body.int("status") == status, "\(target)")
            #expect(try body.string("code") == code, "\(target): \(body)")
            #expect(try body.string("message").contains(phrase), "\(target): \(body)")
        }
    }

    @Test func otherMethodsAre405WithAllow() throws {
        let f = try APIFixture("methods", ranges: 1, blocks: 5)
        for method in ["POST", "PUT", "DELETE", "PATCH"] {
            for target in ["/v1/generators", "/v1/markets/0", "/v1/status", "/metrics"] {
                let response = try f.get(target, method: method)
                #expect(response.status == 405, "\(method) \(target)")
                #expect(response.header("Allow") == "GET, HEAD")
                #expect(try JSONObject(response).string("code") == "method_not_allowed")
            }
        }
        let head = try f.get("/v1/markets/0", method: "HEAD")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
    }

    @Test func oversizedRequestsAreRefused() throws {
        let f = try APIFixture("limits", ranges: 1, blocks: 5, configure: { c in
            c.server.maxURLLength = 512
            c.server.maxQueryParameters = 4
        })
        let long = try f.get("/v1/generators?cursor=" + String(repeating: "a", count: 600))
        #expect(long.status == 414)
        #expect(try JSONObject(long).string("code") == "uri_too_long")
        let many = try f.get("/v1/generators?a=1&b=2&c=3&d=4&e=5")
        #expect(many.status == 400)
        #expect(try JSONObject(many).string("code") == "too_many_query_parameters")
        let headers = try TestConnection(port: f.port).request("/v1/status", headers: [("X-Filler", String(repeating: "h", count: 9000))])
        #expect(headers.status == 431 || headers.status == 414)
        // Still serving.
        #expect(try f.get("/v1/status").status == 200)
    }
}
