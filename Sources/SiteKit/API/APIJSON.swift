import Foundation
import HTTPCore
import Presentation

/// Reading and writing the API's JSON, and the middleware that makes every answer under
/// `/api/` JSON, errors included.
public enum APIJSON {
    static let mediaType = "application/json"
    /// JSON bodies carry text only (files go as multipart); a report's narrative of 20,000
    /// characters escaped as `\uXXXX` is 120 KB.
    static let maxBodyBytes = 512 * 1024

    public static func response(_ value: JSONValue, status: HTTPStatus = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let bytes = (try? encoder.encode(value)).map { Array($0) } ?? Array("{}".utf8)
        return Response.bytes(bytes, contentType: mediaType, status: status)
    }

    /// Messages follow `Accept-Language` (English when it starts with `en`), else Chinese first
    /// like the pages; `?lang=` works too.
    public static func language(_ request: Request) -> Language {
        if let lang = request.queryValue("lang") { return Language(code: lang) }
        let accept = (request.headers["Accept-Language"] ?? "").lowercased()
        return accept.hasPrefix("en") ? .en : .zh
    }

    public static func isJSON(_ request: Request) -> Bool {
        let type = (request.headers["Content-Type"] ?? "").lowercased()
        return type == mediaType || type.hasPrefix(mediaType + ";")
    }

    /// Decodes a JSON object body. 415 when it is not JSON, 400 (naming the field, never its
    /// value) when it does not parse or a field has the wrong type, or any text holds a NUL
    /// (which the form parsers refuse too).
    public static func decode<T: Decodable>(_ type: T.Type, _ request: Request) throws -> T {
        guard isJSON(request) else { throw APIError(.unsupportedMediaType, "Send this request as application/json.") }
        request.body.limit = min(request.body.limit, maxBodyBytes)
        let bytes = try request.bodyBytes()
        guard !bytes.contains(0), !bytes.isEmpty else { throw APIError(.badRequest, "The body must be one JSON object.") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch let DecodingError.typeMismatch(_, context) {
            throw APIError(.badRequest, "The field '\(fieldName(context.codingPath))' has the wrong type.")
        } catch let DecodingError.valueNotFound(_, context) {
            throw APIError(.badRequest, "The field '\(fieldName(context.codingPath))' has the wrong type.")
        } catch let DecodingError.keyNotFound(key, context) {
            throw APIError(.badRequest, "The field '\(fieldName(context.codingPath + [key]))' is missing.")
        } catch {
            throw APIError(.badRequest, "The body must be one JSON object.")
        }
    }

    static func fieldName(_ path: [any CodingKey]) -> String {
        path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }

    /// Inside an API group: a `StatusError` becomes an `APIError` in the language of
    /// `Accept-Language`, which `errors` then writes.
    public static func localised(_ library: TemplateLibrary) -> Middleware {
        { request, next in
            do {
                return try next(request)
            } catch let error as StatusError {
                let text = error.message.resolved(library, language(request))
                throw APIError(error.status, text, fields: error.field.map { [APIError.Field(field: $0, message: text)] } ?? [],
                               headers: error.headers)
            }
        }
    }

    /// Outermost middleware: under `/api/` every error is JSON. Handlers throw `APIError`; an
    /// `HTTPError` or `FormError` from shared code, and the router's own 404/405 and the pages'
    /// error middleware, are turned into the same body so a client never parses HTML.
    public static let errors: Middleware = { request, next in
        guard request.path == "/api" || request.path.hasPrefix("/api/") else { return try next(request) }
        let response: Response
        do {
            response = try next(request)
        } catch let e as APIError {
            return e.response
        } catch let e as HTTPError {
            return APIError(e.status, e.message, headers: e.headers).response
        } catch let e as FormError {
            return APIError(HTTPStatus(e.status), e.message).response
        }
        guard response.status.code >= 400, response.headers["Content-Type"] != mediaType else { return response }
        var headers: HTTPHeaders = [:]
        for name in ["Allow", "Retry-After", "WWW-Authenticate"] {
            if let v = response.headers[name] { headers.set(name, v) }
        }
        return APIError(response.status, response.status.reason, headers: headers).response
    }
}
