import Database
import EthereumKit
import Foundation
import JSONRPC
import Kalypso
import Mirror
import Telemetry

/// Opens the configured database read-only for a query command.
enum QuerySupport {
    /// `KEY count, KEY count, …` in the keys' order (`JOINED 2, WIP 1`); empty for no entries.
    static func counts<Key: RawRepresentable & CustomStringConvertible>(_ counts: [Key: Int]) -> String where Key.RawValue: Comparable {
        counts.sorted { $0.key.rawValue < $1.key.rawValue }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    static func reader(_ arguments: inout Arguments) throws -> (SQLMirrorReader, MirrorConfiguration) {
        let configuration = try MirrorOptions.load(&arguments, scope: .databaseOnly)
        do {
            let reader = try SQLMirrorReader.open(location: configuration.database,
                                                  logger: MirrorOptions.logger(configuration, label: "mirror.query"))
            return (reader, configuration)
        } catch let e as MirrorStoreError {
            throw CLIError.failure(e.message)
        } catch let e as DatabaseError {
            throw CLIError.failure(e.message)
        } catch {
            throw CLIError.failure("cannot open the database \(configuration.database): \(error); run `kalypso-mirror sync` first")
        }
    }

    /// The subcommand word of a command with subcommands (`generators list`, `history tx`, …); nil when the
    /// command's help was asked for and printed. No word is a usage error listing `choices`.
    static func subcommand(_ arguments: inout Arguments, of command: String, help: String, choices: String) throws -> String? {
        guard let sub = arguments.positional() else {
            if arguments.wantsHelp { Console.out(help); return nil }
            throw CLIError.usage("\(command) needs a subcommand (\(choices)); see 'kalypso-mirror \(command) --help'")
        }
        if arguments.wantsHelp { Console.out(help); return nil }
        return sub
    }

    /// `--limit N` (1…1000, default 50).
    static func limit(_ arguments: inout Arguments) throws -> Int {
        guard let text = try arguments.option("--limit") else { return 50 }
        guard let limit = Int(text), (1...1000).contains(limit) else { throw CLIError.usage("--limit takes 1…1000 (items per page; follow nextCursor for more)") }
        return limit
    }

    static func checkpointText(_ c: Checkpoint?) -> String {
        c.map { "block \($0.blockNumber) (\($0.blockHash))" } ?? "nothing synced yet"
    }

    static func uint256(_ text: String, _ what: String) throws -> UInt256 {
        guard let v = UInt256(text) else { throw CLIError.usage("\(what) '\(text)' is not a number (decimal or 0x-hex)") }
        return v
    }

    /// A two-column table.
    static func table(_ rows: [(String, String)]) -> String {
        let width = rows.map(\.0.count).max() ?? 0
        return rows.map { $0.0.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.1 }.joined(separator: "\n")
    }
}

/// `kalypso-mirror status`.
enum StatusCommand: CLICommand {
    static let name = "status"
    static let summary = "Head, synced block and hash, lag, reorgs, quarantined logs (--json)"
    static var help: String {
        """
        Usage: kalypso-mirror status [--json] [--db PATH]

        What the mirror's database says, read in one snapshot: the synced block and hash (the cursor), the G1 clock
        there, the node's head at the last poll and the lag, reorgs seen (and the last one), the undo floor,
        quarantined and unknown logs, reducer issues by severity, signature mismatches, entity counts.

        \(MirrorOptions.helpText)
        """
    }

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        let json = arguments.flag("--json")
        let (reader, configuration) = try QuerySupport.reader(&arguments)
        try arguments.finish()
        let snapshot = try reader.status()
        let st = snapshot.value
        if json {
            Console.out(MirrorJSON.document(snapshot.checkpoint, [("database", .string(configuration.database.description))] + MirrorJSON.status(st)))
            return 0
        }
        var rows: [(String, String)] = [("database", configuration.database.description),
                                        ("synced", QuerySupport.checkpointText(st.synced) + " · G1 clock \(st.clock)")]
        rows.append(("head", st.head.map { "\($0) (lag \(st.lag ?? 0) blocks)\(st.headRecordedAt.map { " at \($0)" } ?? "")" } ?? "not polled yet"))
        var reorgs = "\(st.reorgsSeen)"
        if let r = st.lastReorg { reorgs += " (last: \(r.fromBlock) → \(r.toBlock), depth \(r.depth), \(r.at): \(r.reason))" }
        rows.append(("reorgs", reorgs))
        rows.append(("undo floor", st.undoFloor.map { "block \($0)" } ?? "-"))
        rows.append(("quarantined", "\(st.quarantinedCount) logs"))
        let other = st.unknownTopics.compactMap(\.otherGeneration)
        rows.append(("unknown", "\(st.unknownCount) logs in \(st.unknownTopics.count) topics" + (other.isEmpty ? "" : " — ALERT: other generations seen: \(Set(other).sorted().joined(separator: ", "))")))
        rows.append(("issues", st.issuesBySeverity.isEmpty ? "none" : st.issuesBySeverity.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")))
        rows.append(("signatures", "\(st.signatureMismatches) mismatches"))
        rows.append(("entities", "\(st.generatorCount) generators, \(st.marketCount) markets"))
        Console.out(QuerySupport.table(rows))
        return 0
    }
}

/// `kalypso-mirror generators list|show`.
enum GeneratorsCommand: CLICommand {
    static let name = "generators"
    static let summary = "List generators or show one with its markets (--json)"
    static var help: String {
        """
        Usage:
          kalypso-mirror generators list [--market ID] [--state STATE] [--limit N] [--cursor C] [--json]
          kalypso-mirror generators show ADDRESS [--json]

        list: generators by address with total stake, declared compute, idle capacity and derived state
        (getGeneratorState; with --market, in that market). STATE is one of NULL, JOINED, NO_COMPUTE_AVAILABLE, WIP,
        REQUESTED_FOR_EXIT. Pages of --limit (default 50, at most 1000); --cursor continues from nextCursor.
        show: every field, derived values (idle capacity, max reducible stake, available compute), the admin
        signature check, and one line per market listing with eligibility now.

        \(MirrorOptions.helpText)
        """
    }
    static var handlesOwnHelp: Bool { true }

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        guard let sub = try QuerySupport.subcommand(&arguments, of: "generators", help: help, choices: "list or show") else { return 0 }
        let json = arguments.flag("--json")
        switch sub {
        case "list":
            var query = GeneratorQuery()
            if let m = try arguments.option("--market") { query.market = try QuerySupport.uint256(m, "--market") }
            if let st = try arguments.option("--state") {
                guard let state = GeneratorState.allCases.first(where: { $0.description == st.uppercased() }) else {
                    throw CLIError.usage("--state \(st) is not one of \(GeneratorState.allCases.map(\.description).joined(separator: ", "))")
                }
                query.state = state
            }
            query.limit = try QuerySupport.limit(&arguments)
            query.cursor = try arguments.option("--cursor")
            let (reader, _) = try QuerySupport.reader(&arguments)
            try arguments.finish()
            let page = try reader.generators(query)
            if json {
                Console.out(MirrorJSON.document(page.checkpoint, [("generators", .array(page.value.items.map(MirrorJSON.summary))),
                                                                  ("nextCursor", MirrorJSON.s(page.value.nextCursor))]))
                return 0
            }
            Console.out("generators at \(QuerySupport.checkpointText(page.checkpoint))")
            for x in page.value.items {
                let g = x.generator
                Console.out("\(g.address.checksummed)  stake \(g.totalStake)  compute \(g.declaredCompute)  idle \(x.idleCapacity.map { "\($0)" } ?? "?")  markets \(x.marketCount)  \(x.state.map { "\($0)" } ?? "")")
            }
            if let next = page.value.nextCursor { Console.out("more: --cursor \(next)") }
            return 0
        case "show":
            let text = try arguments.requiredPositional("generator address")
            guard let address = try? Address(text) else { throw CLIError.usage("'\(text)' is not an address (0x and 40 hex digits)") }
            let (reader, _) = try QuerySupport.reader(&arguments)
            try arguments.finish()
            let snapshot = try reader.generator(address)
            guard let d = snapshot.value else {
                throw CLIError.failure("the mirror has no generator \(address.checksummed) at \(QuerySupport.checkpointText(snapshot.checkpoint))")
            }
            if json {
                Console.out(MirrorJSON.document(snapshot.checkpoint, [("generator", MirrorJSON.detail(d))]))
                return 0
            }
            let g = d.generator
            var rows: [(String, String)] = [("generator", g.address.checksummed), ("at", QuerySupport.checkpointText(snapshot.checkpoint)),
                                            ("reward address", g.rewardAddress?.checksummed ?? "unknown"),
                                            ("total stake", "\(g.totalStake)"), ("stake locked", "\(g.stakeLocked)"),
                                            ("declared compute", "\(g.declaredCompute)"), ("compute consumed", "\(g.computeConsumed)"),
                                            ("compute allocated", "\(g.sumOfComputeAllocations) in \(g.activeMarketplaces) markets"),
                                            ("utilisation (stake/compute)", "\(g.intendedStakeUtilization) / \(g.intendedComputeUtilization)"),
                                            ("idle capacity", d.idleCapacity.map { "\($0)" } ?? "?"),
                                            ("max reducible stake", d.maxReducibleStake.map { "\($0)" } ?? "?"),
                                            ("generator data", g.generatorData.map { String(decoding: $0, as: UTF8.self) } ?? "unknown"),
                                            ("registered in block", "\(g.registeredInBlock)")]
            if let c = d.adminCheck {
                rows.append(("admin signature", c.matches ? "matches (\(c.recovered?.checksummed ?? "?"))" : "MISMATCH: recovered \(c.recovered?.checksummed ?? "nothing") — \(c.note)"))
            }
            Console.out(QuerySupport.table(rows))
            for l in d.markets {
                Console.out("  market \(l.row.marketId): \(l.state.map { "\($0)" } ?? "\(l.row.state)")  cost \(l.row.proofGenerationCost.map { "\($0)" } ?? "?")  time \(l.row.proposedTime.map { "\($0)" } ?? "?")  active \(l.row.activeRequests)  \(l.eligibleNow ? "eligible" : "not eligible: \(l.ineligibleReason ?? "")")")
            }
            return 0
        default:
            throw CLIError.usage("unknown generators subcommand '\(sub)'; see 'kalypso-mirror generators --help'")
        }
    }
}

/// `kalypso-mirror markets list|show|stats`.
enum MarketsCommand: CLICommand {
    static let name = "markets"
    static let summary = "List markets, show one with its generators, or its statistics (--json)"
    static var help: String {
        """
        Usage:
          kalypso-mirror markets list [--limit N] [--cursor C] [--json]
          kalypso-mirror markets show ID [--generators listed|eligible] [--json]
          kalypso-mirror markets stats ID [--json]

        show: the market's fields and its generators (all listed, or only those eligible for an ask now).
        stats: generators listed (by derived state), price (proofGenerationCost) min/median/max, proposed-time
        spread, asks by state and outcome, median proof time in blocks.

        \(MirrorOptions.helpText)
        """
    }
    static var handlesOwnHelp: Bool { true }

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        guard let sub = try QuerySupport.subcommand(&arguments, of: "markets", help: help, choices: "list, show or stats") else { return 0 }
        let json = arguments.flag("--json")
        switch sub {
        case "list":
            let limit = try QuerySupport.limit(&arguments)
            let cursor = try arguments.option("--cursor")
            let (reader, _) = try QuerySupport.reader(&arguments)
            try arguments.finish()
            let page = try reader.markets(limit: limit, cursor: cursor)
            if json {
                Console.out(MirrorJSON.document(page.checkpoint, [("markets", .array(page.value.items.map(MirrorJSON.market))),
                                                                  ("nextCursor", MirrorJSON.s(page.value.nextCursor))]))
                return 0
            }
            Console.out("markets at \(QuerySupport.checkpointText(page.checkpoint))")
            for m in page.value.items {
                Console.out("market \(m.market.id)  \(m.isPrivate == true ? "private" : "public")  \(m.isActive == true ? "active" : "inactive")  penalty \(m.market.data.map { "\($0.slashingPenalty)" } ?? "?")  generators \(m.generatorsListed)")
            }
            if let next = page.value.nextCursor { Console.out("more: --cursor \(next)") }
            return 0
        case "show":
            let id = try QuerySupport.uint256(try arguments.requiredPositional("market id"), "market id")
            let filterText = try arguments.option("--generators") ?? "listed"
            guard let filter = MarketGeneratorFilter(rawValue: filterText) else { throw CLIError.usage("--generators takes listed or eligible") }
            let (reader, _) = try QuerySupport.reader(&arguments)
            try arguments.finish()
            let market = try reader.market(id)
            guard let m = market.value else { throw CLIError.failure("the mirror has no market \(id) at \(QuerySupport.checkpointText(market.checkpoint))") }
            let generators = try reader.marketGenerators(id, filter: filter).value ?? []
            if json {
                Console.out(MirrorJSON.document(market.checkpoint, [("market", MirrorJSON.market(m)),
                                                                    ("generators", .array(generators.map { MirrorJSON.listing($0.listing) }))]))
                return 0
            }
            let d = m.market.data
            Console.out(QuerySupport.table([("market", "\(id)"), ("at", QuerySupport.checkpointText(market.checkpoint)),
                                            ("type", m.isPrivate == true ? "private (enclave prover)" : "public"),
                                            ("active", m.isActive.map { "\($0)" } ?? "?"), ("frozen", "\(m.market.frozen)"),
                                            ("verifier", d?.verifier.checksummed ?? "unknown"), ("slashing penalty", d.map { "\($0.slashingPenalty)" } ?? "?"),
                                            ("activation block", d.map { "\($0.activationBlock)" } ?? "?"),
                                            ("metadata", d.map { String(decoding: $0.metadata, as: UTF8.self) } ?? "unknown")]))
            Console.out("\(filter.rawValue) generators: \(generators.count)")
            for x in generators {
                Console.out("  \(x.generator.address.checksummed)  cost \(x.listing.row.proofGenerationCost.map { "\($0)" } ?? "?")  time \(x.listing.row.proposedTime.map { "\($0)" } ?? "?")  idle \(x.listing.idleCapacity)  \(x.listing.eligibleNow ? "eligible" : "not eligible")")
            }
            return 0
        case "stats":
            let id = try QuerySupport.uint256(try arguments.requiredPositional("market id"), "market id")
            let (reader, _) = try QuerySupport.reader(&arguments)
            try arguments.finish()
            let snapshot = try reader.marketStats(id)
            guard let st = snapshot.value else { throw CLIError.failure("the mirror has no market \(id) at \(QuerySupport.checkpointText(snapshot.checkpoint))") }
            if json {
                Console.out(MirrorJSON.document(snapshot.checkpoint, [("stats", MirrorJSON.stats(st))]))
                return 0
            }
            func spread(_ x: ValueSpread?) -> String { x.map { "min \($0.min) · median \($0.median) · max \($0.max) (\($0.count))" } ?? "-" }
            Console.out(QuerySupport.table([
                ("market", "\(id)"), ("at", QuerySupport.checkpointText(snapshot.checkpoint)),
                ("generators listed", "\(st.generatorsListed)" + (st.generatorsByState.isEmpty ? "" : " (\(QuerySupport.counts(st.generatorsByState)))")),
                ("price", spread(st.price)), ("proposed time", spread(st.proposedTime)),
                ("asks by state", QuerySupport.counts(st.asksByState) + (st.asksWithUnknownState > 0 ? ", unknown \(st.asksWithUnknownState)" : "")),
                ("asks by outcome", QuerySupport.counts(st.asksByOutcome)),
                ("median proof time", st.medianProofTimeBlocks.map { "\($0) blocks" } ?? "-"),
            ]))
            return 0
        default:
            throw CLIError.usage("unknown markets subcommand '\(sub)'; see 'kalypso-mirror markets --help'")
        }
    }
}
