import Database
import EthereumKit
import Foundation
import JSONRPC
import Kalypso
import Mirror
import Telemetry

/// A `ChainReader` over the recorded chain in memory (the offline benchmark's enrichment pre-pass).
struct RecordedChainReader: ChainReader {
    let chain: RecordedChain

    func blocksWithTransactions(_ numbers: [UInt64]) async throws -> [UInt64: Block] {
        var out: [UInt64: Block] = [:]
        for n in numbers {
            guard let b = chain.blocks[n] else { continue }
            out[n] = try JSONScanner.withScanner(b.full) { (s: inout JSONScanner) throws(JSONParseError) in
                try Block.decode(from: &s, fullTransactions: true)
            }
        }
        return out
    }

    func call(_ calls: [PinnedCall]) async throws -> [Result<[UInt8], PinnedCallError>] {
        calls.map { c in
            guard let text = chain.calls[RecordedChain.key(to: c.to, data: c.data, blockHash: c.blockHash)],
                  let bytes = try? Hex.decode(String(decoding: text.dropFirst().dropLast(), as: UTF8.self)) else {
                return .failure(PinnedCallError(kind: .reverted, message: "not recorded"))
            }
            return .success(bytes)
        }
    }
}

/// Offline ingest of the recorded chain (≥ 200,000 logs): JSON parse of each range's eth_getLogs result
/// (`Log.decodeArray`), decode (`KalypsoLogDecoder`), reduce (`RangeReducer` = the sync's reduction) and commit
/// (`SQLMirrorStore.commit`, one transaction per range with the cursor, window, journal, events, checks), into a
/// fresh SQLite database per run; vs the Python peer on the same ranges (json + eth-abi + sqlite3, no reducer).
///
/// Enrichment is the I/O-bound step (blocks, calldata, sender recovery) and is measured by `catchup`; here it runs
/// once before timing (over the recorded blocks in memory) and the timed runs take each event's enriched fields
/// from that pass by position — so the reducer sees complete events, as in a real sync.
enum IngestBenchmark {
    struct Prepared: Sendable {
        let chain: RecordedChain
        let decoder: KalypsoLogDecoder
        let enriched: [LogPosition: KalypsoLog]
        /// Per range, the enriched events in log order (what the timed runs take, by index).
        let enrichedByRange: [[KalypsoLog]]
        let checks: [[SignatureCheck]]
        let enrichmentIssues: [[InconsistencyError]]
        let records: [UInt64: BlockRecord]
    }

    static let entry = Benchmark(name: "ingest", summary: "Offline ingest of a recorded chain: JSON parse + decode + reduce + SQLite commit vs Python json + eth-abi + sqlite3 (goal ≥ 200k logs/s and ≥ 20×)") { context in
        var result = BenchResult(name: "ingest-logs", unit: .operations("logs"), goal: Goal(minRatio: 20, minRate: 200_000),
                                 peerLabel: "Python json + eth-abi + sqlite3")
        let directory = "\(context.outputDirectory)/ingest/chain"
        let chain: RecordedChain
        switch RecordedChain.load(directory) {
        case .success(let c): chain = c
        case .failure(let e): result.skipReason = e.message; return result
        }
        let prepared: Prepared
        do { prepared = try prepare(chain) } catch { result.skipReason = "preparing the chain failed: \(error)"; return result }
        let peer = PeerCommand(label: result.peerLabel, arguments: [context.python, "Benchmarks/ingest/python_ingest_peer.py", directory,
                                                                    String(context.peerSeconds)], parse: PeerCommand.rateLine)
        var failure: String?
        context.compare(&result, peer: peer, unitsPerOperation: Double(chain.logCount)) { n in
            for _ in 0..<n {
                do { try ingestOnce(prepared) } catch { failure = "\(error)" }
            }
        }
        if let failure { result.skipReason = "ingest failed: \(failure)" }
        return result
    }

