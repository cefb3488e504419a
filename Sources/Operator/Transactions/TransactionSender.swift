import EthereumKit
import JSONRPC
import Telemetry

/// Gas, fee, confirmation and timeout settings of sending commands.
public struct TransactionOptions: Sendable, Hashable {
    /// Fee caps given explicitly (`--max-fee`, `--priority-fee`).
    public var fees: FeeOverrides
    /// A fixed gas limit (`--gas-limit`); nil: `eth_estimateGas` plus `gasMarginPercent`.
    public var gasLimit: UInt64?
    /// Added to the estimate, in percent (`--gas-margin`, default 20).
    public var gasMarginPercent: UInt64
    /// Blocks on top of the receipt's block, counting it (`--confirmations`, default 1: mined).
    public var confirmations: UInt64
    /// How long to wait for the receipt and confirmations (`--timeout`, default 120 s).
    public var timeout: Duration
    /// The first wait between receipt polls; it doubles up to `maxPollInterval`.
    public var pollInterval: Duration
    /// The longest wait between receipt polls.
    public var maxPollInterval: Duration
    /// Consecutive polls in which the node does not know the transaction (and its nonce is unused) before it is
    /// reported dropped.
    public var droppedAfterPolls: Int

    /// Creates options (defaults as documented on each field).
    public init(fees: FeeOverrides = FeeOverrides(), gasLimit: UInt64? = nil, gasMarginPercent: UInt64 = 20, confirmations: UInt64 = 1,
                timeout: Duration = .seconds(120), pollInterval: Duration = .milliseconds(50), maxPollInterval: Duration = .seconds(2),
                droppedAfterPolls: Int = 5) {
        self.fees = fees
        self.gasLimit = gasLimit
        self.gasMarginPercent = gasMarginPercent
        self.confirmations = confirmations
        self.timeout = timeout
        self.pollInterval = pollInterval
        self.maxPollInterval = maxPollInterval
        self.droppedAfterPolls = droppedAfterPolls
    }
}

/// Builds, signs (libsecp256k1, EIP-1559), sends and follows transactions, and explains their reverts.
public struct TransactionSender: Sendable {
    /// The node.
    public let client: JSONRPCClient
    /// The chain id the node reported (and the configuration agreed with): signed into every transaction.
    public let chainId: UInt64
    /// ABIs for revert and event decoding.
    public let abis: OperatorABIs
    /// The deployment, for naming and decoding logs.
    public let deployment: OperatorDeployment
    let logger: Logger

    /// Creates a sender.
    public init(client: JSONRPCClient, chainId: UInt64, abis: OperatorABIs, deployment: OperatorDeployment, logger: Logger) {
        self.client = client
        self.chainId = chainId
        self.abis = abis
        self.deployment = deployment
        self.logger = logger
    }

    // MARK: - Preparing

    /// Simulates `call` from `from` with `eth_estimateGas` on the `pending` block, so the G1 clock (`block.number`)
    /// is the one the transaction will see at the earliest (an intent made in the latest block is executable there);
    /// a revert becomes `.simulationReverted` with the reason explained for the operator.
    public func estimateGas(_ call: ContractCall, from: Address) async throws(OperatorError) -> UInt64 {
        do throws(JSONRPCError) {
            return try await client.estimateGas(call.request(from: from), block: .pending)
        } catch {
            if let data = error.revertData {
                let reason = abis.decodeRevert(data)
                throw OperatorError(.simulationReverted, "simulation: " + RevertExplainer.explain(reason, function: call.function.name)
                                    + "; nothing was sent", revert: reason)
            }
            if error.code == .rpcError, let message = error.rpcMessage, message.lowercased().contains("revert") {
                throw OperatorError(.simulationReverted, "simulation: \(call.function.name) reverted (\(message)); nothing was sent", revert: .empty)
            }
            throw KalypsoChainReader.rpcFailure("eth_estimateGas \(call.function.name)", error)
        }
    }

    /// The pending nonce of `account` (`eth_getTransactionCount(…, pending)`).
    public func pendingNonce(_ account: Address) async throws(OperatorError) -> UInt64 {
        do throws(JSONRPCError) { return try await client.getTransactionCount(account, block: .pending) } catch {
            throw KalypsoChainReader.rpcFailure("eth_getTransactionCount", error)
        }
    }

