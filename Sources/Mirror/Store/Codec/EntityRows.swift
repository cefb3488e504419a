import Database
import EthereumKit
import Kalypso

/// One entity table: its name and columns (key columns first), as in `Migrations/*/0001_mirror.sql`.
struct EntityTable: Sendable {
    let kind: EntityCodec.Kind
    let name: String
    let columns: [String]
    let keyCount: Int
    /// Batched upserts: `INSERT … ON CONFLICT (key) DO UPDATE SET c = excluded.c, …`.
    let upsert: RowTable
    /// `DELETE FROM <table> WHERE k1 = ? AND …`.
    let delete: SQLTemplate

    init(kind: EntityCodec.Kind, name: String, columns: [String], keyCount: Int) {
        self.kind = kind
        self.name = name
        self.columns = columns
        self.keyCount = keyCount
        let key = columns.prefix(keyCount)
        let nonKey = columns.dropFirst(keyCount)
        let update = nonKey.isEmpty ? "DO NOTHING" : "DO UPDATE SET " + nonKey.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        upsert = RowTable(name: name, columns: columns, tail: "ON CONFLICT (\(key.joined(separator: ", "))) \(update)")
        var parts = ["DELETE FROM \(name) WHERE \(columns[0]) = "]
        for c in key.dropFirst() { parts.append(" AND \(c) = ") }
        parts.append("")
        delete = SQLTemplate(parts: parts)
    }

    /// `SELECT <columns> FROM <table>` (the column order `EntityRows.decode` reads).
    var selectAll: String { "SELECT \(columns.joined(separator: ", ")) FROM \(name)" }

    /// The columns as a SELECT list with a table alias, e.g. `g.address, g.reward_address, …`.
    func selectList(alias: String) -> String { columns.map { "\(alias).\($0)" }.joined(separator: ", ") }
}

/// Reads a row's columns in order, with typed errors naming the column.
struct ColumnReader {
    let row: DatabaseRow
    private(set) var index = 0

    init(_ row: DatabaseRow, from start: Int = 0) {
        self.row = row
        index = start
    }

    mutating func next<T: SQLDecodable>(_ type: T.Type = T.self) throws -> T {
        defer { index += 1 }
        return try row.decode(T.self, at: index)
    }

    mutating func skip() { index += 1 }
}

/// Entity values ↔ the rows of their tables.
enum EntityRows {
    static let generators = EntityTable(kind: .generator, name: "generators", columns: [
        "address", "reward_address", "total_stake", "sum_of_compute_allocations", "compute_consumed", "stake_locked",
        "active_marketplaces", "declared_compute", "intended_stake_utilization", "intended_compute_utilization",
        "generator_data", "stake_reduction_block", "stake_reduction_clock", "compute_reduction_block",
        "compute_reduction_clock", "registered_in_block"], keyCount: 1)
    static let generatorMarkets = EntityTable(kind: .generatorMarket, name: "generator_markets", columns: [
        "generator", "market_id", "state", "compute_per_request_required", "proof_generation_cost", "proposed_time",
        "active_requests", "joined_in_block"], keyCount: 2)
    static let markets = EntityTable(kind: .market, name: "markets", columns: [
        "id", "verifier", "prover_image_id", "slashing_penalty", "activation_block", "ivs_image_id", "creator", "metadata",
        "extra_prover_images", "extra_ivs_images", "frozen", "created_in_block"], keyCount: 1)
    static let asks = EntityTable(kind: .ask, name: "asks", columns: [
        "id", "market_id", "reward", "expiry", "time_taken_for_proof_generation", "deadline", "refund_address", "prover_data",
        "stored_state", "requester", "generator", "has_private_inputs", "secret_data", "acl", "extra_data", "new_acl",
        "outcome", "proof", "secret_type", "created_in_block", "assigned_in_block", "completed_in_block"], keyCount: 1)
    static let keys = EntityTable(kind: .key, name: "enclave_keys", columns: [
        "owner", "key_index", "public_key", "updated_in_block"], keyCount: 2)
    static let pricing = EntityTable(kind: .pricing, name: "pricing", columns: [
        "secret_type", "cost_per_input_bytes", "min_proving_time"], keyCount: 1)
    static let contracts = EntityTable(kind: .contract, name: "contracts", columns: [
        "contract", "paused", "implementation", "initialized_version", "roles"], keyCount: 1)
    static let ivsSigners = EntityTable(kind: .ivsSigner, name: "ivs_signers", columns: [
        "market_id", "signer", "added_in_block"], keyCount: 2)
    static let enclaveImages = EntityTable(kind: .enclaveImage, name: "enclave_images", columns: [
        "image_id", "pcr0", "pcr1", "pcr2", "whitelisted", "blacklisted", "families"], keyCount: 1)
    static let verifiedEnclaveKeys = EntityTable(kind: .verifiedEnclaveKey, name: "verified_enclave_keys", columns: [
        "public_key_hash", "image_id", "verified_in_block"], keyCount: 1)

