import EthereumKit
import Foundation
import JSONRPC
import Operator
import Telemetry

/// Where the node and the deployment are: `--network devnode` / `--devnode-info FILE`, `--config FILE`, or
/// `--rpc URL --registry ADDRESS`, with `--chain-id N` checked against the node.
struct ConnectionOptions {
    /// The JSON-RPC URL (may hold an API key: shown only masked).
    var rpcURL: String
    /// The GeneratorRegistry; the other contracts are read from it.
    var registry: Address
    /// The chain id the node must report (nil: whatever it reports).
    var chainId: UInt64?
    /// Where `plan` starts its log scan for market statistics (nil: no scan).
    var statisticsFromBlock: UInt64?
    /// The devnode's info file, when the target is a devnode.
    var devnode: DevnodeInfo?

    static let help = """
    Connection (one of):
      --network devnode          the local devnode ('make devnode'); reads .devnode/info.json
      --devnode-info FILE        the same, with the info file at FILE
      --config FILE              JSON {"rpc": URL, "registry": ADDRESS, "chainId": N, "startBlock": N}
      --rpc URL --registry ADDR  any node; the other contracts are read from the GeneratorRegistry
      --chain-id N               refuse to run if the node reports another chain id (the devnode info and the
                                 config file set it too); --rpc and --registry override the file's values
    """

    static func parse(_ a: inout Arguments) throws -> ConnectionOptions {
        let network = try a.option("--network")
        var infoPath = try a.option("--devnode-info")
        let configPath = try a.option("--config")
        let rpc = try a.option("--rpc")
        let registryText = try a.option("--registry")
        let chainText = try a.option("--chain-id")
        let fromBlockText = try a.option("--from-block")
        if let network {
            guard network == "devnode" else { throw CLIError.usage("--network knows only 'devnode'; for another chain use --rpc URL --registry ADDRESS or --config FILE") }
            infoPath = infoPath ?? ".devnode/info.json"
        }
        var options = ConnectionOptions(rpcURL: "", registry: .zero, chainId: nil, statisticsFromBlock: nil, devnode: nil)
        var haveRegistry = false
        if let infoPath {
            let info = try operatorCall { () throws(OperatorError) in try DevnodeInfo.load(path: infoPath) }
            options = ConnectionOptions(rpcURL: info.rpcURL, registry: info.generatorRegistry, chainId: info.chainId,
                                        statisticsFromBlock: info.deploymentBlock, devnode: info)
            haveRegistry = true
        } else if let configPath {
            guard let data = FileManager.default.contents(atPath: configPath),
                  let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
                throw CLIError.usage("cannot read --config \(configPath) as a JSON object")
            }
            if let url = root["rpc"] as? String { options.rpcURL = url }
            if let text = (root["registry"] ?? root["generatorRegistry"]) as? String {
                options.registry = try CLIParse.address(text, "\(configPath): registry")
                haveRegistry = true
            }
            options.chainId = (root["chainId"] as? NSNumber)?.uint64Value
            options.statisticsFromBlock = (root["startBlock"] as? NSNumber)?.uint64Value
        }
        if let rpc { options.rpcURL = rpc }
        if let registryText {
            options.registry = try CLIParse.address(registryText, "--registry")
            haveRegistry = true
        }
        if let chainText {
            guard let id = UInt64(chainText) else { throw CLIError.usage("--chain-id '\(chainText)' is not a chain id") }
            options.chainId = id
        }
        if let fromBlockText {
            guard let n = UInt64(fromBlockText) else { throw CLIError.usage("--from-block '\(fromBlockText)' is not a block number") }
            options.statisticsFromBlock = n
        }
        guard !options.rpcURL.isEmpty, haveRegistry else {
            throw CLIError.usage("no node given: use --network devnode, --config FILE, or --rpc URL --registry ADDRESS")
        }
        return options
    }

    /// Connects and resolves the deployment.
    func connect(logger: Logger) async throws -> OperatorSession {
        try await operatorCall { () async throws(OperatorError) in
            try await OperatorSession.connect(rpcURL: rpcURL, expectedChainId: chainId, registry: registry, logger: logger)
        }
    }
}

/// Which key signs: `--private-key-env VAR`, `--keystore FILE`, `--from ADDRESS` in the key directory, or the
/// directory's only key; the keystore password as in `SecretInput.PasswordSource`.
struct SignerOptions {
    var keys: KeyDirectory
    var from: Address?
    var keystore: String?
    var privateKeyEnvironment: String?
    var password: SecretInput.PasswordSource

    static let help = """
    Signing key (secrets never on the command line):
      --private-key-env VAR      the private key (hex) in environment variable VAR (automation)
      --keystore FILE            a keystore v3 file
      --from ADDRESS             the key of ADDRESS in the key directory (default: its only key)
      --keys-dir DIR             the key directory (default ~/.kalypso-mirror/keys)
      --password-file FILE | --password-env VAR   the keystore password (default: a prompt without echo)
    """

