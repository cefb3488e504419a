import EthereumKit
import JSONRPC
import Kalypso
import Telemetry

/// A connection to one G1 deployment for a generator operator: the node (chain id checked), the resolved
/// contracts and tokens, a reader and a sender. Plans and executes `GeneratorOperation`s.
public struct OperatorSession: Sendable {
    /// The node.
    public let client: JSONRPCClient
    /// The node's chain id (checked against the configuration at connect time).
    public let chainId: UInt64
    /// The ABIs.
    public let abis: OperatorABIs
    /// The contracts.
    public let deployment: OperatorDeployment
    /// Typed getters.
    public let reader: KalypsoChainReader
    /// Signing, sending, waiting.
    public let sender: TransactionSender
    /// The staking token (`STAKING_TOKEN()`).
    public let stakingToken: TokenInfo
    /// The payment token (`PAYMENT_TOKEN()`), the unit of PricePerProof.
    public let paymentToken: TokenInfo

    /// Connects: checks the chain id (when `expectedChainId` is given), resolves the deployment from the registry
    /// address and reads both tokens. The RPC URL never appears unmasked in errors.
    public static func connect(rpcURL: String, expectedChainId: UInt64?, registry: Address, logger: Logger) async throws(OperatorError) -> OperatorSession {
        let client: JSONRPCClient
        do throws(JSONRPCError) {
            var configuration = JSONRPCClientConfiguration(url: rpcURL)
            configuration.requestTimeout = .seconds(30)
            client = try JSONRPCClient(configuration: configuration, logger: logger)
        } catch {
            throw OperatorError(.configuration, "cannot use the RPC URL \(RedactedURL(rpcURL)): \(error)")
        }
        do throws(OperatorError) {
            return try await connect(client: client, expectedChainId: expectedChainId, registry: registry, logger: logger)
        } catch {
            client.shutdown()
            throw error
        }
    }

    /// Connects over an existing client (see `connect(rpcURL:…)`).
    public static func connect(client: JSONRPCClient, expectedChainId: UInt64?, registry: Address, logger: Logger) async throws(OperatorError) -> OperatorSession {
        let chainId: UInt64
        do throws(JSONRPCError) { chainId = try await client.chainId() } catch {
            throw OperatorError(.rpc, "cannot reach the node: \(error)")
        }
        if let expectedChainId, expectedChainId != chainId {
            throw OperatorError(.chainMismatch, "the node reports chain id \(chainId) but the configuration expects \(expectedChainId); check --rpc / --network / --chain-id")
        }
        let abis = try OperatorABIs.embedded()
        let deployment = try await KalypsoChainReader.resolve(registry: registry, client: client, abis: abis)
        let reader = KalypsoChainReader(client: client, abis: abis, deployment: deployment)
        let staking = try await reader.token(deployment.stakingToken)
        let payment = deployment.paymentToken == deployment.stakingToken ? staking : try await reader.token(deployment.paymentToken)
        return OperatorSession(client: client, chainId: chainId, abis: abis, deployment: deployment, reader: reader,
                               sender: TransactionSender(client: client, chainId: chainId, abis: abis, deployment: deployment, logger: logger),
                               stakingToken: staking, paymentToken: payment)
    }

    /// Stops the client's transport threads.
    public func shutdown() { client.shutdown() }

    /// The registry call of `operation` from `sender`.
    public func call(for operation: GeneratorOperation, sender: Address) throws(OperatorError) -> ContractCall {
        let function = try abis.function(abis.generatorRegistry, operation.functionName)
        return try ContractCall(contract: "GeneratorRegistry", to: deployment.generatorRegistry, function: function,
                                arguments: operation.arguments(sender: sender), purpose: operation.commandName)
    }
}

/// What to do when the staking-token allowance for the registry is short.
public enum ApprovalDecision: Sendable {
    /// Send `approve(registry, amount)` first (`--approve`).
    case approve
    /// Refuse with a preflight error naming `--approve`.
    case refuse
    /// Ask (an interactive yes/no); `true` approves.
    case ask(@Sendable (ApprovalRequest) async -> Bool)
}

/// An `approve` the operation needs first.
public struct ApprovalRequest: Sendable, Hashable {
    /// The staking token.
    public var token: TokenInfo
    /// The GeneratorRegistry.
    public var spender: Address
    /// The allowance to set (the amount the operation stakes).
    public var amount: UInt256
    /// The current allowance.
    public var currentAllowance: UInt256

    /// One line for a prompt: `approve the GeneratorRegistry 0x… to take 100 POND (allowance now 0 POND)?`.
    public var description: String {
        "approve the GeneratorRegistry \(spender.checksummed) to take \(token.format(amount)) (allowance now \(token.format(currentAllowance)))"
    }
}

/// A checked, signed, not yet sent operation: its warnings, an optional approval, and the transactions in order.
public struct OperationPlan: Sendable {
    /// The operation.
    public var operation: GeneratorOperation
    /// The sender.
    public var sender: Address
    /// What preflight read.
    public var snapshot: PreflightSnapshot
    /// The warnings (errors stop planning).
    public var warnings: [PreflightFinding]
    /// The approval sent first, if the allowance was short.
    public var approval: ApprovalRequest?
    /// The registry call.
    public var call: ContractCall
    /// The signed transactions in sending order (the approval first). A transaction after an approval is not
    /// simulated (`gasEstimate == nil`) and is re-prepared once the approval is mined.
    public var transactions: [PreparedTransaction]
}

