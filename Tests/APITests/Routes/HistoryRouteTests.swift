import API
import EthereumKit
import Foundation
import HTTPTestSupport
import JSONRPC
import Kalypso
import Mirror
import Testing

/// `/v1/transactions/{hash}/events` and `/v1/signature-checks` against the events and checks `MarketplaceChain` produced.
@Suite struct HistoryRouteTests {
    static func emitterName(_ c: KalypsoContract) -> String {
        switch c {
        case .generatorRegistry: "generator_registry"
        case .proofMarketplace: "proof_marketplace"
        case .entityKeyRegistry: "entity_key_registry"
        }
    }

    static func expectCheck(_ json: JSONObject, _ c: SignatureCheck) throws {
        #expect(try json.string("kind") == (c.kind == .matchingEngine ? "matching_engine" : c.kind.rawValue))
        #expect(try json.int("blockNumber") == Int(c.position.blockNumber))
        #expect(try json.string("blockHash") == c.position.blockHash.description)
        #expect(try json.string("transactionHash") == c.position.transactionHash.description)
        #expect(try json.int("transactionIndex") == Int(c.position.transactionIndex))
        #expect(try json.int("logIndex") == Int(c.position.logIndex))
        #expect(try json.optionalString("expected") == c.expected?.description)
        #expect(try json.optionalString("recovered") == c.recovered?.description)
        #expect(try json.bool("matches") == c.matches)
        #expect(try json.string("note") == c.note)
    }

    /// Each (target, code, phrase) answers 400 with that error code and a message containing the phrase.
    static func expectBadRequests(_ f: APIFixture, _ cases: [(String, String, String)]) throws {
        for (target, code, phrase) in cases {
            let response = try f.get(target)
            #expect(response.status == 400, "\(target): \(response.text)")
            let body = try JSONObject(response)
            #expect(try body.string("code") == code, "\(target): \(body)")
            #expect(try body.string("message").contains(phrase), "\(target): \(body)")
        }
    }

