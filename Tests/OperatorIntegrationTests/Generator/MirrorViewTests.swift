import EthereumKit
import Foundation
import Kalypso
import Operator
import Testing

extension OperatorIntegrationTests {
    /// After the generator commands, the mirror shows the new state: `sync --once` into a fresh SQLite file, then the
    /// mirror's own queries (`generators show`, `markets show`) agree with the contract getters, and `verify` finds no
    /// field that differs for any generator the whole suite created.
    @Suite struct MirrorViewTests {
        struct Mirror {
            let world: TestWorld
            let db: String

            func sync() throws {
                let run = try world.cli(["sync", "--once", "--network", "devnode", "--no-progress", "--db", db, "--log-level", "warning"])
                #expect(run.status == 0, "sync --once failed: \(run.stderr)")
            }

            func generator(_ address: Address) throws -> [String: Any] {
                let run = try world.cli(["generators", "show", address.checksummed, "--json", "--db", db], connect: false)
                #expect(run.status == 0, "generators show failed: \(run.stderr)")
                return run.json["generator"] as? [String: Any] ?? [:]
            }
        }

        @Test func mirrorFollowsEveryStep() async throws {
            let w = try TestWorld.get()
            let key = try await w.account("mirror-view")
            let mirror = Mirror(world: w, db: w.node.path("mirror-view.sqlite"))
            let me = key.address

            try LifecycleTests.register(key, compute: 8, stake: "100")
            let reward = Address(hi: 0, mid: 0, lo: 0xAB1E)
            #expect(try w.cli(["generator", "change-reward-address", "--reward-address", reward.checksummed], key: key).status == 0)
            #expect(try w.cli(["generator", "join-market", "--market", w.publicMarket.description, "--compute-per-proof", "2",
                               "--price", "0.5", "--max-proof-time", "50"], key: key).status == 0)
            #expect(try w.cli(["generator", "intend-reduce-stake", "--amount", "10"], key: key).status == 0)
            try mirror.sync()

            var shown = try mirror.generator(me)
            let chain = try await w.reader.generator(me)
            #expect(shown["address"] as? String == me.checksummed)
            #expect(shown["rewardAddress"] as? String == reward.checksummed)
            #expect(shown["totalStake"] as? String == chain.totalStake.description)
            #expect(shown["declaredCompute"] as? String == "8")
            #expect(shown["sumOfComputeAllocations"] as? String == chain.sumOfComputeAllocations.description)
            #expect(shown["intendedStakeUtilization"] as? String == chain.intendedStakeUtilization.description)
            #expect((shown["adminSignature"] as? [String: Any])?["matches"] as? Bool != false)
            let listings = shown["markets"] as? [[String: Any]] ?? []
            let row = try await w.reader.generatorMarket(me, market: w.publicMarket)
            #expect(listings.count == 1)
            #expect(listings.first?["marketId"] as? String == w.publicMarket.description)
            #expect(listings.first?["computePerRequestRequired"] as? String == row?.computePerRequestRequired.description)
            #expect(listings.first?["proofGenerationCost"] as? String == row?.proofGenerationCost.map { $0.description })
            #expect(listings.first?["proposedTime"] as? String == "50")

            // The history behind it: libsecp256k1 recovered this generator as the sender of each of its transactions,
            // and each transaction's events are stored as decoded and enriched.
            let checks = try w.cli(["history", "checks", "--expected", me.checksummed, "--kind", "admin", "--json", "--db", mirror.db], connect: false)
            #expect(checks.status == 0, "\(checks.stderr)")
            let list = checks.json["checks"] as? [[String: Any]] ?? []
            #expect(list.count >= 3, "register, change-reward-address, join-market, intend-reduce-stake: \(checks.stdout)")
            #expect(list.allSatisfy { $0["matches"] as? Bool == true && $0["recovered"] as? String == me.checksummed }, "\(checks.stdout)")
            var names: [String] = []
            for check in list {
                let tx = try w.cli(["history", "tx", check["transaction"] as? String ?? "?", "--json", "--db", mirror.db], connect: false)
                #expect(tx.status == 0, "\(tx.stderr)")
                let events = tx.json["events"] as? [[String: Any]] ?? []
                names += events.compactMap { $0["event"] as? String }
                #expect(events.allSatisfy { $0["fields"] is [String: Any] && $0["topics"] is [Any] }, "\(tx.stdout)")
            }
            #expect(names.contains("RegisteredGenerator") && names.contains("JoinedMarketplace"), "\(names)")
            let mismatches = try w.cli(["history", "checks", "--expected", me.checksummed, "--mismatches", "--json", "--db", mirror.db], connect: false)
            #expect((mismatches.json["checks"] as? [Any])?.isEmpty == true, "\(mismatches.stdout) \(mismatches.stderr)")
            let unknown = try w.cli(["history", "tx", Hash32.zero.description, "--db", mirror.db], connect: false)
            #expect(unknown.status == 1 && unknown.stderr.contains("no Kalypso event of transaction"), "\(unknown.stderr)")

            // The market lists the generator too.
            let market = try w.cli(["markets", "show", w.publicMarket.description, "--json", "--db", mirror.db], connect: false)
            #expect(market.status == 0, "\(market.stderr)")
            #expect(market.stdout.contains(me.checksummed))

            // `generator plan --db` takes the market's statistics from the mirror (no log scan): the same as `markets stats`.
            let plan = try w.cli(["generator", "plan", "--market", w.publicMarket.description, "--db", mirror.db, "--json"], key: key)
            #expect(plan.status == 0, "\(plan.stderr)")
            let fromMirror = plan.json["mirror"] as? [String: Any] ?? [:]
            let stats = try w.cli(["markets", "stats", w.publicMarket.description, "--json", "--db", mirror.db], connect: false)
            #expect(stats.status == 0, "\(stats.stderr)")
            #expect(plan.json["statistics"] is NSNull)
            #expect(((fromMirror["stats"] as? [String: Any])?["generatorsListed"] as? Int ?? 0) >= 1)
            #expect(NSDictionary(dictionary: fromMirror["stats"] as? [String: Any] ?? [:]) == NSDictionary(dictionary: stats.json["stats"] as? [String: Any] ?? ["missing": true]))
            let human = try w.cli(["generator", "plan", "--market", w.publicMarket.description, "--db", mirror.db], key: key)
            #expect(human.stdout.contains("generators (mirror at block "), "\(human.stdout)")

            // Leave and add compute: the next sync shows both, incrementally from the cursor.
            #expect(try w.cli(["generator", "leave-market", "--market", w.publicMarket.description], key: key).status == 0)
            #expect(try w.cli(["generator", "increase-compute", "--amount", "4"], key: key).status == 0)
            try mirror.sync()
            shown = try mirror.generator(me)
            #expect((shown["markets"] as? [[String: Any]])?.isEmpty == true)
            #expect(shown["declaredCompute"] as? String == "12")

            // Every generator and generator-market row the suite made so far, field by field against the getters.
            let verify = try w.cli(["verify", "--network", "devnode", "--db", mirror.db, "--log-level", "warning"])
            #expect(verify.status == 0, "verify found differences: \(verify.stdout) \(verify.stderr)")
        }
    }
}