    /// Every entity table, in kind order.
    static let all: [EntityTable] = [generators, generatorMarkets, markets, asks, keys, pricing, contracts, ivsSigners,
                                     enclaveImages, verifiedEnclaveKeys]

    static func table(_ kind: EntityCodec.Kind) -> EntityTable {
        switch kind {
        case .generator: generators
        case .generatorMarket: generatorMarkets
        case .market: markets
        case .ask: asks
        case .key: keys
        case .pricing: pricing
        case .contract: contracts
        case .ivsSigner: ivsSigners
        case .enclaveImage: enclaveImages
        case .verifiedEnclaveKey: verifiedEnclaveKeys
        }
    }

    static func kind(of key: EntityKey) -> EntityCodec.Kind {
        switch key {
        case .generator: .generator
        case .generatorMarket: .generatorMarket
        case .market: .market
        case .ask: .ask
        case .key: .key
        case .pricing: .pricing
        case .contract: .contract
        case .ivsSigner: .ivsSigner
        case .enclaveImage: .enclaveImage
        case .verifiedEnclaveKey: .verifiedEnclaveKey
        }
    }

    // MARK: Writing

    /// Appends the key columns' values of `key`.
    static func appendKey(_ key: EntityKey, to b: inout SQLArguments) {
        switch key {
        case .generator(let a): b.append(a)
        case .generatorMarket(let k): b.append(k.generator); b.append(k.marketId)
        case .market(let id), .ask(let id): b.append(id)
        case .key(let k): b.append(k.owner); b.append(k.keyIndex)
        case .pricing(let t): b.append(Int64(t.rawValue))
        case .contract(let c): b.append(c.rawValue)
        case .ivsSigner(let k): b.append(k.marketId); b.append(k.signer)
        case .enclaveImage(let h), .verifiedEnclaveKey(let h): b.append(h)
        }
    }

    /// Appends every column's value of `value`, in table column order.
    static func append(_ value: EntityValue, to b: inout SQLArguments) {
        switch value {
        case .generator(let g):
            b.append(g.address); b.append(g.rewardAddress) { $0.append($1) }
            b.append(g.totalStake); b.append(g.sumOfComputeAllocations); b.append(g.computeConsumed)
            b.append(g.stakeLocked); b.append(g.activeMarketplaces); b.append(g.declaredCompute)
            b.append(g.intendedStakeUtilization); b.append(g.intendedComputeUtilization)
            b.append(g.generatorData) { $0.append(bytes: $1) }
            b.append(g.pendingStakeReduction?.requestedInBlock) { $0.append($1) }
            b.append(g.pendingStakeReduction?.executableFromClock) { $0.append($1) }
            b.append(g.pendingComputeReduction?.requestedInBlock) { $0.append($1) }
            b.append(g.pendingComputeReduction?.executableFromClock) { $0.append($1) }
            b.append(g.registeredInBlock)
        case .generatorMarket(let m):
            b.append(m.generator); b.append(m.marketId); b.append(Int64(m.state.rawValue))
            b.append(m.computePerRequestRequired); b.append(m.proofGenerationCost) { $0.append($1) }
            b.append(m.proposedTime) { $0.append($1) }; b.append(m.activeRequests); b.append(m.joinedInBlock)
        case .market(let m):
            b.append(m.id)
            b.append(m.data?.verifier) { $0.append($1) }; b.append(m.data?.proverImageId) { $0.append($1) }
            b.append(m.data?.slashingPenalty) { $0.append($1) }; b.append(m.data?.activationBlock) { $0.append($1) }
            b.append(m.data?.ivsImageId) { $0.append($1) }; b.append(m.data?.creator) { $0.append($1) }
            b.append(m.data?.metadata) { $0.append(bytes: $1) }
            b.append(bytes: EntityCodec.hashSetColumn(m.extraProverImages))
            b.append(bytes: EntityCodec.hashSetColumn(m.extraIvsImages))
            b.append(m.frozen); b.append(m.createdInBlock)
        case .ask(let a):
            b.append(a.id)
            b.append(a.body?.marketId) { $0.append($1) }; b.append(a.body?.reward) { $0.append($1) }
            b.append(a.body?.expiry) { $0.append($1) }; b.append(a.body?.timeTakenForProofGeneration) { $0.append($1) }
            b.append(a.body?.deadline) { $0.append($1) }; b.append(a.body?.refundAddress) { $0.append($1) }
            b.append(a.body?.proverData) { $0.append(bytes: $1) }
            b.append(Int64(a.storedState.rawValue)); b.append(a.requester) { $0.append($1) }; b.append(a.generator) { $0.append($1) }
            b.append(a.hasPrivateInputs); b.append(bytes: a.secretData); b.append(bytes: a.acl)
            b.append(bytes: a.extraData); b.append(a.newAcl) { $0.append(bytes: $1) }
            b.append(a.outcome) { $0.append(Int64($1.rawValue)) }; b.append(a.proof) { $0.append(bytes: $1) }
            b.append(a.secretType) { $0.append(Int64($1.rawValue)) }
            b.append(a.createdInBlock); b.append(a.assignedInBlock) { $0.append($1) }; b.append(a.completedInBlock) { $0.append($1) }
        case .key(let k):
            b.append(k.owner); b.append(k.keyIndex); b.append(k.publicKey) { $0.append(bytes: $1) }; b.append(k.updatedInBlock)
        case .pricing(let p):
            b.append(Int64(p.secretType.rawValue)); b.append(p.costPerInputBytes); b.append(p.minProvingTime)
        case .contract(let c):
            b.append(c.contract.rawValue); b.append(c.paused); b.append(c.implementation) { $0.append($1) }
            b.append(c.initializedVersion) { $0.append(UInt256($1)) }
            b.append(bytes: EntityCodec.rolesColumn(c))
        case .ivsSigner(let s):
            b.append(s.marketId); b.append(s.signer); b.append(s.addedInBlock)
        case .enclaveImage(let i):
            b.append(i.imageId)
            b.append(i.pcrs?.pcr0) { $0.append(bytes: $1) }; b.append(i.pcrs?.pcr1) { $0.append(bytes: $1) }
            b.append(i.pcrs?.pcr2) { $0.append(bytes: $1) }
            b.append(i.whitelisted); b.append(i.blacklisted); b.append(bytes: EntityCodec.hashSetColumn(i.families))
        case .verifiedEnclaveKey(let k):
            b.append(k.publicKeyHash); b.append(k.imageId); b.append(k.verifiedInBlock)
        }
    }

