import EthereumKit

/// `kalypso-mirror tx decode`: a raw transaction as JSON, with its recovered sender and hash.
enum TxCommand: CLICommand {
    static let name = "tx"
    static let summary = "Decode a raw signed transaction (legacy, EIP-2930, EIP-1559) to JSON"
    static let help = """
    Usage:
      kalypso-mirror tx decode <0x raw transaction>

    Subcommands:
      decode   print the transaction as one JSON object

    Run 'kalypso-mirror tx decode --help' for details.
    """
    static let decodeHelp = """
    Usage: kalypso-mirror tx decode <0x raw transaction>

    Decodes a serialised signed transaction (what eth_sendRawTransaction takes): a legacy RLP list
    (pre-EIP-155 or EIP-155), 0x01 ‖ RLP (EIP-2930) or 0x02 ‖ RLP (EIP-1559). Decoding is strict:
    non-canonical RLP, wrong field counts, leading zeros, v/r/s out of range and high s (EIP-2)
    are errors (exit code 2), as is a signature from which no sender recovers.

    Output: one JSON object with type, chainId, nonce, gas and fee fields, to (null for contract
    creation), value, data, accessList, signature {v, yParity, r, s}, signingHash, sender and hash.
    Integers are decimal strings; bytes, hashes and addresses are lowercase 0x-hex.
    """

    static var handlesOwnHelp: Bool { true }

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        guard let sub = arguments.positional() else {
            if arguments.wantsHelp { Console.out(help); return 0 }
            throw CLIError.usage("tx needs a subcommand; see 'kalypso-mirror tx --help'")
        }
        switch sub {
        case "decode":
            if arguments.wantsHelp { Console.out(decodeHelp); return 0 }
            let rawText = try arguments.requiredPositional("0x raw transaction")
            try arguments.finish()
            let raw: [UInt8]
            do { raw = try Hex.decode(rawText, prefix: .optional) } catch {
                throw CLIError.usage("tx decode: the transaction is not hex: \(error)")
            }
            do {
                let tx = try SignedTransaction(rawBytes: raw)
                let sender = try tx.recoverSender()
                Console.out(json(tx, sender: sender))
                return 0
            } catch let e as TransactionError {
                throw CLIError.usage("tx decode: \(e.message)")
            }
        default:
            throw CLIError.usage("unknown tx subcommand '\(sub)'; see 'kalypso-mirror tx --help'")
        }
    }

    /// One JSON object; every value is a number, a hex/decimal string, null or a nested object/array,
    /// so no string needs escaping.
    static func json(_ signed: SignedTransaction, sender: Address) -> String {
        let tx = signed.transaction
        func str(_ s: String) -> String { "\"\(s)\"" }
        var fields: [(String, String)] = [
            ("type", String(tx.type)),
            ("chainId", tx.chainId.map { str($0.description) } ?? "null"),
            ("nonce", str(String(tx.nonce))),
            ("gasLimit", str(String(tx.gasLimit))),
        ]
        switch tx {
        case .legacy(let t): fields.append(("gasPrice", str(t.gasPrice.description)))
        case .accessList(let t): fields.append(("gasPrice", str(t.gasPrice.description)))
        case .dynamicFee(let t):
            fields.append(("maxPriorityFeePerGas", str(t.maxPriorityFeePerGas.description)))
            fields.append(("maxFeePerGas", str(t.maxFeePerGas.description)))
        }
        fields.append(("to", tx.to.map { str($0.description) } ?? "null"))
        fields.append(("value", str(tx.value.description)))
        fields.append(("data", str(Hex.encode(tx.data))))
        if tx.type != 0 {
            let entries = tx.accessList.map { e in
                "{\"address\":\(str(e.address.description)),\"storageKeys\":[\(e.storageKeys.map { str($0.description) }.joined(separator: ","))]}"
            }
            fields.append(("accessList", "[\(entries.joined(separator: ","))]"))
        }
        let sig = signed.signature
        fields.append(("signature", "{\"v\":\(str(signed.v.description)),\"yParity\":\(sig.yParity),\"r\":\(str(Hash32(sig.r).description)),\"s\":\(str(Hash32(sig.s).description))}"))
        fields.append(("signingHash", str(signed.signingHash.description)))
        fields.append(("sender", str(sender.description)))
        fields.append(("hash", str(signed.hash.description)))
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }
}
