/// A JSON Schema (draft 2020-12, as OpenAPI 3.1 uses it), built with typed factories.
///
/// ```swift
/// let generator = JSONSchema.object([
///     ("address", .string(pattern: "^0x[0-9a-fA-F]{40}$", description: "EIP-55 checksummed address")),
///     ("stake", .string(pattern: "^[0-9]+$", description: "wei, decimal")),
///     ("rewardAddress", .nullable(.string())),
/// ])
/// ```
public struct JSONSchema: Sendable {
    enum Value: Sendable {
        case string(String), int(Int64), double(Double), bool(Bool), strings([String])
        case schema(JSONSchema), schemas([JSONSchema]), properties([(String, JSONSchema)])
    }
    var members: [(String, Value)]

    init(_ members: [(String, Value)]) { self.members = members }

    /// A string, optionally with a `format`, a regular-expression `pattern`, allowed values and a description.
    public static func string(format: String? = nil, pattern: String? = nil, enum values: [String]? = nil,
                              description: String? = nil) -> JSONSchema {
        var m: [(String, Value)] = [("type", .string("string"))]
        if let format { m.append(("format", .string(format))) }
        if let pattern { m.append(("pattern", .string(pattern))) }
        if let values { m.append(("enum", .strings(values))) }
        return JSONSchema(m).described(description)
    }

    /// An integer, optionally bounded (`format` such as `int64`).
    public static func integer(minimum: Int64? = nil, maximum: Int64? = nil, format: String? = nil,
                               description: String? = nil) -> JSONSchema {
        var m: [(String, Value)] = [("type", .string("integer"))]
        if let format { m.append(("format", .string(format))) }
        if let minimum { m.append(("minimum", .int(minimum))) }
        if let maximum { m.append(("maximum", .int(maximum))) }
        return JSONSchema(m).described(description)
    }

    /// A number (integer or fraction).
    public static func number(minimum: Double? = nil, description: String? = nil) -> JSONSchema {
        var m: [(String, Value)] = [("type", .string("number"))]
        if let minimum { m.append(("minimum", .double(minimum))) }
        return JSONSchema(m).described(description)
    }

    /// `true` or `false`.
    public static func boolean(description: String? = nil) -> JSONSchema {
        JSONSchema([("type", .string("boolean"))]).described(description)
    }

    /// An object with these properties in this order. `required` defaults to every property (the API always
    /// writes every field, `null` when unknown); extra properties are rejected unless `additionalProperties`.
    public static func object(_ properties: [(String, JSONSchema)], required: [String]? = nil,
                              additionalProperties: Bool = false, description: String? = nil) -> JSONSchema {
        var m: [(String, Value)] = [("type", .string("object")), ("properties", .properties(properties))]
        let req = required ?? properties.map(\.0)
        if !req.isEmpty { m.append(("required", .strings(req))) }
        m.append(("additionalProperties", .bool(additionalProperties)))
        return JSONSchema(m).described(description)
    }

    /// An object used as a map from string keys to `values`.
    public static func map(_ values: JSONSchema, description: String? = nil) -> JSONSchema {
        JSONSchema([("type", .string("object")), ("additionalProperties", .schema(values))]).described(description)
    }

    /// An array of `items`.
    public static func array(_ items: JSONSchema, maxItems: Int? = nil, description: String? = nil) -> JSONSchema {
        var m: [(String, Value)] = [("type", .string("array")), ("items", .schema(items))]
        if let maxItems { m.append(("maxItems", .int(Int64(maxItems)))) }
        return JSONSchema(m).described(description)
    }

    /// A reference to a schema registered in `OpenAPIDocument.schemas` under `name`.
    public static func ref(_ name: String) -> JSONSchema {
        JSONSchema([("$ref", .string("#/components/schemas/\(name)"))])
    }

    /// `schema` or `null`.
    public static func nullable(_ schema: JSONSchema) -> JSONSchema {
        JSONSchema([("anyOf", .schemas([schema, JSONSchema([("type", .string("null"))])]))])
    }

    /// Exactly one of `schemas`.
    public static func oneOf(_ schemas: [JSONSchema], description: String? = nil) -> JSONSchema {
        JSONSchema([("oneOf", .schemas(schemas))]).described(description)
    }

    /// Any JSON value.
    public static let any = JSONSchema([])

