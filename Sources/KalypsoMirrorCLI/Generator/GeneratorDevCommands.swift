import EthereumKit
import Foundation
import JSONRPC
import Operator

/// Devnode-only helpers: fund an operator account, and make an attestation the devnode accepts.
enum GeneratorDevCommands {
    static let fundHelp = """
    Usage: kalypso-mirror generator dev-fund [--to ADDR] [--ether N] [--stake-tokens AMOUNT] [--payment-tokens AMOUNT]
                                             [--network devnode | --devnode-info FILE] [key options] [--json]

    Devnode only. Sends ether from the devnode's admin account and mints staking and payment tokens (the
    devnode's tokens have an open mint) to ADDR, by default the signing key's address (no password needed).
    Defaults: 100 ether, 10000 staking tokens, 1000 payment tokens.
    """

    static let attestationHelp = """
    Usage: kalypso-mirror generator dev-attestation --market ID [--generator ADDR] [--enclave-key-env VAR] [--out FILE]
                                                    [--network devnode | --devnode-info FILE] [key options] [--json]

    Devnode only. Makes what join-market and update-key need for a private market: an attestation (§6.1) of the
    market's prover image (its PCRs read from the EntityKeyRegistry) for an enclave key, timestamped at the latest
    block and signed by the devnode's attestation signer (its AttestationVerifier checks that EIP-712 signature),
    and the enclave's proof of possession for the generator (EIP-191 over keccak256(abi.encode(attestation,
    generator))). The enclave key is new (random) unless --enclave-key-env names one; a key can be registered
    only once. Writes the attestation as hex to FILE (default attestation-market-ID.hex) and prints the enclave
    signature to pass as --enclave-signature. The generator defaults to the signing key's address.
    """

    static func fund(_ a: inout Arguments) async throws -> Int32 {
        let json = a.flag("--json")
        let toText = try a.option("--to")
        let etherText = try a.option("--ether") ?? "100"
        let stakeText = try a.option("--stake-tokens") ?? "10000"
        let paymentText = try a.option("--payment-tokens") ?? "1000"
        let connection = try ConnectionOptions.parse(&a)
        let signer = try SignerOptions.parse(&a)
        try a.finish()
        guard let info = connection.devnode else { throw CLIError.usage("dev-fund works only on the devnode (--network devnode)") }
        guard let to = try GeneratorReadCommands.generatorAddress(toText, signer) else {
            throw CLIError.usage("dev-fund needs --to ADDR or a key (--from, --keystore, --private-key-env)")
        }
        let session = try await connection.connect(logger: GeneratorCommand.logger(verbose: false))
        defer { session.shutdown() }
        let ether = try operatorCall { () throws(OperatorError) in try TokenAmount.parse(etherText, decimals: 18, what: "--ether") }
        let stake = try SendingSubcommand.amount(stakeText, session.stakingToken, "--stake-tokens")
        let payment = try SendingSubcommand.amount(paymentText, session.paymentToken, "--payment-tokens")
        let hashes = try await operatorCall { () async throws(OperatorError) in
            try await DevnodeTools.fund(to, ether: ether, stakingTokens: stake, paymentTokens: payment, info: info, session: session)
        }
        if json {
            Console.out(JSONValue.object([("to", .string(to.checksummed)), ("ether", .string(ether.description)), ("stakingTokens", .string(stake.description)),
                                          ("paymentTokens", .string(payment.description)), ("transactions", .array(hashes.map { .string($0.description) }))]).text)
        } else {
            Console.out("funded \(to.checksummed): \(TokenAmount.formatEther(ether)), \(session.stakingToken.format(stake)), \(session.paymentToken.format(payment))")
        }
        return 0
    }

    static func attestation(_ a: inout Arguments) async throws -> Int32 {
        let json = a.flag("--json")
        let market = try SendingSubcommand.integer(try a.requiredOption("--market", "id"), "--market")
        let generatorText = try a.option("--generator")
        let enclaveEnvironment = try a.option("--enclave-key-env")
        let out = try a.option("--out") ?? "attestation-market-\(market).hex"
        let connection = try ConnectionOptions.parse(&a)
        let signer = try SignerOptions.parse(&a)
        try a.finish()
        guard let info = connection.devnode else { throw CLIError.usage("dev-attestation works only on the devnode (--network devnode)") }
        guard let generator = try GeneratorReadCommands.generatorAddress(generatorText, signer) else {
            throw CLIError.usage("dev-attestation needs --generator ADDR or a key (--from, --keystore, --private-key-env)")
        }
        let enclaveKey = try enclaveEnvironment.map { try SecretInput.privateKey(environment: $0) } ?? PrivateKey.generate()
        let session = try await connection.connect(logger: GeneratorCommand.logger(verbose: false))
        defer { session.shutdown() }
        let proof = try await operatorCall { () async throws(OperatorError) in
            try await DevnodeTools.attestation(market: market, generator: generator, enclaveKey: enclaveKey, info: info, reader: session.reader)
        }
        do {
            try (Hex.encode(proof.attestation.encoded) + "\n").write(toFile: out, atomically: true, encoding: .utf8)
        } catch {
            throw CLIError.failure("cannot write \(out): \(error.localizedDescription)")
        }
        let signature = Hex.encode(proof.signature)
        if json {
            Console.out(JSONValue.object([("market", .string(market.description)), ("generator", .string(generator.checksummed)),
                                          ("attestationFile", .string(out)), ("enclaveSignature", .string(signature)),
                                          ("enclaveAddress", .string(proof.attestation.enclaveAddress.checksummed)),
                                          ("imageId", .string(proof.attestation.imageId.description)),
                                          ("timestampMs", .string(proof.attestation.timestampMilliseconds.description))]).text)
        } else {
            Console.out("attestation of market \(market)'s image \(proof.attestation.imageId) for enclave key \(proof.attestation.enclaveAddress.checksummed) written to \(out)")
            Console.out("enclave signature for \(generator.checksummed): \(signature)")
            Console.out("use: --attestation \(out) --enclave-signature \(signature)")
        }
        return 0
    }
}
