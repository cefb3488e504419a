import Testing
import Foundation
@testable import EthereumKit

/// JSON ABI parsing, signatures/selectors/topic0s (checked against the values in the Kalypso spec), event, call and
/// revert decoding.
@Suite struct ContractABITests {
    /// A fragment of the G1 Kalypso ABI, written as solc emits it.
    static let kalypsoJSON = #"""
    [
      {"type":"event","name":"RegisteredGenerator","anonymous":false,"inputs":[
        {"name":"generator","type":"address","indexed":true,"internalType":"address"},
        {"name":"initialCompute","type":"uint256","indexed":false,"internalType":"uint256"},
        {"name":"initialStake","type":"uint256","indexed":false,"internalType":"uint256"}]},
      {"type":"event","name":"JoinedMarketplace","anonymous":false,"inputs":[
        {"name":"generator","type":"address","indexed":true},
        {"name":"marketId","type":"uint256","indexed":true},
        {"name":"computeAllocation","type":"uint256","indexed":false}]},
      {"type":"event","name":"AskCreated","anonymous":false,"inputs":[
        {"name":"askId","type":"uint256","indexed":true},
        {"name":"hasPrivateInputs","type":"bool","indexed":true},
        {"name":"secret_data","type":"bytes","indexed":false},
        {"name":"acl","type":"bytes","indexed":false},
        {"name":"extraData","type":"bytes","indexed":false}]},
      {"type":"event","name":"AskCreated","anonymous":false,"inputs":[
        {"name":"askId","type":"uint256","indexed":true},
        {"name":"hasPrivateInputs","type":"bool","indexed":true},
        {"name":"secret_data","type":"bytes","indexed":false},
        {"name":"acl","type":"bytes","indexed":false}]},
      {"type":"event","name":"TaskCreated","anonymous":false,"inputs":[
        {"name":"askId","type":"uint256","indexed":true},
        {"name":"generator","type":"address","indexed":true},
        {"name":"new_acl","type":"bytes","indexed":false}]},
      {"type":"event","name":"EnclaveKeyVerified","anonymous":false,"inputs":[
        {"name":"enclavePubKey","type":"bytes","indexed":true},
        {"name":"imageId","type":"bytes32","indexed":true}]},
      {"type":"event","name":"UpdateCostPerBytes","anonymous":false,"inputs":[
        {"name":"secretType","type":"uint8","indexed":true,"internalType":"enum ProofMarketplace.SecretType"},
        {"name":"costPerInputBytes","type":"uint256","indexed":false}]},
      {"type":"function","name":"register","stateMutability":"nonpayable","inputs":[
        {"name":"rewardAddress","type":"address"},{"name":"declaredCompute","type":"uint256"},
        {"name":"initialStake","type":"uint256"},{"name":"generatorData","type":"bytes"}],"outputs":[]},
      {"type":"function","name":"joinMarketplace","stateMutability":"nonpayable","inputs":[
        {"name":"marketId","type":"uint256"},{"name":"computePerRequestRequired","type":"uint256"},
        {"name":"proofGenerationCost","type":"uint256"},{"name":"proposedTime","type":"uint256"},
        {"name":"updateMarketDedicatedKey","type":"bool"},{"name":"attestationData","type":"bytes"},
        {"name":"enclaveSignature","type":"bytes"}],"outputs":[]},
      {"type":"function","name":"createAsk","stateMutability":"nonpayable","inputs":[
        {"name":"ask","type":"tuple","internalType":"struct ProofMarketplace.Ask","components":[
          {"name":"marketId","type":"uint256"},{"name":"reward","type":"uint256"},{"name":"expiry","type":"uint256"},
          {"name":"timeTakenForProofGeneration","type":"uint256"},{"name":"deadline","type":"uint256"},
          {"name":"refundAddress","type":"address"},{"name":"proverData","type":"bytes"}]},
        {"name":"secretType","type":"uint8","internalType":"enum ProofMarketplace.SecretType"},
        {"name":"privateInputs","type":"bytes"},{"name":"acl","type":"bytes"},{"name":"extraData","type":"bytes"}],"outputs":[]},
      {"type":"function","name":"listOfAsk","stateMutability":"view","inputs":[{"name":"","type":"uint256"}],"outputs":[
        {"name":"ask","type":"tuple","components":[
          {"name":"marketId","type":"uint256"},{"name":"reward","type":"uint256"},{"name":"expiry","type":"uint256"},
          {"name":"timeTakenForProofGeneration","type":"uint256"},{"name":"deadline","type":"uint256"},
          {"name":"refundAddress","type":"address"},{"name":"proverData","type":"bytes"}]},
        {"name":"state","type":"uint8"},{"name":"requester","type":"address"},{"name":"generator","type":"address"}]},
      {"type":"function","name":"askCounter","constant":true,"inputs":[],"outputs":[{"name":"","type":"uint256"}]},
      {"type":"error","name":"CannotBeZero","inputs":[]},
      {"type":"error","name":"MustBeAnEnclave","inputs":[{"name":"imageId","type":"bytes32"}]},
      {"type":"error","name":"CannotRemoveDefaultImageFromMarket","inputs":[{"name":"marketId","type":"uint256"},{"name":"imageId","type":"bytes32"}]},
      {"type":"constructor","inputs":[{"name":"_stakingToken","type":"address"}],"stateMutability":"nonpayable"},
      {"type":"fallback","stateMutability":"payable"},
      {"type":"receive","stateMutability":"payable"}
    ]
    """#

    static func abi() throws -> ContractABI { try ContractABI(jsonText: kalypsoJSON) }
    static let generator = "00000000000000000000000071c7656ec7ab88b098defb751b7401b5f6d8976f"
    static func word(_ hex: String) -> [UInt8] { ABICodecTests.word(hex) }
    static func hash(_ hex: String) throws -> Hash32 { try Hash32(hex: "0x" + String(repeating: "0", count: 64 - hex.count) + hex) }

    @Test func topic0sMatchTheSpec() throws {
        let abi = try Self.abi()
        let expected: [(String, String)] = [
            ("RegisteredGenerator(address,uint256,uint256)", "0x491b0f461d05b79bfc6904a9ba9df523d766503f11046b2b5e6eddaae3a7231c"),
            ("JoinedMarketplace(address,uint256,uint256)", "0x0459ab575508b4a5894f7b1387bf362d03213b3bf831da4526218c33e4a906d8"),
            ("AskCreated(uint256,bool,bytes,bytes,bytes)", "0xca872f71caf10cdbbd1dd22412d01d415ef80130c7e50bdb8cd6951a08336241"),
            ("AskCreated(uint256,bool,bytes,bytes)", "0x7bbfce65358c44b598a1ee0eef063ce14de02516385794f6b60eea5523a936e4"),
            ("TaskCreated(uint256,address,bytes)", "0x7a7cd41cad5f3cccfdce48df720845b6fe8167853b27ba031d9998e205eb1dd9"),
            ("EnclaveKeyVerified(bytes,bytes32)", "0xf4837f1a66a1e5fbde2c40d0f6eff75183139e79b0fc1eaab280a3a0be38e7b1"),
            ("UpdateCostPerBytes(uint8,uint256)", "0xc0ca6b6df9b5a3550ed6fdef36bae8a54160c2ccda3de6aac3df984c66d32870"),
        ]
        for (signature, topic0) in expected {
            let event = try #require(abi.event(signature: signature), "\(signature)")
            #expect(event.topic0.description == topic0, "\(signature)")
            #expect(abi.event(topic0: try Hash32(hex: topic0))?.signature == signature)
        }
        #expect(abi.events(named: "AskCreated").count == 2)
        #expect(try ABIEvent(declaration: "RegisteredGenerator(address indexed generator, uint256 initialCompute, uint256 initialStake)").topic0
                == abi.events[0].topic0)
    }

    @Test func selectorsMatchTheSpec() throws {
        let abi = try Self.abi()
        let functions: [(String, String)] = [
            ("register(address,uint256,uint256,bytes)", "0x136dfbf5"),
            ("joinMarketplace(uint256,uint256,uint256,uint256,bool,bytes,bytes)", "0xe2fa33ce"),
            ("createAsk((uint256,uint256,uint256,uint256,uint256,address,bytes),uint8,bytes,bytes,bytes)", "0x63a2ae4e"),
            ("listOfAsk(uint256)", "0x6c8df518"),
            ("askCounter()", "0x317593d2"),
        ]
        for (signature, selector) in functions {
            let f = try #require(abi.function(signature: signature), "\(signature)")
            #expect(f.selector.description == selector, "\(signature)")
            #expect(abi.function(selector: try ABISelector(hex: selector))?.signature == signature)
        }
        #expect(try ABIFunction(signature: "createAsk((uint256,uint256,uint256,uint256,uint256,address,bytes),uint8,bytes,bytes)").selector.description == "0x70538fca")
        let errors: [(String, String)] = [
            ("CannotBeZero()", "0x1e1d0ab5"), ("MustBeAnEnclave(bytes32)", "0x06356cb3"),
            ("CannotRemoveDefaultImageFromMarket(uint256,bytes32)", "0xb565f792"),
        ]
        for (signature, selector) in errors {
            let e = try #require(abi.errors.first { $0.signature == signature })
            #expect(e.selector.description == selector, "\(signature)")
        }
        #expect(abi.function(signature: "askCounter()")?.stateMutability == .view)
        #expect(abi.constructorInputs?.first?.type == .address)
        #expect(abi.hasFallback && abi.hasReceive)
    }

    @Test func tupleComponentsNestAtAnyDepth() throws {
        let json = #"""
        [{"type":"function","name":"f","inputs":[{"name":"x","type":"tuple[2][]","components":[
            {"name":"id","type":"uint256"},
            {"name":"parts","type":"tuple[]","components":[{"name":"who","type":"address"},{"name":"blob","type":"bytes"}]},
            {"name":"grid","type":"uint8[3][]"}]}],
          "outputs":[{"name":"","type":"tuple","components":[{"name":"a","type":"tuple","components":[{"name":"b","type":"string"}]}]}]}]
        """#
        let abi = try ContractABI(jsonText: json)
        let f = try #require(abi.functions.first)
        #expect(f.signature == "f((uint256,(address,bytes)[],uint8[3][])[2][])")
        #expect(f.inputs[0].components.map(\.name) == ["id", "parts", "grid"])
        #expect(f.inputs[0].components[1].components.map(\.name) == ["who", "blob"])
        #expect(f.outputs[0].type == .tuple([.tuple([.string])]))
        let artifact = #"{"contractName":"X","abi":"# + json + "}"
        #expect(try ContractABI(json: Data(artifact.utf8)).functions.first?.signature == f.signature)
    }

    @Test(arguments: [
        #"{"type":"function"}"#, #"[{"type":"function","name":"f","inputs":[{"name":"x","type":"uint7"}]}]"#,
        #"[{"type":"function","name":"f","inputs":[{"name":"x","type":"tuple"}]}]"#,
        #"[{"type":"function","name":"f","inputs":[{"name":"x","type":"tuple[0]","components":[{"type":"bool"}]}]}]"#,
        #"[{"type":"function","name":"f","inputs":[{"name":"x"}]}]"#, #"[{"type":"function","name":"f","inputs":{}}]"#,
        #"[{"type":"function","name":"f","stateMutability":"sometimes"}]"#, #"[{"type":"party","name":"f"}]"#,
        #"[{"type":"function","name":"bad name"}]"#, #"[1]"#, "not json",
        #"[{"type":"event","name":"E","inputs":[{"type":"uint8","indexed":true},{"type":"uint8","indexed":true},{"type":"uint8","indexed":true},{"type":"uint8","indexed":true}]}]"#,
    ])
    func malformedJSONABIsAreRejected(json: String) {
        #expect(throws: ABIError.self) { try ContractABI(jsonText: json) }
    }

    @Test func registeredGeneratorLog() throws {
        let abi = try Self.abi()
        let topics = [try Hash32(hex: "0x491b0f461d05b79bfc6904a9ba9df523d766503f11046b2b5e6eddaae3a7231c"), try Hash32(hex: "0x" + Self.generator)]
        let data = Self.word("64") + Self.word("de0b6b3a7640000")
        let log = try abi.decodeLog(topics: topics, data: data)
        #expect(log.name == "RegisteredGenerator")
        #expect(log.fields.map(\.name) == ["generator", "initialCompute", "initialStake"])
        #expect(log["generator"]?.value?.addressValue == (try Address("0x71C7656EC7ab88b098defB751B7401B5f6d8976F")))
        #expect(log["initialCompute"]?.value?.uintValue == 100)
        #expect(log["initialStake"]?.value?.uintValue == UInt256(1_000_000_000_000_000_000))
        // Dirty high bytes in the indexed address topic are rejected like a dirty data word.
        var dirty = topics
        dirty[1] = try Hash32(hex: "0x01" + Self.generator.dropFirst(2))
        #expect(throws: ABIError.self) { try abi.decodeLog(topics: dirty, data: data) }
        // Wrong topic count and truncated data.
        #expect(throws: ABIError.self) { try abi.decodeLog(topics: [topics[0]], data: data) }
        #expect(throws: ABIError.self) { try abi.decodeLog(topics: topics + [topics[1]], data: data) }
        #expect(throws: ABIError.self) { try abi.decodeLog(topics: topics, data: Array(data.prefix(63))) }
        #expect(throws: ABIError.self) { try abi.decodeLog(topics: [try Self.hash("1")], data: data) }
        #expect(throws: ABIError.self) { try abi.decodeLog(topics: [], data: data) }
    }

    @Test func bothAskCreatedVariantsDecode() throws {
        let abi = try Self.abi()
        let secret: [UInt8] = Array("secret".utf8), acl = [UInt8](repeating: 0xac, count: 33)
        // 5-field variant, data laid out by hand: three offsets, then three byte strings.
        let data5 = Self.word("60") + Self.word("a0") + Self.word("100")
            + Self.word("6") + secret + [UInt8](repeating: 0, count: 26)
            + Self.word("21") + acl + [UInt8](repeating: 0, count: 31)
            + Self.word("0")
        let t5 = [try Hash32(hex: "0xca872f71caf10cdbbd1dd22412d01d415ef80130c7e50bdb8cd6951a08336241"), try Self.hash("7"), try Self.hash("1")]
        let log5 = try abi.decodeLog(topics: t5, data: data5)
        #expect(log5.values == [.value(.uint(7)), .value(.bool(true)), .value(.bytes(secret)), .value(.bytes(acl)), .value(.bytes([]))])
        // 4-field variant: the same first two byte strings.
        let data4 = Self.word("40") + Self.word("80")
            + Self.word("6") + secret + [UInt8](repeating: 0, count: 26)
            + Self.word("21") + acl + [UInt8](repeating: 0, count: 31)
        let t4 = [try Hash32(hex: "0x7bbfce65358c44b598a1ee0eef063ce14de02516385794f6b60eea5523a936e4"), try Self.hash("8"), try Self.hash("0")]
        let log4 = try abi.decodeLog(topics: t4, data: data4)
        #expect(log4.event.inputs.count == 4)
        #expect(log4["extraData"] == nil)
        #expect(log4["acl"]?.value?.bytesValue == acl)
        #expect(log4["hasPrivateInputs"]?.value?.boolValue == false)
        // A bool topic that is neither 0 nor 1 is rejected.
        #expect(throws: ABIError.self) { try abi.decodeLog(topics: [t4[0], t4[1], try Self.hash("2")], data: data4) }
        // encodeLog reproduces the hand-made logs.
        let encoded = try log5.event.encodeLog(log5.values.compactMap(\.value))
        #expect(encoded.topics == t5 && encoded.data == data5)
    }

    @Test func indexedDynamicValuesComeBackAsTheirHash() throws {
        let abi = try Self.abi()
        let pubkey = [UInt8](repeating: 0x04, count: 64)
        let image = try Self.hash("abcd")
        let event = try #require(abi.events(named: "EnclaveKeyVerified").first)
        let log = try event.decode(topics: [event.topic0, Keccak256.hash(pubkey), image], data: [])
        #expect(log["enclavePubKey"] == .topicHash(Keccak256.hash(pubkey)))
        #expect(log["imageId"]?.value == .fixedBytes(image.bytes))
        // String, array and tuple parameters are hashed too: a string's topic is keccak256 of its UTF-8 bytes (no
        // padding); arrays and tuples hash their in-place encoding, where nested bytes are padded to 32.
        let e = try ABIEvent(declaration: "E(string indexed s,uint256[] indexed xs,(uint8,bytes) indexed t,uint8 v)")
        let (topics, data) = try e.encodeLog([.string("hi"), .array([.uint(1), .uint(2)]), .tuple([.uint(3), .bytes([1])]), .uint(9)])
        #expect(topics[1] == Keccak256.hash(Array("hi".utf8)))
        #expect(topics[2] == Keccak256.hash(Self.word("1") + Self.word("2")))
        #expect(topics[3] == Keccak256.hash(Self.word("3") + [1] + [UInt8](repeating: 0, count: 31)))
        let decoded = try e.decode(topics: topics, data: data)
        #expect(decoded.values == [.topicHash(topics[1]), .topicHash(topics[2]), .topicHash(topics[3]), .value(.uint(9))])
    }

    @Test func anonymousEventsAndSharedTopic0() throws {
        let anon = try ABIEvent(declaration: "Anon(address indexed a,address indexed b,uint256 indexed c,bool indexed d,string s)", anonymous: true)
        let a = try Address("0x00000000000000000000000000000000000000aa")
        let (topics, data) = try anon.encodeLog([.address(a), .address(a), .uint(5), .bool(true), .string("x")])
        #expect(topics.count == 4)
        #expect(try anon.decode(topics: topics, data: data).values.last == .value(.string("x")))
        #expect(throws: ABIError.self) { try anon.decode(topics: Array(topics.prefix(3)), data: data) }
        // ERC-20 and ERC-721 Transfer share a topic0; the topic count picks the right one.
        let erc20 = try ABIEvent(declaration: "Transfer(address indexed from,address indexed to,uint256 value)")
        let erc721 = try ABIEvent(declaration: "Transfer(address indexed from,address indexed to,uint256 indexed tokenId)")
        let abi = try ContractABI(events: [erc20, erc721])
        #expect(erc20.topic0 == erc721.topic0)
        let nft = try erc721.encodeLog([.address(a), .address(a), .uint(77)])
        #expect(try abi.decodeLog(topics: nft.topics, data: nft.data)["tokenId"]?.value == .uint(77))
        let token = try erc20.encodeLog([.address(a), .address(a), .uint(78)])
        #expect(try abi.decodeLog(topics: token.topics, data: token.data)["value"]?.value == .uint(78))
    }

    @Test func callEncodingAndDecoding() throws {
        let abi = try Self.abi()
        let register = try #require(abi.functions(named: "register").first)
        let reward = try Address("0x71C7656EC7ab88b098defB751B7401B5f6d8976F")
        let args: [ABIValue] = [.address(reward), .uint(16), .uint(0), .bytes(Array(#"{"name":"g"}"#.utf8))]
        let calldata = try register.encodeCall(args)
        #expect(Array(calldata.prefix(4)) == [0x13, 0x6d, 0xfb, 0xf5])
        #expect(Array(calldata[4..<36]) == Self.word(Self.generator))
        #expect(try register.decodeCall(calldata) == args)
        let (f, decoded) = try abi.decodeCall(calldata)
        #expect(f.name == "register" && decoded == args)
        var wrong = calldata
        wrong[0] ^= 1
        #expect(throws: ABIError.self) { try register.decodeCall(wrong) }
        #expect(throws: ABIError.self) { try abi.decodeCall(wrong) }
        #expect(throws: ABIError.self) { try register.decodeCall(Array(calldata.prefix(3))) }
        #expect(throws: ABIError.self) { try register.decodeCall(Array(calldata.dropLast(32))) }
        // Return data with a nested tuple (listOfAsk).
        let listOfAsk = try #require(abi.function(signature: "listOfAsk(uint256)"))
        let ask: ABIValue = .tuple([.uint(1), .uint(2), .uint(3), .uint(4), .uint(5), .address(reward), .bytes([1, 2, 3])])
        let output: [ABIValue] = [ask, .uint(3), .address(reward), .address(.zero)]
        let returned = try listOfAsk.encodeOutput(output)
        #expect(Array(returned.prefix(32)) == Self.word("80"))
        #expect(try listOfAsk.decodeOutput(returned) == output)
    }

    @Test func revertReasons() throws {
        let abi = try Self.abi()
        // The Solidity documentation's example: revert("Not enough Ether provided.").
        let docs = try Hex.decode("0x08c379a0" + "0000000000000000000000000000000000000000000000000000000000000020"
            + "000000000000000000000000000000000000000000000000000000000000001a"
            + "4e6f7420656e6f7567682045746865722070726f76696465642e000000000000")
        #expect(RevertReason(data: docs) == .error("Not enough Ether provided."))
        #expect(RevertReason(data: docs).description == #"reverted with Error(string): "Not enough Ether provided.""#)
        let panic = try Hex.decode("0x4e487b71" + "0000000000000000000000000000000000000000000000000000000000000011")
        #expect(RevertReason(data: panic) == .panic(0x11))
        #expect(RevertReason(data: panic).description.contains("arithmetic overflow or underflow"))
        #expect(RevertReason(data: [0x4e, 0x48, 0x7b, 0x71] + Self.word("32")).description.contains("array index out of bounds"))
        #expect(RevertReason(data: [0x4e, 0x48, 0x7b, 0x71] + Self.word("99")).description.contains("does not define"))
        #expect(RevertReason(data: []) == .empty)
        #expect(RevertReason(data: []).description.contains("without data"))
        // Custom errors from the ABI, with and without arguments.
        let image = try Self.hash("beef")
        let enclave = abi.decodeRevert([0x06, 0x35, 0x6c, 0xb3] + image.bytes)
        guard case .custom(let error, let values) = enclave else { Issue.record("\(enclave)"); return }
        #expect(error.name == "MustBeAnEnclave" && values == [.fixedBytes(image.bytes)])
        #expect(enclave.description == "reverted with custom error MustBeAnEnclave(imageId=\(image))")
        #expect(abi.decodeRevert([0x1e, 0x1d, 0x0a, 0xb5]).description == "reverted with custom error CannotBeZero()")
        // Unknown selector, a known selector with a malformed payload, and data shorter than a selector.
        let unknown = abi.decodeRevert([0xde, 0xad, 0xbe, 0xef, 1, 2])
        #expect(unknown == .unknown([0xde, 0xad, 0xbe, 0xef, 1, 2]))
        #expect(unknown.description.contains("unknown error selector 0xdeadbeef"))
        #expect(RevertReason(data: [0x1e, 0x1d, 0x0a, 0xb5]) == .unknown([0x1e, 0x1d, 0x0a, 0xb5]))
        if case .malformed(_, let name, _) = RevertReason(data: Array(docs.dropLast(1))) { #expect(name == "Error(string)") } else { Issue.record("not malformed") }
        if case .malformed = abi.decodeRevert([0x06, 0x35, 0x6c, 0xb3, 1]) {} else { Issue.record("not malformed") }
        #expect(RevertReason(data: [1, 2]).description.contains("too short"))
    }
}
