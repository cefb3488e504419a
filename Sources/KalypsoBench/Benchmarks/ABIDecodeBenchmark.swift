import EthereumKit
import Foundation

/// ABI decoding of a Kalypso event-log mix vs Python eth-abi on the same logs (`Benchmarks/abi/eth_abi_peer.py`).
/// Goals: ≥ 1 M logs/s and ≥ 50× the peer.
///
/// The mix (1,000 logs, fixed seed): RegisteredGenerator 10%, JoinedMarketplace 20%, AskCreated 35% (three
/// dynamic `bytes`, empty secret and ACL when there are no private inputs), TaskCreated 35% (one `bytes`).
/// It is written to `<out>/abi/logs.txt` for the peer, one log per line (topics then data, 0x-hex).
///
/// Ours: `ContractABI.decodeLog` (topic0 → event, indexed topics, then the data) over every log of the mix,
/// counting the values decoded so the work cannot be optimised away.
enum ABIDecodeBenchmark {
    /// A log as the RPC client hands it over: topics and data bytes.
    struct Log {
        var topics: [Hash32]
        var data: [UInt8]
    }

    static let abi: ContractABI? = try? ContractABI(events: declarations.map { try ABIEvent(declaration: $0) })

    /// Our decoder over the whole mix (nil only if the declarations fail to parse, reported as a skip).
    static let decodeOurs: (@Sendable ([Log]) -> Int)? = {
        guard let abi else { return nil }
        return { @Sendable (logs: [Log]) -> Int in
            var values = 0
            for log in logs {
                if let event = try? abi.decodeLog(topics: log.topics, data: log.data) { values += event.values.count }
            }
            return values
        }
    }()

    /// The four events as declared in the Kalypso contracts (spec, event table).
    static let declarations = [
        "RegisteredGenerator(address indexed generator, uint256 initialCompute, uint256 initialStake)",
        "JoinedMarketplace(address indexed generator, uint256 indexed marketId, uint256 computeAllocation)",
        "AskCreated(uint256 indexed askId, bool indexed hasPrivateInputs, bytes secret_data, bytes acl, bytes extraData)",
        "TaskCreated(uint256 indexed askId, address indexed generator, bytes new_acl)",
    ]

    /// Their canonical signatures (topic0 = keccak256 of each; the Python peer checks them against the spec's hashes).
    static let signatures = [
        "RegisteredGenerator(address,uint256,uint256)",
        "JoinedMarketplace(address,uint256,uint256)",
        "AskCreated(uint256,bool,bytes,bytes,bytes)",
        "TaskCreated(uint256,address,bytes)",
    ]

    static let entry = Benchmark(name: "abi-decode", summary: "ABI decoding of a Kalypso event-log mix vs Python eth-abi (goal ≥ 1M logs/s and ≥ 50×)") { context in
        var result = BenchResult(name: "abi-decode-logs", unit: .operations("logs"), goal: Goal(minRatio: 50, minRate: 1_000_000),
                                 peerLabel: "Python eth-abi")
        let logs = makeMix(count: 1000)
        let path = "\(context.outputDirectory)/abi/logs.txt"
        var peer: PeerCommand?
        do {
            try write(logs, to: path)
            peer = PeerCommand(label: result.peerLabel,
                               arguments: [context.python, "Benchmarks/abi/eth_abi_peer.py", path, String(context.peerSeconds)],
                               parse: PeerCommand.rateLine)
        } catch {
            result.skipReason = "cannot write \(path): \(error)"
        }
        guard let decode = decodeOurs else {
            if let peer { context.measurePeerOnly(&result, peer: peer) }
            result.skipReason = result.skipReason ?? "the Kalypso event declarations failed to parse"
            return result
        }
        context.compare(&result, peer: peer, unitsPerOperation: Double(logs.count)) { n in
            var total = 0
            for _ in 0..<n { total &+= decode(logs) }
            blackHole(total)
        }
        return result
    }

    /// The deterministic log mix.
    static func makeMix(count: Int) -> [Log] {
        var rng = SplitMix64(seed: 0xAB1)
        let topic0 = signatures.map { Keccak256.hash(utf8: $0) }
        func word(_ v: UInt256) -> Hash32 { Hash32(v) }
        func address() -> UInt256 { UInt256(l0: rng.next(), l1: rng.next(), l2: rng.next() & 0xffff_ffff, l3: 0) }
        func amount() -> UInt256 { UInt256(l0: rng.next(), l1: rng.next() & 0xffff, l2: 0, l3: 0) }
        var logs: [Log] = []
        for _ in 0..<count {
            let pick = rng.below(100)
            if pick < 10 {
                logs.append(Log(topics: [topic0[0], word(address())], data: encodeWords([amount(), amount()])))
            } else if pick < 30 {
                logs.append(Log(topics: [topic0[1], word(address()), word(UInt256(rng.next() % 64))], data: encodeWords([amount()])))
            } else if pick < 65 {
                let hasPrivate = rng.below(2) == 0
                let secret = hasPrivate ? rng.bytes(32 + rng.below(480)) : []
                let acl = hasPrivate ? rng.bytes(64 + rng.below(192)) : []
                let extra = rng.bytes(rng.below(65))
                logs.append(Log(topics: [topic0[2], word(UInt256(rng.next() % 1_000_000)), word(hasPrivate ? .one : .zero)],
                                data: encodeBytes([secret, acl, extra])))
            } else {
                logs.append(Log(topics: [topic0[3], word(UInt256(rng.next() % 1_000_000)), word(address())],
                                data: encodeBytes([rng.bytes(64 + rng.below(192))])))
            }
        }
        return logs
    }

    /// ABI encoding of static words.
    static func encodeWords(_ words: [UInt256]) -> [UInt8] { words.flatMap(\.bigEndianBytes) }

    /// ABI encoding of a tuple of `bytes` values: head of offsets, then each length and zero-padded content.
    static func encodeBytes(_ values: [[UInt8]]) -> [UInt8] {
        var head: [UInt8] = [], tail: [UInt8] = []
        for value in values {
            head += UInt256(UInt64(32 * values.count + tail.count)).bigEndianBytes
            tail += UInt256(UInt64(value.count)).bigEndianBytes + value
            tail += [UInt8](repeating: 0, count: (32 - value.count % 32) % 32)
        }
        return head + tail
    }

    static func write(_ logs: [Log], to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let text = logs.map { log in (log.topics.map(\.description) + [Hex.encode(log.data)]).joined(separator: " ") }.joined(separator: "\n") + "\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }
}

