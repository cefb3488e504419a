import EthereumKit
import Foundation
import Operator
import Testing

@Suite struct KalypsoABIsTests {
    static let projectRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url
    }()

    /// The embedded copy is what `ABI/` holds now (else run `make embed`).
    @Test func embeddedABIsAreFresh() throws {
        var files: [String: String] = [:]
        for name in ["GeneratorRegistry.json", "ProofMarketplace.json", "EntityKeyRegistry.json", "ERC20.json"] {
            let url = Self.projectRoot.appendingPathComponent("ABI").appendingPathComponent(name)
            files[name] = try String(contentsOf: url, encoding: .utf8)
        }
        let fromDisk = try KalypsoABIs(files: files)
        let embedded = try KalypsoABIs.embedded()
        #expect(fromDisk.generatorRegistry.functions == embedded.generatorRegistry.functions, "ABI/GeneratorRegistry.json changed: run `make embed`")
        #expect(fromDisk.proofMarketplace.functions == embedded.proofMarketplace.functions, "ABI/ProofMarketplace.json changed: run `make embed`")
        #expect(fromDisk.entityKeyRegistry.functions == embedded.entityKeyRegistry.functions, "ABI/EntityKeyRegistry.json changed: run `make embed`")
        #expect(fromDisk.errors.errors == embedded.errors.errors, "the ABI errors changed: run `make embed`")
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
        let abis = try KalypsoABIs.embedded()
        #expect(try abis.function(abis.generatorRegistry, name).selector.description == selector)
    }

    @Test func operationsEncodeTheirArguments() throws {
        let abis = try KalypsoABIs.embedded()
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

    @Test func missingOrBrokenFilesAreNamed() {
        #expect { try KalypsoABIs(files: [:]) } throws: { ($0 as? OperatorError)?.message.contains("GeneratorRegistry.json is missing") == true }
        #expect {
            try KalypsoABIs(files: ["GeneratorRegistry.json": "{", "ProofMarketplace.json": "[]", "EntityKeyRegistry.json": "[]", "ERC20.json": "[]"])
        } throws: { ($0 as? OperatorError)?.message.contains("ABI/GeneratorRegistry.json does not parse") == true }
    }
}