    /// Signs `call` as an EIP-1559 transaction with `key` at `nonce`. With `simulate`, the gas limit is
    /// `eth_estimateGas × (1 + margin)` (a revert throws `.simulationReverted`) unless `options.gasLimit` is set;
    /// without, `options.gasLimit ?? fallbackGas` is used unsimulated (a call that waits for an earlier approval).
    public func prepare(_ call: ContractCall, key: PrivateKey, nonce: UInt64, fees: FeeQuote, options: TransactionOptions,
                        simulate: Bool = true, fallbackGas: UInt64 = 500_000) async throws(OperatorError) -> PreparedTransaction {
        let from = key.address
        var estimate: UInt64?
        var gasLimit: UInt64
        if simulate {
            let e = try await estimateGas(call, from: from)
            estimate = e
            gasLimit = options.gasLimit ?? Self.withMargin(e, percent: options.gasMarginPercent)
        } else {
            gasLimit = options.gasLimit ?? fallbackGas
        }
        gasLimit = max(gasLimit, 21_000)
        let tx = Transaction.dynamicFee(DynamicFeeTransaction(
            chainId: UInt256(chainId), nonce: nonce, maxPriorityFeePerGas: fees.maxPriorityFeePerGas, maxFeePerGas: fees.maxFeePerGas,
            gasLimit: gasLimit, to: call.to, value: .zero, data: call.data))
        let signed: SignedTransaction
        do { signed = try tx.signed(with: key) } catch {
            throw OperatorError(.invalidInput, "signing failed: \(error)")
        }
        return PreparedTransaction(call: call, from: from, signed: signed, fees: fees, gasEstimate: estimate)
    }

    /// `estimate × (100 + percent) / 100`, saturating.
    public static func withMargin(_ estimate: UInt64, percent: UInt64) -> UInt64 {
        let (product, overflow) = estimate.multipliedReportingOverflow(by: 100 + percent)
        return overflow ? .max : product / 100
    }

    // MARK: - Sending and waiting

    /// Sends the signed transaction; the node's refusal (nonce, fees, funds) becomes `.rejected`.
    public func send(_ prepared: PreparedTransaction) async throws(OperatorError) -> Hash32 {
        logger.info("sending \(prepared.call.function.name)", [("hash", prepared.hash.description), ("nonce", String(prepared.nonce))])
        let hash: Hash32
        do throws(JSONRPCError) {
            hash = try await client.sendRawTransaction(prepared.signed.rawBytes)
        } catch {
            let text = error.rpcMessage ?? error.message
            // A retried send of a transaction the node already took: it is in the pool (or mined), so follow it.
            if text.lowercased().contains("already known") { return prepared.hash }
            var fix = ""
            let lower = text.lowercased()
            if lower.contains("nonce") { fix = "; another transaction from this account may be pending: wait for it, then retry" }
            if lower.contains("insufficient funds") { fix = "; fund \(prepared.from.checksummed) with ether for gas" }
            if lower.contains("base fee") || lower.contains("underpriced") { fix = "; raise --max-fee" }
            throw OperatorError(.rejected, "the node refused \(prepared.call.function.name) (\(prepared.hash)): \(text)\(fix)", transactionHash: prepared.hash)
        }
        guard hash == prepared.hash else {
            throw OperatorError(.rejected, "the node returned the hash \(hash) for transaction \(prepared.hash); refusing to follow a transaction it did not accept as sent")
        }
        return hash
    }

