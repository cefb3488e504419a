import Foundation
import Testing
@testable import HTTPServer
import HTTPTestSupport
import Telemetry

/// URL, header, query, body, connection and timeout limits.
@Suite struct ServerLimitsTests {
    @Test func longRequestTargetAnswers414() throws {
        let f = try Fixture { $0.maxURLLength = 256 }
        let justFits = "/echo?q=" + String(repeating: "a", count: 256 - 8)
        #expect(try fetch(f.port, justFits).status == 200)
        let r = try fetch(f.port, justFits + "a")
        #expect(r.status == 414)
        #expect(try r.json()["code"] as? String == "uri_too_long")
        // Far beyond the connection memory pool, libmicrohttpd answers 414 itself.
        let huge = try fetch(f.port, "/echo?q=" + String(repeating: "b", count: 200_000))
        #expect(huge.status == 414)
    }

    @Test func largeHeadersAnswer431() throws {
        let f = try Fixture { $0.maxHeaderBytes = 1024 }
        #expect(try fetch(f.port, "/healthz", headers: [("X-Pad", String(repeating: "p", count: 900))]).status == 200)
        let r = try fetch(f.port, "/healthz", headers: [("X-Pad", String(repeating: "p", count: 1100))])
        #expect(r.status == 431)
        #expect(try r.json()["code"] as? String == "headers_too_large")
        let many = (0..<40).map { ("X-H\($0)", String(repeating: "v", count: 30)) }
        #expect(try fetch(f.port, "/healthz", headers: many).status == 431)
        // Beyond the memory pool libmicrohttpd answers 431 itself.
        let huge = try fetch(f.port, "/healthz", headers: [("X-Pad", String(repeating: "p", count: 200_000))])
        #expect(huge.status == 431)
    }

    @Test func tooManyQueryParametersAnswer400() throws {
        let f = try Fixture { $0.maxQueryParameters = 5 }
        let five = (1...5).map { "p\($0)=\($0)" }.joined(separator: "&")
        #expect(try fetch(f.port, "/echo?" + five).status == 200)
        let r = try fetch(f.port, "/echo?" + five + "&p6=6")
        #expect(r.status == 400)
        #expect(try r.json()["code"] as? String == "too_many_query_parameters")
    }

    @Test func requestBodiesAreRejectedWith413() throws {
        let f = try Fixture()
        let c = try TestConnection(port: f.port)
        try c.send("GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello")
        let r = try c.readResponse()
        #expect(r.status == 413)
        #expect(try r.json()["code"] as? String == "payload_too_large")
        // The unread body makes the server close this connection rather than parse the body as a request.
        #expect(c.waitForClose())

        let chunked = try TestConnection(port: f.port)
        try chunked.send("GET /healthz HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n")
        #expect(try chunked.readResponse().status == 413)

        let expect = try TestConnection(port: f.port)
        try expect.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 100000\r\nExpect: 100-continue\r\n\r\n")
        #expect(try expect.readResponse().status == 413, "answered before the body, without 100 Continue")
        #expect(try fetch(f.port, "/healthz").status == 200)
    }

    @Test func bodiesWithinAConfiguredLimitReachTheHandler() throws {
        let f = try Fixture { $0.maxBodyBytes = 1000 }
        let c = try TestConnection(port: f.port)
        let payload = String(repeating: "z", count: 700)
        try c.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 700\r\n\r\n" + payload)
        let r = try c.readResponse()
        #expect(r.status == 200)
        #expect(try r.json()["bodyLength"] as? Int == 700)
        #expect(try c.request("/healthz").status == 200, "keep-alive after a consumed body")

        let chunked = try TestConnection(port: f.port)
        try chunked.send("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n")
        #expect(try chunked.readResponse().json()["bodyLength"] as? Int == 5)

        let tooBig = try TestConnection(port: f.port)
        try tooBig.send("POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 1001\r\n\r\n")
        #expect(try tooBig.readResponse().status == 413)

        // A chunked body that grows past the limit is cut off by closing the connection.
        let overflow = try TestConnection(port: f.port)
        let chunk = String(repeating: "y", count: 600)
        try overflow.send("POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n258\r\n\(chunk)\r\n258\r\n\(chunk)\r\n0\r\n\r\n")
        #expect(overflow.waitForClose())
    }

    @Test func slowClientIsDisconnectedAfterTheConfiguredTimeout() throws {
        let f = try Fixture { $0.connectionTimeoutSeconds = 1 }
        let c = try TestConnection(port: f.port)
        try c.send("GET /healthz HTTP/1.1\r\nHost: t\r\n")  // headers never finished
        #expect(c.waitForClose(), "closed by the server before the client's 10 s guard")
        #expect(try fetch(f.port, "/healthz").status == 200)
    }

    @Test func perIPConnectionLimitRefusesExtraConnections() throws {
        let f = try Fixture { $0.maxConnectionsPerIP = 3 }
        let held = try (0..<3).map { _ in try TestConnection(port: f.port) }
        for c in held { #expect(try c.request("/healthz").status == 200) }
        let extra = try TestConnection(port: f.port)
        try? extra.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n")
        #expect(extra.waitForClose(), "the fourth connection from 127.0.0.1 is closed without an answer")
        #expect(try held[0].request("/healthz").status == 200)
    }

    @Test func invalidConfigurationIsReported() {
        var c = HTTPServerConfiguration()
        c.maxConnections = 1
        c.threads = 4
        #expect(throws: HTTPServerError.self) { try HTTPServer(configuration: c, router: Router(), document: OpenAPIDocument(title: "t", version: "1"), metrics: MetricsRegistry(), logger: .disabled) }
        var h = HTTPServerConfiguration()
        h.host = "localhost"
        #expect(throws: HTTPServerError.self) { try HTTPServer(configuration: h, router: Router(), document: OpenAPIDocument(title: "t", version: "1"), metrics: MetricsRegistry(), logger: .disabled) }
    }

    @Test func listenOptionParses() throws {
        var c = HTTPServerConfiguration()
        try c.setListen("0.0.0.0:8080")
        #expect(c.host == "0.0.0.0" && c.port == 8080)
        try c.setListen("[::1]:0")
        #expect(c.host == "::1" && c.port == 0 && c.listen == "[::1]:0")
        for bad in ["localhost:80", "127.0.0.1", "127.0.0.1:99999", "::1:80", "[::1]80", "1.2.3.4:x"] {
            #expect(throws: HTTPServerError.self, "\(bad)") { try c.setListen(bad) }
        }
        #expect(c.host == "::1", "a failed parse leaves the configuration unchanged")
    }
}