    /// A copy with a `description` (unchanged if nil).
    public func described(_ description: String?) -> JSONSchema {
        guard let description else { return self }
        var copy = self
        copy.members.append(("description", .string(description)))
        return copy
    }

    /// A copy with an `example` string.
    public func example(_ text: String) -> JSONSchema {
        var copy = self
        copy.members.append(("examples", .strings([text])))
        return copy
    }

    /// Writes the schema as a JSON object.
    public func write(to w: inout JSONWriter) {
        w.object { w in
            for (name, value) in members {
                w.key(name)
                Self.write(value, to: &w)
            }
        }
    }

    private static func write(_ value: Value, to w: inout JSONWriter) {
        switch value {
        case .string(let s): w.value(s)
        case .int(let n): w.value(n)
        case .double(let d): w.value(d)
        case .bool(let b): w.value(b)
        case .strings(let list): w.array { w in for s in list { w.value(s) } }
        case .schema(let s): s.write(to: &w)
        case .schemas(let list): w.array { w in for s in list { s.write(to: &w) } }
        case .properties(let props): w.object { w in for (k, s) in props { w.key(k); s.write(to: &w) } }
        }
    }

    /// Names referenced through `$ref` anywhere in this schema.
    var referencedNames: [String] {
        var out: [String] = []
        for (key, value) in members {
            switch value {
            case .string(let s) where key == "$ref": out.append(String(s.dropFirst("#/components/schemas/".count)))
            case .schema(let s): out += s.referencedNames
            case .schemas(let list): out += list.flatMap(\.referencedNames)
            case .properties(let props): out += props.flatMap(\.1.referencedNames)
            default: break
            }
        }
        return out
    }
}

/// A parameter of an operation (path or query).
public struct OpenAPIParameter: Sendable {
    /// Where the parameter is.
    public enum Location: String, Sendable { case path, query, header }
    public var name: String
    public var location: Location
    public var required: Bool
    public var description: String
    public var schema: JSONSchema

    /// A path parameter (always required); its name must appear in the route pattern as `{name}`.
    public static func path(_ name: String, _ schema: JSONSchema, _ description: String) -> OpenAPIParameter {
        OpenAPIParameter(name: name, location: .path, required: true, description: description, schema: schema)
    }

    /// A query parameter.
    public static func query(_ name: String, _ schema: JSONSchema, _ description: String, required: Bool = false) -> OpenAPIParameter {
        OpenAPIParameter(name: name, location: .query, required: required, description: description, schema: schema)
    }
}

/// One documented response of an operation.
public struct OpenAPIResponse: Sendable {
    /// The status code, or nil for `default` (any other status).
    public var status: Int?
    public var description: String
    public var contentType: String
    public var schema: JSONSchema?

    /// A JSON response with `schema`.
    public static func json(_ status: Int, _ description: String, _ schema: JSONSchema) -> OpenAPIResponse {
        OpenAPIResponse(status: status, description: description, contentType: Response.jsonContentType, schema: schema)
    }

    /// A response with another content type (for example Prometheus text).
    public static func other(_ status: Int, _ description: String, contentType: String, schema: JSONSchema = .string()) -> OpenAPIResponse {
        OpenAPIResponse(status: status, description: description, contentType: contentType, schema: schema)
    }

    /// The `Error` object for statuses this operation documents as errors (400, 404, 503 …).
    public static func error(_ status: Int, _ description: String) -> OpenAPIResponse {
        .json(status, description, .ref(OpenAPIDocument.errorSchemaName))
    }
}

/// What one route does, for `/openapi.json`: registered together with the route.
public struct OpenAPIOperation: Sendable {
    public var summary: String
    public var description: String?
    public var tags: [String]
    public var operationId: String?
    public var parameters: [OpenAPIParameter]
    public var responses: [OpenAPIResponse]

    /// Describes an operation. Path parameters not listed in `parameters` are documented as plain strings;
    /// a `default` response with the `Error` schema is added for every other status.
    public init(summary: String, description: String? = nil, tags: [String] = [], operationId: String? = nil,
                parameters: [OpenAPIParameter] = [], responses: [OpenAPIResponse]) {
        self.summary = summary
        self.description = description
        self.tags = tags
        self.operationId = operationId
        self.parameters = parameters
        self.responses = responses
    }
}

/// The document-level parts of the OpenAPI description; the paths come from the registered routes.
public struct OpenAPIDocument: Sendable {
    /// The name of the error schema every operation's `default` response uses.
    public static let errorSchemaName = "Error"

