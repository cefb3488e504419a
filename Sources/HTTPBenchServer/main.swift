// http-bench-server: the HTTPServer stack (router, typed path parameter, JSON writer, metrics) answering a fixed
// generator-shaped document, for Benchmarks/http. Not part of the user CLI.
//
//   http-bench-server [--listen HOST:PORT] [--threads N]
//
// Prints `listening http://HOST:PORT` on standard output once serving; stops on SIGINT or SIGTERM.
import Foundation
import HTTPServer
import Telemetry

/// A 0x-prefixed 40-hex-digit address, parsed the way the API's `Address` parameter will be.
struct BenchAddress: HTTPParameterValue {
    let bytes: [UInt8]
    init?(httpParameter text: String) {
        let utf8 = Array(text.utf8)
        guard utf8.count == 42, utf8[0] == UInt8(ascii: "0"), utf8[1] == UInt8(ascii: "x") else { return nil }
        var out = [UInt8](repeating: 0, count: 20)
        for i in 0..<20 {
            guard let hi = Self.nibble(utf8[2 + 2 * i]), let lo = Self.nibble(utf8[3 + 2 * i]) else { return nil }
            out[i] = hi << 4 | lo
        }
        bytes = out
    }
    static var httpParameterExpectation: String { "0x followed by 40 hex digits" }
    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        case 65...70: c - 55
        default: nil
        }
    }
    var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [48, 120]
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("error: \(message)\n".utf8))
    exit(2)
}

var configuration = HTTPServerConfiguration()
var arguments = CommandLine.arguments.dropFirst()
while let option = arguments.popFirst() {
    switch option {
    case "--listen":
        guard let value = arguments.popFirst() else { fail("--listen needs HOST:PORT") }
        do { try configuration.setListen(value) } catch { fail(error.message) }
    case "--threads":
        guard let value = arguments.popFirst(), let n = Int(value) else { fail("--threads needs a number") }
        configuration.threads = n
    default:
        fail("unknown option \(option); usage: http-bench-server [--listen HOST:PORT] [--threads N]")
    }
}
configuration.maxConnectionsPerIP = 0  // wrk opens every connection from 127.0.0.1

let generatorSchema = JSONSchema.object([
    ("address", .string(pattern: "^0x[0-9a-f]{40}$")),
    ("block", .object([("number", .integer(minimum: 0)), ("hash", .string())])),
    ("stake", .string(pattern: "^[0-9]+$")),
    ("locked", .string(pattern: "^[0-9]+$")),
    ("declaredCompute", .integer(minimum: 0)),
    ("idleCompute", .integer(minimum: 0)),
    ("markets", .array(.integer(minimum: 0))),
    ("metadata", .nullable(.string())),
])

var router = Router()
router.get("/v1/generators/{address}", OpenAPIOperation(
    summary: "A fixed generator document (benchmark)",
    parameters: [.path("address", .string(pattern: "^0x[0-9a-fA-F]{40}$"), "generator address")],
    responses: [.json(200, "the generator", .ref("Generator")), .error(400, "invalid address")])) { request in
    let address = try request.pathParameter("address", as: BenchAddress.self)
    return .json(capacity: 512) { w in
        w.object { w in
            w.field("address", address.hex)
            w.field("block", object: { w in
                w.field("number", 21_000_000)
                w.field("hash", "0x8f3d1c2b4a5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8")
            })
            w.field("stake", "1500000000000000000000")
            w.field("locked", "250000000000000000000")
            w.field("declaredCompute", 64)
            w.field("idleCompute", 48)
            w.field("markets", array: { w in for m in [1, 3, 7] as [UInt64] { w.value(m) } })
            w.field("metadata", "{\"name\":\"bench\"}")
        }
    }
}

// Block the stop signals before any server thread exists, so that only `sigwait` below receives them.
var signals = sigset_t()
sigemptyset(&signals)
sigaddset(&signals, SIGINT)
sigaddset(&signals, SIGTERM)
pthread_sigmask(SIG_BLOCK, &signals, nil)

let logger = Logger(label: "http-bench-server", level: .warning, sink: StreamLogSink(format: .logfmt))
let server: HTTPServer
do {
    server = try HTTPServer(configuration: configuration, router: router,
                            document: OpenAPIDocument(title: "http-bench-server", version: "1", schemas: [("Generator", generatorSchema)]),
                            metrics: MetricsRegistry(), logger: logger)
} catch {
    fail(error.message)
}
FileHandle.standardOutput.write(Data("listening \(server.baseURL)\n".utf8))
var received: Int32 = 0
sigwait(&signals, &received)
server.shutdown()
