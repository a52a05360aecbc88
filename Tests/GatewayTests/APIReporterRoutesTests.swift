@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
@testable import ReporterSite
@testable import SiteKit
import Synchronization
import TestSupport
import XCTest

final class APIReporterRoutesTests: AppTestCase {
    func call(_ method: HTTPMethod, _ target: String, headers: HTTPHeaders = [:], body: [UInt8] = []) throws -> Response {
        var h = headers
        if h["Host"] == nil { h.add("Host", "127.0.0.1:8080") }
        return try app.handler.handle(try Request(method: method, target: target, headers: h, body: body))
    }

    func post(_ path: String, _ object: Any, token: String? = nil, language: String? = nil) throws -> Response {
        var h: HTTPHeaders = ["Content-Type": "application/json"]
        if let token { h.add("Authorization", "Bearer \(token)") }
        if let language { h.add("Accept-Language", language) }
        return try call(.post, path, headers: h, body: jsonBody(object))
    }

    func bearer(_ token: String) -> HTTPHeaders { ["Authorization": "Bearer \(token)"] }

    func openSession(_ code: String) throws -> String {
        let r = try post("/api/v1/reporter/session", ["code": code])
        XCTAssertEqual(r.status.code, 201)
        XCTAssertEqual(json(r)["expires_in"] as? Int, 900)
        return try XCTUnwrap(json(r)["token"] as? String)
    }

    /// The JSON body and the form are read from the same table: one report sent both ways is
    /// one draft, whatever fields the table holds.
    func testJSONBodyAndFormReadEveryFieldAlike() throws {
        var object: [String: Any] = ["mode": "real_name", "identity_name": "李四", "identity_phone": "138",
                                     "identity_contact": "微信", "confidential": true, "exclude": [3, 5]]
        var pairs: [(name: String, value: String)] = [("mode", "real_name"), ("identity_name", "李四"), ("identity_phone", "138"),
                                                     ("identity_contact", "微信"), ("confidential", "1"), ("exclude", "3"), ("exclude", "5")]
        var people: [[String: String]] = [[:], [:]]
        for (row, _) in people.enumerated() {
            for part in PersonPart.all {
                people[row][part.key] = "\(part.key)-\(row)"
                pairs.append((part.formName(row: row), "\(part.key)-\(row)"))
            }
        }
        for field in ReportField.all {
            if field.kind == .persons {
                object[field.name] = people
            } else {
                object[field.name] = "value of \(field.name)"
                pairs.append((field.name, "value of \(field.name)"))
            }
        }
        let fromJSON = try JSONDecoder().decode(APIReporterRoutes.ReportBody.self, from: Data(jsonBody(object))).draft
        let fromForm = FormFields(pairs: pairs).reportDraft()
        XCTAssertEqual(fromJSON, fromForm)
        XCTAssertEqual(fromJSON.accused.count, 2)
        for field in ReportField.texts { XCTAssertEqual(fromJSON[field], "value of \(field.name)", field.name) }
        for part in PersonPart.all { XCTAssertEqual(fromJSON.accused[1][part], "\(part.key)-1", part.key) }
    }

    func testSubmitWithFileThenFollowTheCase() throws {
        var form = MultipartBody()
        form.field("category", "bribery")
        form.field("narrative", "API-NARRATIVE 收受回扣")
        form.field("accused_name_0", "张三")
        form.field("accused_post_0", "采购")
        form.file("files", filename: "invoice.pdf", type: "application/pdf", Array("%PDF-1.4 API-FILE-BYTES".utf8))
        let submitted = try call(.post, "/api/v1/reports", headers: ["Content-Type": form.contentType], body: form.finished())
        XCTAssertEqual(submitted.status.code, 201)
        XCTAssertEqual(submitted.headers["Content-Type"], "application/json")
        let code = try XCTUnwrap(json(submitted)["tracking_code"] as? String)
        XCTAssertNoThrow(try TrackingCode(parsing: code))
        XCTAssertEqual(json(submitted)["received_on"] as? String, world.ledger.today.description)
        XCTAssertEqual(json(submitted)["files"] as? Int, 1)
        XCTAssertFalse(try world.allStoredBytes().contains(bytes: Array("API-FILE-BYTES".utf8)), "the file is sealed")

        let token = try openSession(code)
        var view = json(try call(.get, "/api/v1/reporter/case", headers: bearer(token)))
        XCTAssertEqual(view["status"] as? String, "received")
        XCTAssertEqual(view["evidence_count"] as? Int, 1)
        XCTAssertTrue(view["reward"] is NSNull)
        XCTAssertEqual((view["messages"] as? [Any])?.count, 0)

        let sent = try post("/api/v1/reporter/messages", ["text": "补充：还有一张发票"], token: token)
        XCTAssertEqual(sent.status.code, 201)
        var more = MultipartBody()
        more.file("files", filename: "second.txt", type: "text/plain", Array("more".utf8))
        let added = try call(.post, "/api/v1/reporter/evidence", headers: ["Content-Type": more.contentType, "Authorization": "Bearer \(token)"],
                             body: more.finished())
        XCTAssertEqual(added.status.code, 201)
        XCTAssertEqual(json(added)["files"] as? Int, 1)

        view = json(try call(.get, "/api/v1/reporter/case", headers: bearer(token)))
        XCTAssertEqual(view["evidence_count"] as? Int, 2)
        let messages = try XCTUnwrap(view["messages"] as? [[String: Any]])
        XCTAssertEqual(messages.map { $0["from"] as? String }, ["reporter"])
        XCTAssertEqual(messages.first?["text"] as? String, "补充：还有一张发票")

        XCTAssertEqual(try call(.delete, "/api/v1/reporter/session", headers: bearer(token)).status.code, 204)
        let ended = try call(.get, "/api/v1/reporter/case", headers: bearer(token))
        XCTAssertEqual(ended.status.code, 401)
        XCTAssertEqual(apiError(ended)["status"] as? Int, 401)
    }

