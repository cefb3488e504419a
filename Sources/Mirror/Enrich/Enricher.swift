import EthereumKit
import Foundation
import JSONRPC
import Kalypso
import Telemetry

/// Fills the fields Kalypso events lack (§7.3) and verifies the signatures behind a range's transactions.
///
/// For one range of decoded logs (`enrich`):
/// 1. Every block with Kalypso logs is fetched once with full transactions (`reader.blocksWithTransactions`, one
///    batch). Each block's hash and each transaction's hash must match the logs', else the chain reorganised between
///    the reads and `EnrichmentError.blockMismatch` is thrown (sync the range again).
/// 2. Per transaction, the sender is recovered with libsecp256k1 from the rebuilt signing hash (never the node's
///    `from`), and an admin `SignatureCheck` is recorded; enclave proofs of possession (§6.2) and matching-engine batch
///    signatures (§6.5) in the calldata are verified.
/// 3. Per event that lacks fields: **calldata** when the transaction calls the contract directly with the matching
///    selector and the decoded arguments agree with the event (exact, even when a later transaction of the same block
///    changes the row); otherwise a getter **`eth_call` pinned to the log's block hash** (`requireCanonical`), all in
///    one batch (`reader.call`, de-duplicated). Never `latest`. `MarketplaceCreated` always uses `marketData(id)` and
///    `TaskCreated` always `listOfAsk(askId)` (their values need the EVM clock).
/// 4. A pinned call that reverts or that the node rejects for good marks the event `.unavailable(reason)`: the
///    reducer stores nil and records it; nothing is guessed. A transient failure (the client's retries gave up on a
///    retryable error: rate limit, "header not found", internal error) throws `EnrichmentError.transientRead` so
///    the sync layer retries the whole range — unless `transientCallFailures` is `.markUnavailable` (for a sync
///    layer that prefers progress after repeated failures). Transport failures always throw.
///
/// What remains inexact (§7.3 "[inferred] converges"): a pinned read returns the **end-of-block** state. Where a
/// later transaction of the same block changed the row, the value recorded with *this* event is the later one —
/// or the read contradicts the event (a deregistered generator, a left market, another join), which this enricher
/// detects and marks unavailable rather than store a wrong value. The mirrored *state* still converges, because those
/// later changes are events the reducer also applies. Not detectable: a leave and re-join with the same compute and
/// different cost/time in the same block (the first join records the second's terms; the state ends right), and an
/// ask created and assigned in the same block read by `listOfAsk` (its recorded deadline is the assignment's; an
/// `.info` issue says so). The calldata path has none of these limits, but only for direct calls; calls through a
/// contract wallet would need a call trace (`debug_traceTransaction`), which this enricher does not use.
public struct Enricher: Sendable {
    /// What a transient pinned-call failure does.
    public enum TransientCallPolicy: Sendable, Hashable {
        /// Throw `EnrichmentError.transientRead`: nothing is stored; the sync layer retries the range (default).
        case retryRange
        /// Mark the event unavailable (the reducer stores nil) and go on.
        case markUnavailable
    }

    /// The deployment whose logs are enriched.
    public let deployment: KalypsoDeployment
    /// What a transient pinned-call failure does (default `.retryRange`).
    public var transientCallFailures: TransientCallPolicy = .retryRange
    private let logger: Logger
    private let functions: KalypsoFunctions
    private let calldata: CalldataEnricher
    private let pinned: PinnedDecoder
    private let checker: SignatureChecker

    /// Creates an enricher over the embedded G1 ABIs.
    /// - Throws: `DecoderSetupError` if the embedded ABI lacks a function enrichment needs or has other selectors.
    public init(deployment: KalypsoDeployment, logger: Logger) throws {
        try self.init(deployment: deployment, abis: KalypsoABIs.embedded(), logger: logger)
    }

    /// Creates an enricher over `abis`.
    public init(deployment: KalypsoDeployment, abis: KalypsoABIs, logger: Logger) throws {
        self.deployment = deployment
        self.logger = logger
        let functions = try KalypsoFunctions(abis)
        self.functions = functions
        self.calldata = CalldataEnricher(deployment: deployment)
        self.pinned = PinnedDecoder(functions: functions)
        self.checker = SignatureChecker(deployment: deployment)
    }