    // MARK: Reading

    /// The entity of `kind` in `row` (columns in table order from `start`, as `EntityTable.selectAll` returns them).
    static func decode(_ kind: EntityCodec.Kind, _ row: DatabaseRow, from start: Int = 0) throws -> EntityValue {
        var r = ColumnReader(row, from: start)
        switch kind {
        case .generator: return .generator(try generator(&r))
        case .generatorMarket: return .generatorMarket(try generatorMarket(&r))
        case .market: return .market(try market(&r))
        case .ask: return .ask(try ask(&r))
        case .key: return .key(try key(&r))
        case .pricing:
            return .pricing(Pricing(secretType: try enumValue(&r, SecretType.self), costPerInputBytes: try r.next(), minProvingTime: try r.next()))
        case .contract:
            let name: String = try r.next()
            guard let contract = KalypsoContract(rawValue: name) else {
                throw MirrorStoreError(.corruptImage, "contracts row '\(name)' is not a Kalypso contract; rebuild the database with a fresh sync")
            }
            let paused: Bool = try r.next()
            let implementation: Address? = try r.next()
            let version: UInt256? = try r.next()
            if let version, version.uint64 == nil {
                throw MirrorStoreError(.corruptImage, "initialized_version of \(name) exceeds uint64; rebuild the database with a fresh sync")
            }
            var flags = ContractFlags(contract: contract, paused: paused, implementation: implementation,
                                      initializedVersion: version?.uint64)
            try EntityCodec.readRoles(column: try r.next(), into: &flags)
            return .contract(flags)
        case .ivsSigner:
            return .ivsSigner(IvsSigner(marketId: try r.next(), signer: try r.next(), addedInBlock: try r.next()))
        case .enclaveImage:
            let id: Hash32 = try r.next()
            let p0: [UInt8]? = try r.next(), p1: [UInt8]? = try r.next(), p2: [UInt8]? = try r.next()
            let pcrs = p0.map { EnclavePCRs(pcr0: $0, pcr1: p1 ?? [], pcr2: p2 ?? []) }
            return .enclaveImage(EnclaveImage(imageId: id, pcrs: pcrs, whitelisted: try r.next(), blacklisted: try r.next(),
                                              families: try EntityCodec.hashSet(column: try r.next(), context: "families of image \(id)")))
        case .verifiedEnclaveKey:
            return .verifiedEnclaveKey(VerifiedEnclaveKey(publicKeyHash: try r.next(), imageId: try r.next(), verifiedInBlock: try r.next()))
        }
    }

