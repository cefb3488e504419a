import Foundation
import Synchronization
import Testing
@testable import HTTPServer
import HTTPTestSupport
import Telemetry

/// Standard endpoints, metrics, concurrency and shutdown.
@Suite struct ServerLifecycleTests {
    @Test func bindsLoopbackOnAnOSAssignedPortByDefault() throws {
        let f = try Fixture()
        #expect(f.server.configuration.host == "127.0.0.1")
        #expect(f.port != 0)
        #expect(f.server.listen == "127.0.0.1:\(f.port)")
        #expect(f.logs.records.contains { $0.message == "HTTP server listening" })
    }

    @Test func healthzAndReadyzFlipFrom503To200() throws {
        let f = try Fixture()
        #expect(try fetch(f.port, "/healthz").status == 200)
        let notReady = try fetch(f.port, "/readyz")
        #expect(notReady.status == 503)
        #expect(try notReady.json()["code"] as? String == "not_ready")
        #expect((try notReady.json()["message"] as? String)?.contains("12 blocks behind") == true)
        f.readyFlag.value.store(true, ordering: .relaxed)
        let ready = try fetch(f.port, "/readyz")
        #expect(ready.status == 200)
        #expect(try ready.json()["status"] as? String == "ready")
    }

    @Test func metricsCountRequestsByRoutePatternAndStatus() throws {
        let f = try Fixture()
        let c = try TestConnection(port: f.port)
        for id in 1...3 { #expect(try c.request("/v1/markets/\(id)").status == 200) }
        #expect(try c.request("/v1/markets/999").status == 404)
        #expect(try c.request("/nowhere").status == 404)
        let route = "/v1/markets/{id}"
        f.metrics.increment("app_events_total", labels: [("kind", "test")])
        #expect(f.server.requestCount(route: route, status: 200) == 3)
        #expect(f.server.requestCount(route: route, status: 404) == 1)
        #expect(f.server.requestCount(route: "unmatched", status: 404) == 1)
        #expect(f.server.requestCount(route: "/v1/generators/count", status: 200) == 0)
        #expect(f.server.latencyObservationCount(route: route) == 4)

        let text = try c.request("/metrics")
        #expect(text.status == 200)
        #expect(text.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        #expect(text.text.contains(#"http_requests_total{route="/v1/markets/{id}",status="200"} 3"#))
        #expect(text.text.contains("# TYPE http_request_duration_seconds histogram"))
        #expect(text.text.contains(#"http_request_duration_seconds_count{route="/v1/markets/{id}"} 4"#))
        #expect(text.text.contains(#"http_request_duration_seconds_bucket{route="/v1/markets/{id}",le="+Inf"} 4"#))
        #expect(text.text.contains(#"http_requests_total{route="unmatched",status="404"} 1"#))
        #expect(text.text.contains(#"app_events_total{kind="test"} 1"#), "the registry's own metrics come first")
        #expect(f.server.metricsText().contains(#"http_requests_total{route="/metrics",status="200"} 1"#))
    }

    @Test func openAPIDocumentListsEveryRoute() throws {
        let f = try Fixture()
        let r = try fetch(f.port, "/openapi.json")
        #expect(r.status == 200)
        let doc = try r.json()
        #expect(doc["openapi"] as? String == "3.1.0")
        let paths = try #require(doc["paths"] as? [String: [String: Any]])
        let expected = ["/v1/generators/{address}", "/v1/generators/count", "/v1/markets/{id}", "/v1/markets/{id}/stats",
                        "/echo", "/empty", "/boom", "/upload", "/healthz", "/readyz", "/metrics", "/openapi.json"]
        #expect(Set(paths.keys) == Set(expected))
        #expect(paths["/upload"]?["post"] != nil)
        let op = try #require(paths["/v1/markets/{id}/stats"]?["get"] as? [String: Any])
        let params = try #require(op["parameters"] as? [[String: Any]])
        #expect(params.map { $0["name"] as? String } == ["window", "id"])
        #expect(params.first { $0["name"] as? String == "id" }?["in"] as? String == "path")
        let responses = try #require(op["responses"] as? [String: Any])
        #expect(responses["200"] != nil && responses["default"] != nil)
        let schemas = try #require((doc["components"] as? [String: Any])?["schemas"] as? [String: Any])
        #expect(schemas["Generator"] != nil && schemas["Error"] != nil)
    }

    @Test func manyConcurrentClients() throws {
        let f = try Fixture()
        let clients = 24, perClient = 40
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: clients) { i in
            do {
                let c = try TestConnection(port: f.port)
                for k in 0..<perClient {
                    let id = (i * perClient + k) % 100
                    let r = try c.request("/v1/markets/\(id)")
                    guard r.status == 200, try r.json()["id"] as? Int == id else {
                        failures.withLock { $0.append("client \(i) request \(k): \(r.status) \(r.text)") }
                        return
                    }
                }
            } catch {
                failures.withLock { $0.append("client \(i): \(error)") }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 }.prefix(3))")
        #expect(f.server.requestCount(route: "/v1/markets/{id}", status: 200) == UInt64(clients * perClient))
    }

