import EthereumKit
import Foundation
import JSONRPC
import Kalypso
import Operator
import Telemetry
import Testing

/// The shared state of the integration suites: one devnode, a library session for setup and assertions, markets
/// created by the devnode's admin, and the CLI binary.
final class TestWorld: Sendable {
    @TaskLocal static var current: TestWorld?

    /// The world of the running suite (attach `.devnode` to it).
    static func get() throws -> TestWorld {
        guard let world = current else { throw DevnodeProcess.StartFailure(description: "this suite needs the .devnode trait") }
        return world
    }

    let node: DevnodeProcess
    let session: OperatorSession
    /// A public market (active), a private market (active) and a second private market with another image.
    let publicMarket: UInt256
    let privateMarket: UInt256
    let otherPrivateMarket: UInt256
    /// A public market created last and not activated (its activation block is 100 blocks after creation).
    let inactiveMarket: UInt256
    static let penalty = UInt256(5) * ContractMath.exponent

    private init(node: DevnodeProcess, session: OperatorSession, markets: [UInt256]) {
        self.node = node
        self.session = session
        publicMarket = markets[0]
        privateMarket = markets[1]
        otherPrivateMarket = markets[2]
        inactiveMarket = markets[3]
    }

    static func make(_ node: DevnodeProcess) async throws -> TestWorld {
        let session = try await OperatorSession.connect(rpcURL: node.info.rpcURL, expectedChainId: node.info.chainId,
                                                        registry: node.info.generatorRegistry, logger: .disabled)
        let setup = Setup(session: session, info: node.info)
        try await setup.approvePayments(from: node.info.adminKey)
        var markets: [UInt256] = []
        markets.append(try await setup.createMarket(prover: nil, label: "public"))
        markets.append(try await setup.createMarket(prover: pcrs("private"), label: "private"))
        markets.append(try await setup.createMarket(prover: pcrs("other"), label: "other"))
        try await setup.mine(101)
        markets.append(try await setup.createMarket(prover: nil, label: "inactive"))
        return TestWorld(node: node, session: session, markets: markets)
    }

    /// Three deterministic 48-byte PCRs for a named image.
    static func pcrs(_ label: String) -> EnclavePCRs {
        func pcr(_ i: Int) -> [UInt8] { Array((Keccak256.hash(utf8: "\(label)/pcr\(i)").bytes + Keccak256.hash(utf8: "\(label)/pcr\(i)/b").bytes).prefix(48)) }
        return EnclavePCRs(pcr0: pcr(0), pcr1: pcr(1), pcr2: pcr(2))
    }

    var setup: Setup { Setup(session: session, info: node.info) }
    var reader: KalypsoChainReader { session.reader }

    /// A new operator key (derived from `label`), funded with ether and staking and payment tokens.
    func account(_ label: String, ether: UInt64 = 10, tokens: UInt64 = 10_000) async throws -> PrivateKey {
        let key = try PrivateKey(bytes: Keccak256.hash(utf8: "operator-integration/\(label)").bytes)
        _ = try await DevnodeTools.fund(key.address, ether: UInt256(ether) * ContractMath.exponent,
                                        stakingTokens: UInt256(tokens) * ContractMath.exponent,
                                        paymentTokens: UInt256(tokens) * ContractMath.exponent, info: node.info, session: session)
        return key
    }

    // MARK: - The CLI

    struct Run {
        let status: Int32
        let stdout: String
        let stderr: String

        /// stdout parsed as one JSON object.
        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(stdout.utf8))) as? [String: Any] ?? [:]
        }
    }

    static let binary = DevnodeProcess.projectRoot.appendingPathComponent(".build/debug/kalypso-mirror")

    /// Runs `kalypso-mirror` with the devnode connection (unless `connect` is false) and, with `key`, the key in
    /// `$OPERATOR_KEY` (`--private-key-env OPERATOR_KEY`). Stdin is /dev/null (no terminal). Every run is checked to
    /// leak none of `secrets` (the key's hex is always one) on stdout or stderr.
    @discardableResult
    func cli(_ arguments: [String], key: PrivateKey? = nil, connect: Bool = true, environment: [String: String] = [:],
             secrets: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) throws -> Run {
        var args = arguments
        var env = ProcessInfo.processInfo.environment
        env["HOME"] = node.directory.path
        for (k, v) in environment { env[k] = v }
        var hidden = secrets
        if let key {
            let hex = key.withUnsafeSecretBytes { Hex.encode(Array($0), prefix: false) }
            env["OPERATOR_KEY"] = "0x" + hex
            args += ["--private-key-env", "OPERATOR_KEY"]
            hidden.append(hex)
        }
        if connect { args += ["--devnode-info", node.infoPath] }
        let run = try Self.run(args, environment: env)
        for secret in hidden where !secret.isEmpty {
            #expect(!run.stdout.lowercased().contains(secret.lowercased()) && !run.stderr.lowercased().contains(secret.lowercased()),
                    "a secret leaked into the output of \(arguments.first ?? "") \(arguments.dropFirst().first ?? "")", sourceLocation: sourceLocation)
        }
        return run
    }

    static func run(_ arguments: [String], environment: [String: String]) throws -> Run {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Drain stderr on another thread so neither pipe can fill up and block the child.
        let errBox = DataBox()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errBox.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                   stderr: String(decoding: errBox.data, as: UTF8.self))
    }

    final class DataBox: @unchecked Sendable { var data = Data() }
}

