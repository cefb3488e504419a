import Testing
import Foundation
import EthereumKit

/// `kalypso-mirror abi …` and `address checksum`, run as a process.
@Suite(.serialized) struct ABICommandTests {
    static func roundtripCases() throws -> [[String: Any]] {
        let data = try Data(contentsOf: CLIRunner.vectors.appendingPathComponent("generated/abi_roundtrip.json"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try #require(root["valid"] as? [[String: Any]])
    }

    /// A command-line argument for a vector value: JSON text, except a top-level string, which is passed literally.
    static func argument(_ value: Any) throws -> String {
        if let s = value as? String { return s }
        if let b = value as? Bool { return b ? "true" : "false" }
        return String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed]), as: UTF8.self)
    }

    /// `abi decode` prints exactly the vector's values (in its JSON conventions) and `abi encode` reproduces the
    /// encoding (with the selector for the 5 spec signatures), for the spec and edge cases of
    /// generated/abi_roundtrip.json and every 10th random case (each case spawns the binary; the library tests
    /// cover all 333 with the same JSON writer).
    @Test func roundtripVectorsThroughTheCLI() throws {
        let all = try Self.roundtripCases()
        let cases = all.enumerated().filter { offset, c in
            let id = c["id"] as? String ?? ""
            return !id.hasPrefix("rand_") || offset % 10 == 0
        }.map(\.element)
        var decoded = 0, encoded = 0
        for c in cases {
            let id = c["id"] as? String ?? "?"
            let types = try #require(c["types"] as? [String])
            let values = try #require(c["values"] as? [Any])
            let encoding = try #require(c["encoding"] as? String)
            let spec = "(" + types.joined(separator: ",") + ")"
            let result = try CLIRunner.run(["abi", "decode", spec, encoding])
            #expect(result.status == 0, "\(id): \(result.stderr)")
            // Compare as JSON documents: the printed array must equal the vector's values array.
            let printed = try JSONSerialization.jsonObject(with: Data(result.output.utf8))
            let expected = try JSONSerialization.jsonObject(with: try JSONSerialization.data(withJSONObject: values))
            if (printed as? NSArray) == (expected as? NSArray) { decoded += 1 } else { Issue.record("\(id): printed \(result.output)") }
            do {
                let signature = c["signature"] as? String
                let arguments = try values.map(Self.argument)
                let run = try CLIRunner.run(["abi", "encode", signature ?? spec] + arguments)
                let want = (signature != nil ? (c["selector"] as? String ?? "") : "0x") + encoding.dropFirst(2)
                #expect(run.output == want, "\(id): \(run.stderr)")
                if run.output == want { encoded += 1 }
            }
        }
        #expect(decoded == cases.count && encoded == cases.count)
        print("vectors: generated/abi_roundtrip.json: \(min(decoded, encoded))/\(cases.count) cases passed (kalypso-mirror abi decode + encode; subset of \(all.count): spec, edge, every 10th random)")
    }

    @Test func encodeExamples() throws {
        let a = "0x00000000000000000000000000000000000000aa", b = "0x00000000000000000000000000000000000000bb"
        let tuple = try CLIRunner.run(["abi", "encode", "(uint256,address[])", "5", "[\(a),\(b)]"])
        #expect(tuple.status == 0)
        let expected = try ABIEncoder.encode(types: [.uint(256), .array(.address)], values: [.uint(5), .array([.address(try Address(a)), .address(try Address(b))])])
        #expect(tuple.output == Hex.encode(expected))
        let transfer = try CLIRunner.run(["abi", "encode", "transfer(address, uint256)", a, "10"])
        #expect(transfer.output.hasPrefix("0xa9059cbb"))
        #expect(transfer.output.count == 2 + 8 + 128)
        let calldata = try CLIRunner.run(["abi", "decode", "transfer(address,uint256)", transfer.output])
        #expect(calldata.output == #"["\#(a)","10"]"#)
    }

    @Test(arguments: [
        ["abi", "encode", "(uint8)", "256"],
        ["abi", "encode", "(uint8,bool)", "1"],
        ["abi", "encode", "(uint7)", "1"],
        ["abi", "encode", "(address)", "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD827"],
        ["abi", "encode", "(uint8[2])", "[1]"],
        ["abi", "decode", "(uint8)", "0x0000000000000000000000000000000000000000000000000000000000000100"],
        ["abi", "decode", "(bytes)", "0x0000000000000000000000000000000000000000000000000000000000000020"],
        ["abi", "decode", "(uint256)", "0x12g4"],
        ["abi", "decode", "approve(address,uint256)", "0xa9059cbb"],
        ["abi", "event", "--topics", "0x00"],
        ["abi", "event", "--event", "E(uint8 indexed a)", "--topics", "0x0000000000000000000000000000000000000000000000000000000000000001"],
        ["abi", "frobnicate"],
        ["abi"],
        ["address", "checksum", "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD827"],
        ["address", "checksum", "0x1234"],
        ["address", "checksum"],
    ])
    func usageAndInputErrorsExitWith2(arguments: [String]) throws {
        let result = try CLIRunner.run(arguments)
        #expect(result.status == 2, "\(arguments): \(result.stdout)")
        #expect(result.stderr.hasPrefix("error: "), "\(arguments)")
        #expect(result.stderr.filter { $0 == "\n" }.count == 1, "one line: \(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test(arguments: [["abi", "--help"], ["abi", "encode", "--help"], ["abi", "decode", "--help"], ["abi", "event", "--help"], ["address", "--help"]])
    func everySubcommandHasHelp(arguments: [String]) throws {
        let result = try CLIRunner.run(arguments)
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("Usage"))
        if arguments.count == 3 { #expect(result.stdout.contains("abi \(arguments[1])")) }
    }

    @Test func addressChecksum() throws {
        let lower = try CLIRunner.run(["address", "checksum", "0xcd2a3d9f938e13cd947ec05abc7fe734df8dd826"])
        #expect(lower.output == "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826")
        let valid = try CLIRunner.run(["address", "checksum", "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826"])
        #expect(valid.output == "0xCD2a3d9F938E13CD947Ec05AbC7FE734Df8DD826")
    }

    @Test func eventFromAnABIFile() throws {
        let json = #"""
        [{"type":"event","name":"TaskCreated","anonymous":false,"inputs":[
            {"name":"askId","type":"uint256","indexed":true},{"name":"generator","type":"address","indexed":true},
            {"name":"new_acl","type":"bytes","indexed":false}]},
         {"type":"event","name":"EnclaveKeyVerified","anonymous":false,"inputs":[
            {"name":"enclavePubKey","type":"bytes","indexed":true},{"name":"imageId","type":"bytes32","indexed":true}]}]
        """#
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("abi-cli-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("abi.json")
        try Data(json.utf8).write(to: file)
        let abi = try ContractABI(jsonText: json)
        let generator = try Address("0x71C7656EC7ab88b098defB751B7401B5f6d8976F")
        let task = try #require(abi.events.first).encodeLog([.uint(42), .address(generator), .bytes([1, 2, 3])])
        let result = try CLIRunner.run(["abi", "event", "--abi", file.path, "--topics", task.topics.map(\.description).joined(separator: ","), "--data", Hex.encode(task.data)])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
        #expect(object["event"] as? String == "TaskCreated")
        #expect(object["topic0"] as? String == "0x7a7cd41cad5f3cccfdce48df720845b6fe8167853b27ba031d9998e205eb1dd9")
        let fields = try #require(object["fields"] as? [[String: Any]])
        #expect(fields.map { $0["name"] as? String } == ["askId", "generator", "new_acl"])
        #expect(fields.map { $0["value"] as? String } == ["42", "0x71c7656ec7ab88b098defb751b7401b5f6d8976f", "0x010203"])
        // An indexed bytes parameter is reported as its topic hash.
        let key = try abi.events[1].encodeLog([.bytes([4, 4]), .fixedBytes([UInt8](repeating: 9, count: 32))])
        let keyResult = try CLIRunner.run(["abi", "event", "--abi", file.path, "--topics", key.topics.map(\.description).joined(separator: ",")])
        let keyObject = try #require(try JSONSerialization.jsonObject(with: Data(keyResult.output.utf8)) as? [String: Any])
        let keyFields = try #require(keyObject["fields"] as? [[String: Any]])
        #expect(keyFields[0]["topicHash"] as? String == Keccak256.hash([4, 4]).description)
        #expect(keyFields[0]["value"] == nil)
        // Unknown topic0 → input error.
        let unknown = try CLIRunner.run(["abi", "event", "--abi", file.path, "--topics", Hash32.zero.description])
        #expect(unknown.status == 2 && unknown.stderr.contains("topic0"))
    }
}
