import EthereumKit
import JSONRPC
@testable import Kalypso
@testable import Mirror

/// A small hand-built mirror state whose every reader answer is known, committed as one range 990…1000 (clock 1000).
enum ReaderFixture {
    static let e18 = ContractMath.exponent
    static func address(_ n: UInt64) -> Address { Address(hi: 0, mid: 0, lo: n) }
    static let a = address(0xa), b = address(0xb), c = address(0xc), d = address(0xd), e = address(0xe), f = address(0xf)
    static let privateImage = Hash32(w0: 0xe1, w1: 0, w2: 0, w3: 1)
    static let topicT1 = Hash32(w0: 0x71, w1: 0, w2: 0, w3: 0), topicT2 = Hash32(w0: 0x72, w1: 0, w2: 0, w3: 0)
    static let tx = Hash32(w0: 0x7a, w1: 0, w2: 0, w3: 0)
    static func blockHash(_ n: UInt64) -> Hash32 { Hash32(w0: 0xb1, w1: 0, w2: 0, w3: n) }
    static func position(_ block: UInt64, _ index: UInt64, tx: Hash32 = Hash32(w0: 0x70, w1: 0, w2: 0, w3: 0)) -> LogPosition {
        LogPosition(blockNumber: block, blockHash: blockHash(block), transactionIndex: 0, transactionHash: tx, logIndex: index)
    }

