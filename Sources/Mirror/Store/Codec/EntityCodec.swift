import EthereumKit
import Kalypso

/// The binary form of entity keys and values in the undo journal (and of the few set-valued columns).
///
/// Versioned and compact: every image starts with the format version (`EntityCodec.version`) and a kind byte, then
/// the fields in declaration order with the primitives of `ByteWriter` (LEB128 integers, minimal `UInt256`s,
/// fixed-size addresses and hashes, length-prefixed bytes, tagged optionals). Sets are written sorted, so equal
/// values always give equal bytes. Decoding is strict: truncation, trailing bytes, unknown enum values or another
/// version throw `MirrorStoreError` `.corruptImage`.
///
/// A later format bumps `version` and keeps a decoder for every older version a database may still hold (the
/// journal only spans the reorg window, so old versions disappear within one window of blocks).
public enum EntityCodec {
    /// The format version written by this build.
    public static let version: UInt8 = 1

    /// Kind bytes, shared by keys and values.
    enum Kind: UInt8 {
        case generator = 1, generatorMarket, market, ask, key, pricing, contract, ivsSigner, enclaveImage, verifiedEnclaveKey
    }

    // MARK: Keys

    /// The bytes of an entity key.
    public static func encode(_ key: EntityKey) -> [UInt8] {
        var w = ByteWriter(capacity: 56)
        w.u8(version)
        switch key {
        case .generator(let a): w.u8(Kind.generator.rawValue); w.address(a)
        case .generatorMarket(let k): w.u8(Kind.generatorMarket.rawValue); w.address(k.generator); w.u256(k.marketId)
        case .market(let id): w.u8(Kind.market.rawValue); w.u256(id)
        case .ask(let id): w.u8(Kind.ask.rawValue); w.u256(id)
        case .key(let k): w.u8(Kind.key.rawValue); w.address(k.owner); w.u256(k.keyIndex)
        case .pricing(let t): w.u8(Kind.pricing.rawValue); w.u8(t.rawValue)
        case .contract(let c): w.u8(Kind.contract.rawValue); w.u8(contractByte(c))
        case .ivsSigner(let k): w.u8(Kind.ivsSigner.rawValue); w.u256(k.marketId); w.address(k.signer)
        case .enclaveImage(let h): w.u8(Kind.enclaveImage.rawValue); w.hash(h)
        case .verifiedEnclaveKey(let h): w.u8(Kind.verifiedEnclaveKey.rawValue); w.hash(h)
        }
        return w.bytes
    }

    /// The entity key encoded in `bytes`.
    public static func decodeKey(_ bytes: [UInt8]) throws -> EntityKey {
        var r = ByteReader(bytes, context: "entity key")
        try readVersion(&r)
        let key: EntityKey
        switch try r.enumValue(Kind.self) {
        case .generator: key = .generator(try r.address())
        case .generatorMarket: key = .generatorMarket(GeneratorMarketKey(generator: try r.address(), marketId: try r.u256()))
        case .market: key = .market(try r.u256())
        case .ask: key = .ask(try r.u256())
        case .key: key = .key(KeyID(owner: try r.address(), keyIndex: try r.u256()))
        case .pricing: key = .pricing(try r.enumValue(SecretType.self))
        case .contract: key = .contract(try contract(&r))
        case .ivsSigner: key = .ivsSigner(IvsSignerKey(marketId: try r.u256(), signer: try r.address()))
        case .enclaveImage: key = .enclaveImage(try r.hash())
        case .verifiedEnclaveKey: key = .verifiedEnclaveKey(try r.hash())
        }
        try r.finish()
        return key
    }

    // MARK: Values

    /// The bytes of an entity value.
    public static func encode(_ value: EntityValue) -> [UInt8] {
        var w = ByteWriter(capacity: 160)
        w.u8(version)
        switch value {
        case .generator(let g): w.u8(Kind.generator.rawValue); write(g, &w)
        case .generatorMarket(let m): w.u8(Kind.generatorMarket.rawValue); write(m, &w)
        case .market(let m): w.u8(Kind.market.rawValue); write(m, &w)
        case .ask(let a): w.u8(Kind.ask.rawValue); write(a, &w)
        case .key(let k):
            w.u8(Kind.key.rawValue)
            w.address(k.owner); w.u256(k.keyIndex); w.optional(k.publicKey) { $0.data($1) }; w.varint(k.updatedInBlock)
        case .pricing(let p):
            w.u8(Kind.pricing.rawValue)
            w.u8(p.secretType.rawValue); w.u256(p.costPerInputBytes); w.u256(p.minProvingTime)
        case .contract(let c): w.u8(Kind.contract.rawValue); write(c, &w)
        case .ivsSigner(let s):
            w.u8(Kind.ivsSigner.rawValue)
            w.u256(s.marketId); w.address(s.signer); w.varint(s.addedInBlock)
        case .enclaveImage(let i): w.u8(Kind.enclaveImage.rawValue); write(i, &w)
        case .verifiedEnclaveKey(let k):
            w.u8(Kind.verifiedEnclaveKey.rawValue)
            w.hash(k.publicKeyHash); w.hash(k.imageId); w.varint(k.verifiedInBlock)
        }
        return w.bytes
    }

