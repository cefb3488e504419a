import Foundation

/// A parsed JSON object with typed accessors that throw a readable error when a member is missing or mistyped.
public struct JSONObject: @unchecked Sendable, CustomStringConvertible {
    // @unchecked: a JSONSerialization tree, read only.
    public let members: [String: Any]

    public init(_ members: [String: Any]) { self.members = members }

    public init(_ response: RawResponse) throws {
        guard let object = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] else {
            throw TestClientError("not a JSON object: \(response.text)")
        }
        members = object
    }

    public var description: String {
        (try? JSONSerialization.data(withJSONObject: members, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "\(members)"
    }

    public subscript(_ key: String) -> Any? { members[key] }

    public func has(_ key: String) -> Bool { members.keys.contains(key) }

    public func isNull(_ key: String) -> Bool { members[key] is NSNull }

    public func string(_ key: String) throws -> String {
        guard let v = members[key] as? String else { throw TestClientError("`\(key)` is not a string in \(self)") }
        return v
    }

    /// A string member, or nil when it is JSON null.
    public func optionalString(_ key: String) throws -> String? {
        if isNull(key) { return nil }
        return try string(key)
    }

    public func int(_ key: String) throws -> Int {
        guard let v = members[key] as? Int else { throw TestClientError("`\(key)` is not an integer in \(self)") }
        return v
    }

    public func optionalInt(_ key: String) throws -> Int? {
        if isNull(key) { return nil }
        return try int(key)
    }

    public func bool(_ key: String) throws -> Bool {
        guard let v = members[key] as? Bool else { throw TestClientError("`\(key)` is not a Boolean in \(self)") }
        return v
    }

    public func object(_ key: String) throws -> JSONObject {
        guard let v = members[key] as? [String: Any] else { throw TestClientError("`\(key)` is not an object in \(self)") }
        return JSONObject(v)
    }

    public func optionalObject(_ key: String) throws -> JSONObject? {
        if isNull(key) { return nil }
        return try object(key)
    }

    public func array(_ key: String) throws -> [JSONObject] {
        guard let v = members[key] as? [[String: Any]] else { throw TestClientError("`\(key)` is not an array of objects in \(self)") }
        return v.map(JSONObject.init)
    }

    public func strings(_ key: String) throws -> [String] {
        guard let v = members[key] as? [String] else { throw TestClientError("`\(key)` is not an array of strings in \(self)") }
        return v
    }
}
