import EthereumKit

/// `kalypso-mirror sig recover`: the address that signed a 32-byte hash.
enum SigCommand: CLICommand {
    static let name = "sig"
    static let summary = "Recover the signer of a 32-byte hash from a 65-byte r‖s‖v signature"
    static let help = """
    Usage:
      kalypso-mirror sig recover <32-byte hash> <65-byte r‖s‖v signature> [--low-s]

    Subcommands:
      recover   print the EIP-55 address that signed the hash

    Run 'kalypso-mirror sig recover --help' for details.
    """
    static let recoverHelp = """
    Usage: kalypso-mirror sig recover <32-byte hash> <65-byte r‖s‖v signature> [--low-s]

    Recovers the signer's address of a 32-byte digest (no further hashing: for a personal_sign
    message pass its EIP-191 hash) and prints it in EIP-55 form.

    The signature is 0x-hex r (32 bytes) ‖ s (32 bytes) ‖ v (1 byte), v = 27/28 or 0/1.
    By default any s in [1, n-1] is accepted, as the ecrecover precompile does; --low-s also
    requires s ≤ n/2 (EIP-2, OpenZeppelin ECDSA.recover, transactions).

    Exit code 2 for: a hash that is not 32 bytes, a signature that is not 65 bytes, v outside
    {0, 1, 27, 28}, r or s zero or ≥ n, a high s with --low-s, or r that is not a curve point.
    """

    static var handlesOwnHelp: Bool { true }

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        guard let sub = arguments.positional() else {
            if arguments.wantsHelp { Console.out(help); return 0 }
            throw CLIError.usage("sig needs a subcommand; see 'kalypso-mirror sig --help'")
        }
        switch sub {
        case "recover":
            if arguments.wantsHelp { Console.out(recoverHelp); return 0 }
            return try recover(&arguments)
        default:
            throw CLIError.usage("unknown sig subcommand '\(sub)'; see 'kalypso-mirror sig --help'")
        }
    }

    private static func recover(_ arguments: inout Arguments) throws -> Int32 {
        let lowS = arguments.flag("--low-s")
        let hashText = try arguments.requiredPositional("32-byte hash")
        let sigText = try arguments.requiredPositional("65-byte signature")
        try arguments.finish()
        let hash: Hash32
        do { hash = try Hash32(bytes: try Hex.decode(hashText, prefix: .optional)) } catch {
            throw CLIError.usage("sig recover: the hash must be 32 bytes of hex: \(error)")
        }
        let bytes: [UInt8]
        do { bytes = try Hex.decode(sigText, prefix: .optional) } catch {
            throw CLIError.usage("sig recover: the signature is not hex: \(error)")
        }
        do {
            let signature = try Signature(rsv: bytes)
            let address = try Secp256k1.recoverAddress(digest: hash, signature: signature, rule: lowS ? .lowS : .anyS)
            Console.out(address.checksummed)
            return 0
        } catch let e as Secp256k1Error {
            throw CLIError.usage("sig recover: \(e.message)")
        }
    }
}
