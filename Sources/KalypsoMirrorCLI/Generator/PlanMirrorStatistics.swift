import Database
import EthereumKit
import JSONRPC
import Kalypso
import Mirror

/// `generator plan --db PATH|URL`: the market's statistics from the mirror's database (one consistent snapshot,
/// no log scan), the same figures as `kalypso-mirror markets stats ID`.
struct PlanMirrorStatistics {
    /// The block the snapshot was read at.
    let checkpoint: Checkpoint?
    let stats: MarketStats

    /// Reads market `id` from the mirror at `databaseText`; a missing database or market is a clear failure.
    static func read(market id: UInt256, databaseText: String) throws -> PlanMirrorStatistics {
        let location: DatabaseLocation
        do { location = try DatabaseLocation(databaseText) } catch {
            throw CLIError.usage("--db \(databaseText): \(error); give a SQLite file or a postgres:// URL")
        }
        let reader: SQLMirrorReader
        do {
            reader = try SQLMirrorReader.open(location: location, logger: GeneratorCommand.logger(verbose: false))
        } catch {
            throw CLIError.failure("cannot open the mirror database \(location): \(error); run `kalypso-mirror sync` first, or drop --db to scan logs")
        }
        let snapshot: Snapshot<MarketStats?>
        do { snapshot = try reader.marketStats(id) } catch {
            throw CLIError.failure("cannot read market \(id) from the mirror database \(location): \(error)")
        }
        guard let stats = snapshot.value else {
            throw CLIError.failure("the mirror has no market \(id) at \(QuerySupport.checkpointText(snapshot.checkpoint)); let `kalypso-mirror sync` catch up")
        }
        return PlanMirrorStatistics(checkpoint: snapshot.checkpoint, stats: stats)
    }

    /// Human lines, after the market's.
    func lines(paymentToken: (UInt256) -> String) -> [String] {
        var lines = ["generators (mirror at \(QuerySupport.checkpointText(checkpoint))): \(stats.generatorsListed) listed"
                     + (stats.generatorsByState.isEmpty ? "" : " (\(QuerySupport.counts(stats.generatorsByState)))")]
        if let p = stats.price {
            lines.append("  PricePerProof   min \(paymentToken(p.min)), median \(paymentToken(p.median)), max \(paymentToken(p.max))")
        }
        if let t = stats.proposedTime { lines.append("  MaxProofTime    min \(t.min), median \(t.median), max \(t.max) blocks") }
        if !stats.asksByState.isEmpty { lines.append("  asks: " + QuerySupport.counts(stats.asksByState)) }
        if let m = stats.medianProofTimeBlocks { lines.append("  median proof time \(m) blocks") }
        return lines
    }

    /// The `mirror` member of the JSON plan: the checkpoint and the `markets stats` object.
    var json: JSONValue {
        .object([("checkpoint", MirrorJSON.checkpoint(checkpoint)), ("stats", MirrorJSON.stats(stats))])
    }
}
