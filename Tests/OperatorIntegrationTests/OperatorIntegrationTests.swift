import Testing

/// Every suite that needs a chain is nested here: one devnode subprocess (port 0) for all of them, started before and
/// stopped after; the suites run one after another because they share its accounts and blocks.
/// (The mirror's view of each new state is to be asserted here once the mirror's reader lands.)
@Suite(.devnode, .serialized) struct OperatorIntegrationTests {}
