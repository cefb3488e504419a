import EthereumKit
import JSONRPC
import Kalypso
import Mirror

/// Test keys and the test deployment.
enum TestKeys {
    /// The spec's §11.4 key: keccak256("kalypso-mirror test key").
    static let spec = key("0x5e5dd4a68c42774348dc0f735ac43cca30c10371bfdc80765198febaddc74012")
    /// Further keys 0x…01, 0x…02, … (not real keys).
    static func numbered(_ n: UInt8) -> PrivateKey { key("0x" + String(repeating: "0", count: 62) + String(format2(n))) }

    static func key(_ hex: String) -> PrivateKey {
        do { return try PrivateKey(hex: hex) } catch { preconditionFailure("test key \(hex): \(error)") }
    }

    private static func format2(_ n: UInt8) -> String {
        let s = String(n, radix: 16)
        return s.count == 1 ? "0" + s : s
    }
}

enum TestDeployment {
    static let chainId: UInt64 = 421_614
    static let deployment = KalypsoDeployment(
        chainId: chainId,
        generatorRegistry: address("0x5ce3e1010028c4f5687356d721e3e2b6dcea7c25"),
        proofMarketplace: address("0x0b6340a893b944bdc3b4f012e934b724c83abf97"),
        entityKeyRegistry: address("0x002064f4d224ea4f90e9a74b5fe3f3812886c6df"),
        startBlock: 100)

    static let abis: KalypsoABIs = {
        do { return try KalypsoABIs.embedded() } catch { preconditionFailure("embedded ABIs: \(error)") }
    }()

    static func address(_ hex: String) -> Address {
        do { return try Address(hex) } catch { preconditionFailure("address \(hex): \(error)") }
    }

    static func event(_ signature: String, in contract: KalypsoContract) -> ABIEvent {
        guard let e = abis.abi(of: contract).event(signature: signature) else { preconditionFailure("no event \(signature)") }
        return e
    }

    static func function(_ signature: String, in contract: KalypsoContract) -> ABIFunction {
        do { return try abis.function(signature, in: contract) } catch { preconditionFailure("\(error)") }
    }

    static func calldata(_ signature: String, in contract: KalypsoContract, _ args: [ABIValue]) -> [UInt8] {
        do { return try function(signature, in: contract).encodeCall(args) } catch { preconditionFailure("\(signature): \(error)") }
    }
}

/// One emitted event for `TestChain.transact`.
struct Emit {
    let contract: KalypsoContract
    let signature: String
    let values: [ABIValue]

    init(_ contract: KalypsoContract, _ signature: String, _ values: [ABIValue]) {
        self.contract = contract; self.signature = signature; self.values = values
    }
}

/// Builds blocks of real signed transactions and their ABI-encoded logs, as a node would return them.
struct TestChain {
    let deployment = TestDeployment.deployment
    private(set) var blocks: [UInt64: [RPCTransaction]] = [:]
    private(set) var logs: [Log] = []
    private var nonces: [Address: UInt64] = [:]
    /// Per block, the node's `l1BlockNumber` (Arbitrum), if set.
    var l1BlockNumbers: [UInt64: UInt64] = [:]

    static func blockHash(_ n: UInt64) -> Hash32 { Keccak256.hash(utf8: "test block \(n)") }

