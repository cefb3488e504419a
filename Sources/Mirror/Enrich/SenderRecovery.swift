import EthereumKit
import JSONRPC

/// The sender of a transaction as libsecp256k1 recovers it from the RPC fields (the node's `from` is not trusted).
enum SenderRecovery: Sendable, Hashable {
    /// Recovered from the signature over the rebuilt signing hash (and the rebuilt transaction hashes to `hash`).
    case recovered(Address)
    /// Not recovered: an unsupported type (blob, EIP-7702, Arbitrum system types), or fields that do not rebuild a
    /// valid signed transaction. The reason says which.
    case unchecked(String)

    /// The recovered address, if any.
    var address: Address? {
        if case .recovered(let a) = self { return a }
        return nil
    }

    /// Rebuilds the signed transaction from `tx`'s fields and recovers its sender.
    init(_ tx: RPCTransaction) {
        do {
            let signed = try SignedTransaction(rpc: RPCTransactionFields(tx))
            self = .recovered(try signed.recoverSender())
        } catch let e as TransactionError where e.code == .typeNotSupported {
            self = .unchecked("transaction type \(Self.typeName(tx.type)) is not one the mirror can rebuild (0, 1, 2): the sender is not checked")
        } catch let e as TransactionError {
            self = .unchecked("the transaction fields do not rebuild a valid signed transaction (\(e.code): \(e.message)); the node returned inconsistent data")
        } catch {
            self = .unchecked("the sender could not be recovered: \(error)")
        }
    }

    static func typeName(_ type: UInt8) -> String {
        switch type {
        case 3: return "3 (EIP-4844 blob)"
        case 4: return "4 (EIP-7702 set-code)"
        case 0x64...0x6a: return "0x\(String(type, radix: 16)) (Arbitrum system/retryable)"
        default: return "0x\(String(type, radix: 16))"
        }
    }
}

extension RPCTransactionFields {
    /// The signature-relevant fields of a JSON-RPC transaction object, for `SignedTransaction(rpc:)`.
    public init(_ tx: RPCTransaction) {
        self.init(type: UInt64(tx.type), chainId: tx.chainId.map { UInt256($0) }, nonce: tx.nonce, gas: tx.gas,
                  gasPrice: tx.gasPrice, maxFeePerGas: tx.maxFeePerGas, maxPriorityFeePerGas: tx.maxPriorityFeePerGas,
                  to: tx.to, value: tx.value, input: tx.input,
                  accessList: tx.accessList?.map { EthereumKit.AccessListEntry(address: $0.address, storageKeys: $0.storageKeys) },
                  v: tx.v, yParity: tx.yParity.map { UInt256(UInt64($0)) }, r: tx.r, s: tx.s, hash: tx.hash)
    }
}
