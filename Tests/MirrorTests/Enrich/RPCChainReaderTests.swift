import EthereumKit
import FaultInjection
import JSONRPC
import Kalypso
import Mirror
import Testing

/// `RPCChainReader` against an in-process JSON-RPC server (127.0.0.1, port 0): batched full blocks, `eth_call`
/// pinned with `{blockHash, requireCanonical: true}`, and the classification of call failures.
@Suite struct RPCChainReaderTests {
    let d = TestDeployment.deployment

    /// Serves `chain`'s blocks and answers `eth_call`s by their calldata hex with a raw `"result":…`/`"error":…` member.
    static func server(_ chain: TestChain, calls: [String: String]) throws -> FaultInjectionServer {
        let script = FaultScript()
        script.add { request in
            let parts = request.calls.map { call -> String in
                let member: String
                switch call.method {
                case "eth_getBlockByNumber":
                    let hex = call.params.split(separator: "\"").dropFirst().first.map(String.init) ?? "0x0"
                    let n = UInt64(hex.dropFirst(2), radix: 16) ?? 0
                    member = chain.blocks[n] == nil ? #""result":null"#
                        : #""result":"# + TestJSON.block(number: n, hash: TestChain.blockHash(n), transactions: chain.blocks[n] ?? [])
                case "eth_call":
                    let pinned = call.params.contains(#""requireCanonical":true"#) && call.params.contains(#""blockHash":"#)
                        && !call.params.contains("latest")
                    let data = call.params.components(separatedBy: #""data":""#).dropFirst().first?.prefix { $0 != "\"" }.lowercased() ?? ""
                    member = pinned ? (calls[data] ?? #""error":{"code":-32000,"message":"no answer"}"#)
                        : #""error":{"code":-32602,"message":"the test server only answers calls pinned to a canonical block hash"}"#
                default:
                    member = #""error":{"code":-32601,"message":"method not found"}"#
                }
                return #"{"jsonrpc":"2.0","id":\#(call.id),\#(member)}"#
            }
            return .respond(.json(request.isBatch ? "[" + parts.joined(separator: ",") + "]" : parts.first ?? "{}"))
        }
        return try FaultInjectionServer(script: script)
    }

    static func client(_ server: FaultInjectionServer, transport: CurlTransport) throws -> JSONRPCClient {
        let retry = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(1), maxDelay: .milliseconds(5), maxElapsed: .seconds(600), maxRetryAfter: .seconds(5))
        return try JSONRPCClient(configuration: JSONRPCClientConfiguration(endpoints: [RPCEndpoint(server.url)], retry: retry, jitterSeed: 1),
                                 logger: .disabled, transport: transport)
    }

    static func chain() -> TestChain {
        var chain = TestChain()
        let wallet = TestDeployment.address("0x7777777777777777777777777777777777777777")
        chain.transact(block: 700, from: TestKeys.numbered(1), to: wallet, input: [1, 2, 3, 4], emits: [
            Emit(.generatorRegistry, "RegisteredGenerator(address,uint256,uint256)", [.address(wallet), .uint(UInt256(8)), .uint(.zero)]),
        ])
        chain.transact(block: 701, from: TestKeys.numbered(2), to: wallet, input: [1, 2, 3, 5], type: 0, emits: [
            Emit(.generatorRegistry, "AddedStake(address,uint256)", [.address(wallet), .uint(.one)]),
        ])
        return chain
    }

    @Test func blocksAndPinnedCallsGoInOneBatchEach() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let chain = Self.chain()
        let ok = Pinned.call(.generatorRegistry, "generatorRegistry(address)", [.address(TestKeys.numbered(1).address)], block: 700)
        let reverted = Pinned.call(.proofMarketplace, "listOfAsk(uint256)", [.uint(UInt256(99))], block: 700)
        let rejected = Pinned.call(.proofMarketplace, "marketData(uint256)", [.uint(UInt256(99))], block: 700)
        let transient = Pinned.call(.entityKeyRegistry, "pub_key(address,uint256)", [.address(.zero), .uint(.zero)], block: 701)
        let reorged = Pinned.call(.entityKeyRegistry, "pub_key(address,uint256)", [.address(.zero), .uint(.one)], block: 701)
        let calls: [String: String] = [
            Hex.encode(ok.data): #""result":"0x\#(String(repeating: "00", count: 31))2a""#,
            Hex.encode(reverted.data): #""error":{"code":3,"message":"execution reverted","data":"0x4e487b710000000000000000000000000000000000000000000000000000000000000032"}"#,
            Hex.encode(rejected.data): #""error":{"code":-32000,"message":"missing trie node 0xabc (path )"}"#,
            Hex.encode(transient.data): #""error":{"code":-32603,"message":"internal error"}"#,
            Hex.encode(reorged.data): #""error":{"code":-32000,"message":"hash 0x1234 is not currently canonical"}"#,
        ]
        let server = try Self.server(chain, calls: calls)
        defer { server.stop() }
        let reader = RPCChainReader(client: try Self.client(server, transport: transport))

        let blocks = try await reader.blocksWithTransactions([700, 701])
        #expect(blocks[700] == chain.block(700) && blocks[701] == chain.block(701))
        #expect(server.requests.count == 1 && server.requests[0].isBatch && server.requests[0].calls.allSatisfy { $0.params.hasSuffix("true]") })

        let results = try await reader.call([ok, reverted, rejected, transient, reorged])
        #expect(try results[0].get() == Array(repeating: 0, count: 31) + [42])
        guard case .failure(let r) = results[1], case .failure(let j) = results[2], case .failure(let t) = results[3],
              case .failure(let gone) = results[4] else {
            Issue.record("expected four failures: \(results)"); return
        }
        #expect(gone.kind == .transient, "a block hash that is no longer canonical is a reorg: retry the range")
        #expect(r.kind == .reverted && r.revertData?.prefix(4) == [0x4e, 0x48, 0x7b, 0x71])
        #expect(j.kind == .rejected && j.message.contains("missing trie node"))
        #expect(t.kind == .transient && t.message.contains("internal error"))
        let callRequests = server.requests.filter { $0.rpcMethod == "eth_call" }
        #expect(callRequests.first?.calls.count == 5, "the calls went in one batch")
        #expect(callRequests.dropFirst().allSatisfy { $0.calls.count == 1 }, "only the transient call was sent again")

        await #expect { try await reader.blocksWithTransactions([702]) } throws: { ($0 as? EnrichmentError)?.code == .missingBlock }
    }

    /// The whole pipeline over the client: decode, fetch blocks, pinned call, admin checks.
    @Test func theEnricherRunsOverTheClient() async throws {
        let transport = try CurlTransport(maxConnectionsPerHost: 1)
        defer { transport.shutdown() }
        let chain = Self.chain()
        let wallet = TestDeployment.address("0x7777777777777777777777777777777777777777")
        let registry = Pinned.generator(wallet, reward: TestDeployment.address("0x2222222222222222222222222222222222222222"), data: [5], block: 700)
        guard case .success(let output) = registry.1 else { Issue.record("output"); return }
        let server = try Self.server(chain, calls: [Hex.encode(registry.0.data): #""result":"\#(Hex.encode(output))""#])
        defer { server.stop() }
        let result = try await Enricher(deployment: d, logger: .disabled).enrich(chain.decoded(), reader: RPCChainReader(client: try Self.client(server, transport: transport)))
        guard case .registeredGenerator(let e) = result.logs[0].event else { Issue.record("not RegisteredGenerator"); return }
        #expect(e.registration.payload?.generatorData == [5])
        #expect(result.signatureChecks.count == 2 && result.signatureChecks.allSatisfy { $0.recovered != nil })
        #expect(server.requests.count == 2, "one block batch, one call batch")
    }
}