    /// Enriches the decoded logs of one range (any order; the output keeps it) and checks their transactions'
    /// signatures.
    /// - Parameters:
    ///   - logs: the range's `.event` outcomes of `KalypsoLogDecoder`. Enrichments that are not `.pending` are kept.
    ///   - reader: the chain reads (`RPCChainReader` over the client).
    ///   - matchingEngineKey: the 64-byte matching-engine key the mirror knows before the range
    ///     (`state.matchingEngineKey(proofMarketplace:)?.publicKey`), the expected signer of `relayBatchAssignTasks`;
    ///     `UpdateKey(ProofMarketplace, 0)` / `RemoveKey` inside the range update it in log order.
    /// - Throws: `EnrichmentError` (block mismatch, missing block, transient read) or the reader's transport error;
    ///   in every case nothing of the range may be stored: retry it.
    public func enrich(_ logs: [KalypsoLog], reader: some ChainReader, matchingEngineKey: [UInt8]? = nil) async throws -> EnrichmentResult {
        var counts = EnrichmentResult.Counts()
        guard !logs.isEmpty else { return EnrichmentResult(logs: [], signatureChecks: [], issues: [], clocks: [:], counts: counts) }
        let numbers = Set(logs.map(\.position.blockNumber)).sorted()
        let blocks = try await reader.blocksWithTransactions(numbers)
        counts.blocksFetched = numbers.count
        var clocks: [UInt64: UInt256] = [:]
        var transactionsByBlock: [UInt64: [RPCTransaction]] = [:]
        for n in numbers {
            guard let block = blocks[n], block.header.number == n else {
                throw EnrichmentError(.missingBlock, "the node returned no block \(n) for a range with Kalypso logs in it; sync the range again")
            }
            guard case .full(let txs) = block.transactions else {
                throw EnrichmentError(.missingBlock, "block \(n) came without full transaction objects; the reader must ask for eth_getBlockByNumber(n, true)")
            }
            transactionsByBlock[n] = txs
            clocks[n] = UInt256(block.header.l1BlockNumber ?? n)
        }

        var out = logs
        var issues: [InconsistencyError] = []
        var checks: [SignatureCheck] = []
        var relays: [(position: LogPosition, arguments: [ABIValue])] = []
        var calls: [PinnedCall] = []
        var callIndex: [PinnedCall: Int] = [:]
        var pending: [(log: Int, read: PinnedRead, call: Int)] = []

        var located: [(group: [Int], transaction: RPCTransaction)] = []
        for group in Self.groupByTransaction(logs) {
            let first = logs[group[0]].position
            guard let block = blocks[first.blockNumber], let txs = transactionsByBlock[first.blockNumber] else { continue }
            for i in group where logs[i].position.blockHash != block.header.hash {
                throw EnrichmentError(.blockMismatch, "block \(first.blockNumber) is \(block.header.hash) now, but the log at \(logs[i].position) names \(logs[i].position.blockHash): the chain reorganised between eth_getLogs and eth_getBlockByNumber; re-check the reorg window and sync the range again")
            }
            guard first.transactionIndex < UInt64(txs.count), txs[Int(first.transactionIndex)].hash == first.transactionHash else {
                throw EnrichmentError(.blockMismatch, "block \(first.blockNumber) (\(block.header.hash)) has no transaction \(first.transactionHash) at index \(first.transactionIndex): the node's block and logs disagree; sync the range again")
            }
            located.append((group, txs[Int(first.transactionIndex)]))
        }
        let senders = await Self.recoverSenders(located.map(\.transaction))

        for ((group, tx), sender) in zip(located, senders) {
            let first = logs[group[0]].position
            if sender.address != nil { counts.sendersRecovered += 1 } else { counts.sendersUnchecked += 1 }
            let call = tx.to.flatMap { deployment.contract(at: $0) }.flatMap { functions.directCall(on: $0, input: tx.input) }
            let groupLogs = group.map { logs[$0] }
            let context = TransactionContext(transaction: tx, sender: sender, logs: groupLogs, indices: group,
                                             generator: groupLogs.lazy.compactMap { SignatureChecker.selfActingGenerator($0.event) }.first, call: call)

            let (admin, nodeLied) = checker.admin(context)
            checks.append(admin)
            if nodeLied {
                logger.error("node returned a transaction whose from differs from its signer", [("tx", tx.hash.description), ("note", admin.note)])
                issues.append(InconsistencyError(.enrichmentMismatch, .alert, admin.note, at: first))
            }
            checks.append(contentsOf: enclaveChecks(context))
            if let call, call.call == .relayBatchAssignTasks, case .success(let arguments) = call.arguments {
                relays.append((first, arguments))
            }

            for i in group {
                let event = logs[i].event
                guard event.enrichmentSource == .pending, let read = PinnedRead(for: event) else { continue }
                counts.needed += 1
                switch calldata.enrich(event, in: context) {
                case .enriched(let enriched):
                    out[i].event = enriched
                    counts.calldataHits += 1
                    continue
                case .notApplicable:
                    break
                case .mismatch(let reason):
                    counts.calldataMismatches += 1
                    let message = "\(event.name) at \(logs[i].position): the calldata was not used (\(reason)); \(read.text) pinned to the block hash was read instead"
                    logger.warning("calldata disagrees with its event", [("log", "\(logs[i].position)"), ("reason", reason)])
                    issues.append(InconsistencyError(.enrichmentMismatch, .warning, message, at: logs[i].position))
                }
                let pinnedCall = try read.call(functions, deployment, blockHash: logs[i].position.blockHash)
                let index: Int
                if let known = callIndex[pinnedCall] {
                    index = known
                } else {
                    index = calls.count
                    callIndex[pinnedCall] = index
                    calls.append(pinnedCall)
                }
                pending.append((i, read, index))
            }
        }

        if !calls.isEmpty {
            let results = try await reader.call(calls)
            counts.pinnedCalls = calls.count
            guard results.count == calls.count else {
                throw EnrichmentError(.transientRead, "the chain reader answered \(results.count) of \(calls.count) pinned calls; sync the range again")
            }
            for (i, read, index) in pending {
                let position = logs[i].position
                switch results[index] {
                case .success(let output):
                    let outcome = pinned.apply(output, of: read, to: out[i].event, at: position)
                    out[i].event = outcome.event
                    if outcome.available { counts.pinnedHits += 1 }
                    if let issue = outcome.issue { issues.append(issue) }
                case .failure(let failure):
                    if failure.kind == .transient && transientCallFailures == .retryRange {
                        throw EnrichmentError(.transientRead, "\(read.text) pinned to block \(position.blockNumber) (\(position.blockHash)) failed and may pass later: \(failure.message); sync the range again")
                    }
                    out[i].event = PinnedDecoder.unavailable(out[i].event, "\(read.text) pinned to block \(position.blockNumber) (\(position.blockHash)) failed: \(failure)")
                }
            }
        }
        counts.unavailable = out.reduce(0) { n, log in
            if case .unavailable? = log.event.enrichmentSource { return n + 1 }
            return n
        }
        checks.append(contentsOf: matchingEngineChecks(relays, logs: out, initialKey: matchingEngineKey))
        checks.sort { ($0.position, Self.order($0.kind)) < ($1.position, Self.order($1.kind)) }
        logger.debug("enriched a range", [("logs", "\(logs.count)"), ("blocks", "\(counts.blocksFetched)"), ("calldata", "\(counts.calldataHits)"),
                                          ("pinned", "\(counts.pinnedHits)"), ("calls", "\(counts.pinnedCalls)"), ("unavailable", "\(counts.unavailable)")])
        return EnrichmentResult(logs: out, signatureChecks: checks, issues: issues, clocks: clocks, counts: counts)
    }