/// Admin-side setup through the operator library: markets, asks, assignments, blocks.
struct Setup {
    let session: OperatorSession
    let info: DevnodeInfo

    func send(_ contract: Address, _ abi: ContractABI, signature: String, _ arguments: [ABIValue], key: PrivateKey,
              gas: UInt64? = nil) async throws -> TransactionOutcome {
        guard let function = abi.function(signature: signature) else { throw DevnodeProcess.StartFailure(description: "no function \(signature)") }
        let call = try ContractCall(contract: session.deployment.contractName(at: contract) ?? "contract", to: contract, function: function,
                                    arguments: arguments, purpose: function.name)
        let fees = try await FeePolicy.quote(client: session.client, overrides: FeeOverrides())
        let nonce = try await session.sender.pendingNonce(key.address)
        var options = TransactionOptions()
        options.gasLimit = gas
        let prepared = try await session.sender.prepare(call, key: key, nonce: nonce, fees: fees, options: options)
        return try await session.sender.execute(prepared, options: options)
    }

    func approvePayments(from key: PrivateKey) async throws {
        _ = try await send(session.deployment.paymentToken, session.abis.erc20, signature: "approve(address,uint256)",
                           [.address(session.deployment.proofMarketplace), .uint(.max)], key: key)
    }

    static func encode(_ pcrs: EnclavePCRs) throws -> [UInt8] {
        try ABIEncoder.encode(types: [.bytes, .bytes, .bytes], values: [.bytes(pcrs.pcr0), .bytes(pcrs.pcr1), .bytes(pcrs.pcr2)])
    }

    /// A market created by the admin: public (`prover` nil: three zero PCRs) or private; returns its id.
    func createMarket(prover: EnclavePCRs?, label: String) async throws -> UInt256 {
        let id = try await session.reader.marketCount()
        let zero = EnclavePCRs(pcr0: [UInt8](repeating: 0, count: 48), pcr1: [UInt8](repeating: 0, count: 48), pcr2: [UInt8](repeating: 0, count: 48))
        guard let verifier = info.mockVerifier else { throw DevnodeProcess.StartFailure(description: "the devnode info has no mockVerifier") }
        _ = try await send(session.deployment.proofMarketplace, session.abis.proofMarketplace,
                           signature: "createMarketplace(bytes,address,uint256,bytes,bytes)",
                           [.bytes(Array("{\"name\":\"\(label)\"}".utf8)), .address(verifier), .uint(TestWorld.penalty),
                            .bytes(try Self.encode(prover ?? zero)), .bytes(try Self.encode(TestWorld.pcrs("ivs/\(label)")))], key: info.adminKey)
        return id
    }

    /// An ask on `market` by the admin (reward in payment-token base units); returns its id.
    func createAsk(market: UInt256, reward: UInt256, timeTaken: UInt64) async throws -> UInt256 {
        let id = try await session.reader.read(session.deployment.proofMarketplace, session.abis.proofMarketplace, "askCounter")[0].uintValue ?? .zero
        let now = try await session.reader.head().number
        let ask: ABIValue = .tuple([.uint(market), .uint(reward), .uint(UInt256(now + 1_000)), .uint(UInt256(timeTaken)), .uint(.zero),
                                    .address(info.adminKey.address), .bytes(Array("inputs".utf8))])
        _ = try await send(session.deployment.proofMarketplace, session.abis.proofMarketplace,
                           signature: "createAsk((uint256,uint256,uint256,uint256,uint256,address,bytes),uint8,bytes,bytes,bytes)",
                           [ask, .uint(.one), .bytes([]), .bytes([]), .bytes([])], key: info.adminKey)
        return id
    }

    /// Assigns `ask` to `generator` with a batch signed by the devnode's matching-engine key (§6.5), relayed by the admin.
    func assign(ask: UInt256, to generator: Address) async throws {
        let message = Keccak256.hash(try ABIEncoder.encode(types: [.array(.uint(256)), .array(.address), .array(.bytes)],
                                                           values: [.array([.uint(ask)]), .array([.address(generator)]), .array([.bytes([])])]))
        let signature = try info.matchingEngineKey.sign(digest: PersonalMessage.hash(messageHash: message)).rsv
        _ = try await send(session.deployment.proofMarketplace, session.abis.proofMarketplace,
                           signature: "relayBatchAssignTasks(uint256[],address[],bytes[],bytes)",
                           [.array([.uint(ask)]), .array([.address(generator)]), .array([.bytes([])]), .bytes(signature)], key: info.adminKey)
    }

    /// Completes an assigned ask with a proof the mock verifier accepts.
    func submitProof(ask: UInt256) async throws {
        _ = try await send(session.deployment.proofMarketplace, session.abis.proofMarketplace, signature: "submitProof(uint256,bytes)",
                           [.uint(ask), .bytes(Array("proof".utf8))], key: info.adminKey)
    }

    /// A devnode control call (`devnode_mine`, `devnode_snapshot`, …).
    @discardableResult
    func control(_ method: String, _ params: [JSONValue] = []) async throws -> JSONValue {
        try await session.client.send(RPCCall(method: method, params: params))
    }

    func mine(_ blocks: Int) async throws { try await control("devnode_mine", [.number(JSONNumber(blocks))]) }
}
