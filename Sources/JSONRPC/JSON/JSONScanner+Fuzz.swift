/// The fuzzing entry point: every decoder over arbitrary bytes, never trapping.
extension JSONScanner {
    /// Which decoders accepted a fuzz input.
    public struct FuzzOutcome: OptionSet, Sendable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        /// `JSONValue.parse` accepted it.
        public static let value = FuzzOutcome(rawValue: 1 << 0)
        /// `Log.decodeArray` accepted it.
        public static let logs = FuzzOutcome(rawValue: 1 << 1)
        /// A block (with transactions) decoded.
        public static let block = FuzzOutcome(rawValue: 1 << 2)
        /// A block header decoded.
        public static let header = FuzzOutcome(rawValue: 1 << 3)
        /// A transaction decoded.
        public static let transaction = FuzzOutcome(rawValue: 1 << 4)
        /// A receipt decoded.
        public static let receipt = FuzzOutcome(rawValue: 1 << 5)
        /// A single JSON-RPC response envelope with a logs result decoded.
        public static let envelope = FuzzOutcome(rawValue: 1 << 6)
        /// A batch response split into items.
        public static let batch = FuzzOutcome(rawValue: 1 << 7)
    }

    /// Runs every decoder on `data` and reports which accepted it. Must never trap, whatever the input
    /// (libFuzzer targets call this from `LLVMFuzzerTestOneInput`).
    ///
    /// Invariant worth checking: any typed decoder that accepts a document implies `.value` (the typed
    /// decoders accept only valid JSON).
    @discardableResult
    public static func fuzz(_ data: UnsafeRawBufferPointer) -> FuzzOutcome {
        let bytes = Array(data)
        var outcome: FuzzOutcome = []
        func accepts(_ body: (inout JSONScanner) throws(JSONParseError) -> Void) -> Bool {
            do throws(JSONParseError) {
                try withScanner(bytes) { (s: inout JSONScanner) throws(JSONParseError) in
                    try body(&s)
                    try s.finish()
                }
                return true
            } catch {
                return false
            }
        }
        if accepts({ (s: inout JSONScanner) throws(JSONParseError) in _ = try s.readValue() }) { outcome.insert(.value) }
        if accepts({ (s: inout JSONScanner) throws(JSONParseError) in _ = try Log.decodeArray(from: &s) }) { outcome.insert(.logs) }
        if accepts({ (s: inout JSONScanner) throws(JSONParseError) in _ = try Block.decode(from: &s, fullTransactions: true) }) { outcome.insert(.block) }
        if accepts({ (s: inout JSONScanner) throws(JSONParseError) in _ = try BlockHeader.decode(from: &s) }) { outcome.insert(.header) }
        if accepts({ (s: inout JSONScanner) throws(JSONParseError) in _ = try RPCTransaction.decode(from: &s) }) { outcome.insert(.transaction) }
        if accepts({ (s: inout JSONScanner) throws(JSONParseError) in _ = try Receipt.decode(from: &s) }) { outcome.insert(.receipt) }
        if case .value = ResponseEnvelope.decodeSingle(bytes, id: 1, { (s: inout JSONScanner) throws(JSONParseError) in try Log.decodeArray(from: &s) }) {
            outcome.insert(.envelope)
        }
        if case .items(let items) = ResponseEnvelope.splitBatch(bytes) {
            outcome.insert(.batch)
            for item in items {
                _ = ResponseEnvelope.decodeItem(bytes, item) { (s: inout JSONScanner) throws(JSONParseError) in try BlockHeader.decode(from: &s) }
            }
        }
        return outcome
    }

    /// `fuzz` over an array.
    @discardableResult
    public static func fuzz(_ bytes: [UInt8]) -> FuzzOutcome { bytes.withUnsafeBytes { fuzz($0) } }
}