    /// The senders of `transactions` (libsecp256k1 recovery, ≈45 µs each), on all cores for large ranges.
    static func recoverSenders(_ transactions: [RPCTransaction]) async -> [SenderRecovery] {
        let workers = min(ProcessInfo.processInfo.activeProcessorCount, transactions.count / 32)
        guard workers > 1 else { return transactions.map { SenderRecovery($0) } }
        let chunk = (transactions.count + workers - 1) / workers
        return await withTaskGroup(of: (Int, [SenderRecovery]).self) { group in
            for start in stride(from: 0, to: transactions.count, by: chunk) {
                let slice = Array(transactions[start..<min(start + chunk, transactions.count)])
                group.addTask { (start, slice.map { SenderRecovery($0) }) }
            }
            var parts: [(Int, [SenderRecovery])] = []
            for await part in group { parts.append(part) }
            return parts.sorted { $0.0 < $1.0 }.flatMap(\.1)
        }
    }

    /// Input indices grouped by transaction (block number, transaction index), groups and members in log order.
    static func groupByTransaction(_ logs: [KalypsoLog]) -> [[Int]] {
        let order = logs.indices.sorted { logs[$0].position < logs[$1].position }
        var groups: [[Int]] = []
        for i in order {
            if let last = groups.last?.last, logs[last].position.blockNumber == logs[i].position.blockNumber,
               logs[last].position.transactionIndex == logs[i].position.transactionIndex {
                groups[groups.count - 1].append(i)
            } else {
                groups.append([i])
            }
        }
        return groups
    }

