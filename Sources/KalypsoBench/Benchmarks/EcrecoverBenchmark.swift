import CSecp256k1
import EthereumKit

/// ecrecover per second vs a plain C loop over libsecp256k1 (`Benchmarks/ecrecover/ecrecover_loop.c`).
///
/// One operation: parse a compact signature with its recovery id, recover the public key, serialise it
/// uncompressed. Both sides recover the same 64 signatures (keys 1…64, RFC 6979), so the ratio shows what the
/// Swift side adds around libsecp256k1 (goal ≥ 0.95×).
///
/// SLOT (crypto engineer): `recoverOurs` calls libsecp256k1 through CSecp256k1 directly. When EthereumKit's
/// secp256k1 wrapper lands, make it call the wrapper's recovery (the same operation, 64-byte signature and
/// recovery id in, public key out) so the benchmark measures the wrapper; keep the C peer as it is.
enum EcrecoverBenchmark {
    static let count = 64

    static let entry = Benchmark(name: "ecrecover", summary: "public-key recovery per second vs a C loop over libsecp256k1 (goal ≥ 0.95×)") { context in
        var result = BenchResult(name: "ecrecover", unit: .operations("ecrecover"), goal: Goal(minRatio: 0.95),
                                 peerLabel: "C loop over libsecp256k1")
        let peerPath = "\(context.outputDirectory)/ecrecover/ecrecover_loop"
        let peer = context.executableExists(peerPath)
            ? PeerCommand(label: result.peerLabel, arguments: [peerPath, String(context.peerSeconds)], parse: PeerCommand.rateLine)
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
        context.compare(&result, peer: peer) { n in
            var sink: UInt8 = 0
            var done = 0
            while done < n {
                for input in inputs where done < n {
                    sink ^= recoverOurs(ctx, input) ?? 0
                    done += 1
                }
            }
            blackHole(sink)
        }
        return result
    }

    struct Input {
        var hash: [UInt8]
        var signature: [UInt8]
        var recoveryID: Int32
    }

    /// The same inputs as the C peer: keys 1…64, hashes with byte j = (i·7 + j·13 + 1) mod 256.
    static func makeInputs(_ ctx: OpaquePointer) -> [Input]? {
        var inputs: [Input] = []
        for i in 0..<count {
            var key = [UInt8](repeating: 0, count: 32)
            key[31] = UInt8(i + 1)
            let hash = (0..<32).map { j in UInt8(truncatingIfNeeded: i * 7 + j * 13 + 1) }
            var sig = secp256k1_ecdsa_recoverable_signature()
            var compact = [UInt8](repeating: 0, count: 64)
            var recid: Int32 = 0
            guard secp256k1_ecdsa_sign_recoverable(ctx, &sig, hash, key, nil, nil) == 1,
                  secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, &compact, &recid, &sig) == 1 else { return nil }
            inputs.append(Input(hash: hash, signature: compact, recoveryID: recid))
        }
        return inputs
    }

    /// One recovery; returns a byte of the public key (so the work cannot be optimised away), nil on failure.
    @inline(__always)
    static func recoverOurs(_ ctx: OpaquePointer, _ input: Input) -> UInt8? {
        var sig = secp256k1_ecdsa_recoverable_signature()
        var pub = secp256k1_pubkey()
        var out = (UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0), UInt64(0))
        var length = 65
        guard secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &sig, input.signature, input.recoveryID) == 1,
              secp256k1_ecdsa_recover(ctx, &pub, &sig, input.hash) == 1 else { return nil }
        return withUnsafeMutableBytes(of: &out) { raw in
            let p = raw.baseAddress!.assumingMemoryBound(to: UInt8.self)
            guard secp256k1_ec_pubkey_serialize(ctx, p, &length, &pub, kalypso_secp256k1_ec_uncompressed()) == 1 else { return nil }
            return p[1]
        }
    }
}
