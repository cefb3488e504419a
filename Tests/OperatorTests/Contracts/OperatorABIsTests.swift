import EthereumKit
import Foundation
import Operator
import Testing

@Suite struct OperatorABIsTests {
    static let projectRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url
    }()

    /// The ERC-20 text in the binary declares exactly what `ABI/ERC20.json` does.
    @Test func erc20MatchesTheABIFile() throws {
        let file = try ContractABI(json: try Data(contentsOf: Self.projectRoot.appendingPathComponent("ABI/ERC20.json")))
        let ours = try OperatorABIs.embedded().erc20
        #expect(ours.functions == file.functions)
        #expect(ours.events.map(\.signature) == file.events.map(\.signature))
        #expect(ours.events.map { $0.inputs.map(\.indexed) } == file.events.map { $0.inputs.map(\.indexed) })
        #expect(ours.errors == file.errors)
    }

    /// Every operation calls the spec's function (§3.6 selectors).
    @Test(arguments: [
        ("register", "0x136dfbf5"), ("stake", "0xadc9772e"), ("intendToReduceStake", "0xe9e934a0"), ("unstake", "0xf2888dbb"),
        ("increaseDeclaredCompute", "0x6d405877"), ("intendToReduceCompute", "0x96de0eef"), ("decreaseDeclaredCompute", "0x2f8f4a3b"),
        ("changeRewardAddress", "0x4d2aab9a"), ("joinMarketplace", "0xe2fa33ce"), ("requestForExitMarketplace", "0xe7bc9600"),
        ("leaveMarketplace", "0x9f5db986"), ("updateEncryptionKey", "0x92eb91e2"), ("removeEncryptionKey", "0x541a8c18"),
        ("deregister", "0x84ac33ec"),
    ])
    func registryFunctions(name: String, selector: String) throws {
        let abis = try OperatorABIs.embedded()
        #expect(try abis.function(abis.generatorRegistry, name).selector.description == selector)
    }

    @Test func operationsEncodeTheirArguments() throws {
        let abis = try OperatorABIs.embedded()
        let me = Address(hi: 0, mid: 0, lo: 0xAA)
        let ops: [GeneratorOperation] = [
            .register(rewardAddress: me, declaredCompute: UInt256(8), initialStake: UInt256(5), generatorData: [1, 2]),
            .stake(amount: UInt256(3), generator: nil), .intendToReduceStake(amount: .one), .unstake(to: me), .increaseCompute(amount: .one),
            .intendToReduceCompute(amount: .one), .decreaseCompute, .changeRewardAddress(me),
            .joinMarket(JoinMarketParameters(market: .one, computePerProof: .one, pricePerProof: .zero, maxProofTime: UInt256(10))),
            .requestExit(market: .one), .leaveMarket(market: .one), .removeKey(market: .one), .deregister(refundTo: me),
        ]
        for op in ops {
            let f = try abis.function(abis.generatorRegistry, op.functionName)
            let data = try abis.calldata(abis.generatorRegistry, op.functionName, op.arguments(sender: me))
            #expect(try f.decodeCall(data) == op.arguments(sender: me), "\(op.commandName)")
        }
        #expect(GeneratorOperation.stake(amount: .one, generator: nil).arguments(sender: me).first == .address(me))
        #expect(GeneratorOperation.stake(amount: .one, generator: nil).stakingTokenSpend == .one)
        #expect(GeneratorOperation.register(rewardAddress: me, declaredCompute: .one, initialStake: .zero, generatorData: [1]).stakingTokenSpend == nil)
        let join = GeneratorOperation.joinMarket(JoinMarketParameters(market: .one, computePerProof: .one, pricePerProof: .zero, maxProofTime: .one))
        #expect(join.arguments(sender: me)[4] == .bool(false))
    }

    @Test func errorsOfAllFourDecode() throws {
        let abis = try OperatorABIs.embedded()
        for name in ["GeneratorAlreadyExists", "InactiveMarket", "EnclaveKeyNotVerified", "ERC20InsufficientAllowance"] {
            #expect(!abis.errors.errors(named: name).isEmpty, "\(name)")
        }
        #expect(Set(abis.errors.errors.map(\.signature)).count == abis.errors.errors.count)
        #expect { try abis.function(abis.proofMarketplace, "createAsk") } throws: { ($0 as? OperatorError)?.message.contains("2 functions called createAsk") == true }
    }
}
