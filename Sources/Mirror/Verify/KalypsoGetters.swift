import EthereumKit

/// The contract getters `verify` reads, with their outputs (kalypso-contracts.md §3.4, §4.2, §5.1).
struct KalypsoGetters: Sendable {
    let generatorRegistry: ABIFunction
    let generatorInfoPerMarket: ABIFunction
    let getGeneratorState: ABIFunction
    let marketData: ABIFunction
    let marketCounter: ABIFunction
    let listOfAsk: ABIFunction
    let askCounter: ABIFunction
    let getAskState: ABIFunction
    let publicKey: ABIFunction
    let costPerInputBytes: ABIFunction
    let minProvingTime: ABIFunction

    /// Selectors the spec gives for these getters; `init` refuses to build anything else.
    static let expectedSelectors: [String: String] = [
        "generatorRegistry": "8cfc56d8", "generatorInfoPerMarket": "9a7fca8e", "getGeneratorState": "646d51b4",
        "marketData": "f8a9482f", "marketCounter": "24760807", "listOfAsk": "6c8df518", "askCounter": "317593d2",
        "getAskState": "4d46712d", "pub_key": "e1a63130", "costPerInputBytes": "496df3b1", "minProvingTime": "2d00318d",
    ]

    init() throws {
        func p(_ t: ABIType) -> ABIParameter { ABIParameter(type: t) }
        let u = p(.uint(256)), a = p(.address), b32 = p(.fixedBytes(32)), bytes = p(.bytes), u8 = p(.uint(8))
        func f(_ name: String, _ inputs: [ABIParameter], _ outputs: [ABIParameter]) throws -> ABIFunction {
            let fn = try ABIFunction(name: name, inputs: inputs, outputs: outputs, stateMutability: .view)
            let selector = String(fn.selector.rawValue, radix: 16)
            guard let expected = Self.expectedSelectors[name], UInt32(expected, radix: 16) == fn.selector.rawValue else {
                throw SyncError(.inconsistentNode, "internal: getter \(fn.signature) has selector 0x\(selector), the spec says 0x\(Self.expectedSelectors[name] ?? "?")")
            }
            return fn
        }
        generatorRegistry = try f("generatorRegistry", [a], [a, u, u, u, u, u, u, u, u, bytes])
        generatorInfoPerMarket = try f("generatorInfoPerMarket", [a, u], [u8, u, u, u, u])
        getGeneratorState = try f("getGeneratorState", [a, u], [u8, u])
        marketData = try f("marketData", [u], [a, b32, u, u, b32, a, bytes])
        marketCounter = try f("marketCounter", [], [u])
        let askTuple = ABIParameter(type: .tuple([.uint(256), .uint(256), .uint(256), .uint(256), .uint(256), .address, .bytes]),
                                    components: [u, u, u, u, u, a, bytes])
        listOfAsk = try f("listOfAsk", [u], [askTuple, u8, a, a])
        askCounter = try f("askCounter", [], [u])
        getAskState = try f("getAskState", [u], [u8])
        publicKey = try f("pub_key", [a, u], [bytes])
        costPerInputBytes = try f("costPerInputBytes", [u8], [u])
        minProvingTime = try f("minProvingTime", [u8], [u])
    }
}
