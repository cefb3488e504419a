import Foundation

/// Entry point: `kalypso-mirror <command> [arguments]`.
let words = Array(CommandLine.arguments.dropFirst())

func usageText() -> String {
    let width = CommandRegistry.all.map { $0.name.count }.max() ?? 0
    let lines = CommandRegistry.all.map { "  " + $0.name.padding(toLength: width + 2, withPad: " ", startingAt: 0) + $0.summary }
    return """
    kalypso-mirror: an off-chain companion for the Kalypso proof marketplace.

    Usage: kalypso-mirror <command> [arguments]   (every command takes --help)

    Commands:
    \(lines.joined(separator: "\n"))
    """
}

func runMain() async -> Int32 {
    guard let first = words.first, first != "--help", first != "-h", first != "help" else {
        Console.out(usageText())
        return words.isEmpty ? 2 : 0
    }
    guard let command = CommandRegistry.all.first(where: { $0.name == first }) else {
        Console.err("error: unknown command '\(first)'; run 'kalypso-mirror --help' for the list")
        return 2
    }
    var arguments = Arguments(Array(words.dropFirst()), commandPath: "kalypso-mirror \(first)")
    if arguments.wantsHelp && !command.handlesOwnHelp {
        Console.out(command.help)
        return 0
    }
    do {
        return try await command.run(&arguments)
    } catch let e as CLIError {
        Console.err("error: \(e.message)")
        return e.exitCode
    } catch {
        Console.err("error: \(error)")
        return 1
    }
}

extension CLICommand {
    /// Commands with sub-subcommands (`abi encode`) print the help of the right level themselves.
    static var handlesOwnHelp: Bool { false }
}

exit(await runMain())
