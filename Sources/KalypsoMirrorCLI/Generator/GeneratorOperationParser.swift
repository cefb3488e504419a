import EthereumKit
import Foundation
import Operator

/// The sending subcommands of `kalypso-mirror generator`: their help and how their arguments become a
/// `GeneratorOperation` (token amounts need the token's decimals, so the last step runs once connected).
struct SendingSubcommand: Sendable {
    /// The subcommand word.
    let name: String
    /// The usage line's arguments.
    let synopsis: String
    /// What it does, when to use it, what preflight checks.
    let details: String
    /// Parses the subcommand's own options; returns the builder of the operation.
    let parse: @Sendable (inout Arguments) throws -> @Sendable (OperatorSession) throws -> GeneratorOperation

    static let all: [SendingSubcommand] = [
        SendingSubcommand(name: "register", synopsis: "--reward-address ADDR --declared-compute N --initial-stake AMOUNT --data JSON|@FILE",
                          details: """
                          Registers the sending (admin) address as a generator: register(rewardAddress, declaredCompute,
                          initialStake, generatorData). The reward address receives proof fees; the declared compute is
                          the capacity markets draw on (the docs suggest the number of vCPUs); the initial stake (staking
                          token, may be 0) is pulled from the sender, so the registry needs an allowance (--approve).
                          --data is free-form JSON, e.g. '{"name":"my-generator"}', or @file.json.
                          Preflight: not yet registered, non-zero arguments, token balance, allowance, ether for gas.
                          """) { a in
            let reward = try CLIParse.address(try a.requiredOption("--reward-address", "address"), "--reward-address")
            let compute = try integer(try a.requiredOption("--declared-compute", "compute units"), "--declared-compute")
            let stake = try a.requiredOption("--initial-stake", "amount")
            let data = try generatorData(try a.requiredOption("--data", "json|@file"))
            return { s in .register(rewardAddress: reward, declaredCompute: compute, initialStake: try amount(stake, s.stakingToken, "--initial-stake"),
                                    generatorData: data) }
        },
        SendingSubcommand(name: "stake", synopsis: "--amount AMOUNT [--for ADDR]", details: """
                          Adds stake: stake(generator, amount), tokens from the sender. --for stakes for another
                          registered generator. Preflight: the target is registered, balance, allowance (--approve).
                          """) { a in
            let text = try a.requiredOption("--amount", "amount")
            let target = try a.option("--for").map { try CLIParse.address($0, "--for") }
            return { s in .stake(amount: try amount(text, s.stakingToken, "--amount"), generator: target) }
        },
        SendingSubcommand(name: "intend-reduce-stake", synopsis: "--amount AMOUNT", details: """
                          Step 1 of 2 of unstaking: intendToReduceStake(amount). While it is pending the usable stake
                          shrinks; run 'unstake' from the next block on. Preflight: registered, amount ≤ stake, no
                          pending compute reduction (the contract's guard tests the compute utilisation).
                          """) { a in
            let text = try a.requiredOption("--amount", "amount")
            return { s in .intendToReduceStake(amount: try amount(text, s.stakingToken, "--amount")) }
        },
        SendingSubcommand(name: "unstake", synopsis: "--to ADDR", details: """
                          Step 2 of 2: unstake(to) pays out the intended reduction to ADDR. Preflight: a stake
                          reduction is pending, the stake left covers the stake locked by running tasks.
                          """) { a in
            let to = try CLIParse.address(try a.requiredOption("--to", "address"), "--to")
            return { _ in .unstake(to: to) }
        },
        SendingSubcommand(name: "increase-compute", synopsis: "--amount N", details: """
                          Raises the declared compute: increaseDeclaredCompute(amount). Preflight: registered, N > 0.
                          """) { a in
            let n = try integer(try a.requiredOption("--amount", "compute units"), "--amount")
            return { _ in .increaseCompute(amount: n) }
        },
        SendingSubcommand(name: "intend-reduce-compute", synopsis: "--amount N", details: """
                          Step 1 of 2 of lowering the declared compute: intendToReduceCompute(amount); run
                          'decrease-compute' from the next block on. Preflight: registered, no pending reduction,
                          N ≤ declared compute, the compute left stays above what markets hold.
                          """) { a in
            let n = try integer(try a.requiredOption("--amount", "compute units"), "--amount")
            return { _ in .intendToReduceCompute(amount: n) }
        },
        SendingSubcommand(name: "decrease-compute", synopsis: "", details: """
                          Step 2 of 2: decreaseDeclaredCompute(). Preflight: a reduction is pending, running tasks and
                          market allocations fit the compute left.
                          """) { _ in { _ in .decreaseCompute } },
        SendingSubcommand(name: "change-reward-address", synopsis: "--reward-address ADDR", details: """
                          Points proof fees at a new address: changeRewardAddress(newRewardAddress). Preflight:
                          registered, non-zero, different from the current one.
                          """) { a in
            let reward = try CLIParse.address(try a.requiredOption("--reward-address", "address"), "--reward-address")
            return { _ in .changeRewardAddress(reward) }
        },
        SendingSubcommand(name: "join-market", synopsis: "--market ID --compute-per-proof N --price AMOUNT --max-proof-time BLOCKS [--attestation FILE --enclave-signature HEX | --without-key]",
                          details: """
                          Joins a market: joinMarketplace(marketId, computePerRequestRequired = --compute-per-proof,
                          proofGenerationCost = --price (payment token), proposedTime = --max-proof-time (blocks), …).
                          A private market (enclave prover image) needs the enclave key: --attestation FILE (the
                          attestationData, hex or binary) and --enclave-signature HEX (the enclave's EIP-191 signature
                          over keccak256(abi.encode(attestation, generator))); both are checked locally first (layout,
                          signature recovers to the attested key, image is the market's, key not used before, age).
                          --without-key joins now; run 'update-key' before taking tasks. On the devnode,
                          'generator dev-attestation' makes both. Preflight also: registered, market exists (warns if
                          not active yet), not joined, Σ compute per proof ≤ declared compute, stake ≥ the penalty.
                          """) { a in
            let market = try integer(try a.requiredOption("--market", "id"), "--market")
            let compute = try integer(try a.requiredOption("--compute-per-proof", "compute units"), "--compute-per-proof")
            let price = try a.requiredOption("--price", "amount")
            let time = try integer(try a.requiredOption("--max-proof-time", "blocks"), "--max-proof-time")
            let key = try keyProof(&a, required: false)
            let withoutKey = a.flag("--without-key")
            if withoutKey && key != nil { throw CLIError.usage("--without-key and --attestation exclude each other") }
            return { s in .joinMarket(JoinMarketParameters(market: market, computePerProof: compute, pricePerProof: try amount(price, s.paymentToken, "--price"),
                                                           maxProofTime: time, key: key, withoutKey: withoutKey)) }
        },
        SendingSubcommand(name: "request-exit", synopsis: "--market ID", details: """
                          Stops new assignments in a market: requestForExitMarketplace(marketId). With no active
                          requests it also leaves at once; otherwise run 'leave-market' when they are done.
                          """) { a in
            let market = try integer(try a.requiredOption("--market", "id"), "--market")
            return { _ in .requestExit(market: market) }
        },
        SendingSubcommand(name: "leave-market", synopsis: "--market ID", details: """
                          Leaves a market: leaveMarketplace(marketId). Preflight: joined, no active requests (run
                          'request-exit' first so no new ones arrive).
                          """) { a in
            let market = try integer(try a.requiredOption("--market", "id"), "--market")
            return { _ in .leaveMarket(market: market) }
        },
        SendingSubcommand(name: "update-key", synopsis: "--market ID --attestation FILE --enclave-signature HEX", details: """
                          Registers (or replaces) the enclave key of a private market: updateEncryptionKey(marketId,
                          attestation, signature), with the same local checks as join-market.
                          """) { a in
            let market = try integer(try a.requiredOption("--market", "id"), "--market")
            guard let key = try keyProof(&a, required: true) else { throw CLIError.usage("update-key needs --attestation and --enclave-signature") }
            return { _ in .updateKey(market: market, key: key) }
        },
        SendingSubcommand(name: "remove-key", synopsis: "--market ID", details: """
                          Deletes the generator's enclave key of a market: removeEncryptionKey(marketId). Preflight:
                          there is a key.
                          """) { a in
            let market = try integer(try a.requiredOption("--market", "id"), "--market")
            return { _ in .removeKey(market: market) }
        },
        SendingSubcommand(name: "deregister", synopsis: "--refund-to ADDR", details: """
                          Deregisters and pays the whole stake to ADDR: deregister(refundAddress). Preflight:
                          registered, no market left (leave each first).
                          """) { a in
            let to = try CLIParse.address(try a.requiredOption("--refund-to", "address"), "--refund-to")
            return { _ in .deregister(refundTo: to) }
        },
    ]

