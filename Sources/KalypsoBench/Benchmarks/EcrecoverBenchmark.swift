import CSecp256k1
import EthereumKit

/// ecrecover per second vs a plain C loop over libsecp256k1 (`Benchmarks/ecrecover/ecrecover_loop.c`, the crypto
/// engineer's baseline: it prints "ecrecover_loop: <n> recoveries in <s> s: …"; the harness divides n by the CPU
/// time of the peer process, as ours is per CPU second).
///
/// One operation: parse a compact signature with its recovery id, recover the public key, serialise it
/// uncompressed. Both sides recover the same 64 signatures (the C file's keys and digests, RFC 6979), so the ratio
/// shows what the Swift side adds around libsecp256k1 (goal ≥ 0.95×).
///
/// Ours goes through EthereumKit's wrapper (`Secp256k1.recoverAddress`, low-s rule), so the ratio includes what
/// the wrapper adds (the Keccak of the public key, ~1%).
enum EcrecoverBenchmark {
    static let count = 64
    /// Recoveries per peer run (about a second at libsecp256k1 0.2's ~20k/s).
    static let peerIterations = 20_000

    static let entry = Benchmark(name: "ecrecover", summary: "public-key recovery per second vs a C loop over libsecp256k1 (goal ≥ 0.95×)") { context in
        var result = BenchResult(name: "ecrecover", unit: .operations("ecrecover"), goal: Goal(minRatio: 0.95),
                                 peerLabel: "C loop over libsecp256k1")
        let peerPath = "\(context.outputDirectory)/ecrecover/ecrecover_loop"
        let peer = context.executableExists(peerPath)
            ? PeerCommand(label: result.peerLabel, arguments: [peerPath, String(peerIterations * context.peerSeconds)], parse: parsePeer,
                          fixedCount: { n in [peerPath, String(n)] })
            : nil
        if peer == nil { result.skipReason = "\(peerPath) not built; run make bench" }
        guard let ctx = secp256k1_context_create(kalypso_secp256k1_context_none()) else {
            result.skipReason = "secp256k1_context_create failed"
            return result
        }
        defer { secp256k1_context_destroy(ctx) }
        guard let inputs = makeInputs(ctx) else {
            result.skipReason = "signing the inputs failed"
            return result
        }
        let wrapped = inputs.compactMap { input -> (Hash32, Signature)? in
            guard let digest = try? Hash32(bytes: input.digest), let r = UInt256(bigEndian: input.signature[0..<32]),
                  let s = UInt256(bigEndian: input.signature[32..<64]),
                  let signature = try? Signature(r: r, s: s, yParity: UInt8(input.recoveryID)) else { return nil }
            return (digest, signature)
        }
        guard wrapped.count == count else {
            result.skipReason = "converting the inputs to EthereumKit signatures failed"
            return result
        }
        context.compare(&result, peer: peer) { n in
            var sink: UInt64 = 0
            for i in 0..<n {
                let (digest, signature) = wrapped[i & (count - 1)]
                sink ^= (try? Secp256k1.recoverAddress(digest: digest, signature: signature, rule: .lowS))?.lo ?? 0
            }
            blackHole(sink)
        }
        return result
    }

    /// "ecrecover_loop: <n> recoveries in <s> s: <rate> recoveries/s" → n operations.
    static func parsePeer(_ output: String) -> PeerOutput? {
        guard let range = output.range(of: "ecrecover_loop: ") else { return nil }
        let count = output[range.upperBound...].prefix { $0.isNumber }
        return Double(count).map(PeerOutput.operations)
    }

    struct Input {
        var digest: [UInt8]
        var signature: [UInt8]
        var recoveryID: Int32
    }

    /// The C peer's inputs: key i has bytes (i·31 + k·13 + 1) mod 256, digest i has bytes (i·17 + k·29 + 3) mod 256.
    static func makeInputs(_ ctx: OpaquePointer) -> [Input]? {
        var inputs: [Input] = []
        for i in 0..<count {
            let key = (0..<32).map { k in UInt8(truncatingIfNeeded: i * 31 + k * 13 + 1) }
            let digest = (0..<32).map { k in UInt8(truncatingIfNeeded: i * 17 + k * 29 + 3) }
            var sig = secp256k1_ecdsa_recoverable_signature()
            var compact = [UInt8](repeating: 0, count: 64)
            var recid: Int32 = 0
            guard secp256k1_ecdsa_sign_recoverable(ctx, &sig, digest, key, nil, nil) == 1,
                  secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, &compact, &recid, &sig) == 1 else { return nil }
            inputs.append(Input(digest: digest, signature: compact, recoveryID: recid))
        }
        return inputs
    }
}
