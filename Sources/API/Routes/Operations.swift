import HTTPServer
import Kalypso
import Mirror

extension MirrorAPI {
    /// The OpenAPI document of the API: every named schema; the paths come from the registered routes.
    public static var document: OpenAPIDocument {
        OpenAPIDocument(
            title: "kalypso-mirror",
            version: "1",
            description: """
            Read-only queries over the mirrored Kalypso state. Every response carries `block` (number and hash of the \
            synced block it reflects), read in one database snapshot with the data. 256-bit integers are decimal \
            strings; block numbers and counts are JSON numbers; addresses, hashes and bytes are lowercase 0x-hex; \
            enums are lowercase snake_case names; unknown values are null. Unknown query parameters are rejected (400).
            """,
            schemas: Operations.schemas)
    }

    enum Operations {
        static let tags = ["mirror"]

        static let schemas: [(String, JSONSchema)] = [
            (BlockJSON.name, BlockJSON.schema),
            (GeneratorJSON.recordName, GeneratorJSON.recordSchema),
            (GeneratorJSON.summaryName, GeneratorJSON.summarySchema),
            (GeneratorJSON.detailName, GeneratorJSON.detailSchema),
            (ListingJSON.name, ListingJSON.schema),
            (PendingIntentJSON.name, PendingIntentJSON.schema),
            (FractionJSON.name, FractionJSON.schema),
            (SignatureCheckJSON.name, SignatureCheckJSON.schema),
            (MarketJSON.name, MarketJSON.schema),
            (MarketJSON.dataName, MarketJSON.dataSchema),
            (MarketGeneratorJSON.name, MarketGeneratorJSON.schema),
            (MarketStatsJSON.name, MarketStatsJSON.schema),
            (MarketStatsJSON.spreadName, MarketStatsJSON.spreadSchema),
            (AskJSON.name, AskJSON.schema),
            (AskJSON.bodyName, AskJSON.bodySchema),
            (TransactionEventJSON.name, TransactionEventJSON.schema),
            (StatusJSON.name, StatusJSON.schema),
            (StatusJSON.reorgName, StatusJSON.reorgSchema),
        ]

        /// `{"block": Block, <members>}`.
        static func envelope(_ members: Atom.Properties, _ description: String) -> JSONSchema {
            .object([("block", .ref(BlockJSON.name))] + members, description: description)
        }

        static let nextCursor = ("nextCursor", Atom.orNull(.string(), "pass as `cursor` for the next page; null on the last page"))
        static let limit = OpenAPIParameter.query("limit", .integer(minimum: 1, maximum: Int64(MirrorAPI.maximumLimit)),
                                                  "items per page (default \(MirrorAPI.defaultLimit))")
        static let cursor = OpenAPIParameter.query("cursor", .string(), "the nextCursor of the previous page, unchanged")
        static let address = OpenAPIParameter.path("address", Atom.checksummedAddress.described("0x and 40 hex digits: all lowercase, or EIP-55 checksummed"),
                                                   "the generator (admin) address")
        static func id(_ what: String) -> OpenAPIParameter {
            .path("id", .string(pattern: "^[0-9]{1,78}$", description: "decimal, below 2^256"), "the \(what) id")
        }

        static let badRequest = OpenAPIResponse.error(400, "A parameter is malformed, out of range or not accepted (the message says which)")
        static let notFound = OpenAPIResponse.error(404, "Not in the mirror")
        static let notSynced = OpenAPIResponse.error(503, "Nothing synced yet, or the database is unavailable")

        static let status = OpenAPIOperation(
            summary: "Sync status: head, synced block and hash, lag, reorgs, quarantined and unknown logs, readiness",
            tags: tags, operationId: "getStatus",
            responses: [.json(200, "The status", .object([
                ("block", Atom.orNull(.ref(BlockJSON.name), "null before the first commit")),
                ("status", .ref(StatusJSON.name)),
            ])), badRequest])

        static let generators = OpenAPIOperation(
            summary: "Generators by address, optionally only those listed in a market and in a derived state",
            tags: tags, operationId: "listGenerators",
            parameters: [
                .query("market", .string(pattern: "^[0-9]{1,78}$"), "only generators listed in this market (then `state` is their state in it)"),
                .query("state", .string(enum: GeneratorState.apiNames), "only generators in this derived state"),
                limit, cursor,
            ],
            responses: [.json(200, "A page of generators", envelope([
                ("generators", .array(.ref(GeneratorJSON.summaryName), maxItems: MirrorAPI.maximumLimit)), nextCursor,
            ], "A page of generators")), badRequest, notSynced])

