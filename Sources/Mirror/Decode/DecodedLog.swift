import EthereumKit
import Kalypso

/// The outcome of decoding one RPC log from a watched contract.
public enum DecodedLog: Sendable, Hashable {
    /// A typed Kalypso event; its enrichment is still `.pending`.
    case event(KalypsoLog)
    /// A topic0 the deployment's ABI does not know: stored and counted, never fatal.
    case unknown(UnknownLog)
    /// A known topic0 whose data or topics failed to decode: stored with the error; the sync goes on.
    case quarantined(QuarantinedLog)

    /// Where the log is.
    public var position: LogPosition {
        switch self {
        case .event(let l): l.position
        case .unknown(let l): l.position
        case .quarantined(let l): l.position
        }
    }
}

/// A log with a topic0 that is not part of the deployment's ABI.
public struct UnknownLog: Sendable, Hashable {
    /// Where the log is.
    public var position: LogPosition
    /// The emitting contract.
    public var address: Address
    /// The raw topics (empty for a log without topics).
    public var topics: [Hash32]
    /// The raw data.
    public var data: [UInt8]
    /// The event of another contract generation with this topic0 (spec §9), e.g. `"G1.5 RegisteredGenerator"`:
    /// a sign that the mirror is pointed at the wrong generation, worth an alert.
    public var otherGeneration: String?

    /// Creates an unknown-log record.
    public init(position: LogPosition, address: Address, topics: [Hash32], data: [UInt8], otherGeneration: String?) {
        self.position = position; self.address = address; self.topics = topics; self.data = data
        self.otherGeneration = otherGeneration
    }
}

/// A log with a known topic0 that could not be decoded (wrong data length, bad offsets, dirty padding …).
public struct QuarantinedLog: Sendable, Hashable {
    /// Where the log is.
    public var position: LogPosition
    /// The emitting contract.
    public var address: Address
    /// The raw topics.
    public var topics: [Hash32]
    /// The raw data.
    public var data: [UInt8]
    /// The event the topic0 names, if known.
    public var eventName: String?
    /// Why decoding failed (the decoder's message, naming the offset and type).
    public var error: String

    /// Creates a quarantine record.
    public init(position: LogPosition, address: Address, topics: [Hash32], data: [UInt8], eventName: String?, error: String) {
        self.position = position; self.address = address; self.topics = topics; self.data = data
        self.eventName = eventName; self.error = error
    }
}
