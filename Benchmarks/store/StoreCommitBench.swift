import Database
import EthereumKit
import Foundation
import JSONRPC
import Kalypso
@testable import Mirror

// Scratch benchmark (not committed): commit throughput of SQLMirrorStore on ranges made by the Kalypso reducer.
typealias E = KalypsoEvent
struct RNG { var s: UInt64; mutating func next() -> UInt64 { s &+= 0x9E37_79B9_7F4A_7C15; var z = s; z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9; z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB; return z ^ (z >> 31) } ; mutating func below(_ n: UInt64) -> UInt64 { next() % n } }
var rng = RNG(s: 42)
let totalLogs = Int(CommandLine.arguments.dropFirst().first ?? "200000") ?? 200_000
let logsPerRange = Int(CommandLine.arguments.dropFirst(2).first ?? "5000") ?? 5000
let withRaw = !CommandLine.arguments.contains("--no-raw")
let gens = (1...50).map { Address(hi: 0xa0, mid: 0, lo: UInt64($0)) }
var state = KalypsoState()
var block: UInt64 = 1_000
var askCount: UInt64 = 0
var openAsks: [(UInt256, Address)] = []
var assigned: [(UInt256, Address)] = []
var ranges: [RangeCommit] = []
var hashes: [UInt64: Hash32] = [999: Hash32(w0: 0, w1: 0, w2: 0, w3: 999)]
func h(_ n: UInt64) -> Hash32 { Hash32(w0: 0xb, w1: 0, w2: 0, w3: n) }
// Setup: markets and generators.
var setupTxs: [[(KalypsoContract, E)]] = []
for m in 0..<4 { setupTxs.append([(.proofMarketplace, .marketplaceCreated(.init(marketId: UInt256(UInt64(m)), market: .calldata(MarketData(verifier: gens[0], proverImageId: .zero, slashingPenalty: UInt256(10), activationBlock: .zero, ivsImageId: .zero, creator: gens[0], metadata: [1,2,3])))))]) }
for g in gens { setupTxs.append([(.generatorRegistry, .registeredGenerator(.init(generator: g, initialCompute: UInt256(1_000_000), initialStake: UInt256(1_000_000_000), registration: .calldata(GeneratorRegistration(rewardAddress: g, generatorData: Array("{\"name\":\"gen\"}".utf8))))))])
    for m in 0..<4 { setupTxs.append([(.generatorRegistry, .joinedMarketplace(.init(generator: g, marketId: UInt256(UInt64(m)), computeAllocation: UInt256(10), terms: .calldata(MarketplaceJoinTerms(proofGenerationCost: UInt256(5), proposedTime: UInt256(100))))))]) } }
