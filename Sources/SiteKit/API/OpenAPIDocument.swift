import Foundation
import HTTPCore

/// `docs/openapi.json`, served as it is: the contract both halves of the API are tested against.
public enum OpenAPIDocument {
    public static func register(_ document: [UInt8]?, on api: APIRouteRecorder) {
        api.on(.get, "/openapi.json") { _ in
            guard let document else { throw APIError(.notFound, "This server was started without its OpenAPI document.") }
            return Response.bytes(document, contentType: APIJSON.mediaType)
        }
    }

    /// The document, read once at start; a path that cannot be read or is not JSON stops the
    /// start rather than serving a broken contract.
    public static func load(_ path: String?) throws -> [UInt8]? {
        struct DocumentError: Error, CustomStringConvertible { let description: String }
        guard let path else { return nil }
        guard let data = FileManager.default.contents(atPath: path), (try? JSONSerialization.jsonObject(with: data)) is [String: Any] else {
            throw DocumentError(description: "openapi: cannot read a JSON object from \(path); pass --openapi")
        }
        return Array(data)
    }
}