    func testJSONReportWithAccusedAndExclusions() throws {
        let inspector = try XCTUnwrap(try world.ledger.account(login: "inspector2"))
        let r = try post("/api/v1/reports", ["category": "private_contracting", "narrative": "JSON 举报", "mode": "real_name",
                                             "identity_name": "实名人", "identity_phone": "13800000000", "confidential": true,
                                             "exclude": [inspector.id], "accused": [["name": "李四", "post": "队长"]]])
        XCTAssertEqual(r.status.code, 201)
        let row = try world.ledger.pool.read { db in try db.queryOne("SELECT real_name, confidential FROM cases") }
        XCTAssertEqual(try row?.bool("real_name"), true)
        XCTAssertEqual(try row?.bool("confidential"), true)
        let holders = try world.ledger.pool.read { db in try db.query("SELECT holder FROM grants").compactMap { try $0.string("holder") } }
        XCTAssertFalse(holders.contains("account:\(inspector.id)"))
    }

    /// Art. 10 by employee id: a reporter who knows only the accused's employee id (here the
    /// head's, E1001) keeps the report from that account.
    func testAnEmployeeIDAloneKeepsTheReportFromThatAccount() throws {
        world.settings.alternates = Alternates(intake: "inspector2")
        try world.reopen()
        app = try GatewayApp(ledger: world.ledger, templates: templatesFolder)
        let head = try XCTUnwrap(try world.ledger.account(login: "head"))
        let r = try post("/api/v1/reports", ["category": "private_contracting", "narrative": "JSON 举报 工号",
                                             "accused": [["employee_id": "e1001"]]])
        XCTAssertEqual(r.status.code, 201)
        let holders = try world.ledger.pool.read { db in try db.query("SELECT holder FROM grants").compactMap { try $0.string("holder") } }
        XCTAssertFalse(holders.contains("account:\(head.id)"), "the employee id names the head: he gets nothing")
        XCTAssertTrue(holders.contains("account:\(try XCTUnwrap(try world.ledger.account(login: "inspector2")).id)"))
    }

