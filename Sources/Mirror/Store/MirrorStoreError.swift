/// A failure of the mirror's store or reader: what went wrong, where, and what to do.
public struct MirrorStoreError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case reorgTooDeep = "reorg deeper than the window"
            case rangeNotContiguous = "range does not continue the cursor"
            case invalidRange = "invalid range"
            case corruptImage = "corrupt stored image"
            case invalidArgument = "invalid argument"
            case schema = "schema"
            case writerReplaced = "another writer took over"
        }
        private let base: Base
        private init(_ base: Base) { self.base = base }
        /// A rewind below the oldest block the undo journal and block window still cover.
        public static let reorgTooDeep = Code(.reorgTooDeep)
        /// A commit whose first block is not the block after the cursor (and that is not a replay of committed blocks).
        public static let rangeNotContiguous = Code(.rangeNotContiguous)
        /// A commit whose parts contradict each other (a log outside the range, raw logs that do not match, …).
        public static let invalidRange = Code(.invalidRange)
        /// A stored entity image or journal row that cannot be decoded.
        public static let corruptImage = Code(.corruptImage)
        /// A reader argument that cannot be used (a malformed pagination cursor, a limit out of range).
        public static let invalidArgument = Code(.invalidArgument)
        /// The database schema is not the one this build knows.
        public static let schema = Code(.schema)
        /// The writer's PostgreSQL session was re-established and another writer changed the database meanwhile:
        /// this writer must stop (its in-memory state is stale); nothing was written.
        public static let writerReplaced = Code(.writerReplaced)
        public var description: String { base.rawValue }
    }

    /// The kind of failure.
    public let code: Code
    /// What is wrong, where, and what to do.
    public let message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