    /// Signs a transaction from `key` to `to` with `input`, puts it in block `n` and emits `events` as its logs.
    @discardableResult
    mutating func transact(block n: UInt64, from key: PrivateKey, to: Address?, input: [UInt8], type: UInt8 = 2,
                           emits events: [Emit], edit: (inout RPCTransaction) -> Void = { _ in }) -> RPCTransaction {
        let nonce = nonces[key.address, default: 0]
        nonces[key.address] = nonce + 1
        var tx = Self.rpcTransaction(Self.sign(from: key, to: to, input: input, type: type, nonce: nonce), from: key.address)
        let index = UInt64(blocks[n, default: []].count)
        tx.blockHash = Self.blockHash(n)
        tx.blockNumber = n
        tx.transactionIndex = index
        edit(&tx)
        blocks[n, default: []].append(tx)
        var logIndex = UInt64(logs.filter { $0.blockNumber == n }.count)
        for e in events {
            let event = TestDeployment.event(e.signature, in: e.contract)
            let encoded: (topics: [Hash32], data: [UInt8])
            do { encoded = try event.encodeLog(e.values) } catch { preconditionFailure("\(e.signature): \(error)") }
            logs.append(Log(address: deployment.address(of: e.contract), topics: encoded.topics, data: encoded.data, blockNumber: n,
                            blockHash: Self.blockHash(n), transactionHash: tx.hash, transactionIndex: index, logIndex: logIndex))
            logIndex += 1
        }
        return tx
    }

    /// The decoded Kalypso logs (every log must decode to an event).
    func decoded() -> [KalypsoLog] {
        let decoder: KalypsoLogDecoder
        do { decoder = try KalypsoLogDecoder(deployment: deployment) } catch { preconditionFailure("decoder: \(error)") }
        return logs.compactMap { log in
            if case .event(let e) = decoder.decode(log) { return e }
            preconditionFailure("log \(log.logIndex) of block \(log.blockNumber) did not decode")
        }
    }

    /// The blocks as `eth_getBlockByNumber(n, true)` returns them.
    func block(_ n: UInt64) -> Block {
        TestJSON.decodeBlock(TestJSON.block(number: n, hash: Self.blockHash(n), l1BlockNumber: l1BlockNumbers[n], transactions: blocks[n] ?? []))
    }

    static func sign(from key: PrivateKey, to: Address?, input: [UInt8], type: UInt8, nonce: UInt64) -> SignedTransaction {
        let chainId = UInt256(TestDeployment.chainId)
        let transaction: Transaction
        switch type {
        case 0: transaction = .legacy(LegacyTransaction(nonce: nonce, gasPrice: UInt256(1_000_000_000), gasLimit: 900_000, to: to, data: input, chainId: chainId))
        case 1: transaction = .accessList(AccessListTransaction(chainId: chainId, nonce: nonce, gasPrice: UInt256(1_000_000_000), gasLimit: 900_000,
                                                                 to: to, value: .zero, data: input, accessList: []))
        default: transaction = .dynamicFee(DynamicFeeTransaction(chainId: chainId, nonce: nonce, maxPriorityFeePerGas: UInt256(1),
                                                                  maxFeePerGas: UInt256(2_000_000_000), gasLimit: 900_000, to: to, value: .zero,
                                                                  data: input, accessList: []))
        }
        do { return try transaction.signed(with: key) } catch { preconditionFailure("sign: \(error)") }
    }

    /// The JSON-RPC object of a signed transaction, decoded by the client's decoder.
    static func rpcTransaction(_ signed: SignedTransaction, from: Address) -> RPCTransaction {
        TestJSON.decodeTransaction(TestJSON.transaction(signed, from: from))
    }
}

/// JSON text as geth writes it, decoded with the JSONRPC module's own decoders.
enum TestJSON {
    static func q(_ v: UInt64) -> String { "\"0x\(String(v, radix: 16))\"" }
    static func q(_ v: UInt256) -> String { "\"\(v.hexQuantity)\"" }