    private static func enumValue<T: RawRepresentable>(_ r: inout ColumnReader, _ type: T.Type) throws -> T where T.RawValue == UInt8 {
        guard let v = try optionalEnum(&r, T.self) else {
            throw MirrorStoreError(.corruptImage, "column \(r.index - 1) is NULL, not a \(T.self); rebuild the database with a fresh sync")
        }
        return v
    }

    private static func optionalEnum<T: RawRepresentable>(_ r: inout ColumnReader, _ type: T.Type) throws -> T? where T.RawValue == UInt8 {
        let raw: Int64? = try r.next()
        guard let raw else { return nil }
        guard let v = UInt8(exactly: raw).flatMap(T.init(rawValue:)) else {
            throw MirrorStoreError(.corruptImage, "column \(r.index - 1) holds \(raw), not a \(T.self); rebuild the database with a fresh sync")
        }
        return v
    }

    private static func intent(_ r: inout ColumnReader) throws -> PendingIntent? {
        let block: UInt64? = try r.next()
        let clock: UInt256? = try r.next()
        return block.map { PendingIntent(requestedInBlock: $0, executableFromClock: clock) }
    }

    static func key(_ r: inout ColumnReader) throws -> EnclaveKey {
        EnclaveKey(owner: try r.next(), keyIndex: try r.next(), publicKey: try r.next(), updatedInBlock: try r.next())
    }

    static func generator(_ r: inout ColumnReader) throws -> Generator {
        Generator(address: try r.next(), rewardAddress: try r.next(), totalStake: try r.next(),
                  sumOfComputeAllocations: try r.next(), computeConsumed: try r.next(), stakeLocked: try r.next(),
                  activeMarketplaces: try r.next(), declaredCompute: try r.next(), intendedStakeUtilization: try r.next(),
                  intendedComputeUtilization: try r.next(), generatorData: try r.next(),
                  pendingStakeReduction: try intent(&r), pendingComputeReduction: try intent(&r), registeredInBlock: try r.next())
    }

    static func generatorMarket(_ r: inout ColumnReader) throws -> GeneratorMarket {
        GeneratorMarket(generator: try r.next(), marketId: try r.next(), state: try enumValue(&r, StoredMarketState.self),
                        computePerRequestRequired: try r.next(), proofGenerationCost: try r.next(), proposedTime: try r.next(),
                        activeRequests: try r.next(), joinedInBlock: try r.next())
    }

    static func market(_ r: inout ColumnReader) throws -> Market {
        let id: UInt256 = try r.next()
        let verifier: Address? = try r.next()
        let prover: Hash32? = try r.next(), penalty: UInt256? = try r.next(), activation: UInt256? = try r.next()
        let ivs: Hash32? = try r.next(), creator: Address? = try r.next(), metadata: [UInt8]? = try r.next()
        var data: MarketData?
        if let verifier, let prover, let penalty, let activation, let ivs, let creator, let metadata {
            data = MarketData(verifier: verifier, proverImageId: prover, slashingPenalty: penalty, activationBlock: activation,
                              ivsImageId: ivs, creator: creator, metadata: metadata)
        }
        return Market(id: id, data: data,
                      extraProverImages: try EntityCodec.hashSet(column: try r.next(), context: "extra prover images of market \(id)"),
                      extraIvsImages: try EntityCodec.hashSet(column: try r.next(), context: "extra IVS images of market \(id)"),
                      frozen: try r.next(), createdInBlock: try r.next())
    }

    static func ask(_ r: inout ColumnReader) throws -> Ask {
        let id: UInt256 = try r.next()
        let market: UInt256? = try r.next(), reward: UInt256? = try r.next(), expiry: UInt256? = try r.next()
        let time: UInt256? = try r.next(), deadline: UInt256? = try r.next(), refund: Address? = try r.next()
        let proverData: [UInt8]? = try r.next()
        var body: AskBody?
        if let market, let reward, let expiry, let time, let deadline, let refund, let proverData {
            body = AskBody(marketId: market, reward: reward, expiry: expiry, timeTakenForProofGeneration: time,
                           deadline: deadline, refundAddress: refund, proverData: proverData)
        }
        return Ask(id: id, body: body, storedState: try enumValue(&r, StoredAskState.self), requester: try r.next(),
                   generator: try r.next(), hasPrivateInputs: try r.next(), secretData: try r.next(), acl: try r.next(),
                   extraData: try r.next(), newAcl: try r.next(), outcome: try optionalEnum(&r, AskOutcome.self),
                   proof: try r.next(), secretType: try optionalEnum(&r, SecretType.self), createdInBlock: try r.next(),
                   assignedInBlock: try r.next(), completedInBlock: try r.next())
    }
}
