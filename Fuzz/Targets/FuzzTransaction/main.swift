import EthereumKit
import FuzzSupport

// The transaction decoder. `Transaction.fuzz` checks that an accepted transaction re-serialises to the same bytes
// (and that sender recovery returns). On top of that: failures are `TransactionError`s only, an accepted
// transaction re-decodes to an equal value, its hash is keccak256 of the input, and its RLP body is canonical RLP.

Fuzz.run { raw in
    Fuzz.require(Transaction.fuzz(raw), "transaction: decoded value does not re-serialise to the input bytes")
    let tx: SignedTransaction
    do {
        tx = try SignedTransaction(raw: raw)
    } catch is TransactionError {
        return
    } catch {
        Fuzz.require(false, "transaction decode threw \(type(of: error)), not TransactionError")
        return
    }
    let bytes = Array(raw)
    Fuzz.require((try? SignedTransaction(rawBytes: tx.rawBytes)) == tx, "transaction: re-decoding the serialised form changed it")
    Fuzz.require(tx.hash == Keccak256.hash(bytes), "transaction: hash is not keccak256 of the raw bytes")
    let body = tx.transaction.type == 0 ? bytes : Array(bytes.dropFirst())
    Fuzz.require((try? RLP.decode(body))?.listValue != nil, "transaction: accepted body is not one canonical RLP list")
    Fuzz.require(tx.signature.r.isZero == false && tx.signature.s.isZero == false, "transaction: accepted r or s = 0")
}