        static let generator = OpenAPIOperation(
            summary: "One generator: stake, locked stake, declared and idle compute, utilisation intents, reward address, metadata, markets, admin signature check",
            tags: tags, operationId: "getGenerator", parameters: [address],
            responses: [.json(200, "The generator", envelope([("generator", .ref(GeneratorJSON.detailName))], "A generator")),
                        badRequest, notFound, notSynced])

        static let generatorMarkets = OpenAPIOperation(
            summary: "A generator's listings, by market id, with derived state and eligibility",
            tags: tags, operationId: "getGeneratorMarkets", parameters: [address],
            responses: [.json(200, "Its listings", envelope([
                ("generator", Atom.address), ("markets", .array(.ref(ListingJSON.name))),
            ], "A generator's listings")), badRequest, notFound, notSynced])

        static let markets = OpenAPIOperation(
            summary: "Markets by id", tags: tags, operationId: "listMarkets", parameters: [limit, cursor],
            responses: [.json(200, "A page of markets", envelope([
                ("markets", .array(.ref(MarketJSON.name), maxItems: MirrorAPI.maximumLimit)), nextCursor,
            ], "A page of markets")), badRequest, notSynced])

        static let market = OpenAPIOperation(
            summary: "One market", tags: tags, operationId: "getMarket", parameters: [id("market")],
            responses: [.json(200, "The market", envelope([("market", .ref(MarketJSON.name))], "A market")),
                        badRequest, notFound, notSynced])

        static let marketGenerators = OpenAPIOperation(
            summary: "A market's generators: every listing, or only those eligible now, with available compute",
            tags: tags, operationId: "getMarketGenerators",
            parameters: [id("market"), .query("filter", .string(enum: MarketGeneratorFilter.apiNames),
                                             "listed (default): every listing; eligible: only listings an ask could be assigned to now")],
            responses: [.json(200, "Its generators by address", envelope([
                ("marketId", Atom.uint256), ("filter", .string(enum: MarketGeneratorFilter.apiNames)),
                ("generators", .array(.ref(MarketGeneratorJSON.name))),
            ], "A market's generators")), badRequest, notFound, notSynced])

        static let marketStats = OpenAPIOperation(
            summary: "A market's statistics: listings by state, price and time spreads, asks by state and outcome, median proof time",
            tags: tags, operationId: "getMarketStats", parameters: [id("market")],
            responses: [.json(200, "The statistics", envelope([("stats", .ref(MarketStatsJSON.name))], "A market's statistics")),
                        badRequest, notFound, notSynced])

        static let ask = OpenAPIOperation(
            summary: "One ask with its derived state", tags: tags, operationId: "getAsk", parameters: [id("ask")],
            responses: [.json(200, "The ask", envelope([("ask", .ref(AskJSON.name))], "An ask")), badRequest, notFound, notSynced])

        static let transactionEvents = OpenAPIOperation(
            summary: "A transaction's Kalypso events as the mirror stored them, in log order: decoded fields with the enrichment, and the raw log",
            tags: tags, operationId: "getTransactionEvents",
            parameters: [.path("hash", .string(pattern: "^0x[0-9a-fA-F]{64}$", description: "0x and 64 hex digits"), "the transaction hash")],
            responses: [.json(200, "Its events", envelope([
                ("transaction", Atom.hash), ("events", .array(.ref(TransactionEventJSON.name))),
            ], "A transaction's events")), badRequest, notFound, notSynced])

        static let signatureChecks = OpenAPIOperation(
            summary: "The signatures the sync verified with libsecp256k1 (admin, enclave, matching engine), oldest first",
            tags: tags, operationId: "listSignatureChecks",
            parameters: [
                .query("kind", .string(enum: SignatureCheck.Kind.apiNames), "only checks of this kind"),
                .query("mismatches", .boolean(), "true: only checks whose recovered signer is not the expected one (default false)"),
                .query("expected", Atom.checksummedAddress.described("0x and 40 hex digits: all lowercase, or EIP-55 checksummed"),
                       "only checks expecting this address (a generator's admin checks)"),
                limit, cursor,
            ],
            responses: [.json(200, "A page of signature checks", envelope([
                ("signatureChecks", .array(.ref(SignatureCheckJSON.name), maxItems: MirrorAPI.maximumLimit)), nextCursor,
            ], "A page of signature checks")), badRequest, notSynced])
    }
}
