import Telemetry

/// `/healthz`, `/readyz`, `/metrics` and `/openapi.json`, registered by every `HTTPServer`.
enum StandardEndpoints {
    static let healthz = "/healthz"
    static let readyz = "/readyz"
    static let metrics = "/metrics"
    static let openAPI = "/openapi.json"
    static let patterns = [healthz, readyz, metrics, openAPI]

    /// The Prometheus text exposition content type.
    static let prometheusContentType = "text/plain; version=0.0.4; charset=utf-8"

    static let healthSchema = JSONSchema.object([("status", .string(enum: ["ok"]))])
    static let readySchema = JSONSchema.object([("status", .string(enum: ["ready"]))])

    static func register(into router: inout Router, registry: MetricsRegistry, httpMetrics: HTTPMetrics,
                         readiness: @escaping @Sendable () -> HTTPServer.Readiness,
                         beforeMetrics: @escaping @Sendable () -> Void = {}) {
        let ops = Operations.self
        router.get(healthz, ops.healthz) { _ in
            Response.jsonObject(capacity: 16) { w in w.field("status", "ok") }
        }
        router.get(readyz, ops.readyz) { _ in
            switch readiness() {
            case .ready:
                return Response.jsonObject(capacity: 32) { w in w.field("status", "ready") }
            case .notReady(let reason):
                return HTTPError(.notReady, reason).response
            }
        }
        router.get(Self.metrics, ops.metrics) { _ in
            beforeMetrics()
            return Response(contentType: prometheusContentType, body: Array(metricsText(registry: registry, httpMetrics: httpMetrics).utf8))
        }
    }

    /// The registry's metrics followed by the server's HTTP families.
    static func metricsText(registry: MetricsRegistry, httpMetrics: HTTPMetrics) -> String {
        registry.render() + httpMetrics.render()
    }

    /// Registers `/openapi.json` serving `body` (rendered once at start).
    static func registerOpenAPI(into router: inout Router, body: [UInt8]) {
        router.get(openAPI, Operations.openAPI) { _ in Response(contentType: Response.jsonContentType, body: body) }
    }

    private enum Operations {
        static let healthz = OpenAPIOperation(
            summary: "Liveness: the process is up and serving HTTP",
            tags: ["operations"], operationId: "healthz",
            responses: [.json(200, "The process is alive", StandardEndpoints.healthSchema)])
        static let readyz = OpenAPIOperation(
            summary: "Readiness: 200 when serving current data, 503 with the reason otherwise",
            tags: ["operations"], operationId: "readyz",
            responses: [.json(200, "Ready", StandardEndpoints.readySchema),
                        .error(503, "Not ready; `message` says why (for example how far behind the chain head)")])
        static let metrics = OpenAPIOperation(
            summary: "Prometheus metrics (text exposition format 0.0.4)",
            tags: ["operations"], operationId: "metrics",
            responses: [.other(200, "Metrics in Prometheus text format", contentType: prometheusContentType)])
        static let openAPI = OpenAPIOperation(
            summary: "This OpenAPI 3.1 document: every route with its parameters and responses",
            tags: ["operations"], operationId: "openapi",
            responses: [.json(200, "The OpenAPI document", .object([], required: [], additionalProperties: true))])
    }
}
