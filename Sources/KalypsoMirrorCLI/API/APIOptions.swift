import API
import Foundation
import HTTPServer

/// The HTTP API flags shared by `serve` and `sync --serve`: where to listen, the server's limits, and readiness.
enum APIOptions {
    /// The default `--listen`: loopback only.
    static let defaultListen = "127.0.0.1:8080"

    /// Removes the API flags from `arguments` and returns the configuration (defaults for absent flags).
    /// `confirmations`, when known (inside `sync`), sets the default readiness lag to confirmations + margin.
    static func parse(_ arguments: inout Arguments, confirmations: UInt64? = nil) throws -> APIService.Configuration {
        var c = APIService.Configuration()
        do {
            try c.server.setListen(try arguments.option("--listen") ?? defaultListen)
        } catch let e as HTTPServerError {
            throw CLIError.usage(e.message)
        }
        func number<T: FixedWidthInteger>(_ flag: String, _ range: ClosedRange<T>) throws -> T? {
            guard let text = try arguments.option(flag) else { return nil }
            guard let n = T(text), range.contains(n) else {
                throw CLIError.usage("\(flag) takes a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
            }
            return n
        }
        if let n: Int = try number("--threads", 1...1024) { c.server.threads = n }
        if let n: Int = try number("--max-connections", 1...1_000_000) { c.server.maxConnections = n }
        if let n: Int = try number("--max-connections-per-ip", 0...1_000_000) { c.server.maxConnectionsPerIP = n }
        if let n: UInt32 = try number("--idle-timeout", 1...3600) { c.server.connectionTimeoutSeconds = n }
        if let n: Int = try number("--max-url-bytes", 16...1_048_576) { c.server.maxURLLength = n }
        if let n: Int = try number("--max-header-bytes", 256...1_048_576) { c.server.maxHeaderBytes = n }
        if let n: Int = try number("--max-query-params", 0...10_000) { c.server.maxQueryParameters = n }
        if let n: Int = try number("--cache-entries", 0...1_000_000) { c.cacheEntries = n }
        if let n: Int = try number("--cache-recheck-ms", 0...10_000) { c.cacheRecheck = .milliseconds(n) }
        if let confirmations { c.readiness.maxLagBlocks = confirmations + ReadinessPolicy.defaultMargin }
        if let n: UInt64 = try number("--ready-max-lag", 0...1_000_000) { c.readiness.maxLagBlocks = n }
        if let n: UInt64 = try number("--ready-max-head-age", 0...86_400) { c.readiness.maxHeadAgeSeconds = n == 0 ? nil : n }
        if c.server.maxConnections < c.server.threads {
            throw CLIError.usage("--max-connections (\(c.server.maxConnections)) must be at least --threads (\(c.server.threads))")
        }
        return c
    }

    /// The options section of a command's help.
    static var helpText: String {
        let d = HTTPServerConfiguration()
        let r = ReadinessPolicy()
        return """
        HTTP API (safe defaults; every limit answers a JSON error):
          --listen HOST:PORT            address to bind (default \(defaultListen): loopback only; [::1]:PORT for IPv6;
                                        0.0.0.0:PORT exposes it to the network, put it behind a proxy; port 0 picks one)
          --threads N                   server threads (default: cores, at least 2 — here \(d.threads))
          --max-connections N           open connections at most (default \(d.maxConnections)); more are refused
          --max-connections-per-ip N    per client address (default \(d.maxConnectionsPerIP); 0 = no per-IP limit)
          --idle-timeout SECONDS        close a connection idle this long, slow clients included (default \(d.connectionTimeoutSeconds))
          --max-url-bytes N             longest request target (default \(d.maxURLLength); longer → 414)
          --max-header-bytes N          most header bytes (default \(d.maxHeaderBytes); more → 431)
          --max-query-params N          most query parameters (default \(d.maxQueryParameters); more → 400)
          --cache-entries N             answers of the current synced block kept in memory (default \(APIService.Configuration().cacheEntries);
                                        0 = none); a commit or rewind invalidates them, so answers stay exact
          --cache-recheck-ms N          re-read the synced block at most every N ms (default 10; 0 = on every request):
                                        an answer may reflect a block up to N ms after a newer one was committed
          --ready-max-lag BLOCKS        /readyz answers 503 while head − synced is larger (default \(r.maxLagBlocks); in sync --serve:
                                        --confirmations + \(ReadinessPolicy.defaultMargin))
          --ready-max-head-age SECONDS  /readyz answers 503 when the sync has not recorded the head for this long, e.g. it
                                        stopped (default \(r.maxHeadAgeSeconds ?? 0); 0 = do not check)
        """
    }
}
