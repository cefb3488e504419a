import EthereumKit

/// `kalypso-mirror address checksum <addr>`: the EIP-55 form of an address.
enum AddressCommand: CLICommand {
    static let name = "address"
    static let summary = "Print the EIP-55 checksummed form of an address"
    static let help = """
    Usage: kalypso-mirror address checksum <0xaddress>

    Prints the EIP-55 mixed-case checksum form. All-lowercase and all-uppercase input is accepted;
    mixed-case input must already carry a valid checksum (a wrong one is an error, exit code 2).
    """

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        guard let sub = arguments.positional() else {
            throw CLIError.usage("address needs a subcommand: checksum; see 'kalypso-mirror address --help'")
        }
        guard sub == "checksum" else {
            throw CLIError.usage("unknown address subcommand '\(sub)'; expected checksum (see 'kalypso-mirror address --help')")
        }
        let text = try arguments.requiredPositional("0xaddress")
        try arguments.finish()
        do {
            Console.out(try Address(text).checksummed)
        } catch let e as AddressError {
            throw CLIError.usage(e.message)
        }
        return 0
    }
}
