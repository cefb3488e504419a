import EthereumKit
import Foundation
import HTTPServer
import Mirror

/// When `/readyz` answers 200: the mirror has committed a block, knows the chain head, is at most `maxLagBlocks`
/// behind it, and the head was recorded recently (a sync that stopped leaves a stale head, and the data with it).
public struct ReadinessPolicy: Sendable, Hashable {
    /// The most blocks the synced block may trail the head: the sync's confirmations plus a margin for polling.
    public var maxLagBlocks: UInt64
    /// The oldest a recorded head may be, in seconds; nil does not check (a database nobody syncs any more).
    public var maxHeadAgeSeconds: UInt64?

    /// The default margin over the sync's confirmations: one poll may find up to this many new blocks.
    public static let defaultMargin: UInt64 = 3

    /// A policy; the defaults suit the default 2 confirmations and a sync that polls every few seconds.
    public init(maxLagBlocks: UInt64 = 2 + defaultMargin, maxHeadAgeSeconds: UInt64? = 60) {
        self.maxLagBlocks = maxLagBlocks
        self.maxHeadAgeSeconds = maxHeadAgeSeconds
    }

    /// Whether `status` is current enough to serve, at wall-clock time `now`.
    public func evaluate(_ status: MirrorStatus, now: Date) -> HTTPServer.Readiness {
        guard let synced = status.synced else {
            return .notReady("the mirror has not committed any block yet; run `kalypso-mirror sync` on this database")
        }
        guard let head = status.head else {
            return .notReady("the chain head is unknown: the sync has not recorded one yet (synced block \(synced.blockNumber))")
        }
        let lag = status.lag ?? 0
        if lag > maxLagBlocks {
            return .notReady("catching up: \(lag) blocks behind the head (head \(head), synced \(synced.blockNumber)); ready at ≤ \(maxLagBlocks)")
        }
        if let maxAge = maxHeadAgeSeconds, let text = status.headRecordedAt {
            guard let recorded = try? Date(text, strategy: .iso8601) else {
                return .notReady("the recorded head time \(JSONWriter.quoted(text)) is not an ISO-8601 time")
            }
            let age = now.timeIntervalSince(recorded)
            if age > Double(maxAge) {
                return .notReady("the chain head was last recorded \(Int(age)) s ago (at \(text)); is the sync running? Ready again once it records a head within \(maxAge) s")
            }
        }
        return .ready
    }
}

/// `/v1/status`: where the mirror is, what it has met, and whether it is ready.
enum StatusJSON {
    static let name = "Status"
    static let reorgName = "ReorgRecord"
    static let reorgSchema = JSONSchema.object([
        ("fromBlock", Atom.blockNumber.described("the cursor before the rewind")),
        ("toBlock", Atom.blockNumber.described("the fork point it rewound to")),
        ("depth", Atom.count.described("blocks undone")),
        ("reason", JSONSchema.string()),
        ("at", Atom.timestamp),
    ], description: "The last rewind")

    static let schema = JSONSchema.object([
        ("head", Atom.orNull(Atom.blockNumber, "the node's latest block as last recorded by the sync")),
        ("headRecordedAt", Atom.orNull(Atom.timestamp, "when the head was recorded")),
        ("synced", Atom.orNull(.ref(BlockJSON.name), "the synced block and hash (the cursor)")),
        ("lag", Atom.orNull(Atom.count, "head − synced, in blocks")),
        ("clock", Atom.uint256.described("the G1 clock derived values are computed at")),
        ("reorgsSeen", Atom.count.described("rewinds since the database was created")),
        ("lastReorg", Atom.orNull(.ref(reorgName), "the last rewind")),
        ("undoFloor", Atom.orNull(Atom.blockNumber, "the lowest block a rewind can still return to")),
        ("quarantinedLogs", Atom.count.described("logs with a known topic0 that failed to decode (stored with the error)")),
        ("unknownLogs", Atom.count.described("logs with a topic0 the ABI does not know")),
        ("unknownTopics", JSONSchema.array(.object([
            ("topic0", Atom.orNull(Atom.hash, "null for logs without topics")),
            ("count", Atom.count),
            ("otherGeneration", Atom.orNull(.string(), "the event of another contract generation with this topic0: an alert")),
        ]), description: "unknown logs by topic0, most frequent first")),
        ("issues", JSONSchema.map(Atom.count, description: "inconsistencies the reducer reported, by severity (info, warning, alert)")),
        ("signatureMismatches", Atom.count.described("signature checks whose recovered address differs from the expected one")),
        ("generators", Atom.count),
        ("markets", Atom.count),
        ("startedAt", Atom.orNull(Atom.timestamp, "when the current writer opened the store")),
        ("ready", JSONSchema.boolean(description: "what /readyz answers: caught up with the head")),
        ("notReadyReason", Atom.orNull(.string(), "why not, when not ready")),
    ], description: "The mirror's sync status")

    static func write(_ s: MirrorStatus, readiness: HTTPServer.Readiness, to w: inout JSONWriter) {
        w.object { w in
            w.field("head", s.head)
            w.field("headRecordedAt", s.headRecordedAt)
            w.key("synced")
            if let c = s.synced { BlockJSON.write(c, to: &w) } else { w.null() }
            w.field("lag", s.lag)
            w.field("clock", s.clock)
            w.field("reorgsSeen", s.reorgsSeen)
            w.key("lastReorg")
            if let r = s.lastReorg {
                w.object { w in
                    w.field("fromBlock", r.fromBlock)
                    w.field("toBlock", r.toBlock)
                    w.field("depth", r.depth)
                    w.field("reason", r.reason)
                    w.field("at", r.at)
                }
            } else {
                w.null()
            }
            w.field("undoFloor", s.undoFloor)
            w.field("quarantinedLogs", s.quarantinedCount)
            w.field("unknownLogs", s.unknownCount)
            w.field("unknownTopics", array: { w in
                for t in s.unknownTopics {
                    w.object { w in
                        w.field("topic0", t.topic0)
                        w.field("count", t.count)
                        w.field("otherGeneration", t.otherGeneration)
                    }
                }
            })
            w.field("issues", object: { w in for (k, v) in s.issuesBySeverity.sorted(by: { $0.key < $1.key }) { w.field(k, v) } })
            w.field("signatureMismatches", s.signatureMismatches)
            w.field("generators", s.generatorCount)
            w.field("markets", s.marketCount)
            w.field("startedAt", s.startedAt)
            switch readiness {
            case .ready:
                w.field("ready", true)
                w.fieldNull("notReadyReason")
            case .notReady(let reason):
                w.field("ready", false)
                w.field("notReadyReason", reason)
            }
        }
    }
}
