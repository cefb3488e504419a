import EthereumKit

/// Micro-benchmarks of the number and hex primitives, without a peer (run by name: `kalypso-bench uint256-div`…).
/// They show the effect of changes to `UInt256` and `Hex`; they are not part of `make bench`.
enum PrimitivesBenchmark {
    static let values: [UInt256] = {
        var rng = SplitMix64(seed: 0x256)
        return (0..<256).map { _ in UInt256(l0: rng.next(), l1: rng.next(), l2: rng.next(), l3: rng.next()) >> rng.below(200) }
    }()

    static func micro(_ name: String, _ summary: String, unit: String, _ body: @escaping @Sendable (Int) -> Void) -> Benchmark {
        Benchmark(name: name, summary: summary, inAll: false) { context in
            var result = BenchResult(name: name, unit: .operations(unit), goal: Goal(), peerLabel: "-")
            context.compare(&result, peer: nil, ours: body)
            return result
        }
    }

    static let entries: [Benchmark] = [
        micro("uint256-div", "UInt256 quotientAndRemainder, 256-bit by 56–256-bit divisors", unit: "div") { n in
            var acc = UInt256.zero
            let v = values
            for i in 0..<n {
                let d = v[(i &+ 1) & 255]
                acc = acc ^ v[i & 255].quotientAndRemainder(dividingBy: d.isZero ? .one : d).quotient
            }
            blackHole(acc)
        },
        micro("uint256-mulfull", "UInt256 multipliedFullWidth", unit: "mul") { n in
            var acc = UInt256.zero
            let v = values
            for i in 0..<n { acc = acc ^ v[i & 255].multipliedFullWidth(by: v[(i &+ 7) & 255]).high }
            blackHole(acc)
        },
        micro("uint256-decimal", "UInt256 description (decimal printing)", unit: "print") { n in
            var acc = 0
            let v = values
            for i in 0..<n { acc &+= v[i & 255].description.utf8.count }
            blackHole(acc)
        },
        micro("hex-encode", "Hex.encode of 32 bytes", unit: "encode") { n in
            var acc = 0
            let bytes = values.map(\.bigEndianBytes)
            for i in 0..<n { acc &+= Hex.encode(bytes[i & 255]).utf8.count }
            blackHole(acc)
        },
        micro("hex-decode", "Hex.decode of a 0x-prefixed 32-byte string", unit: "decode") { n in
            var acc = 0
            let texts = values.map { Hex.encode($0.bigEndianBytes) }
            for i in 0..<n { acc &+= (try? Hex.decode(texts[i & 255]))?.count ?? 0 }
            blackHole(acc)
        },
    ]
}