    // MARK: - Argument helpers

    static func integer(_ text: String, _ option: String) throws -> UInt256 {
        try operatorCall { () throws(OperatorError) in try PlainInteger.parse(text, what: option) }
    }

    static func amount(_ text: String, _ token: TokenInfo, _ option: String) throws -> UInt256 {
        try operatorCall { () throws(OperatorError) in try TokenAmount.parse(text, decimals: token.decimals, what: "\(option) (\(token.symbol))") }
    }

    /// `--data`: JSON text, or `@file`; must be valid JSON; the bytes are kept as written (a file's final newline dropped).
    static func generatorData(_ text: String) throws -> [UInt8] {
        var bytes: [UInt8]
        if text.hasPrefix("@") {
            let path = String(text.dropFirst())
            guard let data = FileManager.default.contents(atPath: path) else { throw CLIError.usage("cannot read --data file \(path)") }
            bytes = Array(data)
            while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
        } else {
            bytes = Array(text.utf8)
        }
        guard (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) != nil else {
            throw CLIError.usage("--data is not valid JSON; give e.g. '{\"name\":\"my-generator\"}' or @file.json")
        }
        return bytes
    }

    /// `--attestation FILE --enclave-signature HEX` (both or neither).
    static func keyProof(_ a: inout Arguments, required: Bool) throws -> EnclaveKeyProof? {
        let file = try a.option("--attestation")
        let signature = try a.option("--enclave-signature")
        switch (file, signature) {
        case (nil, nil):
            if required { throw CLIError.usage("missing --attestation FILE and --enclave-signature HEX") }
            return nil
        case (let file?, let signature?):
            let attestation: EnclaveAttestation
            do { attestation = try EnclaveAttestation(decoding: try attestationBytes(file)) } catch {
                throw CLIError.usage("--attestation \(file): \(error.message)")
            }
            let sig: [UInt8]
            do { sig = try Hex.decode(signature, prefix: .optional) } catch {
                throw CLIError.usage("--enclave-signature is not hex: \(error)")
            }
            return EnclaveKeyProof(attestation: attestation, signature: sig)
        default:
            throw CLIError.usage("--attestation and --enclave-signature go together")
        }
    }

    /// The attestation file's bytes: hex text (0x optional, surrounding whitespace ignored) or raw binary.
    static func attestationBytes(_ path: String) throws(OperatorError) -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw OperatorError(.invalidInput, "cannot read the attestation file \(path)")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if let bytes = try? Hex.decode(text, prefix: .optional), !bytes.isEmpty { return bytes }
        return Array(data)
    }
}
