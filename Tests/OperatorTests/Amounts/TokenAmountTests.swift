import EthereumKit
import Operator
import JSONRPC
import Testing

@Suite struct TokenAmountTests {
    @Test func wholeTokensScaleByTheDecimals() throws {
        #expect(try TokenAmount.parse("1.5", decimals: 18) == UInt256(1_500_000_000_000_000_000))
        #expect(try TokenAmount.parse("100", decimals: 6) == UInt256(100_000_000))
        #expect(try TokenAmount.parse("0.000001", decimals: 6) == UInt256(1))
        #expect(try TokenAmount.parse("1_000", decimals: 0) == UInt256(1_000))
        #expect(try TokenAmount.parse("0", decimals: 18) == .zero)
    }

    @Test func baseUnitsTakeTheWeiSuffix() throws {
        #expect(try TokenAmount.parse("1500000000000000000wei", decimals: 18) == UInt256(1_500_000_000_000_000_000))
        #expect(try TokenAmount.parse("7wei", decimals: 6) == UInt256(7))
        let max = "115792089237316195423570985008687907853269984665640564039457584007913129639935"
        #expect(try TokenAmount.parse(max + "wei", decimals: 18) == .max)
    }

    @Test(arguments: [
        ("1.0000001", 6, "7 digits after the point, but the token has 6 decimals"),
        ("1.5wei", 18, "base units (wei) are whole numbers"),
        ("-1", 18, "only digits"),
        ("1e18", 18, "only digits"),
        ("1.", 18, "only digits"),
        (".5", 18, "only digits"),
        ("", 18, "not a number"),
        ("_1", 18, "not a number"),
        ("1 000", 18, "only digits"),
        ("115792089237316195423570985008687907853269984665640564039457584007913129639936wei", 18, "larger than 2^256 - 1"),
        ("1000000000000000000000000000000000000000000000000000000000000", 18, "larger than 2^256 - 1 base units"),
    ])
    func rejectsWithAReason(text: String, decimals: Int, reason: String) {
        #expect {
            try TokenAmount.parse(text, decimals: decimals, what: "--amount")
        } throws: { error in
            guard let e = error as? OperatorError else { return false }
            return e.code == .invalidInput && e.message.contains(reason) && e.message.contains("--amount '\(text)'")
                && e.message.contains("1500000000000000000wei")
        }
    }

    @Test func formatsWithoutTrailingZeros() {
        #expect(TokenAmount.format(UInt256(1_500_000_000_000_000_000), decimals: 18) == "1.5")
        #expect(TokenAmount.format(UInt256(1), decimals: 18) == "0.000000000000000001")
        #expect(TokenAmount.format(UInt256(1_000_000), decimals: 6) == "1")
        #expect(TokenAmount.format(.zero, decimals: 18) == "0")
        #expect(TokenAmount.format(UInt256(42), decimals: 0) == "42")
        #expect(TokenAmount.formatGwei(UInt256(1_500_000_000)) == "1.5 gwei")
        #expect(TokenAmount.formatEther(UInt256(2_100_000_000_000_000)) == "0.0021 ETH")
    }

    @Test func formatAndParseRoundTrip() throws {
        var rng = SplitMix64(seed: 5)
        for _ in 0..<500 {
            let value = UInt256(l0: rng.next(), l1: rng.next() % 4, l2: 0, l3: 0)
            let decimals = Int(rng.next() % 30)
            #expect(try TokenAmount.parse(TokenAmount.format(value, decimals: decimals), decimals: decimals) == value)
        }
    }

    @Test func plainIntegers() throws {
        #expect(try PlainInteger.parse("8", what: "--declared-compute") == UInt256(8))
        #expect(try PlainInteger.parse("0x10", what: "--market") == UInt256(16))
        #expect(try PlainInteger.parse("1_000", what: "--amount") == UInt256(1000))
        for bad in ["", "-1", "1.5", "abc", "_1", "+3"] {
            #expect(throws: OperatorError.self) { try PlainInteger.parse(bad, what: "--market") }
        }
    }
}
