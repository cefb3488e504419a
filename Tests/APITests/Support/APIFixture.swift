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

    /// Commits the chain's next range; returns its cursor.
    @discardableResult
    func commitRange(blocks: Int) throws -> Checkpoint {
        let range = chain.range(blocks: blocks)
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

/// Responses seen by the tests, in the form `validate_openapi.py` reads.
final class ResponseRecorder: Sendable {
    private let records = Mutex<[[String: Any & Sendable]]>([])

    func record(method: String, target: String, _ r: RawResponse) {
        let entry: [String: Any & Sendable] = ["method": method, "target": target, "status": r.status,
                                               "contentType": r.header("Content-Type") ?? "", "body": r.text]
        records.withLock { $0.append(entry) }
    }

    var count: Int { records.withLock { $0.count } }

    /// Writes the records as a JSON array.
    func write(to path: String) throws {
        let list = records.withLock { $0 }
        try JSONSerialization.data(withJSONObject: list).write(to: URL(fileURLWithPath: path))
    }
}

/// A parsed JSON object with typed accessors that throw a readable error when a member is missing or mistyped.
struct JSONObject: @unchecked Sendable, CustomStringConvertible {
    // @unchecked: a JSONSerialization tree, read only.
    let members: [String: Any]

    init(_ members: [String: Any]) { self.members = members }

    init(_ response: RawResponse) throws {
        guard let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw TestClientError("not a JSON object: \(response.text)")
        }
        members = object
    }

    var description: String {
        (try? JSONSerialization.data(withJSONObject: members, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "\(members)"
    }

    subscript(_ key: String) -> Any? { members[key] }

    func has(_ key: String) -> Bool { members.keys.contains(key) }

    func isNull(_ key: String) -> Bool { members[key] is NSNull }

    func string(_ key: String) throws -> String {
        guard let v = members[key] as? String else { throw TestClientError("`\(key)` is not a string in \(self)") }
        return v
    }

    /// A string member, or nil when it is JSON null.
    func optionalString(_ key: String) throws -> String? {
        if isNull(key) { return nil }
        return try string(key)
    }

    func int(_ key: String) throws -> Int {
        guard let v = members[key] as? Int else { throw TestClientError("`\(key)` is not an integer in \(self)") }
        return v
    }

    func optionalInt(_ key: String) throws -> Int? {
        if isNull(key) { return nil }
        return try int(key)
    }

    func bool(_ key: String) throws -> Bool {
        guard let v = members[key] as? Bool else { throw TestClientError("`\(key)` is not a Boolean in \(self)") }
        return v
    }

    func object(_ key: String) throws -> JSONObject {
        guard let v = members[key] as? [String: Any] else { throw TestClientError("`\(key)` is not an object in \(self)") }
        return JSONObject(v)
    }

    func optionalObject(_ key: String) throws -> JSONObject? {
        if isNull(key) { return nil }
        return try object(key)
    }

    func array(_ key: String) throws -> [JSONObject] {
        guard let v = members[key] as? [[String: Any]] else { throw TestClientError("`\(key)` is not an array of objects in \(self)") }
        return v.map(JSONObject.init)
    }

    func strings(_ key: String) throws -> [String] {
        guard let v = members[key] as? [String] else { throw TestClientError("`\(key)` is not an array of strings in \(self)") }
        return v
    }

    /// The `block` member as a checkpoint.
    func block() throws -> Checkpoint {
        let b = try object("block")
        return Checkpoint(blockNumber: UInt64(try b.int("number")), blockHash: try Hash32(hex: try b.string("hash")))
    }
}
