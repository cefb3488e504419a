import Foundation
import Synchronization

/// The text format of a `StreamLogSink`.
public enum LogFormat: String, Sendable {
    /// `ts=… level=info label=… msg="…" key=value`, one line per record.
    case logfmt
    /// One JSON object per line.
    case json
}

/// Writes records to a file descriptor (standard error by default), one line each.
public final class StreamLogSink: LogSink {
    private let fd: Int32
    private let format: LogFormat
    private let lock = Mutex(())

    /// Creates a sink writing `format` lines to `fd`.
    public init(format: LogFormat, fileDescriptor fd: Int32 = 2) {
        self.format = format
        self.fd = fd
    }

    public func write(_ record: LogRecord) {
        var line = format == .json ? Self.json(record) : Self.logfmt(record)
        line.append("\n")
        lock.withLock { _ in
            var bytes = Array(line.utf8)
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeMutableBytes { Foundation.write(fd, $0.baseAddress! + offset, $0.count - offset) }
                if n <= 0 { break }
                offset += n
            }
        }
    }

    nonisolated(unsafe) private static let iso: ISO8601DateFormatter = {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f
    }()
    private static let isoLock = Mutex(())

    static func timestamp(_ date: Date) -> String { isoLock.withLock { _ in iso.string(from: date) } }

    /// Formats a record as logfmt.
    public static func logfmt(_ r: LogRecord) -> String {
        var parts = ["ts=\(timestamp(r.date))", "level=\(r.level)", "label=\(quote(r.label))", "msg=\(quote(r.message))"]
        for (k, v) in r.metadata { parts.append("\(k)=\(quote(v))") }
        return parts.joined(separator: " ")
    }

    /// Formats a record as one JSON object.
    public static func json(_ r: LogRecord) -> String {
        var parts = ["\"ts\":\(jsonString(timestamp(r.date)))", "\"level\":\(jsonString(r.level.description))",
                     "\"label\":\(jsonString(r.label))", "\"msg\":\(jsonString(r.message))"]
        for (k, v) in r.metadata { parts.append("\(jsonString(k)):\(jsonString(v))") }
        return "{" + parts.joined(separator: ",") + "}"
    }

    static func quote(_ s: String) -> String {
        let needs = s.isEmpty || s.contains { $0 == " " || $0 == "=" || $0 == "\"" || $0.isNewline }
        guard needs else { return s }
        return "\"" + s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }

    /// A JSON string literal for `s`.
    public static func jsonString(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 { out += String(format: "\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

/// Keeps records in memory (for tests that assert on what was logged).
public final class CollectingLogSink: LogSink {
    private let storage = Mutex<[LogRecord]>([])
    public init() {}
    public func write(_ record: LogRecord) { storage.withLock { $0.append(record) } }
    /// Everything written so far.
    public var records: [LogRecord] { storage.withLock { $0 } }
}
