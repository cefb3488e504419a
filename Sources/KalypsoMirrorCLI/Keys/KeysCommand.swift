import EthereumKit
import Foundation
import JSONRPC
import Operator

/// `kalypso-mirror keys new | import | list | export-address`: keystore v3 files in a key directory.
enum KeysCommand: CLICommand {
    static let name = "keys"
    static let summary = "Create, import and list the operator's encrypted keys (Web3 Secret Storage v3)"
    static let help = """
    Usage:
      kalypso-mirror keys new            [--keys-dir DIR] [password options] [--scrypt standard|light] [--json]
      kalypso-mirror keys import         [--keys-dir DIR] [--private-key-env VAR] [password options] [--scrypt …] [--json]
      kalypso-mirror keys list           [--keys-dir DIR] [--json]
      kalypso-mirror keys export-address [--keys-dir DIR] [--from ADDRESS | --keystore FILE | --private-key-env VAR] [--json]

    Keys are Web3 Secret Storage (version 3) files, as geth and most wallets write them, one per key, in the key
    directory (default ~/.kalypso-mirror/keys, created with mode 0700; each file has mode 0600 and is never
    overwritten). Run 'kalypso-mirror keys <subcommand> --help' for details.

    Secrets never go on the command line. A password comes from --password-file FILE (its first line),
    --password-env VAR, or else a prompt on the terminal without echo. A private key to import comes from
    --private-key-env VAR or a prompt without echo. Neither is ever printed, logged or part of an error.
    """

    static let newHelp = """
    Usage: kalypso-mirror keys new [--keys-dir DIR] [--password-file FILE | --password-env VAR] [--scrypt standard|light] [--json]

    Generates a key (OpenSSL randomness), encrypts it with scrypt + AES-128-CTR and writes it to the key directory.
    Prints the address and the file. At a prompt the password is asked twice. --scrypt light (N=2^12) is for
    tests and throw-away keys; the default, standard (N=2^18, r=8: ~256 MiB, about a second), is geth's.
    """

    static let importHelp = """
    Usage: kalypso-mirror keys import [--keys-dir DIR] [--private-key-env VAR] [--password-file FILE | --password-env VAR] [--scrypt standard|light] [--json]

    Encrypts an existing private key (hex, 0x optional) into a new keystore file. The key is read from the
    environment variable VAR, or from a prompt without echo. Importing an address the directory already holds is
    an error.
    """

    static let listHelp = """
    Usage: kalypso-mirror keys list [--keys-dir DIR] [--json]

    Lists the keys of the key directory: address and file, sorted by file name (creation time for generated
    files). Needs no password. Files that are not keystores are skipped.
    """

    static let exportAddressHelp = """
    Usage: kalypso-mirror keys export-address [--keys-dir DIR] [--from ADDRESS | --keystore FILE | --private-key-env VAR] [--json]

    Prints the checksummed address of a key, for scripts: of a keystore file, of the private key in VAR, or of
    the directory's only key. Needs no password.
    """

    static var handlesOwnHelp: Bool { true }

    static func run(_ arguments: inout Arguments) async throws -> Int32 {
        guard let sub = arguments.positional() else {
            if arguments.wantsHelp { Console.out(help); return 0 }
            throw CLIError.usage("keys needs a subcommand (new, import, list, export-address); see 'kalypso-mirror keys --help'")
        }
        let helps = ["new": newHelp, "import": importHelp, "list": listHelp, "export-address": exportAddressHelp]
        guard let subHelp = helps[sub] else {
            throw CLIError.usage("unknown keys subcommand '\(sub)'; see 'kalypso-mirror keys --help'")
        }
        if arguments.wantsHelp { Console.out(subHelp); return 0 }
        var subArguments = Arguments(arguments.words, commandPath: "kalypso-mirror keys \(sub)")
        defer { arguments = Arguments([], commandPath: arguments.commandPath) }
        do {
            switch sub {
            case "new": return try runNew(&subArguments, importing: false)
            case "import": return try runNew(&subArguments, importing: true)
            case "list": return try runList(&subArguments)
            default: return try runExportAddress(&subArguments)
            }
        } catch let e as OperatorError {
            throw CLIError(exitCode: e.isUsageError ? 2 : 1, message: e.message)
        }
    }

