import EthereumKit
import Kalypso

/// The G1 functions enrichment decodes (calldata) or calls (pinned getters), taken from the embedded ABIs.
struct KalypsoFunctions: Sendable {
    /// The state-changing calls whose calldata carries what events lack, or a signature to verify.
    enum Call: String, Sendable, Hashable {
        case register, joinMarketplace, updateEncryptionKey, addIvsKey
        case createAsk, createAskLegacy, verifyMatchingEngine, relayBatchAssignTasks
    }

    let register: ABIFunction
    let joinMarketplace: ABIFunction
    let updateEncryptionKey: ABIFunction
    let addIvsKey: ABIFunction
    let createAsk: ABIFunction
    let createAskLegacy: ABIFunction
    let verifyMatchingEngine: ABIFunction
    let relayBatchAssignTasks: ABIFunction
    let generatorRegistry: ABIFunction
    let generatorInfoPerMarket: ABIFunction
    let marketData: ABIFunction
    let listOfAsk: ABIFunction
    let pubKey: ABIFunction

    /// The calls by (contract, selector).
    private let calls: [KalypsoContract: [ABISelector: (Call, ABIFunction)]]

    init(_ abis: KalypsoABIs) throws {
        let ask = "(uint256,uint256,uint256,uint256,uint256,address,bytes)"
        register = try abis.function("register(address,uint256,uint256,bytes)", in: .generatorRegistry)
        joinMarketplace = try abis.function("joinMarketplace(uint256,uint256,uint256,uint256,bool,bytes,bytes)", in: .generatorRegistry)
        updateEncryptionKey = try abis.function("updateEncryptionKey(uint256,bytes,bytes)", in: .generatorRegistry)
        addIvsKey = try abis.function("addIvsKey(uint256,bytes,bytes)", in: .generatorRegistry)
        createAsk = try abis.function("createAsk(\(ask),uint8,bytes,bytes,bytes)", in: .proofMarketplace)
        createAskLegacy = try abis.function("createAsk(\(ask),uint8,bytes,bytes)", in: .proofMarketplace)
        verifyMatchingEngine = try abis.function("verifyMatchingEngine(bytes,bytes)", in: .proofMarketplace)
        relayBatchAssignTasks = try abis.function("relayBatchAssignTasks(uint256[],address[],bytes[],bytes)", in: .proofMarketplace)
        generatorRegistry = try abis.function("generatorRegistry(address)", in: .generatorRegistry)
        generatorInfoPerMarket = try abis.function("generatorInfoPerMarket(address,uint256)", in: .generatorRegistry)
        marketData = try abis.function("marketData(uint256)", in: .proofMarketplace)
        listOfAsk = try abis.function("listOfAsk(uint256)", in: .proofMarketplace)
        pubKey = try abis.function("pub_key(address,uint256)", in: .entityKeyRegistry)
        calls = [
            .generatorRegistry: [register.selector: (.register, register), joinMarketplace.selector: (.joinMarketplace, joinMarketplace),
                                 updateEncryptionKey.selector: (.updateEncryptionKey, updateEncryptionKey), addIvsKey.selector: (.addIvsKey, addIvsKey)],
            .proofMarketplace: [createAsk.selector: (.createAsk, createAsk), createAskLegacy.selector: (.createAskLegacy, createAskLegacy),
                                verifyMatchingEngine.selector: (.verifyMatchingEngine, verifyMatchingEngine),
                                relayBatchAssignTasks.selector: (.relayBatchAssignTasks, relayBatchAssignTasks)],
        ]
        let expectedSelectors: [(ABIFunction, UInt32)] = [
            (register, 0x136d_fbf5), (joinMarketplace, 0xe2fa_33ce), (updateEncryptionKey, 0x92eb_91e2), (addIvsKey, 0x2180_de5d),
            (createAsk, 0x63a2_ae4e), (createAskLegacy, 0x7053_8fca), (verifyMatchingEngine, 0x6417_fb61),
            (relayBatchAssignTasks, 0xe6af_c3d9), (generatorRegistry, 0x8cfc_56d8), (generatorInfoPerMarket, 0x9a7f_ca8e),
            (marketData, 0xf8a9_482f), (listOfAsk, 0x6c8d_f518), (pubKey, 0xe1a6_3130),
        ]
        for (f, selector) in expectedSelectors where f.selector.rawValue != selector {
            throw DecoderSetupError(.abiMismatch, "\(f.signature) has selector \(f.selector) in the embedded ABI, not the spec's 0x\(String(selector, radix: 16)) (§3.4, §3.6, §4.2–4.6, §5.3)")
        }
    }

    /// The known call `tx.to`/`input` makes on a watched contract, decoded; nil if it is not one.
    /// A known selector whose arguments do not decode yields `.failure` with the decoder's message.
    func directCall(on contract: KalypsoContract, input: [UInt8]) -> DirectCall? {
        guard let selector = ABISelector(prefixOf: input), let (call, function) = calls[contract]?[selector] else { return nil }
        do {
            return DirectCall(call: call, contract: contract, arguments: .success(try function.decodeCall(input)))
        } catch {
            return DirectCall(call: call, contract: contract, arguments: .failure(CalldataProblem("\(function.signature) calldata does not decode: \(error)")))
        }
    }
}

/// A transaction that calls a watched contract directly with one of the known functions.
struct DirectCall: Sendable {
    let call: KalypsoFunctions.Call
    let contract: KalypsoContract
    let arguments: Result<[ABIValue], CalldataProblem>
}

/// Why calldata was not used.
struct CalldataProblem: Error, Sendable, Hashable, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The `attestationData` layout (§6.1): `abi.encode(bytes signature, bytes enclavePubKey, bytes PCR0, bytes PCR1,
/// bytes PCR2, uint256 timestampInMilliseconds)`.
enum AttestationData {
    private static let plan: ABIDecodingPlan? = try? ABIDecodingPlan(types: [.bytes, .bytes, .bytes, .bytes, .bytes, .uint(256)])

    /// The enclave public key (the 2nd field), or why it cannot be read.
    static func publicKey(_ attestation: [UInt8]) -> Result<[UInt8], CalldataProblem> {
        guard let plan else { return .failure(CalldataProblem("the attestation layout did not build")) }
        do {
            let values = try plan.decode(attestation)
            guard values.count == 6, let key = values[1].bytesValue else {
                return .failure(CalldataProblem("attestationData does not hold the 6-field layout of §6.1"))
            }
            return .success(key)
        } catch {
            return .failure(CalldataProblem("attestationData does not decode as (bytes,bytes,bytes,bytes,bytes,uint256): \(error)"))
        }
    }
}
