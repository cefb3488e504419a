import API
import Database
import DatabaseTestSupport
import EthereumKit
import Foundation
import HTTPServer
import HTTPTestSupport
import Kalypso
import Mirror
import Synchronization
import Telemetry

/// A mirror database in a temp folder, filled by committing `MarketplaceChain` ranges through the real store, and an
/// `APIService` serving it on 127.0.0.1 with an OS-assigned port, through its own read-only pool (as `serve` does).
/// Every response fetched through `get` is recorded for the OpenAPI validation.
final class APIFixture: @unchecked Sendable {
    // @unchecked: `chain` is only touched by the test's thread (or the one writer thread of a concurrency test).
    let directory: TemporaryDirectory
    let path: String
    let store: SQLMirrorStore
    let service: APIService
    let metrics = MetricsRegistry()
    var chain: MarketplaceChain
    let recorder = ResponseRecorder()

    var port: UInt16 { service.port }

    /// Which head the fixture records.
    enum Head { case none, cursor, block(UInt64) }

    /// - Parameters:
    ///   - ranges: how many ranges of `blocks` blocks to commit before serving (0: an empty database).
    ///   - head: the chain head to record after committing.
    init(_ label: String, seed: UInt64 = 7, ranges: Int = 3, blocks: Int = 40, head: Head = .cursor,
         now: @escaping @Sendable () -> Date = { Date() }, configure: (inout APIService.Configuration) -> Void = { _ in }) throws {
        (directory, path, store, chain) = try Self.database(label, seed: seed, ranges: ranges, blocks: blocks)
        switch head {
        case .block(let h): try store.recordHead(h)
        case .cursor: if ranges > 0 { try store.recordHead(chain.nextBlock - 1) }
        case .none: break
        }
        var configuration = APIService.Configuration()
        configuration.server.threads = 2
        // The head's age is a wall-clock value: no test outcome may depend on it unless a test sets `now` itself.
        configuration.readiness.maxHeadAgeSeconds = nil
        // Tests that commit and read at once need every request to see the latest commit.
        configuration.cacheRecheck = .zero
        configure(&configuration)
        service = try APIService.open(database: .sqlite(path: path), configuration: configuration, metrics: metrics,
                                      logger: .disabled, now: now)
    }

    /// A mirror database in a new temp folder with `ranges` ranges of the chain committed.
    static func database(_ label: String, seed: UInt64, ranges: Int, blocks: Int) throws
        -> (TemporaryDirectory, String, SQLMirrorStore, MarketplaceChain) {
        let directory = try TemporaryDirectory("api-\(label)")
        let path = directory.file("mirror.sqlite")
        let store = try SQLMirrorStore.open(location: .sqlite(path: path), logger: .disabled)
        var chain = MarketplaceChain(seed: seed)
        for _ in 0..<ranges { try store.commit(chain.range(blocks: blocks), reorgWindow: 64) }
        return (directory, path, store, chain)
    }

    deinit {
        service.shutdown()
        store.pool.close()
        directory.remove()
    }

    /// Commits the chain's next range (with raw logs when `raw`); returns its cursor.
    @discardableResult
    func commitRange(blocks: Int, raw: Bool = false) throws -> Checkpoint {
        let range = chain.range(blocks: blocks, raw: raw)
        try store.commit(range, reorgWindow: 64)
        return range.cursor
    }

    /// The cursor the store holds.
    var cursor: Checkpoint { Checkpoint(blockNumber: chain.nextBlock - 1, blockHash: MarketplaceChain.blockHash(chain.nextBlock - 1)) }

    /// One request on a new connection, recorded.
    func get(_ target: String, method: String = "GET") throws -> RawResponse {
        let response = try fetch(port, target, method: method)
        recorder.record(method: method, target: target, response)
        return response
    }

    /// A GET that must answer `status` with a JSON object.
    func json(_ target: String, status: Int = 200) throws -> JSONObject {
        let response = try get(target)
        guard response.status == status else {
            throw TestClientError("GET \(target): expected \(status), got \(response.status): \(response.text)")
        }
        return try JSONObject(response)
    }
}

extension JSONObject {
    /// The `block` member as a checkpoint.
    func block() throws -> Checkpoint {
        let b = try object("block")
        return Checkpoint(blockNumber: UInt64(try b.int("number")), blockHash: try Hash32(hex: try b.string("hash")))
    }
}
