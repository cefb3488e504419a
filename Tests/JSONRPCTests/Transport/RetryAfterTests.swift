import Testing
@testable import JSONRPC

@Suite struct RetryAfterTests {
    static let now: Int64 = 784_111_777  // Sun, 06 Nov 1994 08:49:37 GMT

    @Test func parsesSeconds() {
        #expect(RetryAfter.delay("120", now: Self.now) == .seconds(120))
        #expect(RetryAfter.delay(" 0 ", now: Self.now) == .zero)
        #expect(RetryAfter.delay("-1", now: Self.now) == nil)
        #expect(RetryAfter.delay("1.5", now: Self.now) == nil)
        #expect(RetryAfter.delay("", now: Self.now) == nil)
    }

    @Test(arguments: ["Sun, 06 Nov 1994 08:51:37 GMT", "Sunday, 06-Nov-94 08:51:37 GMT", "Sun Nov  6 08:51:37 1994"])
    func parsesAllThreeHTTPDateForms(_ text: String) {
        #expect(RetryAfter.unixTime(httpDate: text) == Self.now + 120)
        #expect(RetryAfter.delay(text, now: Self.now) == .seconds(120))
    }

    @Test func pastDatesMeanNoWaitAndGarbageIsNil() {
        #expect(RetryAfter.delay("Sun, 06 Nov 1994 08:00:00 GMT", now: Self.now) == .zero)
        #expect(RetryAfter.delay("Sun, 32 Nov 1994 08:00:00 GMT", now: Self.now) == nil)
        #expect(RetryAfter.delay("tomorrow", now: Self.now) == nil)
        #expect(RetryAfter.unixTime(httpDate: "Thu, 01 Jan 1970 00:00:00 GMT") == 0)
        #expect(RetryAfter.unixTime(httpDate: "Tue, 29 Feb 2000 12:00:00 GMT") == 951_825_600)
    }
}
