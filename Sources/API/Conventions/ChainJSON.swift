import EthereumKit
import HTTPServer
import Kalypso
import Mirror

// The API's JSON conventions, in one place (the schemas in `APISchemas` say the same):
// - 256-bit integers (stake, compute, ids, prices, clock values) are decimal strings without leading zeros,
//   because they can exceed 2^53 (the largest integer a JSON number keeps exactly in most clients);
// - block numbers, log indexes and counts are JSON numbers (they stay far below 2^53);
// - addresses are lowercase 0x-hex (the top-level address of a generator also has its EIP-55 form);
// - hashes and byte strings are lowercase 0x-hex;
// - enums are lowercase snake_case names (`joined`, `no_compute_available`, `deadline_crossed`);
// - unknown values are `null`, never a placeholder.

extension JSONWriter {
    /// Writes a 256-bit integer as a decimal string.
    mutating func value(_ v: UInt256) { value(v.description) }
    /// Writes a 256-bit integer as a decimal string, or `null`.
    mutating func value(_ v: UInt256?) { if let v { value(v) } else { null() } }
    /// Writes an address as lowercase 0x-hex.
    mutating func value(_ a: Address) { raw(Self.quotedHex(a)) }
    /// Writes an address as lowercase 0x-hex, or `null`.
    mutating func value(_ a: Address?) { if let a { value(a) } else { null() } }
    /// Writes a hash as lowercase 0x-hex.
    mutating func value(_ h: Hash32) { raw(Self.quotedHex(h)) }
    /// Writes a hash as lowercase 0x-hex, or `null`.
    mutating func value(_ h: Hash32?) { if let h { value(h) } else { null() } }
    /// Writes bytes as lowercase 0x-hex.
    mutating func value(bytes b: [UInt8]) { raw(Self.quotedHex(b)) }
    /// Writes bytes as lowercase 0x-hex, or `null`.
    mutating func value(bytes b: [UInt8]?) { if let b { value(bytes: b) } else { null() } }
    /// Writes an enum's API name.
    mutating func value(_ e: some APINamed) { value(e.apiName) }
    /// Writes an enum's API name, or `null`.
    mutating func value<E: APINamed>(_ e: E?) { if let e { value(e.apiName) } else { null() } }
    /// Writes an unsigned integer, or `null`.
    mutating func value(_ n: UInt64?) { if let n { value(n) } else { null() } }
    /// Writes a Boolean, or `null`.
    mutating func value(_ b: Bool?) { if let b { value(b) } else { null() } }

    mutating func field(_ name: String, _ v: UInt256) { key(name); value(v) }
    mutating func field(_ name: String, _ v: UInt256?) { key(name); value(v) }
    mutating func field(_ name: String, _ a: Address) { key(name); value(a) }
    mutating func field(_ name: String, _ a: Address?) { key(name); value(a) }
    mutating func field(_ name: String, _ h: Hash32) { key(name); value(h) }
    mutating func field(_ name: String, _ h: Hash32?) { key(name); value(h) }
    mutating func field(_ name: String, bytes b: [UInt8]) { key(name); value(bytes: b) }
    mutating func field(_ name: String, bytes b: [UInt8]?) { key(name); value(bytes: b) }
    mutating func field(_ name: String, _ e: some APINamed) { key(name); value(e) }
    mutating func field<E: APINamed>(_ name: String, _ e: E?) { key(name); value(e) }
    mutating func field(_ name: String, _ n: UInt64?) { key(name); value(n) }
    mutating func field(_ name: String, _ b: Bool?) { key(name); value(b) }

    /// `"name": "<text>"` when `bytes` are valid UTF-8 without control characters other than tab and newlines,
    /// else `null` (metadata is usually JSON or a name; the hex field always has the exact bytes).
    mutating func field(_ name: String, text bytes: [UInt8]?) {
        key(name)
        guard let bytes, let text = String(validating: bytes, as: UTF8.self),
              !text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\t" && $0 != "\n" && $0 != "\r" }) else {
            return null()
        }
        value(text)
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `"0x…"` (quotes included) for raw bytes.
    static func quotedHex(_ raw: UnsafeRawBufferPointer) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: raw.count * 2 + 4)
        out[0] = UInt8(ascii: "\"")
        out[1] = UInt8(ascii: "0")
        out[2] = UInt8(ascii: "x")
        var i = 3
        for b in raw {
            out[i] = hexDigits[Int(b >> 4)]
            out[i + 1] = hexDigits[Int(b & 0xF)]
            i += 2
        }
        out[i] = UInt8(ascii: "\"")
        return out
    }

    static func quotedHex(_ bytes: [UInt8]) -> [UInt8] { bytes.withUnsafeBytes { quotedHex($0) } }

    static func quotedHex(_ a: Address) -> [UInt8] {
        withUnsafeTemporaryAllocation(byteCount: 20, alignment: 1) { buffer in
            a.store(into: buffer, at: 0)
            return quotedHex(UnsafeRawBufferPointer(buffer))
        }
    }

    static func quotedHex(_ h: Hash32) -> [UInt8] {
        var words = (h.w0.bigEndian, h.w1.bigEndian, h.w2.bigEndian, h.w3.bigEndian)
        return withUnsafeBytes(of: &words) { quotedHex($0) }
    }
}

// MARK: Enum names

/// An enum with a lowercase snake_case name in the API (`no_compute_available`) that query parameters accept too.
public protocol APINamed: CaseIterable, Sendable {
    /// The API name of this case.
    var apiName: String { get }
}

extension APINamed {
    /// Every case's API name, in declaration order (the schema's `enum`).
    public static var apiNames: [String] { allCases.map(\.apiName) }

    /// The case whose API name is `text`; nil if none.
    public init?(apiName text: String) {
        guard let match = Self.allCases.first(where: { $0.apiName == text }) else { return nil }
        self = match
    }
}

extension GeneratorState: APINamed {
    public var apiName: String {
        switch self {
        case .null: "null"
        case .joined: "joined"
        case .noComputeAvailable: "no_compute_available"
        case .wip: "wip"
        case .requestedForExit: "requested_for_exit"
        }
    }
}

extension StoredMarketState: APINamed {
    public var apiName: String { generatorState.apiName }
}

extension AskState: APINamed {
    public var apiName: String {
        switch self {
        case .null: "null"
        case .create: "create"
        case .unassigned: "unassigned"
        case .assigned: "assigned"
        case .complete: "complete"
        case .deadlineCrossed: "deadline_crossed"
        }
    }
}

extension StoredAskState: APINamed {
    public var apiName: String { askState.apiName }
}

extension AskOutcome: APINamed {
    public var apiName: String {
        switch self {
        case .proved: "proved"
        case .invalidInputs: "invalid_inputs"
        case .slashed: "slashed"
        case .cancelled: "cancelled"
        }
    }
}

extension SecretType: APINamed {
    public var apiName: String {
        switch self {
        case .null: "null"
        case .calldata: "calldata"
        case .external: "external"
        }
    }
}

extension SignatureCheck.Kind: APINamed {
    public var apiName: String {
        switch self {
        case .admin: "admin"
        case .enclave: "enclave"
        case .matchingEngine: "matching_engine"
        }
    }
}

extension KalypsoContract: APINamed {
    public var apiName: String {
        switch self {
        case .generatorRegistry: "generator_registry"
        case .proofMarketplace: "proof_marketplace"
        case .entityKeyRegistry: "entity_key_registry"
        }
    }
}

extension MarketGeneratorFilter: APINamed {
    public var apiName: String { rawValue }
}
