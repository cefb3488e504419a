import EthereumKit
import JSONRPC
import Kalypso

/// Typed reads of the G1 contracts' getters through `eth_call` (at `latest` unless told otherwise).
///
/// Every failure is an `OperatorError` naming the getter; a getter that reverts is explained with the ABIs.
public struct KalypsoChainReader: Sendable {
    /// The node.
    public let client: JSONRPCClient
    /// The contract ABIs.
    public let abis: OperatorABIs
    /// The deployment read.
    public let deployment: OperatorDeployment

    /// Creates a reader for a resolved deployment.
    public init(client: JSONRPCClient, abis: OperatorABIs, deployment: OperatorDeployment) {
        self.client = client
        self.abis = abis
        self.deployment = deployment
    }

    /// Resolves the other contracts from the GeneratorRegistry address: `proofMarketplace()`, `ENTITY_KEY_REGISTRY()`,
    /// `STAKING_TOKEN()` and the marketplace's `PAYMENT_TOKEN()`. Fails clearly if `registry` has no code.
    public static func resolve(registry: Address, client: JSONRPCClient, abis: OperatorABIs) async throws(OperatorError) -> OperatorDeployment {
        let code: [UInt8]
        do throws(JSONRPCError) { code = try await client.getCode(registry) } catch { throw rpcFailure("eth_getCode(\(registry.checksummed))", error) }
        guard !code.isEmpty else {
            throw OperatorError(.configuration, "there is no contract at the GeneratorRegistry address \(registry.checksummed) on this chain; check --registry / the network")
        }
        let probe = KalypsoChainReader(client: client, abis: abis, deployment: OperatorDeployment(
            generatorRegistry: registry, proofMarketplace: .zero, entityKeyRegistry: .zero, stakingToken: .zero, paymentToken: .zero))
        let pmp = try await probe.address(registry, abis.generatorRegistry, "proofMarketplace")
        let er = try await probe.address(registry, abis.generatorRegistry, "ENTITY_KEY_REGISTRY")
        let staking = try await probe.address(registry, abis.generatorRegistry, "STAKING_TOKEN")
        let payment = try await probe.address(pmp, abis.proofMarketplace, "PAYMENT_TOKEN")
        return OperatorDeployment(generatorRegistry: registry, proofMarketplace: pmp, entityKeyRegistry: er, stakingToken: staking,
                                  paymentToken: payment)
    }

    // MARK: - Raw calls

    /// `abi.name(arguments)` on `to`, decoded into the output values.
    public func read(_ to: Address, _ abi: ContractABI, _ name: String, _ arguments: [ABIValue] = [],
                     block: BlockSelector = .latest) async throws(OperatorError) -> [ABIValue] {
        let function = try abis.function(abi, name)
        let data: [UInt8]
        do { data = try function.encodeCall(arguments) } catch {
            throw OperatorError(.invalidInput, "cannot encode \(function.signature): \(error)")
        }
        let output: [UInt8]
        do throws(JSONRPCError) {
            output = try await client.call(to: to, data: data, block: block)
        } catch {
            if let revert = error.revertData {
                let reason = abis.decodeRevert(revert)
                throw OperatorError(.rpc, "reading \(function.name) on \(to.checksummed) \(reason)", revert: reason)
            }
            throw Self.rpcFailure("eth_call \(function.name)", error)
        }
        do { return try function.decodeOutput(output) } catch {
            throw OperatorError(.rpc, "\(function.name) on \(to.checksummed) returned data that does not decode (\(error)); is this a G1 Kalypso deployment?")
        }
    }

    private func address(_ to: Address, _ abi: ContractABI, _ name: String) async throws(OperatorError) -> Address {
        let values = try await read(to, abi, name)
        guard let a = values.first?.addressValue else { throw Self.shape(name) }
        return a
    }

    private func uint(_ to: Address, _ abi: ContractABI, _ name: String, _ arguments: [ABIValue] = []) async throws(OperatorError) -> UInt256 {
        let values = try await read(to, abi, name, arguments)
        guard let v = values.first?.uintValue else { throw Self.shape(name) }
        return v
    }

    static func shape(_ name: String) -> OperatorError {
        OperatorError(.rpc, "\(name) returned values of an unexpected shape; the ABI files do not match the deployment")
    }

    static func rpcFailure(_ what: String, _ error: JSONRPCError) -> OperatorError {
        OperatorError(.rpc, "\(what) failed: \(error)")
    }

    // MARK: - GeneratorRegistry