var produced = 0
var pending: (from: UInt64, blocks: [BlockRecord], logs: [KalypsoLog], raw: [Log], changes: [BlockChanges], issues: [InconsistencyError]) = (1000, [], [], [], [], [])
@MainActor func nextTx() -> [(KalypsoContract, E)] {
    if !setupTxs.isEmpty { return setupTxs.removeFirst() }
    let r = rng.below(10)
    if r < 4 || openAsks.isEmpty && assigned.isEmpty {
        let id = UInt256(askCount); askCount += 1
        let body = AskBody(marketId: UInt256(rng.below(4)), reward: UInt256(100), expiry: UInt256(block + 10_000), timeTakenForProofGeneration: UInt256(1000), deadline: UInt256(block + 20_000), refundAddress: gens[0], proverData: [UInt8](repeating: 7, count: 64))
        openAsks.append((id, gens[Int(rng.below(UInt64(gens.count)))]))
        return [(.proofMarketplace, .askCreated(.init(askId: id, hasPrivateInputs: false, secretData: [], acl: [], extraData: [], details: .calldata(AskDetails(body: body, requester: gens[1], secretType: .calldata)))))]
    }
    if r < 7, !openAsks.isEmpty {
        let (id, g) = openAsks.removeFirst(); assigned.append((id, g))
        return [(.generatorRegistry, .stakeLockImposed(.init(generator: g, stake: UInt256(10)))), (.generatorRegistry, .computeLockImposed(.init(generator: g, compute: UInt256(10)))), (.proofMarketplace, .taskCreated(.init(askId: id, generator: g, newAcl: [], deadline: .calldata(UInt256(block + 1000)))))]
    }
    if !assigned.isEmpty {
        let (id, g) = assigned.removeFirst()
        return [(.generatorRegistry, .computeLockReleased(.init(generator: g, compute: UInt256(10)))), (.generatorRegistry, .stakeLockReleased(.init(generator: g, stake: UInt256(10)))), (.proofMarketplace, .proofCreated(.init(askId: id, proof: [UInt8](repeating: 9, count: 128))))]
    }
    return nextTx()
}
while produced < totalLogs {
    // One block of ~8 logs.
    let hash = h(block); hashes[block] = hash
    pending.blocks.append(BlockRecord(number: block, hash: hash, parentHash: hashes[block - 1] ?? .zero))
    var changes = ChangeSet(); var li: UInt64 = 0
    for txi in 0..<3 as Range<UInt64> {
        let txh = Hash32(w0: 7, w1: block, w2: txi, w3: 1)
        var logs: [KalypsoLog] = []
        for (em, ev) in nextTx() {
            let pos = LogPosition(blockNumber: block, blockHash: hash, transactionIndex: txi, transactionHash: txh, logIndex: li)
            logs.append(KalypsoLog(position: pos, emitter: em, event: ev))
            if withRaw { pending.raw.append(Log(address: gens[0], topics: [ev.entry.topic0, Hash32(w0: 1, w1: 2, w2: 3, w3: li)], data: [UInt8](repeating: 1, count: 96), blockNumber: block, blockHash: hash, transactionHash: txh, transactionIndex: txi, logIndex: li)) }
            li += 1
        }
        let red = KalypsoReducer.apply(TransactionLogs(logs: logs, clock: UInt256(block)), to: &state)
        changes = changes.merged(with: red.changeSet); pending.issues += red.issues; pending.logs += logs
    }
    produced += Int(li)
    pending.changes.append(BlockChanges(blockNumber: block, blockHash: hash, changes: changes))
    if pending.logs.count >= logsPerRange || produced >= totalLogs {
        ranges.append(RangeCommit(fromBlock: pending.from, toBlock: block, cursor: Checkpoint(blockNumber: block, blockHash: hash), blocks: pending.blocks, logs: pending.logs, unknown: [], quarantined: [], signatureChecks: [], issues: pending.issues, changesByBlock: pending.changes, rawLogs: pending.raw, clock: UInt256(block)))
        pending = (block + 1, [], [], [], [], [])
    }
    block += 1
}
let dir = NSTemporaryDirectory() + "storebench-\(getpid())"
try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(atPath: dir) }
func perfControl(_ command: String) {
    guard let path = ProcessInfo.processInfo.environment["PERF_CTL"], let h = FileHandle(forWritingAtPath: path) else { return }
    h.write(Data((command + "\n").utf8)); try? h.close()
    if let ack = ProcessInfo.processInfo.environment["PERF_ACK"], let a = FileHandle(forReadingAtPath: ack) { _ = a.availableData; try? a.close() }
}
if ProcessInfo.processInfo.environment["PHASE"] == nil { perfControl("enable") }
let repeats = Int(ProcessInfo.processInfo.environment["REPEATS"] ?? "1") ?? 1
for rep in 1..<max(repeats, 1) {
    let s = try SQLMirrorStore.open(location: .sqlite(path: dir + "/r\(rep).sqlite"), logger: .disabled)
    for r in ranges { try s.commit(r, reorgWindow: 64) }
    s.pool.close()
}
let store = try SQLMirrorStore.open(location: .sqlite(path: dir + "/m.sqlite"), logger: .disabled)
if let sql = ProcessInfo.processInfo.environment["PRE_SQL"] { try store.pool.withWriter { db in try db.executeScript(sql) } }
let logs = ranges.reduce(0) { $0 + $1.logs.count }
let changes = ranges.reduce(0) { $0 + $1.changesByBlock.reduce(0) { $0 + $1.changes.changes.count } }
func cpu() -> Double { var u = rusage(); getrusage(RUSAGE_SELF.rawValue == 0 ? __rusage_who_t(0) : __rusage_who_t(0), &u); return Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6 + Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6 }
func cpuSplit() -> (Double, Double) { var u = rusage(); getrusage(__rusage_who_t(0), &u); return (Double(u.ru_utime.tv_sec) + Double(u.ru_utime.tv_usec) / 1e6, Double(u.ru_stime.tv_sec) + Double(u.ru_stime.tv_usec) / 1e6) }
let split0 = cpuSplit()
let cpu0 = cpu()
let clock = ContinuousClock()
let start = clock.now
for r in ranges { try store.commit(r, reorgWindow: 64) }
let elapsed = clock.now - start
if ProcessInfo.processInfo.environment["PHASE"] == nil { perfControl("disable") }
let secs = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
print("ranges \(ranges.count) logs \(logs) block-changes \(changes) issues \(ranges.reduce(0) { $0 + $1.issues.count }) raw \(withRaw)")
let split1 = cpuSplit()
print(String(format: "cpu %.3f s (user %.3f, sys %.3f): %.2f µs/log", cpu() - cpu0, split1.0 - split0.0, split1.1 - split0.1, (cpu() - cpu0) * 1e6 / Double(logs)))
print(String(format: "commit: %.3f s, %.0f logs/s, %.2f µs/log", secs, Double(logs) / secs, secs * 1e6 / Double(logs)))
// Phase timings on a fresh database (internal steps, each in its own transaction).
do {
    let s2 = try SQLMirrorStore.open(location: .sqlite(path: dir + "/phases.sqlite"), logger: .disabled)
    var tBinds = 0.0, tEvents = 0.0, tEntitiesPrep = 0.0, tEntities = 0.0, tJournal = 0.0, tJSON = 0.0
    func timed(_ body: () throws -> Void) rethrows -> Double { let c0 = cpu(); try body(); return cpu() - c0 }
    for r in ranges {
        tJSON += timed { for l in r.logs { _ = EventJSON.fields(of: l.event) } }
        var binds = SQLArguments()
        tBinds += timed { for (l, raw) in zip(r.logs, r.rawLogs) { HistoryRows.appendEvent(l, raw: raw, &binds) } }
        tEvents += try timed { try s2.pool.write { db in try HistoryRows.events.insert(binds, into: db) } }
        var finals: [(key: EntityKey, value: EntityValue?)] = []
        tEntitiesPrep += timed { finals = SQLMirrorStore.finalValues(r.changesByBlock) }
        if ProcessInfo.processInfo.environment["PHASE"] == "entities" { perfControl("enable") }
        tEntities += try timed { try s2.pool.write { db in try SQLMirrorStore.writeEntities(finals, db, &binds) } }
        if ProcessInfo.processInfo.environment["PHASE"] == "entities" { perfControl("disable") }
        tJournal += try timed { try s2.pool.write { db in try SQLMirrorStore.writeJournal(r.changesByBlock, above: Int64(r.toBlock) - 64, db, &binds) } }
    }
    let n = Double(logs) / 1e6
    var kinds: [String: Int] = [:]
    for r in ranges { for f in SQLMirrorStore.finalValues(r.changesByBlock) { kinds["\(EntityRows.kind(of: f.key))", default: 0] += 1 } }
    print("entity writes by kind:", kinds.sorted { $0.key < $1.key })
    print(String(format: "per log µs: json %.2f, event binds (incl json) %.2f, events insert %.2f, finalValues %.2f, entities write %.2f, journal %.2f", tJSON / n, tBinds / n, tEvents / n, tEntitiesPrep / n, tEntities / n, tJournal / n))
}
let l0 = cpu()
let loaded = try store.loadState()
print(String(format: "loadState: %.3f s cpu for %d entities", cpu() - l0, loaded.state.entityCount))
print("loadState equal: \(loaded.state == state), asks \(state.asks.count)")
let size = (try? FileManager.default.attributesOfItem(atPath: dir + "/m.sqlite")[.size] as? Int) ?? 0
print("db size \(size / 1024 / 1024) MiB")