    @Test func everyTransactionListsItsEventsInLogOrder() throws {
        let f = try APIFixture("history-tx", ranges: 2)
        try f.commitRange(blocks: 30, raw: true)
        let byTransaction = Dictionary(grouping: f.chain.logs, by: \.position.transactionHash)
        #expect(byTransaction.count > 20)
        #expect(!f.chain.rawLogs.isEmpty)
        var withRaw = 0
        for (hash, logs) in byTransaction.sorted(by: { $0.key < $1.key }) {
            let json = try f.json("/v1/transactions/\(hash)/events")
            #expect(try json.block() == f.cursor)
            #expect(try json.string("transaction") == hash.description)
            let events = try json.array("events")
            let stored = try f.service.api.reader.events(transaction: hash).value
            #expect(events.count == logs.count)
            for ((event, log), row) in zip(zip(events, logs.sorted { $0.position < $1.position }), stored) {
                #expect(try event.int("block") == Int(log.position.blockNumber))
                #expect(try event.string("blockHash") == log.position.blockHash.description)
                #expect(try event.int("transactionIndex") == Int(log.position.transactionIndex))
                #expect(try event.int("logIndex") == Int(log.position.logIndex))
                #expect(try event.string("emitter") == Self.emitterName(log.emitter))
                #expect(try event.string("event") == log.event.name)
                #expect(try event.optionalString("enrichment") == row.enrichment)
                // `fields` is the stored object itself, not its text.
                let fields = try event.object("fields")
                let expected = try #require(try JSONSerialization.jsonObject(with: Data(row.fieldsJSON.utf8)) as? [String: Any])
                #expect(fields.description == JSONObject(expected).description)
                if case .registeredGenerator(let e) = log.event { #expect(try fields.string("generator") == e.generator.description) }
                if let raw = f.chain.rawLogs[log.position] {
                    #expect(try event.strings("topics") == raw.topics.map(\.description))
                    #expect(try event.string("data") == Hex.encode(raw.data))
                    withRaw += 1
                } else {
                    #expect(event.isNull("topics"))
                    #expect(event.isNull("data"))
                }
            }
        }
        #expect(withRaw == f.chain.rawLogs.count)
    }

    @Test func hashesAreAcceptedInAnyCaseAndBadOnesAre400() throws {
        let f = try APIFixture("history-tx-bad", ranges: 1, blocks: 10)
        let hash = try #require(f.chain.logs.first?.position.transactionHash)
        let lower = try f.json("/v1/transactions/\(hash)/events")
        let upper = try f.json("/v1/transactions/0x\(hash.description.dropFirst(2).uppercased())/events")
        #expect(lower.description == upper.description)
        let cases: [(String, String, String)] = [
            ("/v1/transactions/0x12/events", "invalid_parameter", "64 hex digits"),
            ("/v1/transactions/\(hash.description.dropFirst(2))/events", "invalid_parameter", "0x"),
            ("/v1/transactions/0x\(String(repeating: "zz", count: 32))/events", "invalid_parameter", "hex"),
            ("/v1/transactions/\(hash)/events?verbose=1", "unknown_parameter", "accepted: none"),
        ]
        try Self.expectBadRequests(f, cases)
    }

    @Test func aTransactionWithoutEventsIs404() throws {
        let f = try APIFixture("history-tx-404", ranges: 1, blocks: 10)
        let unknown = Hash32(w0: 0xdead, w1: 0, w2: 0, w3: 0xbeef)
        let response = try f.get("/v1/transactions/\(unknown)/events")
        #expect(response.status == 404)
        let body = try JSONObject(response)
        #expect(try body.string("code") == "not_found")
        #expect(try body.string("message").contains(unknown.description))
        #expect(try body.string("message").contains("synced block \(f.cursor.blockNumber), hash \(f.cursor.blockHash)"))
    }

    @Test func theChecksPageThroughEveryCheckInChainOrder() throws {
        let f = try APIFixture("history-checks")
        let checks = f.chain.checks
        #expect(checks.count > 10)
        var seen: [JSONObject] = []
        var cursor: String?
        var pages = 0
        repeat {
            let json = try f.json("/v1/signature-checks?limit=7" + (cursor.map { "&cursor=\($0)" } ?? ""))
            #expect(try json.block() == f.cursor)
            let items = try json.array("signatureChecks")
            #expect(items.count <= 7)
            seen += items
            cursor = try json.optionalString("nextCursor")
            pages += 1
        } while cursor != nil && pages < 1000
        #expect(seen.count == checks.count)
        for (json, check) in zip(seen, checks) { try Self.expectCheck(json, check) }
        #expect(pages == (checks.count + 6) / 7)
        // The default page is the first 50.
        let first = try f.json("/v1/signature-checks").array("signatureChecks")
        #expect(first.count == min(50, checks.count))
    }

    @Test func theChecksFilterByKindMismatchAndExpectedAddress() throws {
        let f = try APIFixture("history-checks-filter")
        let checks = f.chain.checks
        let mismatches = checks.filter { !$0.matches }
        #expect(!mismatches.isEmpty && mismatches.count < checks.count)
        for (query, expected) in [("mismatches=true", mismatches), ("mismatches=1", mismatches), ("mismatches=false", checks),
                                  ("kind=admin", checks.filter { $0.kind == .admin }), ("kind=enclave", []), ("kind=matching_engine", [])] {
            let items = try f.json("/v1/signature-checks?limit=1000&\(query)").array("signatureChecks")
            #expect(items.count == expected.count, "\(query)")
            for (json, check) in zip(items, expected) { try Self.expectCheck(json, check) }
        }
        let generator = try #require(f.chain.lastAdminCheck.keys.sorted().first)
        let mine = checks.filter { $0.expected == generator }
        for form in [generator.description, generator.checksummed] {
            let items = try f.json("/v1/signature-checks?limit=1000&expected=\(form)").array("signatureChecks")
            #expect(items.count == mine.count)
            for (json, check) in zip(items, mine) { try Self.expectCheck(json, check) }
        }
        let both = try f.json("/v1/signature-checks?limit=1000&kind=admin&mismatches=true&expected=\(generator)").array("signatureChecks")
        #expect(both.count == mine.filter { !$0.matches }.count)
    }

    @Test func badCheckParametersAre400() throws {
        let f = try APIFixture("history-checks-bad", ranges: 1, blocks: 10)
        let cases: [(String, String, String)] = [
            ("/v1/signature-checks?kind=matchingEngine", "invalid_parameter", "admin, enclave, matching_engine"),
            ("/v1/signature-checks?mismatches=yes", "invalid_parameter", "true or false"),
            ("/v1/signature-checks?expected=0x12", "invalid_parameter", "address"),
            ("/v1/signature-checks?limit=0", "invalid_parameter", "from 1 to 1000"),
            ("/v1/signature-checks?limit=1001", "invalid_parameter", "from 1 to 1000"),
            ("/v1/signature-checks?cursor=zzz", "invalid_parameter", "nextCursor"),
            ("/v1/signature-checks?cursor=g00", "invalid_parameter", "nextCursor"),
            ("/v1/signature-checks?mismatch=true", "unknown_parameter", "mismatch"),
        ]
        try Self.expectBadRequests(f, cases)
    }
}