    /// `generatorRegistry(address)` as a Kalypso `Generator` (all zeros, rewardAddress zero, when not registered).
    public func generator(_ address: Address) async throws(OperatorError) -> Generator {
        let v = try await read(deployment.generatorRegistry, abis.generatorRegistry, "generatorRegistry", [.address(address)])
        guard v.count == 10, let reward = v[0].addressValue, let data = v[9].bytesValue else { throw Self.shape("generatorRegistry") }
        var words: [UInt256] = []
        for i in 1...8 {
            guard let w = v[i].uintValue else { throw Self.shape("generatorRegistry") }
            words.append(w)
        }
        return Generator(address: address, rewardAddress: reward, totalStake: words[0], sumOfComputeAllocations: words[1],
                         computeConsumed: words[2], stakeLocked: words[3], activeMarketplaces: words[4], declaredCompute: words[5],
                         intendedStakeUtilization: words[6], intendedComputeUtilization: words[7], generatorData: data,
                         registeredInBlock: 0)
    }

    /// `generatorInfoPerMarket(generator, marketId)`; nil when the stored state is `NULL` (not joined).
    public func generatorMarket(_ generator: Address, market: UInt256) async throws(OperatorError) -> GeneratorMarket? {
        let v = try await read(deployment.generatorRegistry, abis.generatorRegistry, "generatorInfoPerMarket",
                               [.address(generator), .uint(market)])
        guard v.count == 5, let raw = v[0].uintValue?.uint64, let cpr = v[1].uintValue, let cost = v[2].uintValue,
              let time = v[3].uintValue, let active = v[4].uintValue else { throw Self.shape("generatorInfoPerMarket") }
        guard raw != 0 else { return nil }
        guard raw <= UInt64(UInt8.max), let state = StoredMarketState(rawValue: UInt8(raw)) else {
            throw OperatorError(.rpc, "generatorInfoPerMarket returned the state \(raw), which storage never holds (§3.4)")
        }
        return GeneratorMarket(generator: generator, marketId: market, state: state, computePerRequestRequired: cpr,
                               proofGenerationCost: cost, proposedTime: time, activeRequests: active, joinedInBlock: 0)
    }

    /// The per-market rows of `generator` in markets `0..<count` (one batch of `eth_call`s).
    public func generatorMarkets(_ generator: Address, marketCount count: UInt256) async throws(OperatorError) -> [GeneratorMarket] {
        guard let n = count.uint64, n <= 10_000 else {
            throw OperatorError(.rpc, "the marketplace reports \(count) markets; too many to scan one by one (use the mirror)")
        }
        var rows: [GeneratorMarket] = []
        for m in 0..<n {
            if let row = try await generatorMarket(generator, market: UInt256(m)) { rows.append(row) }
        }
        return rows
    }

    /// `getGeneratorState(generator, marketId)`: the derived state and idle capacity (§3.7).
    public func generatorState(_ generator: Address, market: UInt256) async throws(OperatorError) -> GeneratorStateReading {
        let v = try await read(deployment.generatorRegistry, abis.generatorRegistry, "getGeneratorState", [.address(generator), .uint(market)])
        guard v.count == 2, let raw = v[0].uintValue?.uint64, raw <= 4, let state = GeneratorState(rawValue: UInt8(raw)),
              let idle = v[1].uintValue else { throw Self.shape("getGeneratorState") }
        return GeneratorStateReading(state: state, idleCapacity: idle)
    }

    // MARK: - ProofMarketplace

    /// `marketCounter()`: markets have ids `0..<count`.
    public func marketCount() async throws(OperatorError) -> UInt256 {
        try await uint(deployment.proofMarketplace, abis.proofMarketplace, "marketCounter")
    }

    /// `marketData(id)`, or nil when `id ≥ marketCounter()`.
    public func market(_ id: UInt256) async throws(OperatorError) -> MarketData? {
        guard id < (try await marketCount()) else { return nil }
        let v = try await read(deployment.proofMarketplace, abis.proofMarketplace, "marketData", [.uint(id)])
        guard v.count == 7, let verifier = v[0].addressValue, let prover = v[1].hash32Value, let penalty = v[2].uintValue,
              let activation = v[3].uintValue, let ivs = v[4].hash32Value, let creator = v[5].addressValue,
              let metadata = v[6].bytesValue else { throw Self.shape("marketData") }
        return MarketData(verifier: verifier, proverImageId: prover, slashingPenalty: penalty, activationBlock: activation,
                          ivsImageId: ivs, creator: creator, metadata: metadata)
    }

    // MARK: - EntityKeyRegistry

    /// `pub_key(owner, keyIndex)`: the 64-byte key registered for a market (empty if none).
    public func publicKey(owner: Address, market: UInt256) async throws(OperatorError) -> [UInt8] {
        let v = try await read(deployment.entityKeyRegistry, abis.entityKeyRegistry, "pub_key", [.address(owner), .uint(market)])
        guard let b = v.first?.bytesValue else { throw Self.shape("pub_key") }
        return b
    }

