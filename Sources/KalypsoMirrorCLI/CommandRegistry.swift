/// Every subcommand, in the order `kalypso-mirror --help` lists them.
enum CommandRegistry {
    static let all: [any CLICommand.Type] = [
        KeccakCommand.self,
        SigCommand.self,
        TxCommand.self,
        ABICommand.self,
        AddressCommand.self,
        KeysCommand.self,
        GeneratorCommand.self,
        SyncCommand.self,
        StatusCommand.self,
        GeneratorsCommand.self,
        MarketsCommand.self,
        HistoryCommand.self,
        VerifyCommand.self,
        MatchCommand.self,
        ServeCommand.self,
    ]
}
