import EthereumKit
import JSONRPC
import Operator

/// Human and JSON output of the operator commands. Secrets never reach here: only addresses, hashes, calls,
/// signed (public) transactions and receipts.
enum GeneratorOutput {
    // MARK: - JSON building blocks

    /// An ABI value in the `ABIJSON` conventions (integers as decimal strings, bytes as 0x hex).
    static func json(_ value: ABIValue) -> JSONValue {
        switch value {
        case .uint(let v): return .string(v.description)
        case .int(let v): return .string(v.description)
        case .address(let a): return .string(a.checksummed)
        case .bool(let b): return .bool(b)
        case .fixedBytes(let b), .bytes(let b): return .string(Hex.encode(b))
        case .string(let s): return .string(s)
        case .array(let items), .tuple(let items): return .array(items.map(json))
        }
    }

    static func json(_ call: ContractCall) -> JSONValue {
        .object([("contract", .string(call.contract)), ("to", .string(call.to.checksummed)), ("function", .string(call.function.signature)),
                 ("arguments", .object(call.namedArguments.map { ($0.name, json($0.value)) })), ("data", .string(Hex.encode(call.data)))])
    }

    static func json(_ finding: PreflightFinding) -> JSONValue {
        .object([("severity", .string(finding.severity.rawValue)), ("id", .string(finding.id)), ("message", .string(finding.message))])
    }

    static func json(_ entry: DecodedLogEntry) -> JSONValue {
        var members: [(String, JSONValue)] = [("contract", entry.contract.map { .string($0) } ?? .null), ("address", .string(entry.address.checksummed))]
        if let event = entry.event {
            members.append(("event", .string(event.name)))
            members.append(("args", .object(event.fields.map { f in
                switch f.value {
                case .value(let v): return (f.name, json(v))
                case .topicHash(let h): return (f.name, .string(h.description))
                }
            })))
        } else {
            members.append(("event", .null))
            members.append(("topics", .array(entry.topics.map { .string($0.description) })))
        }
        return .object(members)
    }