    /// Removes the signer options from `a`. `prefix` names a second key of the same command (`relayer-` reads
    /// `--relayer-private-key-env`, `--relayer-keystore`, `--relayer-from`, `--relayer-keys-dir`,
    /// `--relayer-password-file`, `--relayer-password-env`).
    static func parse(_ a: inout Arguments, prefix: String = "") throws -> SignerOptions {
        let keys = KeyDirectory(path: try a.option("--\(prefix)keys-dir") ?? KeyDirectory.defaultPath)
        let from = try a.option("--\(prefix)from").map { try CLIParse.address($0, "--\(prefix)from") }
        let options = SignerOptions(keys: keys, from: from, keystore: try a.option("--\(prefix)keystore"),
                                    privateKeyEnvironment: try a.option("--\(prefix)private-key-env"),
                                    password: try SecretInput.PasswordSource.parse(&a, prefix: prefix))
        if options.privateKeyEnvironment != nil && (options.keystore != nil) {
            throw CLIError.usage("give either --\(prefix)private-key-env or --\(prefix)keystore, not both")
        }
        return options
    }

    /// Whether any key option was given (the key directory alone does not count).
    var isGiven: Bool { from != nil || keystore != nil || privateKeyEnvironment != nil }

    private func keyFile() throws -> KeyFile {
        try operatorCall { () throws(OperatorError) -> KeyFile in
            if let keystore {
                guard let address = try KeyFile(address: .zero, path: keystore).load().address else {
                    throw OperatorError(.keystore, "\(keystore) has no address field")
                }
                if let from, from != address {
                    throw OperatorError(.invalidInput, "--from \(from.checksummed) does not match the keystore's address \(address.checksummed)")
                }
                return KeyFile(address: address, path: keystore)
            }
            if let from { return try keys.find(from) }
            return try keys.only()
        }
    }

    /// The signer's address, without decrypting anything.
    func address() throws -> Address {
        if let privateKeyEnvironment { return try SecretInput.privateKey(environment: privateKeyEnvironment).address }
        return try keyFile().address
    }

    /// The signing key (decrypts the keystore; the password is read as configured).
    func unlock() throws -> PrivateKey {
        if let privateKeyEnvironment {
            let key = try SecretInput.privateKey(environment: privateKeyEnvironment)
            if let from, from != key.address {
                throw CLIError.usage("--from \(from.checksummed) does not match the key in \(privateKeyEnvironment) (\(key.address.checksummed))")
            }
            return key
        }
        let file = try keyFile()
        let password = try self.password.read(forWhat: file.address.checksummed)
        return try operatorCall { () throws(OperatorError) in try file.unlock(password: password) }
    }
}

/// Fees, gas, confirmations and timeout of sending commands.
enum TransactionCLIOptions {
    static let help = """
    Transaction:
      --max-fee GWEI             maxFeePerGas (default 2 × next base fee + tip, from eth_feeHistory); 'NNNwei' for wei
      --priority-fee GWEI        maxPriorityFeePerGas (default the median recent tip)
      --gas-limit N              fixed gas limit (default eth_estimateGas + margin)
      --gas-margin PERCENT       added to the estimate (default 20)
      --confirmations N          blocks to wait, counting the receipt's own (default 1)
      --timeout SECONDS          how long to wait for them (default 120)
      --approve                  approve the staking token first if the allowance is short (else: asked at a
                                 terminal, refused otherwise)
      --dry-run                  check, simulate and sign, print the call and the raw transaction(s); send nothing
      --json                     one JSON document on stdout
      --verbose                  log each send and the RPC client's retries on stderr (never a secret)
    """

    static func parse(_ a: inout Arguments) throws -> TransactionOptions {
        var options = TransactionOptions()
        if let text = try a.option("--max-fee") {
            options.fees.maxFeePerGas = try operatorCall { () throws(OperatorError) in try TokenAmount.parseGwei(text, what: "--max-fee") }
        }
        if let text = try a.option("--priority-fee") {
            options.fees.maxPriorityFeePerGas = try operatorCall { () throws(OperatorError) in try TokenAmount.parseGwei(text, what: "--priority-fee") }
        }
        if let text = try a.option("--gas-limit") {
            guard let n = UInt64(text), n >= 21_000 else { throw CLIError.usage("--gas-limit '\(text)' must be an integer ≥ 21000") }
            options.gasLimit = n
        }
        if let text = try a.option("--gas-margin") {
            guard let n = UInt64(text), n <= 1_000 else { throw CLIError.usage("--gas-margin '\(text)' must be a percentage from 0 to 1000") }
            options.gasMarginPercent = n
        }
        if let text = try a.option("--confirmations") {
            guard let n = UInt64(text), n >= 1, n <= 1_000 else { throw CLIError.usage("--confirmations '\(text)' must be from 1 to 1000") }
            options.confirmations = n
        }
        if let text = try a.option("--timeout") {
            guard let n = Double(text), n > 0, n <= 86_400 else { throw CLIError.usage("--timeout '\(text)' must be seconds, more than 0") }
            options.timeout = .milliseconds(Int64(n * 1000))
        }
        return options
    }
}

/// Runs a typed-throwing operator call and turns its error into a `CLIError` (exit 2 for input, 1 otherwise).
func operatorCall<T>(_ body: () throws(OperatorError) -> T) throws -> T {
    do { return try body() } catch {
        throw CLIError(exitCode: error.isUsageError ? 2 : 1, message: error.message)
    }
}

/// The async form of `operatorCall`.
func operatorCall<T>(_ body: () async throws(OperatorError) -> T) async throws -> T {
    do { return try await body() } catch {
        throw CLIError(exitCode: error.isUsageError ? 2 : 1, message: error.message)
    }
}