    @Test func shutdownReleasesThePortAndJoinsThreads() throws {
        let f = try Fixture()
        let port = f.port
        let c = try TestConnection(port: port)
        for i in 0..<20 { #expect(try c.request("/v1/markets/\(i)").status == 200) }
        let tids = f.handlerThreads.ids.withLock { $0 }
        #expect(!tids.isEmpty)
        for tid in tids { #expect(FileManager.default.fileExists(atPath: "/proc/self/task/\(tid)")) }

        f.server.shutdown()
        #expect(!f.server.isRunning)
        #expect(c.waitForClose(), "open connections are closed")
        // A joined thread's /proc entry can linger for a moment after pthread_join returns: wait for it (bounded).
        let gone = waitUntil { tids.allSatisfy { !FileManager.default.fileExists(atPath: "/proc/self/task/\($0)") } }
        #expect(gone, "every handler thread is joined and gone")
        #expect(throws: TestClientError.self) { try TestConnection(port: port) }
        f.server.shutdown()  // idempotent

        // The same port can be bound again at once.
        var configuration = HTTPServerConfiguration()
        configuration.port = port
        let again = try HTTPServer(configuration: configuration, router: Router(), document: OpenAPIDocument(title: "t", version: "1"),
                                   metrics: MetricsRegistry(), logger: .disabled)
        #expect(again.port == port)
        #expect(try fetch(port, "/healthz").status == 200)
        again.shutdown()
    }

    @Test func releasingTheServerStopsIt() throws {
        var f: Fixture? = try Fixture()
        let port = try #require(f?.port)
        let c = try TestConnection(port: port)
        #expect(try c.request("/healthz").status == 200)
        f = nil
        #expect(c.waitForClose())
        #expect(throws: TestClientError.self) { try TestConnection(port: port) }
    }

    @Test func bindFailureIsAnErrorAndLogged() throws {
        let f = try Fixture()
        var configuration = HTTPServerConfiguration()
        configuration.port = f.port
        let logs = CollectingLogSink()
        let error = #expect(throws: HTTPServerError.self) {
            try HTTPServer(configuration: configuration, router: Router(), document: OpenAPIDocument(title: "t", version: "1"),
                           metrics: MetricsRegistry(), logger: Logger(label: "t", sink: logs))
        }
        #expect(error?.code == .startFailed)
        #expect(error?.message.contains("127.0.0.1:\(f.port)") == true)
        #expect(logs.records.contains { $0.message.hasPrefix("libmicrohttpd: ") }, "MHD's error log reaches the Logger")
        #expect(try fetch(f.port, "/healthz").status == 200)
    }

    @Test func undefinedSchemaReferenceIsRejectedAtStart() {
        var router = Router()
        router.get("/x", OpenAPIOperation(summary: "x", responses: [.json(200, "x", .ref("Missing"))])) { _ in .text("x") }
        let error = #expect(throws: HTTPServerError.self) {
            try HTTPServer(router: router, document: OpenAPIDocument(title: "t", version: "1"), metrics: MetricsRegistry(), logger: .disabled)
        }
        #expect(error?.message.contains("Missing") == true)
    }
}
