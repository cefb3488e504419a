import EthereumKit
import JSONRPC
import Kalypso
import Mirror
import Synchronization

/// A `ChainReader` test double: serves the blocks of a `TestChain` and scripted answers to pinned calls, records
/// every request, and injects faults (a call without a scripted answer is a rejected call, so nothing is made up).
final class FakeChainReader: ChainReader, Sendable {
    let blocks: [UInt64: Block]
    let answers: [PinnedCall: Result<[UInt8], PinnedCallError>]
    private let blockRequests = Mutex<[[UInt64]]>([])
    private let callRequests = Mutex<[[PinnedCall]]>([])

    init(_ chain: TestChain, answers: [PinnedCall: Result<[UInt8], PinnedCallError>] = [:], blocks edit: (inout [UInt64: Block]) -> Void = { _ in }) {
        var blocks: [UInt64: Block] = [:]
        for n in chain.blocks.keys { blocks[n] = chain.block(n) }
        edit(&blocks)
        self.blocks = blocks
        self.answers = answers
    }

    /// The block batches asked for.
    var blockBatches: [[UInt64]] { blockRequests.withLock { $0 } }
    /// The call batches asked for.
    var callBatches: [[PinnedCall]] { callRequests.withLock { $0 } }

    func blocksWithTransactions(_ numbers: [UInt64]) async throws -> [UInt64: Block] {
        blockRequests.withLock { $0.append(numbers) }
        var out: [UInt64: Block] = [:]
        for n in numbers { out[n] = blocks[n] }
        return out
    }

    func call(_ calls: [PinnedCall]) async throws -> [Result<[UInt8], PinnedCallError>] {
        callRequests.withLock { $0.append(calls) }
        return calls.map { answers[$0] ?? .failure(PinnedCallError(kind: .rejected, message: "no answer scripted for this call")) }
    }
}

/// Pinned calls and their return data, built with the embedded ABI.
enum Pinned {
    static let d = TestDeployment.deployment

    static func call(_ contract: KalypsoContract, _ signature: String, _ args: [ABIValue], block n: UInt64) -> PinnedCall {
        PinnedCall(to: d.address(of: contract), data: TestDeployment.calldata(signature, in: contract, args), blockHash: TestChain.blockHash(n))
    }

    static func output(_ contract: KalypsoContract, _ signature: String, _ values: [ABIValue]) -> Result<[UInt8], PinnedCallError> {
        do { return .success(try TestDeployment.function(signature, in: contract).encodeOutput(values)) } catch { preconditionFailure("\(signature): \(error)") }
    }

    /// `generatorRegistry(g)` answered with `reward` and `data` (other fields plausible).
    static func generator(_ g: Address, reward: Address, data: [UInt8], compute: UInt256 = UInt256(8), block n: UInt64) -> (PinnedCall, Result<[UInt8], PinnedCallError>) {
        let e18 = UInt256(1_000_000_000_000_000_000)
        return (call(.generatorRegistry, "generatorRegistry(address)", [.address(g)], block: n),
                output(.generatorRegistry, "generatorRegistry(address)", [.address(reward), .uint(UInt256(100)), .uint(.zero), .uint(.zero), .uint(.zero),
                                                                          .uint(.zero), .uint(compute), .uint(e18), .uint(e18), .bytes(data)]))
    }

    /// `generatorInfoPerMarket(g, m)` answered with a row.
    static func row(_ g: Address, _ m: UInt256, state: UInt256 = .one, compute: UInt256, cost: UInt256, time: UInt256, block n: UInt64) -> (PinnedCall, Result<[UInt8], PinnedCallError>) {
        (call(.generatorRegistry, "generatorInfoPerMarket(address,uint256)", [.address(g), .uint(m)], block: n),
         output(.generatorRegistry, "generatorInfoPerMarket(address,uint256)", [.uint(state), .uint(compute), .uint(cost), .uint(time), .uint(.zero)]))
    }

    /// `listOfAsk(a)` answered with `body`, `state`, `requester`, `generator`.
    static func ask(_ a: UInt256, body: AskBody, state: UInt256, requester: Address, generator: Address, block n: UInt64) -> (PinnedCall, Result<[UInt8], PinnedCallError>) {
        (call(.proofMarketplace, "listOfAsk(uint256)", [.uint(a)], block: n),
         output(.proofMarketplace, "listOfAsk(uint256)", [askTuple(body), .uint(state), .address(requester), .address(generator)]))
    }

    static func askTuple(_ b: AskBody) -> ABIValue {
        .tuple([.uint(b.marketId), .uint(b.reward), .uint(b.expiry), .uint(b.timeTakenForProofGeneration), .uint(b.deadline),
                .address(b.refundAddress), .bytes(b.proverData)])
    }

    static func revert(_ data: [UInt8] = [0x1e, 0x1d, 0x0a, 0xb5]) -> Result<[UInt8], PinnedCallError> {
        .failure(PinnedCallError(kind: .reverted, revertData: data, message: "execution reverted"))
    }
}
