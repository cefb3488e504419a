import Testing

/// Every suite that needs a chain is nested here: one devnode subprocess (port 0) for all of them, started before and
/// stopped after; the suites run one after another because they share its accounts and blocks.
/// MirrorViewTests syncs the mirror after the commands and checks that its queries and `verify` agree with the chain.
@Suite(.devnode, .serialized) struct OperatorIntegrationTests {}