    /// `getVerifiedKey(keyAddress)`: the image a key was verified under, zero if never verified.
    public func verifiedKeyImage(_ key: Address) async throws(OperatorError) -> Hash32 {
        let v = try await read(deployment.entityKeyRegistry, abis.entityKeyRegistry, "getVerifiedKey", [.address(key)])
        guard let h = v.first?.hash32Value else { throw Self.shape("getVerifiedKey") }
        return h
    }

    /// `isImageInFamily(imageId, family)`.
    public func isImageInFamily(_ image: Hash32, family: Hash32) async throws(OperatorError) -> Bool {
        let v = try await read(deployment.entityKeyRegistry, abis.entityKeyRegistry, "isImageInFamily", [.fixedBytes(image), .fixedBytes(family)])
        guard let b = v.first?.boolValue else { throw Self.shape("isImageInFamily") }
        return b
    }

    /// `getWhitelistedImage(imageId)`: the PCRs of a whitelisted image, nil if it is not whitelisted.
    public func whitelistedImage(_ image: Hash32) async throws(OperatorError) -> EnclavePCRs? {
        let v = try await read(deployment.entityKeyRegistry, abis.entityKeyRegistry, "getWhitelistedImage", [.fixedBytes(image)])
        guard let fields = v.first?.tupleValue, fields.count == 3, let p0 = fields[0].bytesValue, let p1 = fields[1].bytesValue,
              let p2 = fields[2].bytesValue else { throw Self.shape("getWhitelistedImage") }
        if p0.isEmpty && p1.isEmpty && p2.isEmpty { return nil }
        return EnclavePCRs(pcr0: p0, pcr1: p1, pcr2: p2)
    }

    /// `ATTESTATION_MAX_AGE()` (compared with seconds on chain, §6.3).
    public func attestationMaxAge() async throws(OperatorError) -> UInt256 {
        try await uint(deployment.entityKeyRegistry, abis.entityKeyRegistry, "ATTESTATION_MAX_AGE")
    }

    // MARK: - ERC-20 and accounts

    /// The token's `symbol()` and `decimals()`.
    public func token(_ token: Address) async throws(OperatorError) -> TokenInfo {
        let symbolValues = try await read(token, abis.erc20, "symbol")
        let decimals = try await uint(token, abis.erc20, "decimals")
        guard let symbol = symbolValues.first?.stringValue, let d = decimals.uint64, d <= 77 else {
            throw OperatorError(.rpc, "the token at \(token.checksummed) reports decimals \(decimals); at most 77 fit 256 bits")
        }
        return TokenInfo(address: token, symbol: symbol, decimals: Int(d))
    }

    /// `balanceOf(owner)`.
    public func tokenBalance(_ token: Address, of owner: Address) async throws(OperatorError) -> UInt256 {
        try await uint(token, abis.erc20, "balanceOf", [.address(owner)])
    }

    /// `allowance(owner, spender)`.
    public func allowance(_ token: Address, owner: Address, spender: Address) async throws(OperatorError) -> UInt256 {
        try await uint(token, abis.erc20, "allowance", [.address(owner), .address(spender)])
    }

    /// The account's ether balance.
    public func etherBalance(_ account: Address) async throws(OperatorError) -> UInt256 {
        do throws(JSONRPCError) { return try await client.getBalance(account) } catch { throw Self.rpcFailure("eth_getBalance", error) }
    }

    /// The latest block's number and timestamp (the G1 clock is the block number, §0).
    public func head() async throws(OperatorError) -> (number: UInt64, timestamp: UInt64) {
        let header: BlockHeader?
        do throws(JSONRPCError) { header = try await client.getBlockHeader(.latest) } catch { throw Self.rpcFailure("eth_getBlockByNumber(latest)", error) }
        guard let header else { throw OperatorError(.rpc, "the node returned no latest block") }
        return (header.number, header.timestamp)
    }
}

/// An ERC-20's identity for amounts: address, symbol and decimals.
public struct TokenInfo: Sendable, Hashable {
    /// The token contract.
    public var address: Address
    /// `symbol()`.
    public var symbol: String
    /// `decimals()`.
    public var decimals: Int

    /// Creates a token description.
    public init(address: Address, symbol: String, decimals: Int) {
        self.address = address
        self.symbol = symbol
        self.decimals = decimals
    }

    /// `amount` in whole tokens with the symbol, e.g. `1.5 POND`.
    public func format(_ amount: UInt256) -> String { TokenAmount.format(amount, decimals: decimals) + " " + symbol }
}
