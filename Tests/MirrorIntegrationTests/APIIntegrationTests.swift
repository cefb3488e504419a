import API
import EthereumKit
import Foundation
import HTTPTestSupport
import JSONRPC
import Kalypso
import Mirror
import Synchronization
import Telemetry
import Testing

/// The HTTP API on the synced scenario chain (issue 7): every route's content against the contract getters, called
/// with `eth_call` pinned to the block hash the answer names; every answer validated against `/openapi.json`; and
/// `sync --serve` answering while it follows the devnode.
extension MirrorIntegrationTests {
    /// A getter call and how to compare its outputs with an answer.
    struct GetterCheck {
        var call: PinnedCall
        var function: ABIFunction
        var what: String
        var compare: ([ABIValue]) -> [String]
    }

    /// A stats object with state names lowercased and zero counts left out, as text (for comparing API and CLI).
    static func normalisedStats(_ stats: [String: Any]) -> String {
        var out: [String: Any] = [:]
        for (key, value) in stats {
            if let counts = value as? [String: Any], key.hasSuffix("ByState") || key.hasSuffix("ByOutcome") {
                var kept: [String: Any] = [:]
                for (name, n) in counts where (n as? Int) != 0 { kept[name.lowercased()] = n }
                out[key] = kept
            } else {
                out[key] = value
            }
        }
        let data = (try? JSONSerialization.data(withJSONObject: out, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func uintText(_ v: ABIValue) -> String { v.uintValue.map { "\($0)" } ?? "\(v)" }
    static func addressText(_ v: ABIValue) -> String { v.addressValue.map { "\($0)" } ?? "\(v)" }

    @Test func apiAnswersEqualTheContractGettersAtTheBlockTheyName() async throws {
        let chain = try await ScenarioChain.shared.get()
        let dir = try Project.temporaryDirectory("api")
        try await using(try await ScenarioChain.shared.restore(in: dir)) { devnode in
            var configuration = APIService.Configuration()
            configuration.readiness.maxHeadAgeSeconds = nil  // the clean sync ran a while ago; its head is the cursor
            let service = try APIService.open(database: .sqlite(path: chain.cleanDatabase.path), configuration: configuration,
                                              metrics: MetricsRegistry(), logger: .disabled)
            defer { service.shutdown() }
            let recorder = ResponseRecorder()
            func get(_ target: String) throws -> JSONObject {
                let response = try fetch(service.port, target)
                recorder.record(method: "GET", target: target, response)
                guard response.status == 200 else { throw TestClientError("GET \(target) → \(response.status): \(response.text)") }
                return try JSONObject(response)
            }
            func block(_ json: JSONObject) throws -> Checkpoint {
                let b = try json.object("block")
                return Checkpoint(blockNumber: UInt64(try b.int("number")), blockHash: try Hash32(hex: try b.string("hash")))
            }

            let cursor = try #require(chain.cleanSnapshot.cursor)
            let status = try get("/v1/status")
            #expect(try block(status) == cursor)
            let abis = try KalypsoABIs.embedded()
            let d = try deployment(devnode)
            var checks: [GetterCheck] = []
            func add(_ contract: KalypsoContract, _ signature: String, _ args: [ABIValue], _ what: String,
                     _ compare: @escaping ([ABIValue]) -> [String]) throws {
                let f = try abis.function(signature, in: contract)
                let to = contract == .generatorRegistry ? d.generatorRegistry : contract == .proofMarketplace ? d.proofMarketplace : d.entityKeyRegistry
                checks.append(GetterCheck(call: PinnedCall(to: to, data: try f.encodeCall(args), blockHash: cursor.blockHash),
                                          function: f, what: what, compare: compare))
            }
            func same(_ what: String, _ api: String?, _ chain: String) -> [String] {
                api == chain ? [] : ["\(what): API \(api ?? "null"), chain \(chain)"]
            }

            // Generators (every page) and their listings.
            var generators: [JSONObject] = []
            var cursorText: String?
            repeat {
                let page = try get("/v1/generators?limit=7" + (cursorText.map { "&cursor=\($0)" } ?? ""))
                #expect(try block(page) == cursor)
                generators += try page.array("generators")
                cursorText = try page.optionalString("nextCursor")
            } while cursorText != nil
            #expect(generators.count > 3, "the scenario registers generators")
            for summary in generators {
                let address = try Address(try summary.string("address"))
                let detail = try get("/v1/generators/\(address)")
                #expect(try block(detail) == cursor)
                let g = try detail.object("generator")
                let fields = ["rewardAddress", "totalStake", "sumOfComputeAllocations", "computeConsumed", "stakeLocked",
                              "activeMarketplaces", "declaredCompute", "intendedStakeUtilization", "intendedComputeUtilization"]
                let values = try fields.map { try g.optionalString($0) }
                let data = try g.optionalString("generatorData")
                try add(.generatorRegistry, "generatorRegistry(address)", [.address(address)], "generator \(address)") { v in
                    var out = same("rewardAddress", values[0], Self.addressText(v[0]))
                    for (i, name) in fields.enumerated().dropFirst() { out += same(name, values[i], Self.uintText(v[i])) }
                    out += same("generatorData", data, Hex.encode(v[9].bytesValue ?? []))
                    return out
                }
                for listing in try g.array("markets") {
                    let market = try #require(UInt256(decimal: try listing.string("marketId")))
                    let what = "listing (\(address), \(market))"
                    let stored = try listing.string("storedState"), cpr = try listing.string("computePerRequestRequired")
                    let cost = try listing.optionalString("proofGenerationCost"), time = try listing.optionalString("proposedTime")
                    let active = try listing.string("activeRequests")
                    try add(.generatorRegistry, "generatorInfoPerMarket(address,uint256)", [.address(address), .uint(market)], what) { v in
                        let state = v[0].uint64Value.flatMap { GeneratorState(rawValue: UInt8(truncatingIfNeeded: $0)) }?.apiName ?? "\(v[0])"
                        return same("state", stored, state) + same("computePerRequestRequired", cpr, Self.uintText(v[1]))
                            + same("proofGenerationCost", cost, Self.uintText(v[2])) + same("proposedTime", time, Self.uintText(v[3]))
                            + same("activeRequests", active, Self.uintText(v[4]))
                    }
                    let derived = try listing.optionalString("state"), idle = try listing.string("idleCapacity")
                    try add(.generatorRegistry, "getGeneratorState(address,uint256)", [.address(address), .uint(market)], what) { v in
                        let state = v[0].uint64Value.flatMap { GeneratorState(rawValue: UInt8(truncatingIfNeeded: $0)) }?.apiName ?? "\(v[0])"
                        return same("getGeneratorState", derived, state) + same("idleCapacity", idle, Self.uintText(v[1]))
                    }
                }
                // The recovered admin signature check: the scenario's registrations are genuine.
                if let check = try g.optionalObject("adminSignatureCheck") {
                    #expect(try check.bool("matches"), "generator \(address): \(check)")
                    #expect(try Address(try check.string("expected")) == address)
                }
                // The listings route says the same as the detail.
                let markets = try get("/v1/generators/\(address)/markets")
                #expect(try markets.array("markets").map(\.description) == (try g.array("markets")).map(\.description))
            }

            // Markets: count, fields, their generators (keys) and stats routes answer.
            let markets = try get("/v1/markets?limit=1000").array("markets")
            try add(.proofMarketplace, "marketCounter()", [], "markets") { v in same("marketCounter", "\(markets.count)", Self.uintText(v[0])) }
            for m in markets {
                let id = try #require(UInt256(decimal: try m.string("id")))
                let one = try get("/v1/markets/\(id)")
                #expect(try one.object("market").description == m.description)
                if let data = try m.optionalObject("data") {
                    let verifier = try data.string("verifier"), penalty = try data.string("slashingPenalty")
                    let activation = try data.string("activationBlock"), creator = try data.string("creator")
                    let image = try data.string("proverImageId"), metadata = try data.string("metadata")
                    try add(.proofMarketplace, "marketData(uint256)", [.uint(id)], "market \(id)") { v in
                        same("verifier", verifier, Self.addressText(v[0])) + same("proverImageId", image, Hex.encode(v[1].fixedBytesValue ?? []))
                            + same("slashingPenalty", penalty, Self.uintText(v[2])) + same("activationBlock", activation, Self.uintText(v[3]))
                            + same("creator", creator, Self.addressText(v[5])) + same("metadata", metadata, Hex.encode(v[6].bytesValue ?? []))
                    }
                }
                for entry in try get("/v1/markets/\(id)/generators").array("generators") {
                    let owner = try Address(try entry.object("listing").string("generator"))
                    let usable = try entry.bool("hasUsableKey")
                    try add(.entityKeyRegistry, "pub_key(address,uint256)", [.address(owner), .uint(id)], "key (\(owner), \(id))") { v in
                        same("hasUsableKey", "\(usable)", "\((v[0].bytesValue ?? []).count == 64)")
                    }
                }
                _ = try get("/v1/markets/\(id)/generators?filter=eligible")
                // The stats route says what `markets stats` says (the CLI spells states as the contract does and
                // leaves out zero counts; the API lists every state).
                let stats = try get("/v1/markets/\(id)/stats")
                #expect(try block(stats) == cursor)
                let cli = try await MirrorCLI.run(["markets", "stats", "\(id)", "--json", "--db", chain.cleanDatabase.path], in: dir, label: "stats")
                #expect(cli.status == 0, "\(cli.stderr)")
                let cliStats = try #require(try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [String: Any])["stats"]
                let apiStats = try stats.object("stats")
                #expect(Self.normalisedStats(apiStats.members) == Self.normalisedStats(cliStats as? [String: Any] ?? [:]),
                        "market \(id): API \(apiStats), CLI \(cli.stdout)")
            }

            // Asks: count, body, derived state at the synced block.
            let askCount = try #require(chain.cleanSnapshot.state.asks.count as Int?)
            #expect(askCount > 3)
            try add(.proofMarketplace, "askCounter()", [], "asks") { v in same("askCounter", "\(askCount)", Self.uintText(v[0])) }
            for id in 0..<askCount {
                let ask = try get("/v1/asks/\(id)").object("ask")
                let state = try ask.optionalString("state"), generator = try ask.optionalString("generator")
                try add(.proofMarketplace, "getAskState(uint256)", [.uint(UInt256(UInt64(id)))], "ask \(id)") { v in
                    let chainState = v[0].uint64Value.flatMap { AskState(rawValue: UInt8(truncatingIfNeeded: $0)) }?.apiName ?? "\(v[0])"
                    return same("getAskState", state, chainState)
                }
                if let body = try ask.optionalObject("body") {
                    let reward = try body.string("reward"), expiry = try body.string("expiry"), deadline = try body.string("deadline")
                    try add(.proofMarketplace, "listOfAsk(uint256)", [.uint(UInt256(UInt64(id)))], "ask \(id)") { v in
                        guard case .tuple(let t) = v[0], t.count == 7 else { return ["listOfAsk: unexpected output \(v)"] }
                        return same("reward", reward, Self.uintText(t[1])) + same("expiry", expiry, Self.uintText(t[2]))
                            + same("deadline", deadline, Self.uintText(t[4]))
                            + same("generator", generator ?? Address.zero.description, Self.addressText(v[3]))
                    }
                }
            }

            // The getters, pinned to the block hash the answers named.
            let results = try await MirrorRuntime.callBatch(devnode.client)(checks.map(\.call))
            var mismatches: [String] = []
            for (check, result) in zip(checks, results) {
                switch result {
                case .success(let bytes): mismatches += check.compare(try check.function.decodeOutput(bytes)).map { "\(check.what) \($0)" }
                case .failure(let error): mismatches.append("\(check.what): \(check.function.signature) failed: \(error)")
                }
            }
            #expect(mismatches == [], "\(mismatches.prefix(20))")
            #expect(checks.count > 50, "checked \(checks.count) getters")
            print("api: \(checks.count) getter calls at block \(cursor.blockNumber) checked \(generators.count) generators, \(markets.count) markets, \(askCount) asks: \(mismatches.count) mismatches")

            // The history behind the state: the signature checks the sync recorded and, for the first transactions
            // checked, the events stored for them (each check's transaction emitted at least one Kalypso event).
            let recordedChecks = try get("/v1/signature-checks?limit=20").array("signatureChecks")
            #expect(!recordedChecks.isEmpty, "the scenario's transactions were checked")
            _ = try get("/v1/signature-checks?kind=admin&mismatches=false&limit=5")
            for check in recordedChecks.prefix(10) {
                let transaction = try check.string("transactionHash")
                let events = try get("/v1/transactions/\(transaction)/events").array("events")
                #expect(!events.isEmpty, "\(transaction)")
            }

            for target in ["/healthz", "/readyz", "/metrics", "/openapi.json", "/v1/generators?state=joined"] {
                let response = try fetch(service.port, target)
                recorder.record(method: "GET", target: target, response)
                #expect(response.status == 200, "\(target): \(response.text.prefix(300))")
            }
            let (code, output) = try OpenAPIValidation.validate(port: service.port, recorder: recorder, directory: dir.path)
            #expect(code == 0, "\(output)")
        }
    }
}

extension MirrorIntegrationTests {
    /// `sync --serve` following a devnode while a scenario drives it: the API answers throughout, every answer names
    /// a block of the chain (number and hash as the node has them) and the blocks never go back; once the scenario
    /// ends the API catches up, `/readyz` answers 200, and `/metrics` carries the sync's, the RPC client's, the
    /// database's and the HTTP server's families. SIGTERM stops sync and server cleanly. On each backend: with
    /// PostgreSQL the API reads the server's snapshots while the same process writes.
    @Test(arguments: Backend.available)
    func syncServeAnswersWhileItFollowsTheChain(_ backend: Backend) async throws {
        let dir = try Project.temporaryDirectory("sync-serve-\(backend)")
        try await using(try await Devnode(directory: dir)) { devnode in
            try await withDatabase(backend, in: dir, name: "served") { db in
                let follower = try MirrorCLI.spawn(["sync", "--serve", "--listen", "127.0.0.1:0", "--threads", "2"]
                                                   + devnodeArguments(devnode, db: db, extra: ["--poll-interval", "50ms"]),
                                                   in: dir, label: "sync-serve")
                var port: UInt16?
                try await waitUntil("sync --serve prints its address") {
                    let first = follower.stdout.split(separator: "\n").first.map(String.init) ?? ""
                    port = first.hasPrefix("listening http://127.0.0.1:") ? first.split(separator: ":").last.flatMap { UInt16($0) } : nil
                    return port != nil || !follower.isRunning
                }
                let api = try #require(port, "sync --serve: \(follower.stderr.suffix(2000))")

                let flag = DoneFlag()
                let scenario = Task { () async throws -> Void in
                    defer { flag.set() }
                    _ = try await devnode.scenario(seed: 4, ops: 60)
                }
                var lastBlock: UInt64 = 0
                var answers = 0
                var hashes: [UInt64: Hash32] = [:]
                while true {
                    let done = flag.isSet
                    for target in ["/v1/status", "/v1/generators?limit=1000", "/v1/markets"] {
                        let response = try fetch(api, target)
                        if response.status == 503 { continue }  // nothing committed yet
                        #expect(response.status == 200, "\(target): \(response.text.prefix(500))")
                        let json = try JSONObject(response)
                        if json.isNull("block") { continue }  // /v1/status before the first commit
                        let b = try json.object("block")
                        let number = UInt64(try b.int("number")), hash = try Hash32(hex: try b.string("hash"))
                        #expect(number >= lastBlock, "\(target) went back from block \(lastBlock) to \(number)")
                        lastBlock = number
                        hashes[number] = hash
                        answers += 1
                    }
                    if done { break }
                    try await Task.sleep(for: .milliseconds(20))
                }
                try await scenario.value
                #expect(answers > 0)
                print("sync --serve (\(backend)): \(answers) answers while following, \(hashes.count) distinct blocks named")
                // Every block an answer named is the node's block (the devnode does not reorganise here).
                for (number, hash) in hashes { #expect(try await devnode.blockHash(number) == hash, "block \(number)") }

                let head = try await devnode.head()
                try await waitUntil("the API serves the head") {
                    guard let status = try? JSONObject(try fetch(api, "/v1/status")), let b = try? status.object("block") else { return false }
                    return (try? b.int("number")) == Int(head)
                }
                try await waitUntil("/readyz answers 200") { (try? fetch(api, "/readyz").status) == 200 }
                let metrics = try fetch(api, "/metrics").text
                // The series issue 7 lists: synced block, head, lag, reorgs, RPC latency histogram and errors by kind, logs
                // processed, quarantined, HTTP requests by route and status.
                for family in ["jsonrpc_request_duration_seconds_bucket", "# TYPE jsonrpc_errors_total counter", "mirror_logs_processed_total",
                               "mirror_synced_block", "\(StoreMetrics.synced) \(head)", "\(StoreMetrics.head) \(head)",
                               "\(StoreMetrics.lag) 0\n", "\(StoreMetrics.reorgs) 0\n", "\(StoreMetrics.quarantined) ",
                               "# TYPE mirror_logs_quarantined_total counter", "\(StoreMetrics.ready) 1",
                               #"http_requests_total{route="/v1/status",status="200"}"#] {
                    #expect(metrics.contains(family), "\(family) in /metrics")
                }
                follower.send(SIGTERM)
                #expect(await follower.wait() == 0, "\(follower.stderr.suffix(3000))")
                #expect(throws: (any Error).self) { try fetch(api, "/healthz") }
                #expect(MirrorSnapshot.cursor(db)?.blockNumber == head)
            }
        }
    }
}

/// A flag set once by one task and read by another.
final class DoneFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
