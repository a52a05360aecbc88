import HTTPCore

/// An API refusal: the status, a message for a person, and for a form that failed validation
/// the fields at fault. Becomes `{"error": {"status", "message", "fields"}}`; the message never
/// quotes the request.
public struct APIError: Error, Sendable {
    public struct Field: Sendable, Equatable {
        public let field: String
        public let message: String

        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    public let status: HTTPStatus
    public let message: String
    public var fields: [Field] = []
    public var headers: HTTPHeaders = [:]

    public init(_ status: HTTPStatus, _ message: String, fields: [Field] = [], headers: HTTPHeaders = [:]) {
        self.status = status
        self.message = message
        self.fields = fields
        self.headers = headers
    }

    var body: JSONValue {
        ["error": ["status": .int(status.code), "message": .string(message),
                   "fields": .array(fields.map { ["field": .string($0.field), "message": .string($0.message)] })]]
    }

    public var response: Response {
        var r = APIJSON.response(body, status: status)
        for f in headers { r.headers.set(f.name, f.value) }
        return r
    }

    public static func unauthorized(_ message: String) -> APIError {
        APIError(.unauthorized, message, headers: ["WWW-Authenticate": "Bearer"])
    }
}
