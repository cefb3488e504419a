import Database
import EthereumKit
import Foundation
import JSONRPC
import Kalypso
import Telemetry

/// Builds what a sync run needs from a configuration: the JSON-RPC client (checked against the configured chain),
/// the store, and the decode → enrich pipeline. Shared by `kalypso-mirror sync`, `verify` and the benchmarks.
public enum MirrorRuntime {
    /// A client for the configured endpoints, after `ChainPreflight` (chain id and contract code).
    public static func connect(_ chain: ChainConfiguration, logger: Logger, metrics: MetricsRegistry?) async throws -> JSONRPCClient {
        let client = try JSONRPCClient(configuration: chain.clientConfiguration, logger: logger.labeled("mirror.rpc"), metrics: metrics)
        do {
            try await ChainPreflight.check(client, deployment: chain.deployment, endpoints: chain.rpcURLs.map(\.redacted).joined(separator: ", "))
        } catch {
            client.shutdown()
            throw error
        }
        return client
    }

    /// `KalypsoLogDecoder` → `Enricher` over `RPCChainReader(client)`.
    public static func pipeline(_ deployment: KalypsoDeployment, client: JSONRPCClient, logger: Logger) throws -> SyncPipeline {
        try pipeline(deployment, reader: RPCChainReader(client: client), logger: logger)
    }

    /// `KalypsoLogDecoder` → `Enricher` over any chain reader.
    public static func pipeline(_ deployment: KalypsoDeployment, reader: some ChainReader, logger: Logger) throws -> SyncPipeline {
        let decoder = try KalypsoLogDecoder(deployment: deployment)
        let enricher = try Enricher(deployment: deployment, logger: logger.labeled("mirror.enrich"))
        return SyncPipeline(decode: { decoder.decode($0) }, enrich: { logs, key in
            let result = try await enricher.enrich(logs, reader: reader, matchingEngineKey: key)
            return SyncPipeline.Enriched(logs: result.logs, signatureChecks: result.signatureChecks, issues: result.issues)
        })
    }

    /// Opens the database as its only writer: fails at once with `DatabaseError` `.writerLockHeld` (naming the
    /// holder) if another process holds the writer lock, or waits for it to stop when `waitForWriterLock`.
    public static func openStore(_ location: DatabaseLocation, waitForWriterLock: Bool = false, role: String = "sync",
                                 logger: Logger) throws -> SQLMirrorStore {
        try SQLMirrorStore.open(location: location, waitForWriterLock: waitForWriterLock,
                                applicationName: applicationName(role: role), logger: logger.labeled("mirror.store"))
    }

    /// The PostgreSQL `application_name` of this process's sessions, e.g. `kalypso-mirror sync pid 4242 on host-a`
    /// (shown in `pg_stat_activity`, and in the error a second writer gets), at most 63 bytes.
    public static func applicationName(role: String) -> String {
        let host = ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "?"
        let name = "kalypso-mirror \(role) pid \(ProcessInfo.processInfo.processIdentifier) on \(host)"
        return String(decoding: Array(name.utf8.prefix(63)), as: UTF8.self)
    }

    /// Pinned calls over the client, for `StateVerifier`.
    public static func callBatch(_ client: JSONRPCClient) -> StateVerifier.CallBatch {
        let reader = RPCChainReader(client: client)
        return { calls in try await reader.call(calls).map { $0.mapError { $0 as any Error } } }
    }
}
