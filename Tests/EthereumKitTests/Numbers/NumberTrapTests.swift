import Testing
@testable import EthereumKit

/// The trapping operators trap (as Swift's integers do) instead of wrapping silently. Each check runs in a
/// child process (Swift Testing exit tests).
@Suite struct NumberTrapTests {
    @Test func uint256OperatorsTrapOnOverflow() async {
        await #expect(processExitsWith: .failure) { _ = UInt256.max + UInt256.one }
        await #expect(processExitsWith: .failure) { _ = UInt256.zero - UInt256.one }
        await #expect(processExitsWith: .failure) { _ = (UInt256.one << 128) * (UInt256.one << 128) }
        await #expect(processExitsWith: .failure) { _ = UInt256.one / UInt256.zero }
        await #expect(processExitsWith: .failure) { _ = UInt256.one % UInt256.zero }
    }

    @Test func int256OperatorsTrapOnOverflow() async {
        await #expect(processExitsWith: .failure) { _ = Int256.max + Int256(1) }
        await #expect(processExitsWith: .failure) { _ = Int256.min - Int256(1) }
        await #expect(processExitsWith: .failure) { _ = Int256.min * Int256(-1) }
        await #expect(processExitsWith: .failure) { _ = Int256.min / Int256(-1) }
        await #expect(processExitsWith: .failure) { _ = -Int256.min }
        await #expect(processExitsWith: .failure) { _ = Int256(1) / Int256.zero }
    }
}