    private static func order(_ kind: SignatureCheck.Kind) -> Int {
        switch kind {
        case .admin: 0
        case .enclave: 1
        case .matchingEngine: 2
        }
    }

    /// The enclave proof of possession in the transaction's calldata (one per key registration), or an unchecked
    /// record when an `UpdateKey` came through a contract (its calldata is an inner call).
    private func enclaveChecks(_ tx: TransactionContext) -> [SignatureCheck] {
        let position = tx.logs[0].position
        let keyOwner = tx.logs.lazy.compactMap { log -> Address? in
            if case .updateKey(let e) = log.event { return e.user }
            return nil
        }.first
        guard let call = tx.call, case .success(let a) = call.arguments else {
            guard keyOwner != nil else { return [] }
            return [SignatureCheck(kind: .enclave, position: position, expected: nil, recovered: nil, matches: false,
                                   note: "unchecked: the key registration came through a contract (the transaction calls \(tx.transaction.to.map(\.description) ?? "nothing")), so the enclave signature is in an inner call's calldata")]
        }
        switch call.call {
        case .updateEncryptionKey where a.count == 3:
            guard let data = a[1].bytesValue, let signature = a[2].bytesValue else { return [] }
            return [checker.enclave(attestationData: data, signature: signature, addressToVerify: tx.sender.address ?? keyOwner,
                                    call: "updateEncryptionKey", position: position)]
        case .joinMarketplace where a.count == 7 && a[4].boolValue == true:
            guard let data = a[5].bytesValue, let signature = a[6].bytesValue else { return [] }
            return [checker.enclave(attestationData: data, signature: signature, addressToVerify: tx.sender.address ?? keyOwner ?? tx.generator,
                                    call: "joinMarketplace", position: position)]
        case .addIvsKey where a.count == 3:
            guard let data = a[1].bytesValue, let signature = a[2].bytesValue else { return [] }
            return [checker.enclave(attestationData: data, signature: signature, addressToVerify: tx.sender.address,
                                    call: "addIvsKey", position: position)]
        case .verifyMatchingEngine where a.count == 2:
            guard let data = a[0].bytesValue, let signature = a[1].bytesValue else { return [] }
            return [checker.enclave(attestationData: data, signature: signature, addressToVerify: deployment.proofMarketplace,
                                    call: "verifyMatchingEngine", position: position)]
        default:
            return []
        }
    }

    /// The matching-engine checks, with the ME key as the mirror knows it at each relay (updated in log order by
    /// `UpdateKey(ProofMarketplace, 0)` and `RemoveKey(ProofMarketplace, 0)` of the range).
    private func matchingEngineChecks(_ relays: [(position: LogPosition, arguments: [ABIValue])], logs: [KalypsoLog],
                                      initialKey: [UInt8]?) -> [SignatureCheck] {
        guard !relays.isEmpty else { return [] }
        var key = initialKey
        var out: [SignatureCheck] = []
        let sorted = logs.sorted { $0.position < $1.position }
        var next = 0
        for relay in relays.sorted(by: { $0.position < $1.position }) {
            while next < sorted.count, sorted[next].position < relay.position {
                switch sorted[next].event {
                case .updateKey(let e) where e.user == deployment.proofMarketplace && e.keyIndex.isZero:
                    key = e.key.payload
                case .removeKey(let e) where e.user == deployment.proofMarketplace && e.keyIndex.isZero:
                    key = nil
                default:
                    break
                }
                next += 1
            }
            let expected = key.flatMap { try? Address(publicKey64: $0) }
            out.append(checker.matchingEngine(arguments: relay.arguments, expected: expected, position: relay.position))
        }
        return out
    }
}