    /// Decodes and enriches every range once (untimed).
    static func prepare(_ chain: RecordedChain) throws -> Prepared {
        let decoder = try KalypsoLogDecoder(deployment: chain.deployment)
        let enricher = try Enricher(deployment: chain.deployment, logger: .disabled)
        let reader = RecordedChainReader(chain: chain)
        var enriched: [LogPosition: KalypsoLog] = [:]
        var enrichedByRange: [[KalypsoLog]] = []
        var checks: [[SignatureCheck]] = []
        var issues: [[InconsistencyError]] = []
        for (_, body) in chain.ranges {
            let events = try Log.decodeArray(body).compactMap { log -> KalypsoLog? in
                if case .event(let e) = decoder.decode(log) { return e }
                return nil
            }
            let box = ResultBox()
            let semaphore = DispatchSemaphore(value: 0)
            Task {
                do { box.value = .success(try await enricher.enrich(events, reader: reader)) } catch { box.value = .failure(error) }
                semaphore.signal()
            }
            semaphore.wait()
            guard let r = try box.value?.get() else { throw BenchLoadError(message: "enrichment produced nothing") }
            for log in r.logs { enriched[log.position] = log }
            enrichedByRange.append(r.logs)
            checks.append(r.signatureChecks)
            issues.append(r.issues)
        }
        var records: [UInt64: BlockRecord] = [:]
        for (n, b) in chain.blocks { records[n] = BlockRecord(number: n, hash: b.hash, parentHash: b.parentHash) }
        return Prepared(chain: chain, decoder: decoder, enriched: enriched, enrichedByRange: enrichedByRange, checks: checks, enrichmentIssues: issues, records: records)
    }

    final class ResultBox: @unchecked Sendable { var value: Result<EnrichmentResult, any Error>? }

    /// One full ingest into a fresh database.
    static func ingestOnce(_ p: Prepared) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kalypso-bench-ingest-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let store = try SQLMirrorStore.open(location: .sqlite(path: dir.appendingPathComponent("bench.sqlite").path), logger: .disabled)
        defer { store.pool.close() }
        try ingest(p, into: store)
    }

    /// One full ingest into `store`, a fresh database (SQLite or PostgreSQL).
    static func ingest(_ p: Prepared, into store: SQLMirrorStore) throws {
        // A backfill: the store defers its random-key indexes and builds them at the end (timed, like a sync that
        // catches up).
        try store.setBackfilling(true)
        var state = KalypsoState()
        var cursor: Checkpoint?
        var tParse = 0.0, tDecode = 0.0, tReduce = 0.0, tCommit = 0.0
        let profile = ProcessInfo.processInfo.environment["KALYPSO_BENCH_PROFILE"] != nil
        defer { if profile { print("profile: parse \(tParse) decode \(tDecode) reduce \(tReduce) commit \(tCommit)") } }
        for (index, (range, body)) in p.chain.ranges.enumerated() {
            var t0 = Measure.cpuSeconds()
            let logs = try Log.decodeArray(body)
            tParse += Measure.cpuSeconds() - t0; t0 = Measure.cpuSeconds()
            var events: [KalypsoLog] = [], raw: [Log] = [], unknown: [UnknownLog] = [], quarantined: [QuarantinedLog] = []
            events.reserveCapacity(logs.count)
            raw.reserveCapacity(logs.count)
            let enrichedEvents = p.enrichedByRange[index]
            for log in logs {
                switch p.decoder.decode(log) {
                case .event(let e):
                    // The enriched event of the pre-pass (same order); by position if the orders ever differed.
                    let k = events.count
                    if k < enrichedEvents.count, enrichedEvents[k].position.logIndex == e.position.logIndex,
                       enrichedEvents[k].position.blockNumber == e.position.blockNumber {
                        events.append(enrichedEvents[k])
                    } else {
                        events.append(p.enriched[e.position] ?? e)
                    }
                    raw.append(log)
                case .unknown(let u): unknown.append(u)
                case .quarantined(let q): quarantined.append(q)
                }
            }
            tDecode += Measure.cpuSeconds() - t0; t0 = Measure.cpuSeconds()
            let (changes, issues) = RangeReducer.reduce(events, clock: { UInt256($0) }, state: &state)
            tReduce += Measure.cpuSeconds() - t0; t0 = Measure.cpuSeconds()
            guard let last = p.records[range.upperBound] else { throw BenchLoadError(message: "no block \(range.upperBound)") }
            var blocks = [last]
            var seen: Set<UInt64> = [range.upperBound]
            for e in events where seen.insert(e.position.blockNumber).inserted {
                if let r = p.records[e.position.blockNumber] { blocks.append(r) }
            }
            blocks.sort { $0.number < $1.number }
            cursor = Checkpoint(blockNumber: last.number, blockHash: last.hash)
            try store.commit(RangeCommit(fromBlock: range.lowerBound, toBlock: range.upperBound, cursor: Checkpoint(blockNumber: last.number, blockHash: last.hash),
                                         blocks: blocks, logs: events, unknown: unknown, quarantined: quarantined,
                                         signatureChecks: p.checks[index], issues: p.enrichmentIssues[index] + issues,
                                         changesByBlock: changes, rawLogs: raw, clock: UInt256(last.number)), reorgWindow: 64)
            tCommit += Measure.cpuSeconds() - t0
        }
        let t0 = Measure.cpuSeconds()
        try store.setBackfilling(false)
        tCommit += Measure.cpuSeconds() - t0
        blackHole(cursor)
    }
}