extension OperatorSession {
    /// Runs preflight, decides the approval, quotes fees, simulates and signs. Throws `.preflight` with every finding
    /// when a check fails, `.simulationReverted` when the node's simulation reverts. Sends nothing.
    public func plan(_ operation: GeneratorOperation, key: PrivateKey, approval: ApprovalDecision,
                     options: TransactionOptions) async throws(OperatorError) -> OperationPlan {
        let from = key.address
        let snapshot = try await PreflightSnapshot.load(for: operation, sender: from, reader: reader, stakingToken: stakingToken,
                                                        paymentToken: paymentToken)
        var findings = Preflight.check(operation, snapshot)
        var request: ApprovalRequest?
        if let spend = operation.stakingTokenSpend, Preflight.approvalShortfall(operation, snapshot) != nil,
           !findings.contains(where: { $0.severity == .error }) {
            let r = ApprovalRequest(token: stakingToken, spender: deployment.generatorRegistry, amount: spend,
                                    currentAllowance: snapshot.allowance ?? .zero)
            let yes: Bool
            switch approval {
            case .approve: yes = true
            case .refuse: yes = false
            case .ask(let confirm): yes = await confirm(r)
            }
            if yes {
                request = r
            } else {
                findings.append(.error("allowance-short", "the GeneratorRegistry's allowance for \(from.checksummed)'s \(stakingToken.symbol) is \(stakingToken.format(r.currentAllowance)), but the operation stakes \(stakingToken.format(spend)); rerun with --approve to send approve(\(deployment.generatorRegistry.checksummed), \(stakingToken.format(spend))) first"))
            }
        }
        try Self.throwIfRefused(operation, findings)
        let call = try self.call(for: operation, sender: from)
        let fees = try await FeePolicy.quote(client: client, overrides: options.fees)
        let nonce = try await sender.pendingNonce(from)
        var transactions: [PreparedTransaction] = []
        if let request {
            let approve = try ContractCall(contract: deployment.contractName(at: stakingToken.address) ?? "StakingToken", to: stakingToken.address,
                                           function: try abis.function(abis.erc20, "approve"),
                                           arguments: [.address(request.spender), .uint(request.amount)], purpose: "approve")
            var approveOptions = options
            approveOptions.gasLimit = nil
            transactions.append(try await sender.prepare(approve, key: key, nonce: nonce, fees: fees, options: approveOptions))
            transactions.append(try await sender.prepare(call, key: key, nonce: nonce + 1, fees: fees, options: options, simulate: false))
        } else {
            transactions.append(try await sender.prepare(call, key: key, nonce: nonce, fees: fees, options: options))
        }
        let cost = transactions.reduce(UInt256.zero) { $0.adding($1.maxCost) ?? .max }
        let ether = try await reader.etherBalance(from)
        if ether < cost {
            findings.append(.error("ether-short", "\(from.checksummed) has \(TokenAmount.formatEther(ether)); the transaction(s) may cost up to \(TokenAmount.formatEther(cost)) in gas (gas limit × max fee); send it ether for gas"))
            try Self.throwIfRefused(operation, findings)
        }
        return OperationPlan(operation: operation, sender: from, snapshot: snapshot, warnings: findings.filter { $0.severity == .warning },
                             approval: request, call: call, transactions: transactions)
    }

    /// Sends the plan's transactions in order, each after the previous one is confirmed. A transaction that was not
    /// simulated (it followed an approval) is simulated and re-signed with a fresh nonce and fees first.
    public func execute(_ plan: OperationPlan, key: PrivateKey, options: TransactionOptions) async throws(OperatorError) -> [TransactionOutcome] {
        var outcomes: [TransactionOutcome] = []
        for var prepared in plan.transactions {
            if prepared.gasEstimate == nil && !outcomes.isEmpty {
                let fees = try await FeePolicy.quote(client: client, overrides: options.fees)
                let nonce = try await sender.pendingNonce(key.address)
                do throws(OperatorError) {
                    prepared = try await sender.prepare(prepared.call, key: key, nonce: nonce, fees: fees, options: options)
                } catch {
                    throw OperatorError(error.code, "the approval went through (\(outcomes.map { $0.prepared.hash.description }.joined(separator: ", "))), but " + error.message,
                                        revert: error.revert)
                }
            }
            outcomes.append(try await sender.execute(prepared, options: options))
        }
        return outcomes
    }

    static func throwIfRefused(_ operation: GeneratorOperation, _ findings: [PreflightFinding]) throws(OperatorError) {
        let errors = findings.filter { $0.severity == .error }
        guard !errors.isEmpty else { return }
        let text = errors.map(\.message).joined(separator: "; ")
        throw OperatorError(.preflight, "\(operation.commandName) refused before sending: \(text)", findings: findings)
    }
}
