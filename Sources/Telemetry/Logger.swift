import Foundation

/// A structured logger that libraries receive from their caller; they never build one themselves.
///
/// A `Logger` is a value: a label, a minimum level, metadata and a shared `LogSink`.
/// `with(_:)` returns a copy with more metadata (for example a request id).
public struct Logger: Sendable {
    /// Severity, lowest first.
    public enum Level: Int, Comparable, Sendable, CaseIterable, CustomStringConvertible {
        case trace, debug, info, notice, warning, error, critical
        public static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
        public var description: String {
            switch self {
            case .trace: "trace"; case .debug: "debug"; case .info: "info"; case .notice: "notice"
            case .warning: "warning"; case .error: "error"; case .critical: "critical"
            }
        }
        /// Parses a level name such as `info` or `warning`.
        public init?(name: String) {
            guard let l = Level.allCases.first(where: { $0.description == name.lowercased() }) else { return nil }
            self = l
        }
    }

    /// The component that logs, for example `mirror.sync`.
    public var label: String
    /// Records below this level are dropped before their message is built.
    public var level: Level
    /// Key-value pairs attached to every record.
    public var metadata: [(String, String)]
    /// Where records go.
    public let sink: any LogSink

    /// Creates a logger writing to `sink`.
    public init(label: String, level: Level = .info, sink: any LogSink, metadata: [(String, String)] = []) {
        self.label = label
        self.level = level
        self.sink = sink
        self.metadata = metadata
    }

    /// A logger that discards everything (for tests and benchmarks).
    public static let disabled = Logger(label: "disabled", level: .critical, sink: NullLogSink())

    /// A copy with another label.
    public func labeled(_ label: String) -> Logger {
        var copy = self
        copy.label = label
        return copy
    }

    /// A copy with extra metadata on every record.
    public func with(_ extra: [(String, String)]) -> Logger {
        var copy = self
        copy.metadata.append(contentsOf: extra)
        return copy
    }

    /// Logs `message` at `level` with extra metadata.
    @inlinable
    public func log(_ level: Level, _ message: @autoclosure () -> String, _ extra: @autoclosure () -> [(String, String)] = []) {
        guard level >= self.level else { return }
        sink.write(LogRecord(date: Date(), level: level, label: label, message: message(), metadata: metadata + extra()))
    }

    @inlinable public func trace(_ m: @autoclosure () -> String, _ md: @autoclosure () -> [(String, String)] = []) { log(.trace, m(), md()) }
    @inlinable public func debug(_ m: @autoclosure () -> String, _ md: @autoclosure () -> [(String, String)] = []) { log(.debug, m(), md()) }
    @inlinable public func info(_ m: @autoclosure () -> String, _ md: @autoclosure () -> [(String, String)] = []) { log(.info, m(), md()) }
    @inlinable public func notice(_ m: @autoclosure () -> String, _ md: @autoclosure () -> [(String, String)] = []) { log(.notice, m(), md()) }
    @inlinable public func warning(_ m: @autoclosure () -> String, _ md: @autoclosure () -> [(String, String)] = []) { log(.warning, m(), md()) }
    @inlinable public func error(_ m: @autoclosure () -> String, _ md: @autoclosure () -> [(String, String)] = []) { log(.error, m(), md()) }
    @inlinable public func critical(_ m: @autoclosure () -> String, _ md: @autoclosure () -> [(String, String)] = []) { log(.critical, m(), md()) }
}

/// One log record.
public struct LogRecord: Sendable {
    /// When it was logged.
    public var date: Date
    /// Its severity.
    public var level: Logger.Level
    /// The logger's label.
    public var label: String
    /// The message.
    public var message: String
    /// Key-value pairs, in order.
    public var metadata: [(String, String)]

    public init(date: Date, level: Logger.Level, label: String, message: String, metadata: [(String, String)]) {
        self.date = date; self.level = level; self.label = label; self.message = message; self.metadata = metadata
    }
}

/// A destination for log records. Implementations must be thread-safe.
public protocol LogSink: Sendable {
    /// Writes one record.
    func write(_ record: LogRecord)
}

/// Discards every record.
public struct NullLogSink: LogSink {
    public init() {}
    public func write(_ record: LogRecord) {}
}
