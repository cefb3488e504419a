/// Parses the HTTP `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.
public enum RetryAfter {
    /// The delay a `Retry-After` value asks for, or nil if the value is neither form.
    ///
    /// - Parameters:
    ///   - value: the header value, e.g. `120` or `Sun, 06 Nov 1994 08:49:37 GMT`.
    ///   - now: the current Unix time in seconds (an HTTP-date in the past gives zero).
    /// All three date forms RFC 9110 requires recipients to accept are parsed: IMF-fixdate, RFC 850
    /// (`Sunday, 06-Nov-94 08:49:37 GMT`, two-digit years < 70 are 20xx) and asctime (`Sun Nov  6 08:49:37 1994`).
    public static func delay(_ value: String, now: Int64) -> Duration? {
        let trimmed = value.trimmingWhitespace
        if !trimmed.isEmpty, trimmed.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            guard let seconds = Int64(trimmed) else { return .seconds(Int64.max / 2) }
            return .seconds(seconds)
        }
        guard let date = unixTime(httpDate: trimmed) else { return nil }
        return .seconds(max(0, date - now))
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// The Unix time of an HTTP-date, or nil.
    public static func unixTime(httpDate text: String) -> Int64? {
        let tokens = text.split { $0 == " " || $0 == "," || $0 == "-" }.map { String($0) }
        var month: Int?, time: [Int64]?, numbers: [String] = []
        for t in tokens {
            if t.contains(":") {
                let parts = t.split(separator: ":").compactMap { Int64($0) }
                guard parts.count == 3 else { return nil }
                time = parts
            } else if let i = months.firstIndex(of: t.lowercased()) {
                month = i + 1
            } else if t.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
                numbers.append(t)
            }
        }
        guard let month, let time, numbers.count == 2, let day = Int64(numbers[0]), var year = Int64(numbers[1]) else { return nil }
        if numbers[1].count == 2 { year += year < 70 ? 2000 : 1900 }
        guard (1...31).contains(day), (0...23).contains(time[0]), (0...59).contains(time[1]), (0...60).contains(time[2]),
              (1900...9999).contains(year) else { return nil }
        return daysFromCivil(year: year, month: Int64(month), day: day) * 86_400 + time[0] * 3600 + time[1] * 60 + time[2]
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }  // "\r\n" is one Character
        guard let start = firstIndex(where: { !isSpace($0) }), let end = lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}