    /// Waits until the receipt has `options.confirmations` blocks (counting its own), polling with backoff.
    /// Throws `.timeout` (still unknown after `options.timeout`), `.dropped` (the node forgot it and its nonce is
    /// unused), `.replaced` (another transaction took its nonce) or `.transactionReverted` (status 0, with the
    /// reason replayed by `eth_call` on the parent block).
    public func waitForReceipt(_ prepared: PreparedTransaction, options: TransactionOptions) async throws(OperatorError) -> Receipt {
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: options.timeout)
        var interval = options.pollInterval
        var unknownStreak = 0
        let hash = prepared.hash
        while true {
            if let receipt = try await receipt(hash) {
                let head = try await blockNumber()
                let have = head >= receipt.blockNumber ? head - receipt.blockNumber + 1 : 0
                if have >= max(1, options.confirmations) {
                    // Re-read after the wait: a reorg may have moved or dropped it.
                    if let again = try await self.receipt(hash), again.blockHash == receipt.blockHash {
                        guard again.succeeded else { throw try await revertFailure(prepared, again) }
                        return again
                    }
                    logger.warning("receipt moved while confirming (reorg); waiting again", [("hash", hash.description)])
                }
                unknownStreak = 0
            } else {
                if try await latestNonce(prepared.from) > prepared.nonce {
                    if try await self.receipt(hash) == nil {
                        throw OperatorError(.replaced, "transaction \(hash) was replaced: another transaction with nonce \(prepared.nonce) from \(prepared.from.checksummed) was mined instead (a speed-up or cancel from another wallet?); check the account's latest transaction before retrying", transactionHash: hash)
                    }
                    continue
                }
                if try await transactionKnown(hash) {
                    unknownStreak = 0
                } else {
                    unknownStreak += 1
                    if unknownStreak >= options.droppedAfterPolls {
                        throw OperatorError(.dropped, "transaction \(hash) was dropped: the node no longer knows it and nonce \(prepared.nonce) is still unused; run the command again", transactionHash: hash)
                    }
                }
            }
            if clock.now >= deadline {
                throw OperatorError(.timeout, "transaction \(hash) has no receipt with \(options.confirmations) confirmation(s) after \(options.timeout); it may still be mined: check it later, and do not resend before it is dropped (same nonce \(prepared.nonce))", transactionHash: hash)
            }
            guard !Task.isCancelled else {
                throw OperatorError(.timeout, "stopped waiting for transaction \(hash) (cancelled); it may still be mined", transactionHash: hash)
            }
            try? await Task.sleep(for: interval)
            interval = min(interval * 2, options.maxPollInterval)
        }
    }

    /// Sends, waits, and decodes the events.
    public func execute(_ prepared: PreparedTransaction, options: TransactionOptions) async throws(OperatorError) -> TransactionOutcome {
        _ = try await send(prepared)
        let receipt = try await waitForReceipt(prepared, options: options)
        return TransactionOutcome(prepared: prepared, receipt: receipt, events: decodeLogs(receipt.logs))
    }

    /// Decodes logs with the deployment's ABIs; unknown logs are kept raw.
    public func decodeLogs(_ logs: [Log]) -> [DecodedLogEntry] {
        logs.map { log in
            let abi = deployment.abi(at: log.address, in: abis)
            let event = abi.flatMap { try? $0.decodeLog(topics: log.topics, data: log.data) }
            return DecodedLogEntry(address: log.address, contract: deployment.contractName(at: log.address), event: event, topics: log.topics)
        }
    }

    private func revertFailure(_ prepared: PreparedTransaction, _ receipt: Receipt) async throws(OperatorError) -> OperatorError {
        let name = prepared.call.function.name
        let base = "transaction \(receipt.transactionHash) reverted in block \(receipt.blockNumber) (gas used \(receipt.gasUsed) of \(prepared.gasLimit))"
        if receipt.gasUsed >= prepared.gasLimit {
            return OperatorError(.transactionReverted, "\(base): it ran out of gas; raise --gas-margin or --gas-limit", transactionHash: receipt.transactionHash)
        }
        let block = receipt.blockNumber > 0 ? receipt.blockNumber - 1 : 0
        do throws(JSONRPCError) {
            _ = try await client.call(prepared.call.request(from: prepared.from, gas: prepared.gasLimit), block: .number(block))
            return OperatorError(.transactionReverted, "\(base); replaying it on block \(block) does not revert, so another transaction in the same block changed the state first: check the state and retry", transactionHash: receipt.transactionHash)
        } catch {
            guard let data = error.revertData else {
                return OperatorError(.transactionReverted, "\(base); the reason could not be replayed (\(error))", transactionHash: receipt.transactionHash)
            }
            let reason = abis.decodeRevert(data)
            return OperatorError(.transactionReverted, "\(base): " + RevertExplainer.explain(reason, function: name), revert: reason,
                                 transactionHash: receipt.transactionHash)
        }
    }

    // MARK: - Small reads

    private func receipt(_ hash: Hash32) async throws(OperatorError) -> Receipt? {
        do throws(JSONRPCError) { return try await client.getTransactionReceipt(hash) } catch {
            throw KalypsoChainReader.rpcFailure("eth_getTransactionReceipt", error)
        }
    }

    private func blockNumber() async throws(OperatorError) -> UInt64 {
        do throws(JSONRPCError) { return try await client.blockNumber() } catch { throw KalypsoChainReader.rpcFailure("eth_blockNumber", error) }
    }

    private func latestNonce(_ account: Address) async throws(OperatorError) -> UInt64 {
        do throws(JSONRPCError) { return try await client.getTransactionCount(account, block: .latest) } catch {
            throw KalypsoChainReader.rpcFailure("eth_getTransactionCount", error)
        }
    }

    private func transactionKnown(_ hash: Hash32) async throws(OperatorError) -> Bool {
        do throws(JSONRPCError) { return try await client.getTransactionByHash(hash) != nil } catch {
            throw KalypsoChainReader.rpcFailure("eth_getTransactionByHash", error)
        }
    }
}