    static func json(_ p: PreparedTransaction, raw: Bool) -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = [
            ("purpose", .string(p.call.purpose)), ("hash", .string(p.hash.description)), ("from", .string(p.from.checksummed)),
            ("to", .string(p.call.to.checksummed)), ("nonce", .number(JSONNumber(p.nonce))), ("gasLimit", .number(JSONNumber(p.gasLimit))),
            ("gasEstimate", p.gasEstimate.map { .number(JSONNumber($0)) } ?? .null),
            ("maxFeePerGas", .string(p.fees.maxFeePerGas.description)), ("maxPriorityFeePerGas", .string(p.fees.maxPriorityFeePerGas.description)),
            ("feeSource", .string(p.fees.source)), ("maxCostWei", .string(p.maxCost.description)), ("call", json(p.call)),
        ]
        if raw { members.append(("raw", .string(Hex.encode(p.signed.rawBytes)))) }
        return members
    }

    static func json(_ o: TransactionOutcome) -> JSONValue {
        let r = o.receipt
        return .object(json(o.prepared, raw: false) + [
            ("blockNumber", .number(JSONNumber(r.blockNumber))), ("blockHash", .string(r.blockHash.description)),
            ("gasUsed", .number(JSONNumber(r.gasUsed))), ("status", .string(r.succeeded ? "success" : "reverted")),
            ("effectiveGasPrice", r.effectiveGasPrice.map { .string($0.description) } ?? .null),
            ("events", .array(o.events.map(json))),
        ])
    }

    /// The JSON document of a failed command.
    static func json(error: OperatorError, command: String) -> JSONValue {
        var members: [(String, JSONValue)] = [("code", .string(error.code.description)), ("message", .string(error.message))]
        if !error.findings.isEmpty { members.append(("findings", .array(error.findings.map(json)))) }
        if let revert = error.revert { members.append(("revert", .string(revert.description))) }
        if let hash = error.transactionHash { members.append(("transactionHash", .string(hash.description))) }
        return .object([("command", .string(command)), ("ok", .bool(false)), ("error", .object(members))])
    }

    // MARK: - Documents

    /// The JSON document of a planned (dry run) or executed operation.
    static func json(plan: OperationPlan, outcomes: [TransactionOutcome]?, session: OperatorSession) -> JSONValue {
        let transactions: [JSONValue] = outcomes.map { $0.map(json) } ?? plan.transactions.map { .object(json($0, raw: true)) }
        return .object([
            ("command", .string(plan.operation.commandName)), ("ok", .bool(true)), ("dryRun", .bool(outcomes == nil)),
            ("chainId", .number(JSONNumber(session.chainId))), ("from", .string(plan.sender.checksummed)),
            ("summary", .string(summary(plan.operation, session: session))), ("call", json(plan.call)),
            ("warnings", .array(plan.warnings.map(json))),
            ("approval", plan.approval.map { a in .object([("token", .string(a.token.address.checksummed)), ("spender", .string(a.spender.checksummed)),
                                                          ("amount", .string(a.amount.description)), ("currentAllowance", .string(a.currentAllowance.description))]) } ?? .null),
            ("transactions", .array(transactions)),
        ])
    }

    /// The human lines of a dry run.
    static func human(dryRun plan: OperationPlan, session: OperatorSession) -> [String] {
        var lines = ["dry run: nothing was sent", "\(plan.operation.commandName): \(summary(plan.operation, session: session))"]
        for (i, p) in plan.transactions.enumerated() {
            let gas = p.gasEstimate.map { "gas limit \($0 == p.gasLimit ? "\(p.gasLimit)" : "\(p.gasLimit) (estimate \($0))")" }
                ?? "gas limit \(p.gasLimit) (not simulated: it runs after the approval)"
            lines.append("transaction \(i + 1) (\(p.call.purpose)): \(p.call.description)")
            lines.append("  from \(p.from.checksummed), nonce \(p.nonce), \(gas)")
            lines.append("  max fee \(TokenAmount.formatGwei(p.fees.maxFeePerGas)), priority fee \(TokenAmount.formatGwei(p.fees.maxPriorityFeePerGas)), at most \(TokenAmount.formatEther(p.maxCost)) (\(p.fees.source))")
            lines.append("  calldata \(Hex.encode(p.call.data))")
            lines.append("  hash \(p.hash)")
            lines.append("  raw \(Hex.encode(p.signed.rawBytes))")
        }
        return lines
    }

    /// The human lines of executed transactions.
    static func human(outcomes: [TransactionOutcome], plan: OperationPlan, session: OperatorSession) -> [String] {
        var lines = ["\(plan.operation.commandName): \(summary(plan.operation, session: session))"]
        for o in outcomes {
            lines.append("\(o.prepared.call.purpose): \(o.prepared.hash) in block \(o.receipt.blockNumber), gas used \(o.receipt.gasUsed) of \(o.prepared.gasLimit)")
            for e in o.events { lines.append("  \(e.description)") }
        }
        return lines
    }

    /// One sentence with amounts in tokens.
    static func summary(_ operation: GeneratorOperation, session: OperatorSession) -> String {
        let staking = session.stakingToken
        switch operation {
        case let .register(reward, compute, stake, data):
            return "register with reward address \(reward.checksummed), declared compute \(compute), initial stake \(staking.format(stake)), \(data.count) bytes of generator data"
        case let .stake(amount, target):
            return "stake \(staking.format(amount))" + (target.map { " for \($0.checksummed)" } ?? "")
        case let .intendToReduceStake(amount): return "intend to reduce the stake by \(staking.format(amount))"
        case let .unstake(to): return "unstake the intended amount to \(to.checksummed)"
        case let .increaseCompute(amount): return "increase the declared compute by \(amount)"
        case let .intendToReduceCompute(amount): return "intend to reduce the declared compute by \(amount)"
        case .decreaseCompute: return "decrease the declared compute by the intended amount"
        case let .changeRewardAddress(a): return "change the reward address to \(a.checksummed)"
        case let .joinMarket(p):
            return "join market \(p.market): compute per proof \(p.computePerProof), price \(session.paymentToken.format(p.pricePerProof)), max proof time \(p.maxProofTime) blocks"
                + (p.key.map { ", enclave key \($0.attestation.enclaveAddress.checksummed)" } ?? "")
        case let .requestExit(m): return "request to leave market \(m)"
        case let .leaveMarket(m): return "leave market \(m)"
        case let .updateKey(m, key): return "set the enclave key of market \(m) to \(key.attestation.enclaveAddress.checksummed)"
        case let .removeKey(m): return "remove the enclave key of market \(m)"
        case let .deregister(to): return "deregister and refund the stake to \(to.checksummed)"
        }
    }
}