    /// The entity value encoded in `bytes`.
    public static func decodeValue(_ bytes: [UInt8]) throws -> EntityValue {
        var r = ByteReader(bytes, context: "entity image")
        try readVersion(&r)
        let value: EntityValue
        switch try r.enumValue(Kind.self) {
        case .generator: value = .generator(try readGenerator(&r))
        case .generatorMarket: value = .generatorMarket(try readGeneratorMarket(&r))
        case .market: value = .market(try readMarket(&r))
        case .ask: value = .ask(try readAsk(&r))
        case .key:
            value = .key(EnclaveKey(owner: try r.address(), keyIndex: try r.u256(), publicKey: try r.optional { try $0.data() },
                                    updatedInBlock: try r.varint()))
        case .pricing:
            value = .pricing(Pricing(secretType: try r.enumValue(SecretType.self), costPerInputBytes: try r.u256(), minProvingTime: try r.u256()))
        case .contract: value = .contract(try readContract(&r))
        case .ivsSigner: value = .ivsSigner(IvsSigner(marketId: try r.u256(), signer: try r.address(), addedInBlock: try r.varint()))
        case .enclaveImage: value = .enclaveImage(try readEnclaveImage(&r))
        case .verifiedEnclaveKey:
            value = .verifiedEnclaveKey(VerifiedEnclaveKey(publicKeyHash: try r.hash(), imageId: try r.hash(), verifiedInBlock: try r.varint()))
        }
        try r.finish()
        return value
    }

    // MARK: Set-valued columns

    /// A set of hashes as sorted concatenated 32-byte values (the `markets.extra_*_images` and
    /// `enclave_images.families` columns; empty bytes for an empty set).
    public static func hashSetColumn(_ set: Set<Hash32>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(set.count * 32)
        for h in set.sorted() { out.append(contentsOf: h.bytes) }
        return out
    }

    /// The set stored by `hashSetColumn`.
    public static func hashSet(column bytes: [UInt8], context: String) throws -> Set<Hash32> {
        guard bytes.count % 32 == 0 else {
            throw MirrorStoreError(.corruptImage, "\(context): a hash list of \(bytes.count) bytes is not a multiple of 32; rebuild the database with a fresh sync")
        }
        var set = Set<Hash32>(minimumCapacity: bytes.count / 32)
        bytes.withUnsafeBytes { raw in
            for offset in stride(from: 0, to: raw.count, by: 32) { set.insert(Hash32(at: offset, of: raw)) }
        }
        return set
    }

    /// The AccessControl roles of a contract (`contracts.roles` column): members and admins, sorted.
    static func rolesColumn(_ flags: ContractFlags) -> [UInt8] {
        var w = ByteWriter()
        w.u8(version)
        writeRoles(flags, &w)
        return w.bytes
    }

    /// Reads the `contracts.roles` column into `flags`.
    static func readRoles(column bytes: [UInt8], into flags: inout ContractFlags) throws {
        var r = ByteReader(bytes, context: "roles of \(flags.contract.rawValue)")
        try readVersion(&r)
        try readRoles(&r, into: &flags)
        try r.finish()
    }

    // MARK: Field layouts

    private static func readVersion(_ r: inout ByteReader) throws {
        let v = try r.u8()
        guard v == version else {
            throw MirrorStoreError(.corruptImage, "\(r.context): format version \(v), but this build reads version \(version); use the kalypso-mirror that wrote the database, or rebuild it with a fresh sync")
        }
    }

    private static func contractByte(_ c: KalypsoContract) -> UInt8 {
        switch c {
        case .generatorRegistry: 0
        case .proofMarketplace: 1
        case .entityKeyRegistry: 2
        }
    }

