import EthereumKit
import JSONRPC
import Kalypso
import Mirror

/// `kalypso-mirror history tx|checks`: the mirrored history behind the state — a transaction's events as decoded and
/// enriched (with the raw log), and the signature checks the sync recorded.
enum HistoryCommand: CLICommand {
    static let name = "history"
    static let summary = "A transaction's mirrored events, or the recorded signature checks (--json)"
    static var help: String {
        """
        Usage:
          kalypso-mirror history tx HASH [--json]
          kalypso-mirror history checks [--kind admin|enclave|matchingEngine] [--mismatches] [--expected ADDRESS]
                                        [--limit N] [--cursor C] [--json]

        tx: every Kalypso event the mirror stored for the transaction, in log order: the decoded fields with the
        enrichment (calldata, or eth_call pinned to the block hash), where the enrichment came from, and the raw log
        (topics and data).
        checks: the signatures the sync verified with libsecp256k1, oldest first — admin (the sender recovered from each
        registry and marketplace transaction, against the generator it acted for), enclave (joinMarketplace /
        updateEncryptionKey proofs) and matchingEngine (relayBatchAssignTasks batch signatures) — with what was
        expected, what was recovered and a note. --mismatches lists only those that did not match; --expected only
        the checks expecting that address (a generator's admin checks). Pages of --limit (default 50, at most 1000);
        --cursor continues from nextCursor.

        \(MirrorOptions.helpText)
        """
    }
    static var handlesOwnHelp: Bool { true }

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        guard let sub = try QuerySupport.subcommand(&arguments, of: "history", help: help, choices: "tx or checks") else { return 0 }
        let json = arguments.flag("--json")
        switch sub {
        case "tx": return try transaction(&arguments, json: json)
        case "checks": return try checks(&arguments, json: json)
        default: throw CLIError.usage("unknown history subcommand '\(sub)'; see 'kalypso-mirror history --help'")
        }
    }

    private static func transaction(_ arguments: inout Arguments, json: Bool) throws -> Int32 {
        let text = try arguments.requiredPositional("transaction hash")
        guard let hash = try? Hash32(hex: text) else { throw CLIError.usage("'\(text)' is not a transaction hash (0x and 64 hex digits)") }
        let (reader, _) = try QuerySupport.reader(&arguments)
        try arguments.finish()
        let snapshot = try reader.events(transaction: hash)
        let events = snapshot.value
        guard !events.isEmpty else {
            throw CLIError.failure("the mirror has no Kalypso event of transaction \(hash) at \(QuerySupport.checkpointText(snapshot.checkpoint)) (not a Kalypso transaction, not synced yet, or reorganised away)")
        }
        if json {
            Console.out(MirrorJSON.document(snapshot.checkpoint, [("transaction", MirrorJSON.h(hash)), ("events", .array(events.map(event)))]))
            return 0
        }
        Console.out("transaction \(hash) at \(QuerySupport.checkpointText(snapshot.checkpoint))")
        for e in events {
            let p = e.position
            Console.out("  log \(p.logIndex) in block \(p.blockNumber) (tx index \(p.transactionIndex)): \(e.emitter.rawValue) \(e.eventName)\(e.enrichment.map { " · enriched from \($0)" } ?? "")")
            Console.out("    \(e.fieldsJSON)")
            if let topics = e.topics, let data = e.data {
                Console.out("    raw: topics \(topics.map(\.description).joined(separator: " ")) data \(Hex.encode(data))")
            }
        }
        return 0
    }

    private static func checks(_ arguments: inout Arguments, json: Bool) throws -> Int32 {
        var query = SignatureCheckQuery()
        if let k = try arguments.option("--kind") {
            guard let kind = SignatureCheck.Kind(rawValue: k) else {
                throw CLIError.usage("--kind \(k) is not one of \(SignatureCheck.Kind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            query.kind = kind
        }
        query.mismatchesOnly = arguments.flag("--mismatches")
        if let e = try arguments.option("--expected") {
            guard let address = try? Address(e) else { throw CLIError.usage("--expected '\(e)' is not an address (0x and 40 hex digits)") }
            query.expected = address
        }
        query.limit = try QuerySupport.limit(&arguments)
        query.cursor = try arguments.option("--cursor")
        let (reader, _) = try QuerySupport.reader(&arguments)
        try arguments.finish()
        let page = try reader.signatureChecks(query)
        if json {
            Console.out(MirrorJSON.document(page.checkpoint, [("checks", .array(page.value.items.map(MirrorJSON.signatureCheck))),
                                                              ("nextCursor", MirrorJSON.s(page.value.nextCursor))]))
            return 0
        }
        Console.out("signature checks at \(QuerySupport.checkpointText(page.checkpoint))\(page.value.items.isEmpty ? ": none" : "")")
        for c in page.value.items {
            let verdict = c.matches ? "matches" : "MISMATCH"
            Console.out("block \(c.position.blockNumber) tx \(c.position.transactionHash)  \(c.kind.rawValue)  \(verdict)  expected \(c.expected?.checksummed ?? "unknown")  recovered \(c.recovered?.checksummed ?? "nothing")  — \(c.note)")
        }
        if let next = page.value.nextCursor { Console.out("more: --cursor \(next)") }
        return 0
    }

    /// One stored event: position, emitter, name, the decoded fields (an object), the enrichment source, the raw log.
    private static func event(_ e: StoredEvent) -> JSONValue {
        let p = e.position
        let fields = (try? JSONValue.parse(Array(e.fieldsJSON.utf8))) ?? .string(e.fieldsJSON)
        return .object([("block", MirrorJSON.n(p.blockNumber)), ("blockHash", MirrorJSON.h(p.blockHash)),
                        ("transactionIndex", MirrorJSON.n(p.transactionIndex)), ("logIndex", MirrorJSON.n(p.logIndex)),
                        ("emitter", .string(e.emitter.rawValue)), ("event", .string(e.eventName)), ("fields", fields),
                        ("enrichment", MirrorJSON.s(e.enrichment)),
                        ("topics", e.topics.map { .array($0.map(MirrorJSON.h)) } ?? .null), ("data", MirrorJSON.b(e.data))])
    }
}
