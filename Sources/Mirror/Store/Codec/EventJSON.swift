import EthereumKit
import Kalypso

/// An event's `fields` JSON (`StoredEvent.fieldsJSON`): its decoded parameters (names as declared) and, under
/// `"enrichment"`, the fields the sync added, as one JSON object. The store keeps it packed (`appendPacked`: the
/// shape in `event_kinds.fields_shape`, the values in `events.field_values`; rows from before migration 0002 keep the
/// text in `events.fields`); the reader rebuilds this exact text.
///
/// Numbers are decimal strings (uint256 does not fit a JSON number), addresses, hashes and bytes lowercase `0x` hex
/// (byte strings longer than 64 bytes abbreviated, see `JSONObjectWriter.bytes`).
/// Written straight into a byte buffer (no Foundation, no per-field `String`): it runs once per stored log.
enum EventJSON {
    /// The JSON object of `event`.
    static func fields(of event: KalypsoEvent) -> String {
        var bytes: [UInt8] = []
        _ = append(event, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the JSON object of `event` to `bytes` and returns the event's name (`KalypsoEvent.name`).
    static func append(_ event: KalypsoEvent, to bytes: inout [UInt8]) -> StaticString {
        var w = JSONObjectWriter(adopting: &bytes)
        let name = write(event, &w)
        w.finish(into: &bytes)
        return name
    }

    /// Appends the packed form of `event`'s JSON object (`PackedFields`): its shape to `shape`, its values to
    /// `values`; returns the event's name. `PackedFields.unpack` turns them into exactly `append`'s text.
    static func appendPacked(_ event: KalypsoEvent, shape: inout [UInt8], values: inout [UInt8]) -> StaticString {
        var w = JSONObjectWriter(adopting: &shape, packingInto: &values)
        let name = write(event, &w)
        w.finish(into: &shape, values: &values)
        return name
    }

    // One line per event: the parameters in declaration order, then the enrichment payload if any; returns the name.
    private static func write(_ event: KalypsoEvent, _ w: inout JSONObjectWriter) -> StaticString {
        switch event {
        case .registeredGenerator(let e):
            w.address("generator", e.generator); w.uint("initialCompute", e.initialCompute); w.uint("initialStake", e.initialStake)
            if let p = e.registration.payload {
                w.object("enrichment") { $0.address("rewardAddress", p.rewardAddress); $0.bytes("generatorData", p.generatorData) }
            }
            return "RegisteredGenerator"
        case .deregisteredGenerator(let e): w.address("generator", e.generator); return "DeregisteredGenerator"
        case .changedGeneratorRewardAddress(let e): w.address("generator", e.generator); w.address("newRewardAddress", e.newRewardAddress); return "ChangedGeneratorRewardAddress"
        case .joinedMarketplace(let e):
            w.address("generator", e.generator); w.uint("marketId", e.marketId); w.uint("computeAllocation", e.computeAllocation)
            if let p = e.terms.payload {
                w.object("enrichment") { $0.uint("proofGenerationCost", p.proofGenerationCost); $0.uint("proposedTime", p.proposedTime) }
            }
            return "JoinedMarketplace"
        case .requestExitMarketplace(let e): w.address("generator", e.generator); w.uint("marketId", e.marketId); return "RequestExitMarketplace"
        case .leftMarketplace(let e): w.address("generator", e.generator); w.uint("marketId", e.marketId); return "LeftMarketplace"
        case .addIvsKey(let e): w.uint("marketId", e.marketId); w.address("signer", e.signer); return "AddIvsKey"
        case .addedStake(let e): w.address("generator", e.generator); w.uint("amount", e.amount); return "AddedStake"
        case .requestStakeDecrease(let e): w.address("generator", e.generator); w.uint("intendedUtilization", e.intendedUtilization); return "RequestStakeDecrease"
        case .removedStake(let e): w.address("generator", e.generator); w.uint("amount", e.amount); return "RemovedStake"
        case .increasedCompute(let e): w.address("generator", e.generator); w.uint("compute", e.compute); return "IncreasedCompute"
        case .requestComputeDecrease(let e): w.address("generator", e.generator); w.uint("intendedUtilization", e.intendedUtilization); return "RequestComputeDecrease"
        case .decreaseCompute(let e): w.address("generator", e.generator); w.uint("compute", e.compute); return "DecreaseCompute"
        case .stakeLockImposed(let e): w.address("generator", e.generator); w.uint("stake", e.stake); return "StakeLockImposed"
        case .computeLockImposed(let e): w.address("generator", e.generator); w.uint("compute", e.compute); return "ComputeLockImposed"
        case .stakeLockReleased(let e): w.address("generator", e.generator); w.uint("stake", e.stake); return "StakeLockReleased"
        case .computeLockReleased(let e): w.address("generator", e.generator); w.uint("compute", e.compute); return "ComputeLockReleased"
        case .stakeSlashed(let e): w.address("generator", e.generator); w.uint("stake", e.stake); return "StakeSlashed"
        case .askCreated(let e):
            w.uint("askId", e.askId); w.bool("hasPrivateInputs", e.hasPrivateInputs); w.bytes("secret_data", e.secretData)
            w.bytes("acl", e.acl)
            if e.variant == .current { w.bytes("extraData", e.extraData) }
            if let p = e.details.payload {
                w.object("enrichment") { o in
                    o.uint("marketId", p.body.marketId); o.uint("reward", p.body.reward); o.uint("expiry", p.body.expiry)
                    o.uint("timeTakenForProofGeneration", p.body.timeTakenForProofGeneration); o.uint("deadline", p.body.deadline)
                    o.address("refundAddress", p.body.refundAddress); o.bytes("proverData", p.body.proverData)
                    o.address("requester", p.requester)
                    if let t = p.secretType { o.uint("secretType", UInt256(UInt64(t.rawValue))) }
                }
            }
            return "AskCreated"
        case .taskCreated(let e):
            w.uint("askId", e.askId); w.address("generator", e.generator); w.bytes("new_acl", e.newAcl)
            if let d = e.deadline.payload { w.object("enrichment") { $0.uint("deadline", d) } }
            return "TaskCreated"
        case .proofCreated(let e): w.uint("askId", e.askId); w.bytes("proof", e.proof); return "ProofCreated"
        case .proofNotGenerated(let e): w.uint("askId", e.askId); return "ProofNotGenerated"
        case .invalidInputsDetected(let e): w.uint("askId", e.askId); return "InvalidInputsDetected"
        case .marketplaceCreated(let e):
            w.uint("marketId", e.marketId)
            if let d = e.market.payload {
                w.object("enrichment") { o in
                    o.address("verifier", d.verifier); o.hash("proverImageId", d.proverImageId); o.uint("slashingPenalty", d.slashingPenalty)
                    o.uint("activationBlock", d.activationBlock); o.hash("ivsImageId", d.ivsImageId); o.address("creator", d.creator)
                    o.bytes("marketmetadata", d.metadata)
                }
            }
            return "MarketplaceCreated"
        case .askCancelled(let e): w.uint("askId", e.askId); return "AskCancelled"
        case .updateCostPerBytes(let e): w.uint("secretType", UInt256(UInt64(e.secretType.rawValue))); w.uint("costPerInputBytes", e.costPerInputBytes); return "UpdateCostPerBytes"
        case .updateMinProvingTime(let e): w.uint("secretType", UInt256(UInt64(e.secretType.rawValue))); w.uint("newProvingTime", e.newProvingTime); return "UpdateMinProvingTime"
        case .addExtraProverImage(let e): w.uint("marketId", e.marketId); w.hash("imageId", e.imageId); return "AddExtraProverImage"
        case .addExtraIVSImage(let e): w.uint("marketId", e.marketId); w.hash("imageId", e.imageId); return "AddExtraIVSImage"
        case .removeExtraProverImage(let e): w.uint("marketId", e.marketId); w.hash("imageId", e.imageId); return "RemoveExtraProverImage"
        case .removeExtraIVSImage(let e): w.uint("marketId", e.marketId); w.hash("imageId", e.imageId); return "RemoveExtraIVSImage"
        case .updateKey(let e):
            w.address("user", e.user); w.uint("keyIndex", e.keyIndex)
            if let k = e.key.payload { w.object("enrichment") { $0.bytes("key", k) } }
            return "UpdateKey"
        case .removeKey(let e): w.address("user", e.user); w.uint("keyIndex", e.keyIndex); return "RemoveKey"
        case .imageBlacklisted(let e): w.hash("imageId", e.imageId); return "ImageBlacklisted"
        case .enclaveImageWhitelisted(let e):
            w.hash("imageId", e.imageId); w.bytes("PCR0", e.pcr0); w.bytes("PCR1", e.pcr1); w.bytes("PCR2", e.pcr2)
            return "EnclaveImageWhitelisted"
        case .enclaveImageRevoked(let e): w.hash("imageId", e.imageId); return "EnclaveImageRevoked"
        case .enclaveImageAddedToFamily(let e): w.hash("imageId", e.imageId); w.hash("family", e.family); return "EnclaveImageAddedToFamily"
        case .enclaveImageRemovedFromFamily(let e): w.hash("imageId", e.imageId); w.hash("family", e.family); return "EnclaveImageRemovedFromFamily"
        case .enclaveKeyWhitelisted(let e): w.hash("enclavePubKey", e.enclavePubKeyHash); w.hash("imageId", e.imageId); return "EnclaveKeyWhitelisted"
        case .enclaveKeyRevoked(let e): w.hash("enclavePubKey", e.enclavePubKeyHash); return "EnclaveKeyRevoked"
        case .enclaveKeyVerified(let e): w.hash("enclavePubKey", e.enclavePubKeyHash); w.hash("imageId", e.imageId); return "EnclaveKeyVerified"
        case .initialized(let e): w.uint("version", UInt256(e.version)); return "Initialized"
        case .upgraded(let e): w.address("implementation", e.implementation); return "Upgraded"
        case .roleGranted(let e): w.hash("role", e.role); w.address("account", e.account); w.address("sender", e.sender); return "RoleGranted"
        case .roleRevoked(let e): w.hash("role", e.role); w.address("account", e.account); w.address("sender", e.sender); return "RoleRevoked"
        case .roleAdminChanged(let e):
            w.hash("role", e.role); w.hash("previousAdminRole", e.previousAdminRole); w.hash("newAdminRole", e.newAdminRole)
            return "RoleAdminChanged"
        case .paused(let e): w.address("account", e.account); return "Paused"
        case .unpaused(let e): w.address("account", e.account); return "Unpaused"
        }
    }
}

/// Writes one JSON object with plain ASCII keys (the callers' constants) into a byte buffer — or, packing, its shape
/// (each string value a `?`) into the buffer and the values in binary into another (`PackedFields`).
struct JSONObjectWriter {
    private var out: [UInt8]
    private var empty = true
    /// Whether values go to `values` in binary (`PackedFields`) instead of `out` as text.
    private let packing: Bool
    private var values: [UInt8] = []
    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Takes `buffer` over (appending to it); `finish(into:)` gives it back with the object appended.
    init(adopting buffer: inout [UInt8]) {
        out = []
        packing = false
        swap(&out, &buffer)
        out.append(UInt8(ascii: "{"))
    }

    /// Takes `shape` and `values` over (appending to them); `finish(into:values:)` gives them back.
    init(adopting shape: inout [UInt8], packingInto values: inout [UInt8]) {
        out = []
        packing = true
        swap(&out, &shape)
        swap(&self.values, &values)
        out.append(UInt8(ascii: "{"))
    }

    private init(packing: Bool) {
        out = []
        self.packing = packing
        out.append(UInt8(ascii: "{"))
    }

    /// Packing: the value's hole in the shape and its tag.
    private mutating func hole(_ tag: PackedFields.Tag) {
        out.append(PackedFields.hole)
        values.append(tag.rawValue)
    }

    private mutating func key(_ name: StaticString) {
        if !empty { out.append(UInt8(ascii: ",")) }
        empty = false
        out.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { out.append(contentsOf: $0) }
        out.append(UInt8(ascii: "\""))
        out.append(UInt8(ascii: ":"))
    }

    private mutating func hexBody(_ bytes: UnsafeRawBufferPointer, closing: Bool = true) {
        Self.hexString(bytes, closing: closing, to: &out)
    }

    /// `"0x…` and the hex digits (and the closing quote): the space is added at once and filled through a pointer.
    static func hexString(_ bytes: UnsafeRawBufferPointer, closing: Bool = true, to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: repeatElement(UInt8(ascii: "\""), count: 3 + 2 * bytes.count + (closing ? 1 : 0)))
        out.withUnsafeMutableBufferPointer { buffer in
            Self.hexDigits.withUnsafeBufferPointer { digits in
                buffer[start + 1] = UInt8(ascii: "0")
                buffer[start + 2] = UInt8(ascii: "x")
                var i = start + 3
                for b in bytes {
                    buffer[i] = digits[Int(b >> 4)]
                    buffer[i + 1] = digits[Int(b & 0x0f)]
                    i += 2
                }
            }
        }
    }

    mutating func address(_ name: StaticString, _ a: Address) {
        key(name)
        var buffer: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &buffer) { raw in
            a.store(into: raw, at: 0)
            if packing {
                hole(.address)
                values.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[0..<20]))
            } else {
                hexBody(UnsafeRawBufferPointer(rebasing: raw[0..<20]))
            }
        }
    }

    mutating func hash(_ name: StaticString, _ h: Hash32) {
        key(name)
        withUnsafeBytes(of: (h.w0.bigEndian, h.w1.bigEndian, h.w2.bigEndian, h.w3.bigEndian)) {
            if packing {
                hole(.hash)
                values.append(contentsOf: $0)
            } else {
                hexBody($0)
            }
        }
    }

    /// Byte strings up to `fullBytes` long are written in full; longer ones (proofs, prover data, secrets) as their
    /// first 32 bytes, `…` and the length, e.g. `"0x0102…(2048 bytes)"`: the JSON is for inspection, and the exact
    /// bytes are in the raw `data` column and the entity tables.
    static let fullBytes = 64

    mutating func bytes(_ name: StaticString, _ bytes: [UInt8]) {
        key(name)
        if packing {
            let shown = bytes.count > Self.fullBytes ? 32 : bytes.count
            hole(bytes.count > Self.fullBytes ? .abbreviatedBytes : .bytes)
            ByteWriter.varint(UInt64(bytes.count), to: &values)
            values.append(contentsOf: bytes[0..<shown])
            return
        }
        guard bytes.count > Self.fullBytes else {
            bytes.withUnsafeBytes { hexBody($0) }
            return
        }
        bytes.withUnsafeBytes { hexBody(UnsafeRawBufferPointer(rebasing: $0[0..<32]), closing: false) }
        Self.abbreviationTail(count: bytes.count, to: &out)
    }

    /// What follows the first 32 bytes of an abbreviated byte string: `…(N bytes)` and the closing quote.
    static func abbreviationTail(count: Int, to out: inout [UInt8]) {
        out.append(contentsOf: "…(\(count) bytes)\"".utf8)
    }

    mutating func bool(_ name: StaticString, _ v: Bool) {
        key(name)
        let text: StaticString = v ? "true" : "false"
        text.withUTF8Buffer { out.append(contentsOf: $0) }
    }

    /// A decimal string.
    mutating func uint(_ name: StaticString, _ v: UInt256) {
        key(name)
        if packing {
            if let small = v.uint64 {
                hole(.uint64)
                ByteWriter.varint(small, to: &values)
            } else {
                hole(.uint256)
                var w = ByteWriter(capacity: 33)
                w.u256(v)
                values.append(contentsOf: w.bytes)
            }
            return
        }
        Self.decimalString(v, to: &out)
    }

    /// `v` as a quoted decimal string.
    static func decimalString(_ v: UInt256, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        if var small = v.uint64 {
            var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // up to 20 digits, written backwards into a stack buffer
            withUnsafeMutableBytes(of: &digits) { buf in
                var i = 20
                repeat {
                    i -= 1
                    buf[i] = UInt8(ascii: "0") + UInt8(small % 10)
                    small /= 10
                } while small > 0
                out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buf[i..<20]))
            }
        } else {
            out.append(contentsOf: v.description.utf8)
        }
        out.append(UInt8(ascii: "\""))
    }

    /// A nested object under `name`.
    mutating func object(_ name: StaticString, _ body: (inout JSONObjectWriter) -> Void) {
        key(name)
        var inner = JSONObjectWriter(packing: packing)
        body(&inner)
        out.append(contentsOf: inner.out)
        out.append(UInt8(ascii: "}"))
        values.append(contentsOf: inner.values)
    }

    /// Closes the object and hands the buffer back.
    mutating func finish(into buffer: inout [UInt8]) {
        out.append(UInt8(ascii: "}"))
        swap(&out, &buffer)
    }

    /// Closes the object and hands the shape and the values back (packing).
    mutating func finish(into shape: inout [UInt8], values: inout [UInt8]) {
        finish(into: &shape)
        swap(&self.values, &values)
    }
}
