import EthereumKit

/// Keccak-256 of 1 KiB messages vs `openssl speed -evp sha3-256 -bytes 1024`.
///
/// SHA3-256 and Keccak-256 differ only in the padding byte; both have a 136-byte rate, so a 1 KiB message
/// costs 8 Keccak-f[1600] permutations on either side. OpenSSL runs its assembly permutation.
enum KeccakBenchmark {
    static let messageSize = 1024

    static let entry = Benchmark(name: "keccak", summary: "Keccak-256 of 1 KiB messages vs openssl speed -evp sha3-256 (goal ≥ 0.8×)") { context in
        var result = BenchResult(name: "keccak256-1KiB", unit: .bytes, goal: Goal(minRatio: 0.8),
                                 peerLabel: "openssl speed -evp sha3-256")
        let peer = PeerCommand(label: result.peerLabel,
                               arguments: ["openssl", "speed", "-mr", "-seconds", String(context.peerSeconds),
                                           "-evp", "sha3-256", "-bytes", String(messageSize)],
                               parse: parseOpenSSL)
        let message = (0..<messageSize).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        message.withUnsafeBytes { buffer in
            context.compare(&result, peer: peer, unitsPerOperation: Double(messageSize)) { n in
                var acc: UInt64 = 0
                for _ in 0..<n { acc ^= Keccak256.hash(buffer).w0 }
                blackHole(acc)
            }
        }
        return result
    }

    /// Reads bytes per second from `openssl speed -mr` output: the last field of the `+F:` line.
    /// OpenSSL divides by its own user CPU time, like our figures.
    static func parseOpenSSL(_ output: String) -> PeerOutput? {
        for line in output.split(separator: "\n") where line.hasPrefix("+F:") {
            return line.split(separator: ":").last.flatMap { Double($0.trimmingCharacters(in: .whitespaces)) }.map(PeerOutput.rate)
        }
        return nil
    }
}
