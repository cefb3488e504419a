import EthereumKit
import Foundation
import JSONRPC
import Kalypso
import Mirror

/// The mirror's log decoder (`KalypsoLogDecoder.decode`: dispatch by contract and topic0, strict ABI checks, typed
/// `KalypsoEvent`) on the `abi-decode` mix (1,000 logs, fixed seed: RegisteredGenerator 10%, JoinedMarketplace 20%,
/// AskCreated 35%, TaskCreated 35%) as RPC `Log` values at the right contract addresses, next to Python eth-abi
/// decoding the same logs (`Benchmarks/abi/eth_abi_peer.py`, ABI values only, no typed events).
/// Goals: ≥ 1M logs/s (well under 1 µs per log, for the ≥ 200k logs/s offline-ingest goal) and ≥ 50× the peer.
enum LogDecoderBenchmark {
    static let deployment = KalypsoDeployment(
        chainId: 421_614,
        generatorRegistry: Address(hi: 0x5ce3_e101, mid: 0x0028_c4f5_6873_56d7, lo: 0x21e3_e2b6_dcea_7c25),
        proofMarketplace: Address(hi: 0x0b63_40a8, mid: 0x93b9_44bd_c3b4_f012, lo: 0xe934_b724_c83a_bf97),
        entityKeyRegistry: Address(hi: 0x0020_64f4, mid: 0xd224_ea4f_90e9_a74b, lo: 0x5fe3_f381_2886_c6df),
        startBlock: 0)

    static let entry = Benchmark(name: "decode", summary: "KalypsoLogDecoder on the abi-decode log mix vs Python eth-abi (goal ≥ 1M logs/s and ≥ 50×)") { context in
        var result = BenchResult(name: "mirror-decode-logs", unit: .operations("logs"), goal: Goal(minRatio: 50, minRate: 1_000_000),
                                 peerLabel: "Python eth-abi")
        let mix = ABIDecodeBenchmark.makeMix(count: 1000)
        let path = "\(context.outputDirectory)/decode/logs.txt"
        var peer: PeerCommand?
        do {
            try ABIDecodeBenchmark.write(mix, to: path)
            peer = PeerCommand(label: result.peerLabel,
                               arguments: [context.python, "Benchmarks/abi/eth_abi_peer.py", path, String(context.peerSeconds)],
                               parse: PeerCommand.rateLine)
        } catch {
            result.skipReason = "cannot write \(path): \(error)"
        }
        let decoder: KalypsoLogDecoder
        do { decoder = try KalypsoLogDecoder(deployment: deployment) } catch {
            result.skipReason = "the decoder could not be built: \(error)"
            if let peer { context.measurePeerOnly(&result, peer: peer) }
            return result
        }
        let logs = rpcLogs(mix)
        context.compare(&result, peer: peer, unitsPerOperation: Double(logs.count)) { n in
            var events = 0
            for _ in 0..<n {
                for log in logs {
                    if case .event = decoder.decode(log) { events &+= 1 }
                }
            }
            blackHole(events)
        }
        if logs.contains(where: { if case .event = decoder.decode($0) { return false } else { return true } }) {
            result.skipReason = "a log of the mix did not decode to an event"
        }
        return result
    }

    /// The mix as RPC logs: registry events at the registry, marketplace events at the marketplace.
    static func rpcLogs(_ mix: [ABIDecodeBenchmark.Log]) -> [JSONRPC.Log] {
        mix.enumerated().map { i, log in
            let registry = log.topics[0] == KalypsoTopics.registeredGenerator.topic0 || log.topics[0] == KalypsoTopics.joinedMarketplace.topic0
            let block = 1_000 + UInt64(i / 8)
            return JSONRPC.Log(address: registry ? deployment.generatorRegistry : deployment.proofMarketplace, topics: log.topics, data: log.data,
                               blockNumber: block, blockHash: Keccak256.hash(utf8: "block \(block)"), transactionHash: Keccak256.hash(utf8: "tx \(i)"),
                               transactionIndex: UInt64(i % 8), logIndex: UInt64(i % 8))
        }
    }
}