    func testValidationErrorsListEveryField() throws {
        let r = try post("/api/v1/reports", ["category": "nope", "narrative": " ", "mode": "real_name", "when": String(repeating: "x", count: 501)],
                         language: "en")
        XCTAssertEqual(r.status.code, 422)
        XCTAssertEqual(apiError(r)["status"] as? Int, 422)
        XCTAssertEqual(Set(errorFields(r)), ["category", "narrative", "when", "identity_name", "identity_phone"])
        let fields = try XCTUnwrap(apiError(r)["fields"] as? [[String: Any]])
        XCTAssertEqual(fields.first { $0["field"] as? String == "category" }?["message"] as? String, "Choose a category.")
        XCTAssertEqual(try world.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM cases", as: Int.self) }, 0)
        let zh = try post("/api/v1/reports", ["category": "", "narrative": "x"])
        XCTAssertEqual((apiError(zh)["fields"] as? [[String: Any]])?.first?["message"] as? String, "请选择举报事项类别。")
    }

    func testFilesOfAFailedReportAreDiscarded() throws {
        var form = MultipartBody()
        form.field("category", "")
        form.file("files", filename: "a.pdf", type: "application/pdf", Array("%PDF-1.4".utf8))
        let r = try call(.post, "/api/v1/reports", headers: ["Content-Type": form.contentType], body: form.finished())
        XCTAssertEqual(r.status.code, 422)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: world.ledger.files.folder.path), [])
    }

    func testMistypedWrongAndUnknownCodes() throws {
        let code = try XCTUnwrap(json(try post("/api/v1/reports", ["category": "bribery", "narrative": "x"]))["tracking_code"] as? String)
        var digits = Array(code.filter(\.isNumber))
        digits.swapAt(0, 1)
        if digits[0] == digits[1] { digits[2] = digits[2] == "1" ? "2" : "1" }
        let typo = try post("/api/v1/reporter/session", ["code": String(digits)])
        XCTAssertEqual(typo.status.code, 400)
        XCTAssertEqual(errorFields(typo), ["code"])
        let unknown = TrackingCode.generate { _ in (0..<32).map { _ in UInt8.random(in: 0...249) } }
        let other = TrackingCode.generate { _ in (0..<32).map { _ in UInt8.random(in: 0...249) } }
        let a = try post("/api/v1/reporter/session", ["code": unknown.grouped])
        let b = try post("/api/v1/reporter/session", ["code": other.digits])
        XCTAssertEqual(a.status.code, 404)
        XCTAssertEqual(b.status.code, 404)
        XCTAssertEqual(bodyBytes(a), bodyBytes(b), "a wrong and an unknown code get the same body")
        XCTAssertFalse(String(decoding: bodyBytes(a), as: UTF8.self).contains(unknown.digits.prefix(8)))
    }

    func testBusyGateAnswers503WithRetryAfter() throws {
        var options = GatewayApp.Options()
        options.lookupSlots = 1
        options.lookupQueue = 0
        app = try GatewayApp(ledger: world.ledger, templates: templatesFolder, options: options)
        // One derivation may run and none may wait. The only slot is held here until the test
        // lets go, so the lookup below is certain to meet a full gate.
        let running = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let holderDone = DispatchSemaphore(value: 0)
        let gate = app.lookupGate.gate
        Thread.detachNewThread {
            _ = try? gate.run { running.signal(); _ = release.wait(timeout: .now() + 60); return 0 }
            holderDone.signal()
        }
        XCTAssertEqual(running.wait(timeout: .now() + 10), .success)
        // A real code: a wrong one is answered by the prefilter without the gate (issue 16).
        let code = try XCTUnwrap(try world.submit(ReportDraft(category: "private_contracting", narrative: "某换热站私自接管", when: "2026年10月",
                                                              whereText: "城东", people: "", accused: [], estimatedLoss: "")).code)
        func lookup() throws -> Response { try post("/api/v1/reporter/session", ["code": code.grouped]) }
        let busy = try lookup()
        XCTAssertEqual(busy.status.code, 503)
        XCTAssertEqual(busy.headers["Retry-After"], "5")
        release.signal()
        XCTAssertEqual(holderDone.wait(timeout: .now() + 10), .success)
        // With the slot free again the same lookup is admitted and opens the case.
        let admitted = try lookup()
        XCTAssertEqual(admitted.status.code, 201)
        XCTAssertNil(admitted.headers["Retry-After"])
    }

    func testBadBodiesAndMissingSessions() throws {
        XCTAssertEqual(try call(.post, "/api/v1/reports", headers: ["Content-Type": "text/plain"], body: Array("x".utf8)).status.code, 415)
        let notJSON = try call(.post, "/api/v1/reporter/session", headers: ["Content-Type": "application/json"], body: Array("{".utf8))
        XCTAssertEqual(notJSON.status.code, 400)
        XCTAssertEqual(apiError(notJSON)["status"] as? Int, 400)
        let wrongType = try post("/api/v1/reporter/session", ["code": 12])
        XCTAssertEqual(wrongType.status.code, 400)
        XCTAssertTrue((apiError(wrongType)["message"] as? String ?? "").contains("'code'"))
        XCTAssertEqual(try call(.get, "/api/v1/reporter/case").status.code, 401)
        XCTAssertEqual(try call(.get, "/api/v1/reporter/case", headers: bearer("nonsense")).status.code, 401)
        let noRoute = try call(.get, "/api/v1/nowhere")
        XCTAssertEqual(noRoute.status.code, 404)
        XCTAssertEqual(apiError(noRoute)["status"] as? Int, 404, "even the router's own 404 is JSON under /api/")
        let wrongMethod = try call(.put, "/api/v1/reports")
        XCTAssertEqual(wrongMethod.status.code, 405)
        XCTAssertNotNil(wrongMethod.headers["Allow"])
    }

    func testMessagesAreValidatedLikeThePage() throws {
        let code = try XCTUnwrap(json(try post("/api/v1/reports", ["category": "bribery", "narrative": "x"]))["tracking_code"] as? String)
        let token = try openSession(code)
        let blank = try post("/api/v1/reporter/messages", ["text": "  "], token: token)
        XCTAssertEqual(blank.status.code, 422)
        XCTAssertEqual(errorFields(blank), ["text"])
        let long = try post("/api/v1/reporter/messages", ["text": String(repeating: "长", count: ReportDraft.Limits.narrative + 1)], token: token)
        XCTAssertEqual(long.status.code, 422)
        var empty = MultipartBody()
        empty.field("note", "no file")
        let noFile = try call(.post, "/api/v1/reporter/evidence", headers: ["Content-Type": empty.contentType, "Authorization": "Bearer \(token)"],
                              body: empty.finished())
        XCTAssertEqual(noFile.status.code, 422)
        XCTAssertEqual(errorFields(noFile), ["files"])
    }
}
