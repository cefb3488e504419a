import EthereumKit
import JSONRPC
import Kalypso
import Matching
import MatchRunner
import Mirror
import Operator
import Telemetry

/// The matching options shared by `match` and `sync --match`.
struct MatchOptions {
    var relay = false
    var assignDirect = false
    var json = false
    var details = false
    var matching = MatchingConfiguration()
    var relayConfiguration = RelayConfiguration()
    var engineKey: SignerOptions
    var relayerKey: SignerOptions

    static let help = """
    Matching (deterministic policy, the contract's assignTask rules; see the README's "Matching engine"):
      --relay                    send the assignments (default: a dry run that prints what it would assign and
                                 why, with the signed batches, simulated with eth_call when a node is configured)
      --max-batch-size N         assignments per relayBatchAssignTasks (default 10)
      --expiry-margin BLOCKS     consider an ask only while expiry > clock + BLOCKS (default 5)
      --pause-pending-intents    policy: skip generators with a pending stake/compute reduction (default off:
                                 capacity shrinks through the utilisation, as on chain)
      --assign-direct            send assignTask per assignment from the matching-engine key (it pays the gas)
                                 instead of relayBatchAssignTasks from the relayer
      --details                  also print every assignment, drop and skipped ask of each round
      --json                     one JSON object per round (and per receipt) on stdout

    Keys (never on the command line):
      --private-key-env VAR | --keystore FILE [--from ADDRESS --keys-dir DIR]
      --password-file FILE | --password-env VAR
                                 the matching-engine key (signs the batches; a verified ME enclave key). It
                                 also decrypts private asks' ACLs (ECIES to pub_key(proofMarketplace, 0)) and
                                 re-encrypts the 32-byte key to the chosen generator's pub_key(generator,
                                 market) as new_acl. Without it private asks are skipped; with a key that is
                                 not the registered one they are skipped with aclReencryptorUnavailable
      --relayer-private-key-env VAR | --relayer-keystore FILE | --relayer-from ADDRESS …
      --relayer-password-file FILE | --relayer-password-env VAR
                                 the account that sends relayBatchAssignTasks and pays the gas
                                 (default: the matching-engine key)

    Relay:
      --max-fee GWEI | --priority-fee GWEI   fee caps (default from eth_feeHistory: 2 × base fee + median tip)
      --fee-cap GWEI             never pay more per gas; a round sends nothing while base fee + tip is above it
      --gas-margin PERCENT       added to eth_estimateGas (default 20)
      --receipt-timeout SECONDS  how long a receipt is followed (default 120; the sync never waits for it)
      --low-balance ETH          alert below this balance of the sending account (default 0.1)
    """

    /// Removes the matching options from `a`.
    static func parse(_ a: inout Arguments) throws -> MatchOptions {
        var o = MatchOptions(engineKey: try SignerOptions.parse(&a), relayerKey: try SignerOptions.parse(&a, prefix: "relayer-"))
        o.relay = a.flag("--relay")
        o.assignDirect = a.flag("--assign-direct")
        o.json = a.flag("--json")
        o.details = a.flag("--details")
        o.matching.pauseWhileIntentPending = a.flag("--pause-pending-intents")
        if let text = try a.option("--max-batch-size") {
            guard let n = Int(text), (1...64).contains(n) else { throw CLIError.usage("--max-batch-size '\(text)' must be from 1 to 64") }
            o.matching.maxBatchSize = n
        }
        if let text = try a.option("--expiry-margin") {
            guard let n = UInt64(text), n <= 1_000_000 else { throw CLIError.usage("--expiry-margin '\(text)' must be a number of blocks") }
            o.matching.expirySafetyMargin = UInt256(n)
        }
        var r = RelayConfiguration(mode: o.relay ? .send : .dryRun, maxBatchSize: o.matching.maxBatchSize)
        if let text = try a.option("--max-fee") {
            r.fees.maxFeePerGas = try operatorCall { () throws(OperatorError) in try TokenAmount.parseGwei(text, what: "--max-fee") }
        }
        if let text = try a.option("--priority-fee") {
            r.fees.maxPriorityFeePerGas = try operatorCall { () throws(OperatorError) in try TokenAmount.parseGwei(text, what: "--priority-fee") }
        }
        if let text = try a.option("--fee-cap") {
            r.feeCap = try operatorCall { () throws(OperatorError) in try TokenAmount.parseGwei(text, what: "--fee-cap") }
        }
        if let text = try a.option("--gas-margin") {
            guard let n = UInt64(text), n <= 1_000 else { throw CLIError.usage("--gas-margin '\(text)' must be a percentage from 0 to 1000") }
            r.gasMarginPercent = n
        }
        if let text = try a.option("--receipt-timeout") {
            guard let n = Double(text), n > 0, n <= 86_400 else { throw CLIError.usage("--receipt-timeout '\(text)' must be seconds, more than 0") }
            r.receiptTimeout = .milliseconds(Int64(n * 1000))
        }
        if let text = try a.option("--low-balance") {
            r.lowBalance = try operatorCall { () throws(OperatorError) in try TokenAmount.parse(text, decimals: 18, what: "--low-balance") }
        }
        o.relayConfiguration = r
        if o.assignDirect && o.relayerKey.isGiven {
            throw CLIError.usage("--assign-direct sends from the matching-engine key; drop the --relayer-… key options")
        }
        if o.relay && !o.engineKey.isGiven {
            throw CLIError.usage("--relay needs the matching-engine key: --private-key-env VAR or --keystore FILE (never on the command line)")
        }
        return o
    }