    private static func contract(_ r: inout ByteReader) throws -> KalypsoContract {
        switch try r.u8() {
        case 0: return .generatorRegistry
        case 1: return .proofMarketplace
        case 2: return .entityKeyRegistry
        case let other: throw MirrorStoreError(.corruptImage, "\(r.context): contract byte \(other); rebuild the database with a fresh sync")
        }
    }

    private static func writeIntent(_ i: PendingIntent, _ w: inout ByteWriter) {
        w.varint(i.requestedInBlock)
        w.optional(i.executableFromClock) { $0.u256($1) }
    }

    private static func readIntent(_ r: inout ByteReader) throws -> PendingIntent {
        PendingIntent(requestedInBlock: try r.varint(), executableFromClock: try r.optional { try $0.u256() })
    }

    private static func write(_ g: Generator, _ w: inout ByteWriter) {
        w.address(g.address)
        w.optional(g.rewardAddress) { $0.address($1) }
        w.u256(g.totalStake); w.u256(g.sumOfComputeAllocations); w.u256(g.computeConsumed); w.u256(g.stakeLocked)
        w.u256(g.activeMarketplaces); w.u256(g.declaredCompute)
        w.u256(g.intendedStakeUtilization); w.u256(g.intendedComputeUtilization)
        w.optional(g.generatorData) { $0.data($1) }
        w.optional(g.pendingStakeReduction) { writeIntent($1, &$0) }
        w.optional(g.pendingComputeReduction) { writeIntent($1, &$0) }
        w.varint(g.registeredInBlock)
    }

    private static func readGenerator(_ r: inout ByteReader) throws -> Generator {
        Generator(address: try r.address(), rewardAddress: try r.optional { try $0.address() },
                  totalStake: try r.u256(), sumOfComputeAllocations: try r.u256(), computeConsumed: try r.u256(),
                  stakeLocked: try r.u256(), activeMarketplaces: try r.u256(), declaredCompute: try r.u256(),
                  intendedStakeUtilization: try r.u256(), intendedComputeUtilization: try r.u256(),
                  generatorData: try r.optional { try $0.data() },
                  pendingStakeReduction: try r.optional { try readIntent(&$0) },
                  pendingComputeReduction: try r.optional { try readIntent(&$0) },
                  registeredInBlock: try r.varint())
    }

    private static func write(_ m: GeneratorMarket, _ w: inout ByteWriter) {
        w.address(m.generator); w.u256(m.marketId); w.u8(m.state.rawValue); w.u256(m.computePerRequestRequired)
        w.optional(m.proofGenerationCost) { $0.u256($1) }
        w.optional(m.proposedTime) { $0.u256($1) }
        w.u256(m.activeRequests); w.varint(m.joinedInBlock)
    }

    private static func readGeneratorMarket(_ r: inout ByteReader) throws -> GeneratorMarket {
        GeneratorMarket(generator: try r.address(), marketId: try r.u256(), state: try r.enumValue(StoredMarketState.self),
                        computePerRequestRequired: try r.u256(), proofGenerationCost: try r.optional { try $0.u256() },
                        proposedTime: try r.optional { try $0.u256() }, activeRequests: try r.u256(), joinedInBlock: try r.varint())
    }

    private static func write(_ m: Market, _ w: inout ByteWriter) {
        w.u256(m.id)
        w.optional(m.data) { w, d in
            w.address(d.verifier); w.hash(d.proverImageId); w.u256(d.slashingPenalty); w.u256(d.activationBlock)
            w.hash(d.ivsImageId); w.address(d.creator); w.data(d.metadata)
        }
        w.hashSet(m.extraProverImages); w.hashSet(m.extraIvsImages); w.bool(m.frozen); w.varint(m.createdInBlock)
    }

    private static func readMarket(_ r: inout ByteReader) throws -> Market {
        let id = try r.u256()
        let data = try r.optional { r in
            MarketData(verifier: try r.address(), proverImageId: try r.hash(), slashingPenalty: try r.u256(),
                       activationBlock: try r.u256(), ivsImageId: try r.hash(), creator: try r.address(), metadata: try r.data())
        }
        return Market(id: id, data: data, extraProverImages: try r.hashSet(), extraIvsImages: try r.hashSet(),
                      frozen: try r.bool(), createdInBlock: try r.varint())
    }

