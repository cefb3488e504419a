import EthereumKit
import Foundation
import JSONRPC
import Operator
import Telemetry

/// `kalypso-mirror generator <subcommand>`: everything a generator operator sends to the GeneratorRegistry, each
/// checked against the chain before any gas is spent, plus `plan`, `status` and devnode helpers.
enum GeneratorCommand: CLICommand {
    static let name = "generator"
    static let summary = "Register, stake, join markets and more as a generator operator (checked before sending)"

    static var help: String {
        let width = (SendingSubcommand.all.map(\.name) + ["plan", "status", "dev-fund", "dev-attestation"]).map(\.count).max() ?? 0
        func line(_ name: String, _ text: String) -> String { "  " + name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + text }
        let sending = SendingSubcommand.all.map { line($0.name, $0.synopsis) }.joined(separator: "\n")
        return """
        Usage: kalypso-mirror generator <subcommand> [options]   (each subcommand takes --help)

        Transactions (each: preflight against the chain, eth_estimateGas simulation, EIP-1559 signing, send, wait):
        \(sending)

        Reading:
        \(line("plan", "--market ID [--declared-compute N] [--compute-per-proof N]"))
        \(line("status", "[--generator ADDR]"))

        Devnode only:
        \(line("dev-fund", "[--to ADDR] [--ether N] [--stake-tokens AMOUNT] [--payment-tokens AMOUNT]"))
        \(line("dev-attestation", "--market ID [--generator ADDR] [--enclave-key-env VAR] [--out FILE]"))

        Amounts: whole tokens with the token's decimals (1.5) or base units with a wei suffix (1500000000000000000wei).
        Compute, market ids and blocks are plain integers.

        \(ConnectionOptions.help)

        \(SignerOptions.help)

        \(TransactionCLIOptions.help)
        """
    }

    static var handlesOwnHelp: Bool { true }

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        guard let sub = arguments.positional() else {
            if arguments.wantsHelp { Console.out(help); return 0 }
            throw CLIError.usage("generator needs a subcommand; see 'kalypso-mirror generator --help'")
        }
        var a = Arguments(arguments.words, commandPath: "kalypso-mirror generator \(sub)")
        arguments = Arguments([], commandPath: arguments.commandPath)
        if let spec = SendingSubcommand.all.first(where: { $0.name == sub }) {
            if a.wantsHelp { Console.out(subcommandHelp(spec)); return 0 }
            return try await runSending(spec, &a)
        }
        switch sub {
        case "plan":
            if a.wantsHelp { Console.out(GeneratorReadCommands.planHelp); return 0 }
            return try await GeneratorReadCommands.plan(&a)
        case "status":
            if a.wantsHelp { Console.out(GeneratorReadCommands.statusHelp); return 0 }
            return try await GeneratorReadCommands.status(&a)
        case "dev-fund":
            if a.wantsHelp { Console.out(GeneratorDevCommands.fundHelp); return 0 }
            return try await GeneratorDevCommands.fund(&a)
        case "dev-attestation":
            if a.wantsHelp { Console.out(GeneratorDevCommands.attestationHelp); return 0 }
            return try await GeneratorDevCommands.attestation(&a)
        default:
            throw CLIError.usage("unknown generator subcommand '\(sub)'; see 'kalypso-mirror generator --help'")
        }
    }

    static func subcommandHelp(_ spec: SendingSubcommand) -> String {
        """
        Usage: kalypso-mirror generator \(spec.name) \(spec.synopsis) [connection] [key] [transaction options]

        \(spec.details)

        \(ConnectionOptions.help)

        \(SignerOptions.help)

        \(TransactionCLIOptions.help)
        """
    }

    /// The logger the operator library gets: warnings and errors on stderr (`--verbose`: info as well). It never
    /// sees a secret: keys and passwords do not reach the library's log calls, and RPC URLs are masked.
    static func logger(verbose: Bool) -> Logger {
        Logger(label: "operator", level: verbose ? .info : .warning, sink: StreamLogSink(format: .logfmt))
    }

    private static func runSending(_ spec: SendingSubcommand, _ a: inout Arguments) async throws -> Int32 {
        let json = a.flag("--json")
        let dryRun = a.flag("--dry-run")
        let approve = a.flag("--approve")
        let verbose = a.flag("--verbose")
        let connection = try ConnectionOptions.parse(&a)
        let signer = try SignerOptions.parse(&a)
        let options = try TransactionCLIOptions.parse(&a)
        let build = try spec.parse(&a)
        try a.finish()
        do {
            let key = try signer.unlock()
            let session = try await OperatorSession.connect(rpcURL: connection.rpcURL, expectedChainId: connection.chainId,
                                                            registry: connection.registry, logger: logger(verbose: verbose))
            defer { session.shutdown() }
            let operation = try build(session)
            let decision: ApprovalDecision
            if approve {
                decision = .approve
            } else if !json && isatty(0) == 1 {
                decision = .ask { request in SecretInput.confirm("The allowance is short: \(request.description)?") }
            } else {
                decision = .refuse
            }
            let plan = try await session.plan(operation, key: key, approval: decision, options: options)
            if !json { for w in plan.warnings { Console.err("warning: \(w.message)") } }
            if dryRun {
                if json {
                    Console.out(GeneratorOutput.json(plan: plan, outcomes: nil, session: session).text)
                } else {
                    GeneratorOutput.human(dryRun: plan, session: session).forEach(Console.out)
                }
                return 0
            }
            let outcomes = try await session.execute(plan, key: key, options: options)
            if json {
                Console.out(GeneratorOutput.json(plan: plan, outcomes: outcomes, session: session).text)
            } else {
                GeneratorOutput.human(outcomes: outcomes, plan: plan, session: session).forEach(Console.out)
            }
            return 0
        } catch let error as OperatorError {
            if json {
                Console.out(GeneratorOutput.json(error: error, command: spec.name).text)
            } else {
                for w in error.findings where w.severity == .warning { Console.err("warning: \(w.message)") }
            }
            throw CLIError(exitCode: error.isUsageError ? 2 : 1, message: error.message)
        } catch let error as CLIError {
            if json { Console.out(GeneratorOutput.json(error: OperatorError(error.exitCode == 2 ? .invalidInput : .keystore, error.message), command: spec.name).text) }
            throw error
        }
    }
}
