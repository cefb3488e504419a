import EthereumKit
import Operator
import Testing

@Suite struct RevertExplainerTests {
    static func abis() throws -> OperatorABIs { try OperatorABIs.embedded() }

    /// selector ‖ args as the contract would revert.
    static func revert(_ signature: String, _ args: [ABIValue] = []) throws -> [UInt8] {
        try ABICustomError(signature: signature).encode(args)
    }

    @Test func customErrorsFromTheABIFilesWithTheFix() throws {
        let abis = try Self.abis()
        let already = abis.decodeRevert(try Self.revert("GeneratorAlreadyExists()"))
        #expect(RevertExplainer.explain(already, function: "register")
                == "register reverted with custom error GeneratorAlreadyExists(): this account is already registered; use stake / increase-compute / change-reward-address, or deregister first")
        let zero = abis.decodeRevert(try Self.revert("CannotBeZero()"))
        #expect(RevertExplainer.explain(zero, function: "joinMarketplace").contains("not registered, or compute per proof or max proof time is zero"))
        #expect(RevertExplainer.explain(zero, function: "stake").hasSuffix("the amount is zero"))
        let signer = Address(hi: 0, mid: 0, lo: 0x42)
        let sig = abis.decodeRevert(try Self.revert("InvalidEnclaveSignature(address)", [.address(signer)]))
        #expect(RevertExplainer.explain(sig, function: "updateEncryptionKey").contains("(it recovers to \(signer.checksummed))"))
        let intent = abis.decodeRevert(try Self.revert("RequestAlreadyInPlace()"))
        #expect(RevertExplainer.explain(intent, function: "intendToReduceStake").contains("run decrease-compute first"))
        let allowance = abis.decodeRevert(try Self.revert("ERC20InsufficientAllowance(address,uint256,uint256)",
                                                          [.address(signer), .uint(UInt256(3)), .uint(UInt256(7))]))
        #expect(RevertExplainer.explain(allowance, function: "stake").contains("may take 3 base units of the staking token but needs 7; approve first (--approve)"))
    }

    @Test func everyGeneratorRegistryErrorDecodes() throws {
        let abis = try Self.abis()
        for error in abis.generatorRegistry.errors {
            let values = error.inputs.map { p -> ABIValue in
                switch p.type {
                case .address: return .address(.zero)
                case .fixedBytes(let n): return .fixedBytes([UInt8](repeating: 0, count: n))
                default: return .uint(.one)
                }
            }
            let reason = abis.decodeRevert(try error.encode(values))
            guard case .custom(let decoded, _) = reason else {
                Issue.record("\(error.signature) did not decode as a custom error: \(reason)")
                continue
            }
            #expect(decoded.signature == error.signature)
        }
    }

    @Test func panicsEmptyDataAndErrorStrings() throws {
        let abis = try Self.abis()
        let panic = abis.decodeRevert(try Self.revert("Panic(uint256)", [.uint(UInt256(0x11))]))
        #expect(RevertExplainer.explain(panic, function: "intendToReduceStake")
                == "intendToReduceStake reverted with Panic(0x11): arithmetic overflow or underflow outside an unchecked block: the amount is larger than the total stake")
        let empty = abis.decodeRevert([])
        #expect(RevertExplainer.explain(empty, function: "joinMarketplace").contains("the market id most likely does not exist"))
        let message = abis.decodeRevert(try Self.revert("Error(string)", [.string("nope")]))
        #expect(RevertExplainer.explain(message, function: "stake") == "stake reverted with Error(string): \"nope\"")
        let unknown = abis.decodeRevert([0xde, 0xad, 0xbe, 0xef])
        #expect(RevertExplainer.explain(unknown, function: "stake").contains("unknown error selector 0xdeadbeef"))
    }
}
