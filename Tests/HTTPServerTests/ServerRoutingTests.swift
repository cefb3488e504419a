import Foundation
import Testing
@testable import HTTPServer
import HTTPTestSupport
import Telemetry

/// Routes, parameters and error answers over real sockets against a server on 127.0.0.1:0.
@Suite struct ServerRoutingTests {
    @Test func pathParameterRouteAnswersJSONWithHeaders() throws {
        let f = try Fixture()
        let address = "0x" + String(repeating: "aB", count: 20)
        let r = try fetch(f.port, "/v1/generators/\(address)")
        #expect(r.status == 200)
        #expect(r.header("Content-Type") == "application/json")
        #expect(r.header("Cache-Control") == "no-store")
        #expect(r.header("X-Content-Type-Options") == "nosniff")
        let json = try r.json()
        #expect(json["address"] as? String == address.lowercased())
        #expect(json["block"] as? Int == 42)
    }

    @Test func literalSegmentBeatsParameter() throws {
        let f = try Fixture()
        let r = try fetch(f.port, "/v1/generators/count")
        #expect(r.status == 200)
        #expect(try r.json()["count"] as? Int == 3)
    }

    @Test func nestedRouteWithTypedPathAndQueryParameters() throws {
        let f = try Fixture()
        let r = try fetch(f.port, "/v1/markets/7/stats?window=25")
        #expect(r.status == 200)
        let json = try r.json()
        #expect(json["market"] as? Int == 7)
        #expect(json["window"] as? Int == 25)
        #expect(try fetch(f.port, "/v1/markets/7/stats").json()["window"] as? Int == 10)
    }

    @Test func badParametersAnswer400WithCodeAndMessage() throws {
        let f = try Fixture()
        let badAddress = try fetch(f.port, "/v1/generators/0x12")
        #expect(badAddress.status == 400)
        let json = try badAddress.json()
        #expect(json["status"] as? Int == 400)
        #expect(json["code"] as? String == "invalid_parameter")
        let message = try #require(json["message"] as? String)
        #expect(message.contains("address") && message.contains("0x12") && message.contains("40 hex digits"))

        let badQuery = try fetch(f.port, "/v1/markets/7/stats?window=ten")
        #expect(badQuery.status == 400)
        #expect(try badQuery.json()["code"] as? String == "invalid_parameter")

        let unknown = try fetch(f.port, "/v1/markets/7/stats?windwo=3")
        #expect(unknown.status == 400)
        #expect(try unknown.json()["code"] as? String == "unknown_parameter")
        #expect((try unknown.json()["message"] as? String)?.contains("window") == true)

        let twice = try fetch(f.port, "/v1/markets/7/stats?window=1&window=2")
        #expect(twice.status == 400)

        let negative = try fetch(f.port, "/v1/markets/-1")
        #expect(negative.status == 400)
    }

    @Test func handlerNotFoundAndUnknownPathAnswer404JSON() throws {
        let f = try Fixture()
        let missing = try fetch(f.port, "/v1/markets/101")
        #expect(missing.status == 404)
        #expect(try missing.json()["code"] as? String == "not_found")
        #expect((try missing.json()["message"] as? String)?.contains("market 101") == true)

        for path in ["/nope", "/v1/markets", "/v1/markets/7/", "//healthz", "/healthz/", "/v1/markets/7/stats/x"] {
            let r = try fetch(f.port, path)
            #expect(r.status == 404, "\(path)")
            #expect(r.header("Content-Type") == "application/json", "\(path)")
            #expect(try r.json()["code"] as? String == "not_found", "\(path)")
        }
    }

    @Test func otherMethodsOnKnownPathsAnswer405WithAllow() throws {
        let f = try Fixture()
        for method in ["POST", "DELETE", "PUT", "OPTIONS", "PATCH"] {
            let r = try fetch(f.port, "/v1/markets/5", method: method, headers: [("Content-Length", "0")])
            #expect(r.status == 405, "\(method)")
            #expect(r.header("Allow") == "GET, HEAD", "\(method)")
            #expect(try r.json()["code"] as? String == "method_not_allowed")
        }
        let upload = try fetch(f.port, "/upload")
        #expect(upload.status == 405)
        #expect(upload.header("Allow") == "POST")
        let unknown = try fetch(f.port, "/nope", method: "POST", headers: [("Content-Length", "0")])
        #expect(unknown.status == 404)
    }

    @Test func headAnswersGetRoutesWithoutBody() throws {
        let f = try Fixture()
        let c = try TestConnection(port: f.port)
        let head = try c.request("/healthz", method: "HEAD")
        #expect(head.status == 200)
        #expect(head.header("Content-Length") == "15")
        #expect(head.body.isEmpty)
        // The connection stays usable: no stray body bytes precede the next response.
        let get = try c.request("/healthz")
        #expect(get.status == 200)
        #expect(get.text == #"{"status":"ok"}"#)
    }

    @Test func throwingHandlerAnswers500AndServerKeepsServing() throws {
        let f = try Fixture()
        let c = try TestConnection(port: f.port)
        let boom = try c.request("/boom")
        #expect(boom.status == 500)
        let json = try boom.json()
        #expect(json["code"] as? String == "internal_error")
        #expect(!(json["message"] as? String ?? "").contains("Unexpected"), "error details stay in the log")
        #expect(f.logs.records.contains { $0.level == .error && $0.metadata.contains { $0 == ("route", "/boom") } })
        #expect(try c.request("/healthz").status == 200)
        #expect(try fetch(f.port, "/v1/markets/1").status == 200)
    }

    @Test func queryAndHeadersReachHandlersDecoded() throws {
        let f = try Fixture()
        let r = try fetch(f.port, "/echo?a=1&b=x%20y&flag&a=%E2%82%AC", headers: [("x-test", "hello")])
        let json = try r.json()
        let query = try #require(json["query"] as? [[Any]])
        #expect(query.count == 4)
        #expect(query[0][0] as? String == "a" && query[0][1] as? String == "1")
        #expect(query[1][1] as? String == "x y")
        #expect(query[2][0] as? String == "flag" && query[2][1] is NSNull)
        #expect(query[3][1] as? String == "€")
        #expect(json["x-test"] as? String == "hello")
    }

    @Test func emptyBodyResponse() throws {
        let f = try Fixture()
        let c = try TestConnection(port: f.port)
        let r = try c.request("/empty")
        #expect(r.status == 204)
        #expect(r.body.isEmpty)
        #expect(try c.request("/healthz").status == 200)
    }
}