    static func transaction(_ signed: SignedTransaction, from: Address) -> String {
        let t = signed.transaction
        var fields = [
            "\"type\":\(q(UInt64(t.type)))", "\"nonce\":\(q(t.nonce))", "\"gas\":\(q(t.gasLimit))", "\"value\":\(q(t.value))",
            "\"input\":\"\(Hex.encode(t.data))\"", "\"to\":" + (t.to.map { "\"\($0)\"" } ?? "null"),
            "\"v\":\(q(signed.v))", "\"r\":\(q(signed.signature.r))", "\"s\":\(q(signed.signature.s))",
            "\"hash\":\"\(signed.hash)\"", "\"from\":\"\(from)\"",
        ]
        if let chainId = t.chainId { fields.append("\"chainId\":\(q(chainId))") }
        switch t {
        case .legacy(let l): fields.append("\"gasPrice\":\(q(l.gasPrice))")
        case .accessList(let a):
            fields += ["\"gasPrice\":\(q(a.gasPrice))", "\"accessList\":[]", "\"yParity\":\(q(UInt64(signed.signature.yParity)))"]
        case .dynamicFee(let d):
            fields += ["\"maxFeePerGas\":\(q(d.maxFeePerGas))", "\"maxPriorityFeePerGas\":\(q(d.maxPriorityFeePerGas))",
                       "\"gasPrice\":\(q(d.maxFeePerGas))", "\"accessList\":[]", "\"yParity\":\(q(UInt64(signed.signature.yParity)))"]
        }
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// Re-serialises a decoded transaction (after a test edited it), with its block fields.
    static func transaction(_ tx: RPCTransaction) -> String {
        var fields = [
            "\"type\":\(q(UInt64(tx.type)))", "\"nonce\":\(q(tx.nonce))", "\"gas\":\(q(tx.gas))", "\"value\":\(q(tx.value))",
            "\"input\":\"\(Hex.encode(tx.input))\"", "\"to\":" + (tx.to.map { "\"\($0)\"" } ?? "null"),
            "\"v\":\(q(tx.v))", "\"r\":\(q(tx.r))", "\"s\":\(q(tx.s))", "\"hash\":\"\(tx.hash)\"", "\"from\":\"\(tx.from)\"",
        ]
        if let c = tx.chainId { fields.append("\"chainId\":\(q(c))") }
        if let g = tx.gasPrice { fields.append("\"gasPrice\":\(q(g))") }
        if let m = tx.maxFeePerGas { fields.append("\"maxFeePerGas\":\(q(m))") }
        if let m = tx.maxPriorityFeePerGas { fields.append("\"maxPriorityFeePerGas\":\(q(m))") }
        if tx.accessList != nil { fields.append("\"accessList\":[]") }
        if let y = tx.yParity { fields.append("\"yParity\":\(q(UInt64(y)))") }
        if let h = tx.blockHash { fields.append("\"blockHash\":\"\(h)\"") }
        if let n = tx.blockNumber { fields.append("\"blockNumber\":\(q(n))") }
        if let i = tx.transactionIndex { fields.append("\"transactionIndex\":\(q(i))") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func block(number: UInt64, hash: Hash32, l1BlockNumber: UInt64? = nil, transactions: [RPCTransaction]) -> String {
        var fields = ["\"number\":\(q(number))", "\"hash\":\"\(hash)\"", "\"parentHash\":\"\(TestChain.blockHash(number &- 1))\"",
                      "\"timestamp\":\(q(1_700_000_000 + number))",
                      "\"transactions\":[" + transactions.map { transaction($0) }.joined(separator: ",") + "]"]
        if let l1 = l1BlockNumber { fields.append("\"l1BlockNumber\":\(q(l1))") }
        return "{" + fields.joined(separator: ",") + "}"
    }

    static func decodeTransaction(_ json: String) -> RPCTransaction {
        do {
            return try JSONScanner.withScanner(Array(json.utf8)) { (s: inout JSONScanner) throws(JSONParseError) in try RPCTransaction.decode(from: &s) }
        } catch { preconditionFailure("transaction JSON: \(error)\n\(json)") }
    }

    static func decodeBlock(_ json: String) -> Block {
        do {
            return try JSONScanner.withScanner(Array(json.utf8)) { (s: inout JSONScanner) throws(JSONParseError) in
                try Block.decode(from: &s, fullTransactions: true)
            }
        } catch { preconditionFailure("block JSON: \(error)\n\(json)") }
    }
}
