import Testing
@testable import HTTPServer

@Suite struct HTTPMetricsTests {
    @Test func countsAndCumulativeBuckets() {
        let m = HTTPMetrics(patterns: ["/a/{id}", "/b\"q"])
        m.record(route: 0, status: 200, seconds: 0.00004)  // first bucket
        m.record(route: 0, status: 200, seconds: 0.003)    // 0.005 bucket
        m.record(route: 0, status: 404, seconds: 3)        // beyond 2.5 s: only +Inf
        m.record(route: m.unmatchedIndex, status: 405, seconds: 0.0001)
        m.record(route: 1, status: 999, seconds: 0.0001)    // out-of-range status: latency only
        #expect(m.count(route: "/a/{id}", status: 200) == 2)
        #expect(m.count(route: "/a/{id}", status: 404) == 1)
        #expect(m.count(route: "unmatched", status: 405) == 1)
        #expect(m.count(route: "/nope", status: 200) == 0)
        #expect(m.observations(route: "/a/{id}") == 3)
        let text = m.render()
        let lines = Set(text.split(separator: "\n").map(String.init))
        for expected in [
            #"http_requests_total{route="/a/{id}",status="200"} 2"#,
            #"http_requests_total{route="/a/{id}",status="404"} 1"#,
            #"http_requests_total{route="unmatched",status="405"} 1"#,
            #"http_request_duration_seconds_bucket{route="/a/{id}",le="5e-05"} 1"#,
            #"http_request_duration_seconds_bucket{route="/a/{id}",le="0.0025"} 1"#,
            #"http_request_duration_seconds_bucket{route="/a/{id}",le="0.005"} 2"#,
            #"http_request_duration_seconds_bucket{route="/a/{id}",le="2.5"} 2"#,
            #"http_request_duration_seconds_bucket{route="/a/{id}",le="+Inf"} 3"#,
            #"http_request_duration_seconds_sum{route="/a/{id}"} 3.00304"#,
            #"http_request_duration_seconds_count{route="/a/{id}"} 3"#,
            #"http_request_duration_seconds_count{route="/b\"q"} 1"#,
            "# TYPE http_requests_total counter",
            "# TYPE http_request_duration_seconds histogram",
        ] {
            #expect(lines.contains(expected), "\(expected)")
        }
        #expect(!text.contains("status=\"999\""))
    }
}