    public var title: String
    public var version: String
    public var description: String?
    /// Named schemas for `components/schemas` (reference them with `JSONSchema.ref`).
    public var schemas: [(String, JSONSchema)]

    public init(title: String, version: String, description: String? = nil, schemas: [(String, JSONSchema)] = []) {
        self.title = title
        self.version = version
        self.description = description
        self.schemas = schemas
    }

    /// The `Error` object every error response has.
    public static let errorSchema = JSONSchema.object([
        ("status", .integer(minimum: 400, maximum: 599, description: "the HTTP status")),
        ("code", .string(enum: HTTPError.Code.all.map(\.description), description: "machine-readable kind")),
        ("message", .string(description: "what is wrong and what to do")),
    ], description: "An error answer")

    /// Renders OpenAPI 3.1 JSON for `routes`.
    func render(routes: [Route]) -> [UInt8] {
        var w = JSONWriter(capacity: 16 * 1024)
        w.object { w in
            w.field("openapi", "3.1.0")
            w.field("info", object: { w in
                w.field("title", title)
                w.field("version", version)
                if let description { w.field("description", description) }
            })
            w.field("paths", object: { w in
                for (pattern, group) in Self.groupByPattern(routes) {
                    w.field(pattern, object: { w in
                        for route in group { Self.write(route, to: &w) }
                    })
                }
            })
            w.field("components", object: { w in
                w.field("schemas", object: { w in
                    var names = Set<String>()
                    for (name, schema) in schemas where names.insert(name).inserted { w.key(name); schema.write(to: &w) }
                    if names.insert(Self.errorSchemaName).inserted { w.key(Self.errorSchemaName); Self.errorSchema.write(to: &w) }
                })
            })
        }
        return w.bytes
    }

    /// Schema names referenced by routes or schemas but not defined (to check a document before serving it).
    func undefinedReferences(routes: [Route]) -> [String] {
        let defined = Set(schemas.map(\.0) + [Self.errorSchemaName])
        var used = schemas.flatMap(\.1.referencedNames)
        for r in routes {
            used += r.operation.parameters.flatMap(\.schema.referencedNames)
            used += r.operation.responses.compactMap(\.schema).flatMap(\.referencedNames)
        }
        return Array(Set(used).subtracting(defined)).sorted()
    }

    private static func groupByPattern(_ routes: [Route]) -> [(String, [Route])] {
        var order: [String] = []
        var groups: [String: [Route]] = [:]
        for r in routes {
            if groups[r.pattern] == nil { order.append(r.pattern) }
            groups[r.pattern, default: []].append(r)
        }
        return order.map { ($0, groups[$0] ?? []) }
    }

    private static func write(_ route: Route, to w: inout JSONWriter) {
        let op = route.operation
        w.field(route.method.rawValue.lowercased(), object: { w in
            w.field("summary", op.summary)
            if let d = op.description { w.field("description", d) }
            if !op.tags.isEmpty { w.field("tags", array: { w in for t in op.tags { w.value(t) } }) }
            w.field("operationId", op.operationId ?? route.defaultOperationId)
            var params = op.parameters
            for name in route.parameterNames where !params.contains(where: { $0.location == .path && $0.name == name }) {
                params.append(.path(name, .string(), "path parameter `\(name)`"))
            }
            if !params.isEmpty {
                w.field("parameters", array: { w in
                    for p in params {
                        w.object { w in
                            w.field("name", p.name)
                            w.field("in", p.location.rawValue)
                            w.field("required", p.required)
                            w.field("description", p.description)
                            w.key("schema"); p.schema.write(to: &w)
                        }
                    }
                })
            }
            w.field("responses", object: { w in
                var hasDefault = false
                for r in op.responses {
                    if r.status == nil { hasDefault = true }
                    w.field(r.status.map(String.init) ?? "default", object: { w in
                        w.field("description", r.description)
                        if let schema = r.schema {
                            w.field("content", object: { w in
                                w.field(r.contentType, object: { w in w.key("schema"); schema.write(to: &w) })
                            })
                        }
                    })
                }
                if !hasDefault {
                    w.field("default", object: { w in
                        w.field("description", "An error (status and code in the body)")
                        w.field("content", object: { w in
                            w.field(Response.jsonContentType, object: { w in
                                w.key("schema"); JSONSchema.ref(errorSchemaName).write(to: &w)
                            })
                        })
                    })
                }
            })
        })
    }
}
