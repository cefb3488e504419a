import Testing
@testable import EthereumKit
@testable import KalypsoBench

/// The benchmark harness's parsing and bookkeeping (the measurements themselves run in `make bench`).
@Suite struct HarnessTests {
    @Test func mediansAndSpread() {
        var s = Samples()
        #expect(s.isEmpty && s.median == 0)
        for v in [5.0, 1, 3] { s.add(v) }
        #expect(s.median == 3 && s.min == 1 && s.max == 5)
        s.add(4)
        #expect(s.median == 3.5)
        #expect(abs(s.spreadPercent - 4 / 3.5 * 100) < 1e-9)
    }

    @Test func parsesOpenSSLMachineReadableOutput() {
        let output = "+DT:sha3-256:1:1024\n+R:397860:sha3-256:1.000000\n+H:1024\n+F:25:sha3-256:407408640.00\n"
        guard case .rate(let rate)? = KeccakBenchmark.parseOpenSSL(output) else { Issue.record("no rate"); return }
        #expect(rate == 407_408_640)
        #expect(KeccakBenchmark.parseOpenSSL("no figures\n") == nil)
    }

    @Test func parsesPeerOutputs() {
        guard case .operations(let n)? = EcrecoverBenchmark.parsePeer("ecrecover_loop: 20000 recoveries in 0.893 s: 22402 recoveries/s\n") else {
            Issue.record("no count"); return
        }
        #expect(n == 20000)
        guard case .rate(let r)? = PeerCommand.rateLine("warming up\nrate: 1234.5\n") else { Issue.record("no rate"); return }
        #expect(r == 1234.5)
        #expect(PeerCommand.rateLine("rate: fast\n") == nil)
    }

    @Test func verdicts() {
        var r = BenchResult(name: "x", unit: .bytes, goal: Goal(minRatio: 0.8), peerLabel: "p")
        #expect(r.verdict == "SKIP")
        r.ours.add(90); r.peer.add(100); r.pairRatios.add(0.9)
        #expect(r.verdict == "PASS" && r.ratio == 0.9)
        r.goal.minRate = 1000
        #expect(r.verdict == "MISS")
        #expect(BenchResult(name: "y", unit: .bytes, goal: Goal(), peerLabel: "-").verdict == "SKIP")
        #expect(RateUnit.operations("logs").format(1_500_000) == "1.50M logs/s")
        #expect(RateUnit.bytes.format(402_700_000) == "402.7 MB/s")
    }

    @Test func logMixIsDeterministicAndWellFormed() throws {
        let a = ABIDecodeBenchmark.makeMix(count: 200), b = ABIDecodeBenchmark.makeMix(count: 200)
        #expect(a.map(\.data) == b.map(\.data) && a.map(\.topics) == b.map(\.topics))
        // topic0 values as the Kalypso spec lists them.
        let spec = ["0x491b0f461d05b79bfc6904a9ba9df523d766503f11046b2b5e6eddaae3a7231c",
                    "0x0459ab575508b4a5894f7b1387bf362d03213b3bf831da4526218c33e4a906d8",
                    "0xca872f71caf10cdbbd1dd22412d01d415ef80130c7e50bdb8cd6951a08336241",
                    "0x7a7cd41cad5f3cccfdce48df720845b6fe8167853b27ba031d9998e205eb1dd9"]
        #expect(ABIDecodeBenchmark.signatures.map { Keccak256.hash(utf8: $0).description } == spec)
        for log in a where log.topics[0].description == spec[2] {
            // AskCreated data: three offsets, then each length word and padded bytes.
            #expect(log.data.count % 32 == 0)
            let raw = log.data
            let offsets = (0..<3).map { i in Int(UInt256(bigEndian: raw[(32 * i)..<(32 * i + 32)])?.uint64 ?? 0) }
            #expect(offsets[0] == 96)
            for (i, offset) in offsets.enumerated() {
                let length = Int(UInt256(bigEndian: raw[offset..<(offset + 32)])?.uint64 ?? 0)
                let next = i < 2 ? offsets[i + 1] : raw.count
                #expect(next == offset + 32 + (length + 31) / 32 * 32)
            }
        }
    }
}
