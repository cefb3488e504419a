import EthereumKit
import Foundation
import Operator
import Testing

@Suite struct DevnodeInfoTests {
    @Test func readsTheInfoFile() throws {
        let k = "0x" + String(repeating: "11", count: 32)
        let text = """
        {"schema":"kalypso-devnode-info/1","rpcUrl":"http://127.0.0.1:8545","chainId":31337,"deploymentBlock":1,
         "contracts":{"generatorRegistry":"0x00000000000000000000000000000000000000a1","proofMarketplace":"0x00000000000000000000000000000000000000a2",
                      "entityKeyRegistry":"0x00000000000000000000000000000000000000a3","deploymentBlock":31,
                      "stakingToken":"0x00000000000000000000000000000000000000a4","paymentToken":"0x00000000000000000000000000000000000000a5"},
         "admin":{"address":"x","privateKey":"\(k)"},"attestationSigner":{"privateKey":"\(k)"},"matchingEngine":{"privateKey":"\(k)"},
         "accounts":[{"privateKey":"\(k)"}]}
        """
        let info = try DevnodeInfo(json: Data(text.utf8), source: "info.json")
        #expect(info.rpcURL == "http://127.0.0.1:8545" && info.chainId == 31337 && info.deploymentBlock == 31)
        #expect(info.generatorRegistry == Address(hi: 0, mid: 0, lo: 0xa1))
        #expect(info.accountKeys.count == 1)
        #expect { try DevnodeInfo(json: Data("{}".utf8), source: "x.json") } throws: {
            ($0 as? OperatorError)?.message == "x.json is not a devnode info file (no rpcUrl); start the devnode with 'make devnode'"
        }
        #expect { try DevnodeInfo.load(path: "/nonexistent/info.json") } throws: { ($0 as? OperatorError)?.message.contains("make devnode") == true }
    }
}
