import Foundation
import Mirror
import Synchronization
import Telemetry

/// The backfill progress line on a terminal: `block N / head (x %) · b blocks/s · l logs/s · ETA m:ss`, redrawn in
/// place on standard error. Log records go through `sink`, which clears the line, writes the record and redraws it,
/// so the two never garble each other.
final class ProgressLine: Sendable {
    private struct State {
        var text = ""
        var startBlock: UInt64?
        var startTime = ContinuousClock.now
        var lastDraw = ContinuousClock.now - .seconds(1)
        var logs = 0
        var done = false
    }
    private let state = Mutex(State())
    private let inner: StreamLogSink

    init(format: LogFormat) { inner = StreamLogSink(format: format) }

    /// A sink that keeps the progress line intact.
    var sink: any LogSink { Sink(line: self) }

    private struct Sink: LogSink {
        let line: ProgressLine
        func write(_ record: LogRecord) { line.withLineCleared { line.inner.write(record) } }
    }

    private func withLineCleared(_ body: () -> Void) {
        state.withLock { s in
            if !s.text.isEmpty { Self.write("\r\u{1B}[K") }
            body()
            if !s.text.isEmpty { Self.write(s.text) }
        }
    }

    /// Whether the backfill reached its target (the line is gone; logs take over).
    var isDone: Bool { state.withLock { $0.done } }

    /// Updates the line after a committed range (at most 4 redraws a second; always on the last block).
    func committed(_ range: CommittedRange, target: UInt64) {
        state.withLock { s in
            guard !s.done else { return }
            let now = ContinuousClock.now
            if s.startBlock == nil { s.startBlock = range.range.lowerBound; s.startTime = now }
            s.logs += range.logCount
            let done = range.cursor.blockNumber >= target
            guard done || s.lastDraw.duration(to: now) >= .milliseconds(250) else { return }
            s.lastDraw = now
            let elapsed = max(0.001, Double(s.startTime.duration(to: now).components.seconds) + Double(s.startTime.duration(to: now).components.attoseconds) / 1e18)
            let blocks = Double(range.cursor.blockNumber - (s.startBlock ?? range.range.lowerBound) + 1)
            let blockRate = blocks / elapsed
            let remaining = target > range.cursor.blockNumber ? Double(target - range.cursor.blockNumber) : 0
            let eta = blockRate > 0 ? Int(remaining / blockRate) : 0
            let total = Double(target - (s.startBlock ?? 0) + 1)
            let percent = total > 0 ? min(100, 100 * blocks / total) : 100
            var text = "block \(range.cursor.blockNumber) / \(target) (\(String(format: "%.1f", percent)) %)"
            if elapsed >= 0.5 {  // rates over a shorter time say nothing
                text += " · \(Int(blockRate)) blocks/s · \(Int(Double(s.logs) / elapsed)) logs/s · ETA \(eta / 60):\(String(format: "%02d", eta % 60))"
            }
            Self.write("\r\u{1B}[K" + text)
            s.text = done ? "" : text
            if done {
                Self.write("\n")
                s.done = true
            }
        }
    }

    /// Removes the line (at the end of a run).
    func finish() {
        state.withLock { s in
            if !s.text.isEmpty { Self.write("\r\u{1B}[K") }
            s.text = ""
        }
    }

    private static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