    static func generator(_ g: Address, declared: UInt64, stake: UInt64, consumed: UInt64 = 0, locked: UInt64 = 0) -> Generator {
        Generator(address: g, rewardAddress: address(0x100 + g.lo), totalStake: UInt256(stake), sumOfComputeAllocations: .zero,
                  computeConsumed: UInt256(consumed), stakeLocked: UInt256(locked), activeMarketplaces: .one, declaredCompute: UInt256(declared),
                  intendedStakeUtilization: e18, intendedComputeUtilization: e18, generatorData: Array(#"{"name":"x"}"#.utf8), registeredInBlock: 990)
    }

    static func row(_ g: Address, _ market: UInt64, _ state: StoredMarketState = .joined, cpr: UInt64, cost: UInt64, time: UInt64, active: UInt64 = 0) -> GeneratorMarket {
        GeneratorMarket(generator: g, marketId: UInt256(market), state: state, computePerRequestRequired: UInt256(cpr),
                        proofGenerationCost: UInt256(cost), proposedTime: UInt256(time), activeRequests: UInt256(active), joinedInBlock: 991)
    }

    static func ask(_ id: UInt64, _ state: StoredAskState, expiry: UInt64 = 0, deadline: UInt64 = 0, outcome: AskOutcome? = nil,
                    assigned: UInt64? = nil, completed: UInt64? = nil, market: UInt64? = 0) -> Ask {
        let body = market.map { AskBody(marketId: UInt256($0), reward: UInt256(10), expiry: UInt256(expiry), timeTakenForProofGeneration: UInt256(50),
                                        deadline: UInt256(deadline), refundAddress: address(0x99), proverData: [1, 2, 3]) }
        return Ask(id: UInt256(id), body: body, storedState: state, requester: address(0x98), generator: state == .create ? nil : b,
                   hasPrivateInputs: false, secretData: [], acl: [], extraData: [], outcome: outcome, secretType: .calldata,
                   createdInBlock: 992, assignedInBlock: assigned, completedInBlock: completed)
    }

    /// The entities, as the store will hold them.
    static var entities: [EntityValue] {
        let m0 = Market(id: 0, data: MarketData(verifier: address(0x51), proverImageId: .zero, slashingPenalty: UInt256(10), activationBlock: UInt256(500),
                                                 ivsImageId: .zero, creator: address(0x52), metadata: Array("m0".utf8)), createdInBlock: 990)
        let m1 = Market(id: 1, data: MarketData(verifier: address(0x51), proverImageId: privateImage, slashingPenalty: UInt256(50), activationBlock: UInt256(2000),
                                                 ivsImageId: privateImage, creator: address(0x52), metadata: []), extraProverImages: [privateImage], createdInBlock: 990)
        let m2 = Market(id: 2, data: nil, createdInBlock: 991)
        var values: [EntityValue] = [.market(m0), .market(m1), .market(m2)]
        values += [
            .generator(generator(a, declared: 100, stake: 1000)),
            .generator(generator(b, declared: 100, stake: 100, consumed: 40, locked: 95)),
            .generator(generator(c, declared: 50, stake: 500, consumed: 50, locked: 50)),
            .generator(generator(d, declared: 100, stake: 500)),
            .generator(generator(e, declared: 100, stake: 500)),
            .generator(generator(f, declared: 100, stake: 500)),
            .generatorMarket(row(a, 0, cpr: 10, cost: 5, time: 20)),
            .generatorMarket(row(a, 1, cpr: 20, cost: 7, time: 30)),
            .generatorMarket(row(b, 0, cpr: 20, cost: 9, time: 10, active: 2)),
            .generatorMarket(row(c, 0, cpr: 5, cost: 1, time: 5, active: 10)),
            .generatorMarket(row(d, 0, .requestedForExit, cpr: 10, cost: 100, time: 100)),
            .generatorMarket(row(f, 1, cpr: 20, cost: 3, time: 30)),
            .key(EnclaveKey(owner: a, keyIndex: .one, publicKey: [UInt8](repeating: 7, count: 64), updatedInBlock: 993)),
            .key(EnclaveKey(owner: f, keyIndex: .one, publicKey: nil, updatedInBlock: 993)),
            .ask(ask(0, .create, expiry: 1500)),
            .ask(ask(1, .create, expiry: 900)),
            .ask(ask(2, .assigned, deadline: 1100, assigned: 995)),
            .ask(ask(3, .assigned, deadline: 990, assigned: 980)),
            .ask(ask(4, .complete, outcome: .proved, assigned: 100, completed: 110)),
            .ask(ask(5, .complete, outcome: .proved, assigned: 200, completed: 230)),
            .ask(ask(6, .complete, outcome: .slashed, assigned: 250, completed: 400)),
            .ask(ask(7, .complete, outcome: .proved, assigned: 300, completed: 320)),
            .ask(ask(8, .create, market: nil)),
            .pricing(Pricing(secretType: .calldata, costPerInputBytes: UInt256(3), minProvingTime: UInt256(4))),
        ]
        return values
    }

    static var state: KalypsoState {
        var s = KalypsoState()
        for v in entities { s.insert(v) }
        return s
    }

    /// The range that creates everything.
    static var range: RangeCommit {
        let changes = ChangeSet(changes: entities.compactMap { EntityChange(key: $0.key, before: nil, after: $0) })!
        let blocks = (990...1000).map { BlockRecord(number: $0, hash: blockHash($0), parentHash: blockHash($0 - 1)) }
        let logs = [
            KalypsoLog(position: position(996, 0, tx: tx), emitter: .generatorRegistry,
                       event: .registeredGenerator(.init(generator: a, initialCompute: UInt256(100), initialStake: UInt256(1000),
                                                         registration: .calldata(GeneratorRegistration(rewardAddress: address(0x10a), generatorData: [])))) ),
            KalypsoLog(position: position(996, 1, tx: tx), emitter: .generatorRegistry,
                       event: .joinedMarketplace(.init(generator: a, marketId: .zero, computeAllocation: UInt256(10),
                                                       terms: .pinnedCall(MarketplaceJoinTerms(proofGenerationCost: UInt256(5), proposedTime: UInt256(20)), blockHash: blockHash(996))))),
            KalypsoLog(position: position(997, 0), emitter: .proofMarketplace, event: .askCancelled(.init(askId: UInt256(99)))),
        ]
        let raw = logs.map { log in
            Log(address: address(0xc0), topics: [log.event.entry.topic0, Hash32(w0: 0, w1: 0, w2: 0, w3: log.position.logIndex)], data: [0xde, 0xad],
                blockNumber: log.position.blockNumber, blockHash: log.position.blockHash, transactionHash: log.position.transactionHash,
                transactionIndex: 0, logIndex: log.position.logIndex)
        }
        let unknown = [
            UnknownLog(position: position(993, 5), address: address(0xc0), topics: [topicT1], data: [], otherGeneration: "G1.5 RegisteredGenerator"),
            UnknownLog(position: position(994, 5), address: address(0xc0), topics: [topicT1, topicT2], data: [1], otherGeneration: "G1.5 RegisteredGenerator"),
            UnknownLog(position: position(995, 5), address: address(0xc0), topics: [topicT2], data: [2], otherGeneration: nil),
        ]
        let quarantined = [
            QuarantinedLog(position: position(995, 3), address: address(0xc1), topics: [topicT1], data: [9], eventName: "AskCreated", error: "bad offset"),
            QuarantinedLog(position: position(1000, 1), address: address(0xc1), topics: [], data: [], eventName: nil, error: "no topics"),
        ]
        let checks = [
            SignatureCheck(kind: .admin, position: position(990, 0), expected: a, recovered: a, matches: true, note: ""),
            SignatureCheck(kind: .admin, position: position(1000, 0), expected: a, recovered: address(0x5a), matches: false,
                           note: "sender is a contract wallet"),
            SignatureCheck(kind: .enclave, position: position(998, 0), expected: f, recovered: nil, matches: false, note: "recovery failed"),
        ]
        let issues = [
            InconsistencyError(.arithmeticUnderflow, .warning, "underflow 1", at: position(992, 0)),
            InconsistencyError(.unknownAsk, .warning, "ask 99 unknown", at: position(997, 0)),
            InconsistencyError(.missingEnrichment, .info, "no log", at: nil),
        ]
        return RangeCommit(fromBlock: 990, toBlock: 1000, cursor: Checkpoint(blockNumber: 1000, blockHash: blockHash(1000)), blocks: blocks,
                           logs: logs, unknown: unknown, quarantined: quarantined, signatureChecks: checks, issues: issues,
                           changesByBlock: [BlockChanges(blockNumber: 1000, blockHash: blockHash(1000), changes: changes)],
                           rawLogs: raw, clock: UInt256(1000))
    }
}
