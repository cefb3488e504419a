import Testing
@testable import HTTPServer

@Suite struct RouterTests {
    static let op = OpenAPIOperation(summary: "t", responses: [])

    static func table(_ routes: [(HTTPMethod, String)]) -> RouteTable {
        var r = Router()
        for (m, p) in routes { r.add(m, p, op) { _ in .text(p) } }
        return RouteTable(r.routes)
    }

    static func match(_ t: RouteTable, _ method: HTTPMethod, _ path: String) -> String {
        var p = path
        return p.withUTF8 { bytes in
            switch t.match(method: method, path: bytes) {
            case .found(let i, _, let params):
                return t.routes[i].pattern + (params.isEmpty ? "" : " " + params.map { "\($0.name)=\($0.value)" }.joined(separator: ","))
            case .methodNotAllowed(let entry, let allow): return "405 \(t.entries[entry].pattern) [\(allow)]"
            case .notFound: return "404"
            }
        }
    }

    @Test func matchesBySpecificityNotRegistrationOrder() {
        let t = Self.table([(.get, "/v1/markets/{id}"), (.get, "/v1/markets/{id}/stats"), (.get, "/v1/markets/count"),
                            (.get, "/"), (.get, "/v1/{kind}/count")])
        #expect(Self.match(t, .get, "/v1/markets/count") == "/v1/markets/count")
        #expect(Self.match(t, .get, "/v1/markets/12") == "/v1/markets/{id} id=12")
        #expect(Self.match(t, .get, "/v1/markets/12/stats") == "/v1/markets/{id}/stats id=12")
        #expect(Self.match(t, .get, "/v1/asks/count") == "/v1/{kind}/count kind=asks")
        #expect(Self.match(t, .get, "/") == "/")
        for path in ["", "v1", "/v1", "/v1/markets", "/v1/markets/", "/v1/markets//stats", "/v1/markets/12/stats/", "/x/y/z/w"] {
            #expect(Self.match(t, .get, path) == "404", "\(path)")
        }
    }

    @Test func methodsAndAllow() {
        let t = Self.table([(.get, "/a/{id}"), (.post, "/a/{id}"), (.delete, "/a/special"), (.put, "/b")])
        #expect(Self.match(t, .head, "/a/1") == "/a/{id} id=1", "HEAD reaches GET")
        #expect(Self.match(t, .post, "/a/1") == "/a/{id} id=1")
        #expect(Self.match(t, .patch, "/a/1") == "405 /a/{id} [GET, HEAD, POST]")
        // A more specific path without the method falls through to a matching parameter route.
        #expect(Self.match(t, .get, "/a/special") == "/a/{id} id=special")
        #expect(Self.match(t, .put, "/a/special") == "405 /a/special [GET, HEAD, POST, DELETE]")
        #expect(Self.match(t, .get, "/b") == "405 /b [PUT]")
        #expect(Self.match(t, HTTPMethod("BREW"), "/b") == "405 /b [PUT]")
    }

    @Test func patternsAreValidated() {
        for bad in ["", "x", "/a//b", "/a/", "/{}", "/{a", "/{a}/{a}", "/{1a}", "/a{b}", "/{a-b}", "/a?b"] {
            if case .success = Route.parse(bad) { Issue.record("accepted \(bad)") }
        }
        for good in ["/", "/a", "/a/{b}/c", "/{snake_case}/{x1}"] {
            if case .failure(let e) = Route.parse(good) { Issue.record("rejected \(good): \(e.reason)") }
        }
    }

    @Test func defaultOperationIds() {
        var r = Router()
        r.get("/v1/markets/{id}/stats", Self.op) { _ in .text("") }
        r.get("/openapi.json", Self.op) { _ in .text("") }
        #expect(r.routes.map(\.defaultOperationId) == ["get_v1_markets_id_stats", "get_openapi_json"])
    }
}

@Suite struct RequestTests {
    static func request(query: [(String, String?)] = [], headers: [(String, String)] = []) -> Request {
        Request(method: .get, path: "/m/5", route: "/m/{id}", pathParameters: [("id", "5")],
                queryParameters: query.map { (name: $0.0, value: $0.1) }, headers: headers.map { (name: $0.0, value: $0.1) })
    }

    @Test func typedParameters() throws {
        let r = Self.request(query: [("limit", "20"), ("flag", nil), ("big", "18446744073709551616"), ("neg", "-3"), ("plus", "+3"), ("yes", "true")])
        #expect(try r.pathParameter("id", as: UInt64.self) == 5)
        #expect(try r.queryParameter("limit", as: Int.self) == 20)
        #expect(try r.queryParameter("missing", as: Int.self) == nil)
        #expect(try r.queryParameter("missing", as: Int.self, default: 7) == 7)
        #expect(try r.queryParameter("flag") == "")
        #expect(try r.queryParameter("neg", as: Int.self) == -3)
        #expect(try r.queryParameter("yes", as: Bool.self) == true)
        let overflow = #expect(throws: HTTPError.self) { try r.queryParameter("big", as: UInt64.self) }
        #expect(overflow?.code == .invalidParameter && overflow?.status == 400)
        #expect(overflow?.message.contains("18446744073709551615") == true, "says what the range is")
        #expect(throws: HTTPError.self) { try r.queryParameter("plus", as: Int.self) }
        #expect(throws: HTTPError.self) { try r.queryParameter("neg", as: UInt64.self) }
        let missing = #expect(throws: HTTPError.self) { try r.pathParameter("nope") }
        #expect(missing?.status == 500)
    }

    @Test func repeatedAndUnknownQueryParameters() throws {
        let r = Self.request(query: [("a", "1"), ("a", "2"), ("b", "x")])
        #expect(throws: HTTPError.self) { try r.queryParameter("a") }
        #expect(try r.queryParameter("b") == "x")
        let unknown = #expect(throws: HTTPError.self) { try r.requireOnlyQueryParameters(["a"]) }
        #expect(unknown?.code == .unknownParameter)
        #expect(unknown?.message.contains("`b`") == true)
        try r.requireOnlyQueryParameters(["a", "b"])
    }

    @Test func headersAreCaseInsensitive() {
        let r = Self.request(headers: [("Content-Type", "x"), ("X-Id", "1"), ("x-id", "2")])
        #expect(r.header("content-type") == "x")
        #expect(r.header("X-ID") == "1")
        #expect(r.header("x-i") == nil)
    }

    @Test func errorBodies() throws {
        let e = HTTPError(.methodNotAllowed, "say \"GET\"", headers: [("Allow", "GET")])
        let r = e.response
        #expect(r.status == 405)
        #expect(r.contentType == "application/json")
        #expect(r.headers.contains { $0 == ("Allow", "GET") })
        #expect(String(decoding: r.body, as: UTF8.self) == #"{"status":405,"code":"method_not_allowed","message":"say \"GET\""}"#)
        #expect(Set(HTTPError.Code.all.map(\.description)).count == HTTPError.Code.all.count)
    }
}
