import EthereumKit
import Foundation
import Kalypso
@testable import Mirror
import Testing

/// The embedded copy of `ABI/` must be current, and the ABI must agree with `KalypsoTopics`.
@Suite struct EmbeddedABIsTests {
    static let projectRoot: URL = {
        var url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while url.path != "/" && !FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
            url.deleteLastPathComponent()
        }
        return url
    }()

    @Test func generatedFileMatchesTheABIFolder() throws {
        let folder = Self.projectRoot.appendingPathComponent("ABI")
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { !$0.hasPrefix(".") }
        var onDisk: [String: [UInt8]] = [:]
        for name in names { onDisk[name] = Array(try Data(contentsOf: folder.appendingPathComponent(name))) }
        #expect(Set(EmbeddedABIs.files.keys) == Set(onDisk.keys), "stale Sources/Mirror/Deployment/EmbeddedABIs.swift: run `make embed`")
        for (name, bytes) in onDisk {
            #expect(EmbeddedABIs.files[name].map { Array($0.utf8) } == bytes, "ABI/\(name) differs from its embedded copy: run `make embed`")
        }
        #expect(onDisk.count >= 3, "the ABI folder was found (\(onDisk.count) files)")
    }

    @Test func embeddedABIsParseAndCoverEveryG1Event() throws {
        let abis = try KalypsoABIs.embedded()
        for entry in KalypsoTopics.g1 {
            guard let contract = entry.contract else { continue }
            #expect(abis.abi(of: contract).event(topic0: entry.topic0)?.signature == entry.signature, "\(entry.declaration)")
        }
        #expect(abis.proofMarketplace.events(named: "AskCreated").count == 2)
        #expect(abis.proofMarketplace.functions(named: "createAsk").count == 2)
    }

    /// Removing `indexed` changes where a parameter is read but not the topic0: the cross-check names both sides.
    @Test func anIndexedLayoutMismatchIsAnInitErrorNamingBoth() throws {
        var files = EmbeddedABIs.files
        let original = try #require(files["GeneratorRegistry.json"])
        let edited = try Self.editEvent(original, named: "JoinedMarketplace") { inputs in inputs[1]["indexed"] = false }
        files["GeneratorRegistry.json"] = edited
        #expect { try KalypsoABIs(files: files) } throws: { error in
            guard let e = error as? DecoderSetupError, e.code == .abiMismatch else { return false }
            return e.message.contains("JoinedMarketplace(address,uint256,uint256)") && e.message.contains("uint256 indexed marketId")
        }
    }

    /// An event whose types differ has another topic0, which KalypsoTopics does not know.
    @Test func anUnknownTopic0IsAnInitErrorNamingTheOtherGeneration() throws {
        var files = EmbeddedABIs.files
        let original = try #require(files["GeneratorRegistry.json"])
        files["GeneratorRegistry.json"] = try Self.editEvent(original, named: "RegisteredGenerator") { inputs in inputs.removeLast() }
        #expect { try KalypsoABIs(files: files) } throws: { error in
            guard let e = error as? DecoderSetupError else { return false }
            return e.message.contains("RegisteredGenerator(address,uint256)") && e.message.contains("g1_5")
                && e.message.contains(KalypsoTopics.otherGenerations[0].topic0.description)
        }
    }

    @Test func aMissingEventOrFileIsAnInitError() throws {
        var files = EmbeddedABIs.files
        let original = try #require(files["ProofMarketplace.json"])
        let array = try #require(try JSONSerialization.jsonObject(with: Data(original.utf8)) as? [[String: Any]])
        let without = array.filter { !($0["name"] as? String == "AskCreated" && ($0["inputs"] as? [Any])?.count == 4) }
        files["ProofMarketplace.json"] = String(decoding: try JSONSerialization.data(withJSONObject: without), as: UTF8.self)
        #expect { try KalypsoABIs(files: files) } throws: { error in
            (error as? DecoderSetupError)?.message.contains("AskCreated(uint256 indexed askId, bool indexed hasPrivateInputs, bytes secret_data, bytes acl)") ?? false
        }
        files["ProofMarketplace.json"] = nil
        #expect(throws: DecoderSetupError.self) { try KalypsoABIs(files: files) }
    }

    @Test func functionSelectorsAreTheSpecOnes() throws {
        _ = try Enricher(deployment: TestDeployment.deployment, logger: .disabled)
        var files = EmbeddedABIs.files
        let original = try #require(files["GeneratorRegistry.json"])
        let array = try #require(try JSONSerialization.jsonObject(with: Data(original.utf8)) as? [[String: Any]])
        let without = array.filter { $0["name"] as? String != "register" }
        files["GeneratorRegistry.json"] = String(decoding: try JSONSerialization.data(withJSONObject: without), as: UTF8.self)
        let abis = try KalypsoABIs(files: files)
        #expect { try Enricher(deployment: TestDeployment.deployment, abis: abis, logger: .disabled) } throws: { error in
            (error as? DecoderSetupError)?.message.contains("register(address,uint256,uint256,bytes)") ?? false
        }
    }

    static func editEvent(_ json: String, named name: String, _ edit: (inout [[String: Any]]) -> Void) throws -> String {
        guard var array = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] else { throw CocoaError(.fileReadCorruptFile) }
        for i in array.indices where array[i]["type"] as? String == "event" && array[i]["name"] as? String == name {
            var inputs = array[i]["inputs"] as? [[String: Any]] ?? []
            edit(&inputs)
            array[i]["inputs"] = inputs
        }
        return String(decoding: try JSONSerialization.data(withJSONObject: array), as: UTF8.self)
    }
}
