import EthereumKit
import Foundation
import FuzzSupport

// JSON ABI and EIP-712 typed-data parsing (`ContractABI(json:)` and `EIP712TypedData(json:)`, which the
// `jsonText:` initialisers call). Checks: failures are the documented error types only; parsing is deterministic
// (dictionary order must not matter); an accepted ABI's signatures re-parse to the same types and selectors; an
// accepted typed-data document's hashes agree with its own encodeType/typeHash.

func checkContractABI(_ data: Data) {
    let abi: ContractABI
    do {
        abi = try ContractABI(json: data)
    } catch is ABIError {
        Fuzz.require((try? ContractABI(json: data)) == nil, "ContractABI: a second parse of the same bytes succeeded")
        return
    } catch {
        Fuzz.require(false, "ContractABI threw \(type(of: error)), not ABIError")
        return
    }
    for f in abi.functions {
        let again = try? ABIFunction(signature: f.signature)
        Fuzz.require(again?.inputs.map(\.type) == f.inputs.map(\.type) && again?.selector == f.selector,
                     "function signature \(f.signature) does not re-parse to the same inputs and selector")
        Fuzz.require(f.selector == ABISelector(signature: f.signature), "function selector is not keccak(signature)")
        Fuzz.require(abi.function(selector: f.selector) != nil, "function selector lookup fails for \(f.signature)")
    }
    for e in abi.events {
        Fuzz.require(e.topic0 == Keccak256.hash(utf8: e.signature), "event topic0 is not keccak(signature) for \(e.signature)")
        Fuzz.require(abi.events(topic0: e.topic0).contains(e), "event topic0 lookup fails for \(e.signature)")
    }
    let second = try? ContractABI(json: data)
    Fuzz.require(second?.functions == abi.functions && second?.events == abi.events, "ContractABI parsing is not deterministic")
}

func checkTypedData(_ data: Data) {
    let typed: EIP712TypedData
    do {
        typed = try EIP712TypedData(json: data)
    } catch is EIP712Error {
        Fuzz.require((try? EIP712TypedData(json: data)) == nil, "EIP712TypedData: a second parse of the same bytes succeeded")
        return
    } catch {
        Fuzz.require(false, "EIP712TypedData threw \(type(of: error)), not EIP712Error")
        return
    }
    let encoded = try? typed.encodeType(typed.primaryType)
    Fuzz.require(encoded != nil, "encodeType fails for the accepted primary type \(typed.primaryType)")
    if let encoded {
        Fuzz.require((try? typed.typeHash(typed.primaryType)) == Keccak256.hash(utf8: encoded), "typeHash is not keccak(encodeType)")
    }
    Fuzz.require(typed.digest == EIP712TypedData.digest(domainSeparator: typed.domainSeparator, messageHash: typed.messageHash), "digest")
    let second = try? EIP712TypedData(json: data)
    Fuzz.require(second?.digest == typed.digest && second?.primaryType == typed.primaryType, "EIP712TypedData parsing is not deterministic")
}

Fuzz.run { raw in
    let data = Data(raw)
    checkContractABI(data)
    checkTypedData(data)
}
