import Foundation
import HTTPServer
import Synchronization
import Telemetry

/// A 20-byte address in the test router, standing in for EthereumKit's `Address` (which the API layer conforms).
struct TestAddress: HTTPParameterValue {
    let text: String
    init?(httpParameter text: String) {
        guard text.utf8.count == 42, text.hasPrefix("0x"), text.dropFirst(2).allSatisfy(\.isHexDigit) else { return nil }
        self.text = text.lowercased()
    }
    static var httpParameterExpectation: String { "0x followed by 40 hex digits" }
}

struct Unexpected: Error {}

/// A server on 127.0.0.1:0 with a small router exercising every feature; stopped by `shutdown()` or release.
final class Fixture: Sendable {
    let server: HTTPServer
    let metrics = MetricsRegistry()
    let logs = CollectingLogSink()
    /// Kernel thread ids that ran a handler (to check they are gone after shutdown).
    let handlerThreads = ThreadSet()
    /// What `/readyz` reports; tests flip it.
    let readyFlag = ReadyFlag()

    var port: UInt16 { server.port }

    init(_ configure: (inout HTTPServerConfiguration) -> Void = { _ in }) throws {
        var configuration = HTTPServerConfiguration()
        configuration.threads = 2
        configure(&configuration)
        let threads = handlerThreads
        var router = Router()
        Self.register(&router, threads: threads)
        let document = OpenAPIDocument(title: "test", version: "1", schemas: [("Generator", Self.generatorSchema)])
        let logger = Logger(label: "test.http", level: .debug, sink: logs)
        let readyFlag = self.readyFlag
        server = try HTTPServer(configuration: configuration, router: router, document: document, metrics: metrics,
                                logger: logger, readiness: {
            readyFlag.value.load(ordering: .relaxed) ? .ready : .notReady("catching up: 12 blocks behind the head")
        })
    }

    final class ThreadSet: Sendable {
        let ids = Mutex<Set<Int32>>([])
        /// Records the calling thread's kernel id (from /proc/thread-self → "PID/task/TID").
        func recordCurrent() {
            guard let link = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self"),
                  let tid = link.split(separator: "/").last.flatMap({ Int32($0) }) else { return }
            ids.withLock { _ = $0.insert(tid) }
        }
    }

    final class ReadyFlag: Sendable {
        let value = Atomic<Bool>(false)
    }

    static let generatorSchema = JSONSchema.object([
        ("address", .string(pattern: "^0x[0-9a-f]{40}$")),
        ("block", .integer(minimum: 0)),
    ])

    private static func register(_ router: inout Router, threads: ThreadSet) {
        let track: @Sendable () -> Void = { threads.recordCurrent() }
        router.get("/v1/generators/{address}", OpenAPIOperation(
            summary: "One generator",
            parameters: [.path("address", .string(pattern: "^0x[0-9a-fA-F]{40}$"), "the generator's address")],
            responses: [.json(200, "the generator", .ref("Generator")), .error(400, "bad address")])) { request in
            track()
            let address = try request.pathParameter("address", as: TestAddress.self)
            return .json { w in w.object { w in w.field("address", address.text); w.field("block", 42) } }
        }
        router.get("/v1/generators/count", OpenAPIOperation(summary: "How many", responses: [.json(200, "count", .object([("count", .integer())]))])) { _ in
            track()
            return .json { w in w.object { w in w.field("count", 3) } }
        }
        router.get("/v1/markets/{id}", OpenAPIOperation(summary: "One market", responses: [.json(200, "market", .object([("id", .integer())]))])) { request in
            track()
            let id = try request.pathParameter("id", as: UInt64.self)
            guard id <= 100 else { throw HTTPError.notFound("market \(id) does not exist; GET /v1/markets lists them") }
            return .jsonObject { w in w.field("id", id) }
        }
        router.get("/v1/markets/{id}/stats", OpenAPIOperation(
            summary: "Market statistics",
            parameters: [.query("window", .integer(minimum: 1), "blocks")],
            responses: [.json(200, "stats", .object([("market", .integer()), ("window", .integer())]))])) { request in
            track()
            try request.requireOnlyQueryParameters(["window"])
            let id = try request.pathParameter("id", as: UInt64.self)
            let window = try request.queryParameter("window", as: Int.self, default: 10)
            return .json { w in w.object { w in w.field("market", id); w.field("window", window) } }
        }
        router.get("/echo", OpenAPIOperation(summary: "Echo", responses: [.json(200, "echo", .any)])) { request in
            track()
            return .json { w in
                w.object { w in
                    w.field("path", request.path)
                    w.field("query", array: { w in
                        for (k, v) in request.queryParameters { w.array { w in w.value(k); w.value(v) } }
                    })
                    w.field("x-test", request.header("X-TEST"))
                    w.field("bodyLength", request.body.count)
                }
            }
        }
        router.get("/empty", OpenAPIOperation(summary: "Empty", responses: [.other(204, "nothing", contentType: "text/plain")])) { _ in
            Response(status: 204, contentType: "text/plain", body: [])
        }
        router.get("/boom", OpenAPIOperation(summary: "Throws", responses: [.json(200, "never", .any)])) { _ in
            track()
            throw Unexpected()
        }
        router.add(.post, "/upload", OpenAPIOperation(summary: "Accepts a body", responses: [.json(200, "length", .any)])) { request in
            .json { w in w.object { w in w.field("bodyLength", request.body.count) } }
        }
    }
}
