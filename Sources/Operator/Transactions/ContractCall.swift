import EthereumKit
import JSONRPC

/// One contract function call an operator sends: the target, the ABI function and its arguments, and why.
public struct ContractCall: Sendable, Hashable {
    /// The contract's name for output (`GeneratorRegistry`, `StakingToken`).
    public var contract: String
    /// The contract address.
    public var to: Address
    /// The ABI function.
    public var function: ABIFunction
    /// The arguments, in the function's order.
    public var arguments: [ABIValue]
    /// What this transaction is for, e.g. `approve` or `register`.
    public var purpose: String

    /// Creates a call; the arguments must match the function's inputs.
    public init(contract: String, to: Address, function: ABIFunction, arguments: [ABIValue], purpose: String) throws(OperatorError) {
        guard arguments.count == function.inputs.count, zip(arguments, function.inputs).allSatisfy({ $0.matches($1.type) }) else {
            throw OperatorError(.invalidInput, "the arguments do not match \(function.signature)")
        }
        self.contract = contract
        self.to = to
        self.function = function
        self.arguments = arguments
        self.purpose = purpose
    }

    /// The calldata: selector ‖ arguments.
    public var data: [UInt8] {
        // The arguments were checked against the inputs at creation, so encoding cannot fail.
        (try? function.encodeCall(arguments)) ?? function.selector.bytes
    }

    /// The named arguments, e.g. `[("rewardAddress", .address(…)), …]` (unnamed ones as `arg0`, `arg1`, …).
    public var namedArguments: [(name: String, value: ABIValue)] {
        zip(function.inputs, arguments).enumerated().map { i, pair in
            (pair.0.name.isEmpty ? "arg\(i)" : pair.0.name, pair.1)
        }
    }

    /// `GeneratorRegistry.stake(generatorAddress=0x…, amount=100)`.
    public var description: String {
        "\(contract).\(function.name)(" + namedArguments.map { "\($0.name)=\(ABIValueText.describe($0.value))" }.joined(separator: ", ") + ")"
    }

    /// The `eth_call` / `eth_estimateGas` request of this call from `from`.
    public func request(from: Address, gas: UInt64? = nil) -> CallRequest {
        CallRequest(from: from, to: to, gas: gas, data: data)
    }
}

/// A signed transaction ready to send, with what it does and how its gas and fees were chosen.
public struct PreparedTransaction: Sendable, Hashable {
    /// The call.
    public var call: ContractCall
    /// The sender.
    public var from: Address
    /// The signed transaction (EIP-1559).
    public var signed: SignedTransaction
    /// The fee caps and their source.
    public var fees: FeeQuote
    /// `eth_estimateGas`, when the call could be simulated (nil: not simulated, e.g. it waits for an approval).
    public var gasEstimate: UInt64?

    /// The nonce.
    public var nonce: UInt64 { signed.transaction.nonce }
    /// The gas limit.
    public var gasLimit: UInt64 { signed.transaction.gasLimit }
    /// The transaction hash.
    public var hash: Hash32 { signed.hash }
    /// The most this transaction can cost in ether: gas limit × max fee.
    public var maxCost: UInt256 { UInt256(gasLimit).multiplied(by: fees.maxFeePerGas) ?? .max }
}

/// A log of a mined transaction, decoded with the deployment's ABIs when its address is known.
public struct DecodedLogEntry: Sendable, Hashable {
    /// The emitting contract.
    public var address: Address
    /// Its name in the deployment (`GeneratorRegistry`, …), or nil for a foreign contract.
    public var contract: String?
    /// The decoded event, or nil if the log is not one the ABIs know.
    public var event: DecodedEvent?
    /// The raw topics (kept for unknown logs).
    public var topics: [Hash32]

    /// `GeneratorRegistry.AddedStake(generator=0x…, amount=100)`, or the raw topic0 for an unknown log.
    public var description: String {
        let name = contract ?? address.checksummed
        guard let event else { return "\(name): unknown log \(topics.first.map(\.description) ?? "(anonymous)")" }
        let fields = event.fields.map { f -> String in
            switch f.value {
            case .value(let v): return "\(f.name)=\(ABIValueText.describe(v))"
            case .topicHash(let h): return "\(f.name)=hash:\(h)"
            }
        }
        return "\(name).\(event.name)(\(fields.joined(separator: ", ")))"
    }
}

/// A mined transaction: what was sent, its receipt, and its decoded events.
public struct TransactionOutcome: Sendable, Hashable {
    /// The transaction as prepared and sent.
    public var prepared: PreparedTransaction
    /// Its receipt (status 1).
    public var receipt: Receipt
    /// The receipt's logs, decoded.
    public var events: [DecodedLogEntry]
}

/// Human text of ABI values: like `ABIValue.description`, with EIP-55 checksummed addresses.
public enum ABIValueText {
    /// `0xAbC…` addresses, decimal integers, `0x` bytes, quoted strings, `[…]` arrays and `(…)` tuples.
    public static func describe(_ value: ABIValue) -> String {
        switch value {
        case .address(let a): return a.checksummed
        case .array(let items): return "[" + items.map(describe).joined(separator: ", ") + "]"
        case .tuple(let items): return "(" + items.map(describe).joined(separator: ", ") + ")"
        default: return value.description
        }
    }
}
