import EthereumKit
import HTTPServer
import Kalypso
import Mirror

/// One stored Kalypso event of a transaction: where it is, what it decoded to (with the sync's enrichment) and the
/// raw log when the sync kept it.
enum TransactionEventJSON {
    static let name = "TransactionEvent"
    static let schema = JSONSchema.object([
        ("block", Atom.blockNumber),
        ("blockHash", Atom.hash),
        ("transactionIndex", Atom.count),
        ("logIndex", Atom.count),
        ("emitter", Atom.names(KalypsoContract.self, "the emitting Kalypso contract")),
        ("event", JSONSchema.string(description: "the event name as declared in the contract, e.g. RegisteredGenerator")),
        ("fields", JSONSchema.map(.any, description: "the decoded parameters by declared name (uint256 as decimal strings, addresses, hashes and bytes as lowercase 0x-hex, bytes longer than 64 abbreviated) and, under `enrichment`, what the sync added from calldata or a pinned eth_call")),
        ("enrichment", Atom.orNull(.string(), "where the enrichment came from (calldata, eth_call at a block hash, unavailable (…)); null if the event needs none")),
        ("topics", Atom.orNull(.array(Atom.hash), "the raw log's topics (topic0 first); null when the sync did not keep the raw log")),
        ("data", Atom.orNull(Atom.bytes, "the raw log's data; null when the sync did not keep the raw log")),
    ], description: "A Kalypso event the mirror stored, as decoded and enriched, with its raw log")

    static func write(_ e: StoredEvent, to w: inout JSONWriter) throws {
        let p = e.position
        // `fieldsJSON` is the reader's own JSON object text; anything else means a damaged row, never written as is.
        guard let open = e.fieldsJSON.utf8.first(where: { !Self.isSpace($0) }), open == UInt8(ascii: "{"),
              let close = e.fieldsJSON.utf8.last(where: { !Self.isSpace($0) }), close == UInt8(ascii: "}") else {
            throw HTTPError(.internalError, "the stored fields of the event at block \(p.blockNumber) log \(p.logIndex) are not a JSON object; rebuild the database with a fresh sync")
        }
        w.object { w in
            w.field("block", p.blockNumber)
            w.field("blockHash", p.blockHash)
            w.field("transactionIndex", p.transactionIndex)
            w.field("logIndex", p.logIndex)
            w.field("emitter", e.emitter)
            w.field("event", e.eventName)
            w.key("fields"); w.raw(e.fieldsJSON)
            w.field("enrichment", e.enrichment)
            w.key("topics")
            if let topics = e.topics { w.array { w in for t in topics { w.value(t) } } } else { w.null() }
            w.field("data", bytes: e.data)
        }
    }

    private static func isSpace(_ b: UInt8) -> Bool {
        b == UInt8(ascii: " ") || b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") || b == UInt8(ascii: "\t")
    }
}
