@testable import Casefile
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
@testable import ReporterSite
@testable import SiteKit
import XCTest

/// The JSON body of an API response, as a dictionary.
func json(_ r: Response) -> [String: Any] {
    guard case .bytes(let b) = r.body, let object = try? JSONSerialization.jsonObject(with: Data(b)) as? [String: Any] else { return [:] }
    return object
}

func bodyBytes(_ r: Response) -> [UInt8] {
    if case .bytes(let b) = r.body { return b }
    return []
}

/// The `error` object of an API error body.
func apiError(_ r: Response) -> [String: Any] { json(r)["error"] as? [String: Any] ?? [:] }

func errorFields(_ r: Response) -> [String] {
    ((apiError(r)["fields"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }
}

func jsonBody(_ object: Any) -> [UInt8] { Array(try! JSONSerialization.data(withJSONObject: object)) }

extension ConsoleWorld {
    /// Creates an API token from the console's token page, as a person would; returns it.
    func createToken(_ session: Session, name: String = "script") throws -> String {
        let r = try call(.post, "/console/tokens", cookie: session.cookie, form: [("csrf", session.csrf), ("name", name)])
        let page = html(r)
        guard r.status.code == 201, let start = page.range(of: "id=\"new-token\">"),
              let end = page[start.upperBound...].range(of: "<") else {
            throw NSError(domain: "createToken", code: r.status.code)
        }
        return String(page[start.upperBound..<end.lowerBound])
    }

    func api(_ method: HTTPMethod, _ path: String, token: String? = nil, json body: Any? = nil,
             headers extra: HTTPHeaders = [:]) throws -> Response {
        var headers = extra
        if let token { headers.add("Authorization", "Bearer \(token)") }
        var bytes: [UInt8] = []
        if let body {
            headers.add("Content-Type", "application/json")
            bytes = jsonBody(body)
        }
        headers.add("Host", "127.0.0.1:8080")
        return try app.handler.handle(try Request(method: method, target: path, headers: headers, body: bytes))
    }
}