    /// Builds the runner. `client` is the node (nil: a dry run without simulation); `printer` receives the events.
    func runner(chain: ChainConfiguration?, client: JSONRPCClient?, logger: Logger, metrics: MetricsRegistry,
                printer: MatchPrinter) async throws -> MatchRunner {
        let abis = try operatorCall { () throws(OperatorError) in try OperatorABIs.embedded() }
        let engineKey = engineKey.isGiven ? try engineKey.unlock() : nil
        let entry: RelayEntryPoint = assignDirect ? .assignTask : .relayBatch(matchingEngineKey: engineKey)
        var relayChain: (any RelayChain)?
        if let chain, let client, let engineKey {
            let sendingKey = (!assignDirect && relayerKey.isGiven) ? try relayerKey.unlock() : engineKey
            let deployment = try await operatorCall { () async throws(OperatorError) in
                try await KalypsoChainReader.resolve(registry: chain.deployment.generatorRegistry, client: client, abis: abis)
            }
            guard deployment.proofMarketplace == chain.deployment.proofMarketplace else {
                throw CLIError.usage("the GeneratorRegistry's proofMarketplace() is \(deployment.proofMarketplace.checksummed), but the configuration says \(chain.deployment.proofMarketplace.checksummed)")
            }
            let sender = TransactionSender(client: client, chainId: chain.deployment.chainId, abis: abis, deployment: deployment,
                                           logger: logger.labeled("match.tx"))
            relayChain = TransactionRelayChain(sender: sender, key: sendingKey)
        } else if assignDirect {
            throw CLIError.usage("--assign-direct needs the matching-engine key and the chain settings")
        }
        let proofMarketplace = chain?.deployment.proofMarketplace ?? Address.zero
        let calls = try operatorCall { () throws(OperatorError) in try RelayCalls(proofMarketplace: proofMarketplace, entryPoint: entry, abis: abis) }
        let relayer: Relayer
        do {
            relayer = try Relayer(chain: relayChain, calls: calls, configuration: relayConfiguration, logger: logger.labeled("match.relay"),
                                  metrics: metrics, onEvent: { printer.event($0) })
        } catch { throw CLIError.usage(error.message) }
        var matching = matching
        if let engineKey {
            // Private asks: their ACLs are ECIES to pub_key(proofMarketplace, 0); each round checks that it is this key.
            matching.aclReencryptor = ECIESAclReencryptor(matchingEngineKey: engineKey, proofMarketplace: proofMarketplace)
        }
        let engine = MatchingEngine(configuration: matching, logger: logger.labeled("match.engine"))
        logger.info("matching", [("mode", relayConfiguration.mode.rawValue), ("entry_point", entry.functionName),
                                 ("matching_engine", engineKey?.address.checksummed ?? "none (unsigned dry run)"),
                                 ("sender", relayChain?.from.checksummed ?? "-"), ("max_batch_size", String(matching.maxBatchSize)),
                                 ("expiry_margin", "\(matching.expirySafetyMargin)"), ("simulation", relayChain == nil ? "off" : "eth_call on pending"),
                                 ("private_asks", engineKey == nil ? "skipped (no matching-engine key)" : "ACLs re-encrypted (ECIES)")])
        return MatchRunner(engine: engine, relayer: relayer, logger: logger.labeled("match"), metrics: metrics, onEvent: { printer.event($0) })
    }
}