    static func directory(_ arguments: inout Arguments) throws -> KeyDirectory {
        KeyDirectory(path: try arguments.option("--keys-dir") ?? KeyDirectory.defaultPath)
    }

    private static func runNew(_ arguments: inout Arguments, importing: Bool) throws -> Int32 {
        let dir = try directory(&arguments)
        let json = arguments.flag("--json")
        let password = try SecretInput.PasswordSource.parse(&arguments)
        let keyEnvironment = importing ? try arguments.option("--private-key-env") : nil
        let parameters: Keystore.EncryptionParameters
        switch try arguments.option("--scrypt") ?? "standard" {
        case "standard": parameters = .standard
        case "light": parameters = .light
        case let other: throw CLIError.usage("--scrypt must be standard or light, not '\(other)'")
        }
        try arguments.finish()
        let key: PrivateKey
        if importing {
            if let keyEnvironment {
                key = try SecretInput.privateKey(environment: keyEnvironment)
            } else {
                key = try SecretInput.privateKey(text: try SecretInput.prompt("Private key to import (hex, not echoed): "), source: "the key typed")
            }
        } else {
            key = try PrivateKey.generate()
        }
        if let existing = try dir.list().first(where: { $0.address == key.address }) {
            throw CLIError.failure("\(dir.path) already holds a key for \(key.address.checksummed) (\(existing.path))")
        }
        let secret = try password.read(forWhat: "the new key \(key.address.checksummed)", confirm: true)
        guard !secret.isEmpty else { throw CLIError.usage("the password is empty; a keystore needs a password") }
        if let warning = try dir.ensureExists() { Console.err("warning: \(warning)") }
        let keystore = try Keystore.encrypt(key, password: secret, parameters: parameters)
        let file = try dir.store(keystore)
        if json {
            Console.out(JSONValue.object([("address", .string(file.address.checksummed)), ("file", .string(file.path)),
                                          ("imported", .bool(importing))]).text)
        } else {
            Console.out("\(importing ? "imported" : "created") \(file.address.checksummed)")
            Console.out("file: \(file.path)")
        }
        return 0
    }

    private static func runList(_ arguments: inout Arguments) throws -> Int32 {
        let dir = try directory(&arguments)
        let json = arguments.flag("--json")
        try arguments.finish()
        let files = try dir.list()
        if json {
            let items = files.map { JSONValue.object([("address", .string($0.address.checksummed)), ("file", .string($0.path))]) }
            Console.out(JSONValue.object([("keysDir", .string(dir.path)), ("keys", .array(items))]).text)
        } else if files.isEmpty {
            Console.out("no keys in \(dir.path); create one with 'kalypso-mirror keys new'")
        } else {
            for f in files { Console.out("\(f.address.checksummed)  \(f.path)") }
        }
        return 0
    }

    private static func runExportAddress(_ arguments: inout Arguments) throws -> Int32 {
        let dir = try directory(&arguments)
        let json = arguments.flag("--json")
        let from = try arguments.option("--from")
        let keystore = try arguments.option("--keystore")
        let keyEnvironment = try arguments.option("--private-key-env")
        try arguments.finish()
        guard [from, keystore, keyEnvironment].compactMap({ $0 }).count <= 1 else {
            throw CLIError.usage("give at most one of --from, --keystore and --private-key-env")
        }
        let address: Address
        if let keyEnvironment {
            address = try SecretInput.privateKey(environment: keyEnvironment).address
        } else if let keystore {
            guard let a = try KeyFile(address: .zero, path: keystore).load().address else {
                throw CLIError.failure("\(keystore) has no address field; decrypt it to learn the address")
            }
            address = a
        } else if let from {
            address = try dir.find(try CLIParse.address(from, "--from")).address
        } else {
            address = try dir.only().address
        }
        Console.out(json ? JSONValue.object([("address", .string(address.checksummed))]).text : address.checksummed)
        return 0
    }
}

/// Small argument parsers shared by the operator commands.
enum CLIParse {
    /// An address (a mixed-case one must carry a valid EIP-55 checksum).
    static func address(_ text: String, _ option: String) throws -> Address {
        do { return try Address(text) } catch {
            throw CLIError.usage("\(option) '\(text)' is not an address: \(error)")
        }
    }
}