    private static func write(_ a: Ask, _ w: inout ByteWriter) {
        w.u256(a.id)
        w.optional(a.body) { w, b in
            w.u256(b.marketId); w.u256(b.reward); w.u256(b.expiry); w.u256(b.timeTakenForProofGeneration)
            w.u256(b.deadline); w.address(b.refundAddress); w.data(b.proverData)
        }
        w.u8(a.storedState.rawValue)
        w.optional(a.requester) { $0.address($1) }
        w.optional(a.generator) { $0.address($1) }
        w.bool(a.hasPrivateInputs); w.data(a.secretData); w.data(a.acl); w.data(a.extraData)
        w.optional(a.newAcl) { $0.data($1) }
        w.optional(a.outcome) { $0.u8($1.rawValue) }
        w.optional(a.proof) { $0.data($1) }
        w.optional(a.secretType) { $0.u8($1.rawValue) }
        w.varint(a.createdInBlock)
        w.optional(a.assignedInBlock) { $0.varint($1) }
        w.optional(a.completedInBlock) { $0.varint($1) }
    }

    private static func readAsk(_ r: inout ByteReader) throws -> Ask {
        let id = try r.u256()
        let body = try r.optional { r in
            AskBody(marketId: try r.u256(), reward: try r.u256(), expiry: try r.u256(), timeTakenForProofGeneration: try r.u256(),
                    deadline: try r.u256(), refundAddress: try r.address(), proverData: try r.data())
        }
        return Ask(id: id, body: body, storedState: try r.enumValue(StoredAskState.self), requester: try r.optional { try $0.address() },
                   generator: try r.optional { try $0.address() }, hasPrivateInputs: try r.bool(), secretData: try r.data(),
                   acl: try r.data(), extraData: try r.data(), newAcl: try r.optional { try $0.data() },
                   outcome: try r.optional { try $0.enumValue(AskOutcome.self) }, proof: try r.optional { try $0.data() },
                   secretType: try r.optional { try $0.enumValue(SecretType.self) }, createdInBlock: try r.varint(),
                   assignedInBlock: try r.optional { try $0.varint() }, completedInBlock: try r.optional { try $0.varint() })
    }

    private static func writeRoles(_ c: ContractFlags, _ w: inout ByteWriter) {
        w.varint(UInt64(c.roleMembers.count))
        for role in c.roleMembers.keys.sorted() {
            w.hash(role)
            let members = (c.roleMembers[role] ?? []).sorted()
            w.varint(UInt64(members.count))
            for m in members { w.address(m) }
        }
        w.varint(UInt64(c.roleAdmins.count))
        for role in c.roleAdmins.keys.sorted() {
            w.hash(role)
            w.hash(c.roleAdmins[role] ?? .zero)
        }
    }

    private static func readRoles(_ r: inout ByteReader, into c: inout ContractFlags) throws {
        let roles = try r.count()
        for _ in 0..<roles {
            let role = try r.hash()
            let n = try r.count()
            var members = Set<Address>(minimumCapacity: n)
            for _ in 0..<n { members.insert(try r.address()) }
            c.roleMembers[role] = members
        }
        let admins = try r.count()
        for _ in 0..<admins {
            let role = try r.hash()
            c.roleAdmins[role] = try r.hash()
        }
    }

    private static func write(_ c: ContractFlags, _ w: inout ByteWriter) {
        w.u8(contractByte(c.contract)); w.bool(c.paused)
        w.optional(c.implementation) { $0.address($1) }
        w.optional(c.initializedVersion) { $0.varint($1) }
        writeRoles(c, &w)
    }

    private static func readContract(_ r: inout ByteReader) throws -> ContractFlags {
        var c = ContractFlags(contract: try contract(&r), paused: try r.bool(), implementation: try r.optional { try $0.address() },
                              initializedVersion: try r.optional { try $0.varint() })
        try readRoles(&r, into: &c)
        return c
    }

    private static func write(_ i: EnclaveImage, _ w: inout ByteWriter) {
        w.hash(i.imageId)
        w.optional(i.pcrs) { w, p in w.data(p.pcr0); w.data(p.pcr1); w.data(p.pcr2) }
        w.bool(i.whitelisted); w.bool(i.blacklisted); w.hashSet(i.families)
    }

    private static func readEnclaveImage(_ r: inout ByteReader) throws -> EnclaveImage {
        EnclaveImage(imageId: try r.hash(), pcrs: try r.optional { EnclavePCRs(pcr0: try $0.data(), pcr1: try $0.data(), pcr2: try $0.data()) },
                     whitelisted: try r.bool(), blacklisted: try r.bool(), families: try r.hashSet())
    }
}
