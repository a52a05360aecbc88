@testable import Casefile
import Casework
@testable import ConsoleSite
import Foundation
@testable import Gateway
import HTTPCore
@testable import ReporterSite
import SQLiteDB
@testable import SiteKit
import XCTest

final class ConsoleStatsRoutesTests: XCTestCase {
    var cw: ConsoleWorld!

    override func setUpWithError() throws { cw = try ConsoleWorld() }
    override func tearDown() { cw = nil }

    static let formula = "=cmd|' /C calc'!A0"

    func auditCount(_ action: String) throws -> Int {
        try cw.ledger.pool.read { db in try db.scalar("SELECT count(*) FROM audit_log WHERE action = ?", [.text(action)], as: Int.self) ?? 0 }
    }

    func sql(_ statement: String, _ bindings: [SQLValue]) throws {
        try cw.ledger.pool.write { db in try db.execute(statement, bindings) }
    }

    @discardableResult
    func submit(_ category: String, narrative: String = "举报内容") throws -> Receipt {
        try cw.submit(ReportDraft(category: category, narrative: narrative, accused: [AccusedPerson(name: "外部人员", post: "包工头")]))
    }

    /// Four reports: three for bribery (one of them by letter, one registered by the head on the
    /// day it came in), one for procurement that was closed with an outcome ten days after it came
    /// in, having been registered after three.
    @discardableResult
    func fourReports() throws -> [Receipt] {
        let receipts = [try submit("bribery"), try submit("bribery"), try submit("bribery"), try submit("procurement")]
        try sql("UPDATE cases SET channel = 'letter' WHERE ref = ?", [.text(receipts[1].caseRef)])
        let head = try cw.signIn("head")
        XCTAssertEqual(try cw.act(head, receipts[0].caseRef, "register").status.code, 303)
        let received = Int64(receipts[3].receivedOn.ordinal)
        try sql("""
            UPDATE cases SET state = 'closed', outcome = 'substantiated', registered_day = ?, feedback_day = ?, closed_day = ?
            WHERE ref = ?
            """, [.integer(received + 3), .integer(received + 10), .integer(received + 10), .text(receipts[3].caseRef)])
        return receipts
    }

    func get(_ session: ConsoleWorld.Session, _ target: String) throws -> Response {
        try cw.call(.get, target, cookie: session.cookie)
    }

    func row(_ label: String, _ value: String) -> String { "<tr><td>\(label)</td><td class=\"num\">\(value)</td></tr>" }

    func bytes(_ r: Response) -> [UInt8] {
        if case .bytes(let b) = r.body { return b }
        return []
    }

    /// RFC 4180 records, BOM removed, keyed by section and key.
    func csvRecords(_ r: Response) -> [[String]] {
        var text = String(decoding: bytes(r).dropFirst(3), as: UTF8.self)
        var records: [[String]] = []
        var record: [String] = [], field = "", quoted = false
        while !text.isEmpty {
            let c = text.removeFirst()
            if quoted {
                if c == "\"" {
                    if text.first == "\"" { field.append("\""); text.removeFirst() } else { quoted = false }
                } else { field.append(c) }
            } else if c == "\"" {
                quoted = true
            } else if c == "," {
                record.append(field); field = ""
            } else if c == "\r\n" || c == "\n" {
                record.append(field); records.append(record); record = []; field = ""
            } else {
                field.append(c)
            }
        }
        return records
    }

    func csvValues(_ r: Response) -> [String: String] {
        Dictionary(csvRecords(r).dropFirst().map { ("\($0[0])/\($0[1])", $0[3]) }, uniquingKeysWith: { first, _ in first })
    }

    func testApproverAuditorAndHeadSeeTheCounts() throws {
        let receipts = try fourReports()
        let month = Statistics.monthKey(receipts[0].receivedOn)
        // Issue 13: a leader counts only the cases it holds (none here, nothing was proposed), or
        // the full count minus its inbox would tell it how many cases are kept from it.
        for login in ["chairman", "secretary"] {
            XCTAssertTrue(html(try get(try cw.signIn(login), "/console/stats?lang=en")).contains("<strong>0</strong>"), login)
        }
        for login in ["auditor", "head"] {
            let session = try cw.signIn(login)
            let before = try auditCount("stats_view")
            let r = try get(session, "/console/stats?lang=en")
            XCTAssertEqual(r.status.code, 200, login)
            let page = html(r)
            XCTAssertTrue(page.contains("<strong>4</strong>"), login)
            XCTAssertTrue(page.contains(row("Bribery and extortion", "3")), login)
            XCTAssertTrue(page.contains(row("Procurement and tendering irregularities", "1")), login)
            XCTAssertTrue(page.contains(row("Dereliction of duty", "0")), "configured categories with no reports show 0")
            XCTAssertTrue(page.contains(row("received", "2")), login)
            XCTAssertTrue(page.contains(row("registered", "1")), login)
            XCTAssertTrue(page.contains(row("closed", "1")), login)
            XCTAssertTrue(page.contains(row("letter", "1")), login)
            XCTAssertTrue(page.contains(row("online", "3")), login)
            XCTAssertTrue(page.contains(row(month, "4")), login)
            // Registered after 0 and 3 days: 1.5; concluded after 10.
            XCTAssertTrue(page.contains(row("Received to registered", "1.5")), login)
            XCTAssertTrue(page.contains(row("Received to concluded (closed with an outcome)", "10")), login)
            XCTAssertTrue(page.contains("<svg"), "charts are inline")
            XCTAssertFalse(page.contains("<script"))
            XCTAssertEqual(try auditCount("stats_view"), before + 1, "every view is audited")
        }
    }

    func testInspectorAndAdminGetNotFoundAndLeaveAnAuditEntry() throws {
        try fourReports()
        for login in ["inspector1", "admin"] {
            let session = try cw.signIn(login)
            for target in ["/console/stats", "/console/stats.csv", "/console/stats?year=2026"] {
                let denied = try auditCount("access_denied")
                let r = try get(session, target)
                XCTAssertEqual(r.status.code, 404, "\(login) \(target)")
                XCTAssertFalse(html(r).contains("Bribery"), "\(login) \(target)")
                XCTAssertEqual(try auditCount("access_denied"), denied + 1, "\(login) \(target)")
            }
        }
        XCTAssertEqual(try auditCount("stats_view"), 0)
    }

    func testWithoutASessionItIsTheLoginPage() throws {
        let r = try cw.call(.get, "/console/stats.csv")
        XCTAssertEqual(r.status.code, 303)
        XCTAssertTrue(r.headers["Location"]?.hasPrefix("/console/login") ?? false)
    }

    func testCSVHasTheByteOrderMarkTheHeaderAndTheCounts() throws {
        try fourReports()
        let r = try get(try cw.signIn("auditor"), "/console/stats.csv?lang=en")
        XCTAssertEqual(r.status.code, 200)
        XCTAssertEqual(r.headers["Content-Type"], "text/csv; charset=utf-8")
        XCTAssertEqual(r.headers["Content-Disposition"], "attachment; filename=\"candor-statistics-all.csv\"")
        XCTAssertEqual(Array(bytes(r).prefix(3)), [0xEF, 0xBB, 0xBF])
        XCTAssertEqual(csvRecords(r).first, ["section", "key", "label", "value"])
        XCTAssertTrue(csvRecords(r).contains(["category", "bribery", "Bribery and extortion", "3"]))
        let v = csvValues(r)
        XCTAssertEqual(v["total/reports"], "4")
        XCTAssertEqual(v["category/procurement"], "1")
        XCTAssertEqual(v["category/dereliction"], "0")
        XCTAssertEqual(v["state/submitted"], "2")
        XCTAssertEqual(v["state/registered"], "1")
        XCTAssertEqual(v["state/closed"], "1")
        XCTAssertEqual(v["channel/online"], "3")
        XCTAssertEqual(v["channel/letter"], "1")
        XCTAssertEqual(v["median_days/received_to_registered"], "1.5")
        XCTAssertEqual(v["median_days/received_to_concluded"], "10")
        // Registered on the day (on time) and after 3 days (on time); the rest are still running.
        XCTAssertEqual(v["deadline_met_on_time/register"], "2")
        XCTAssertEqual(v["deadline_overdue/register"], "0")
        XCTAssertEqual(v["deadline_share_percent/register"], "100.0")
        XCTAssertEqual(v["deadline_share_percent/acceptance_notice"], "", "nothing decided: no share, not 0")
        XCTAssertEqual(try auditCount("stats_view"), 1)
    }

    func testChineseIsTheDefaultAndStaysUTF8() throws {
        try fourReports()
        let r = try get(try cw.signIn("head"), "/console/stats.csv")
        XCTAssertEqual(csvRecords(r).first, ["部分", "代码", "名称", "数值"])
        XCTAssertTrue(csvRecords(r).contains(["category", "bribery", "索贿受贿、吃拿卡要", "3"]))
    }

    func testYearFilter() throws {
        let receipts = try fourReports()
        let lastYear = Day(year: receipts[0].receivedOn.year - 1, month: 12, day: 31)!
        try sql("UPDATE cases SET register_year = ?, received_day = ? WHERE ref = ?",
                [.integer(Int64(lastYear.year)), .integer(Int64(lastYear.ordinal)), .text(receipts[2].caseRef)])
        // The head holds every case here; a leader would count only the cases it holds (issue 13).
        let approver = try cw.signIn("head")
        let old = try get(approver, "/console/stats.csv?lang=en&year=\(lastYear.year)")
        XCTAssertEqual(csvValues(old)["total/reports"], "1")
        XCTAssertEqual(csvValues(old)["month/\(Statistics.monthKey(lastYear))"], "1")
        XCTAssertEqual(old.headers["Content-Disposition"], "attachment; filename=\"candor-statistics-\(lastYear.year).csv\"")
        let current = try get(approver, "/console/stats?lang=en&year=\(receipts[0].receivedOn.year)")
        XCTAssertTrue(html(current).contains("<strong>3</strong>"))
        XCTAssertTrue(html(current).contains("<option value=\"\(lastYear.year)\">"), "every register year is offered")
        XCTAssertTrue(html(current).contains("<option value=\"\(receipts[0].receivedOn.year)\" selected>"))
        XCTAssertEqual(csvValues(try get(approver, "/console/stats.csv?year=all"))["total/reports"], "4")
        XCTAssertEqual(csvValues(try get(approver, "/console/stats.csv?year=1999"))["total/reports"], "0")
        for bad in ["abc", "20266", "-2026", "１２３４"] {
            XCTAssertEqual(try get(approver, "/console/stats?year=\(bad)").status.code, 400, bad)
        }
    }

    func testAFormulaInACategoryLabelIsNeutralisedInTheCSV() throws {
        var settings = Settings.default
        settings.categories.append(.init(id: "formula", zh: ConsoleStatsRoutesTests.formula, en: ConsoleStatsRoutesTests.formula))
        cw = try ConsoleWorld(settings: settings)
        try submit("formula")
        let r = try get(try cw.signIn("auditor"), "/console/stats.csv?lang=en")
        XCTAssertTrue(csvRecords(r).contains(["category", "formula", "'" + ConsoleStatsRoutesTests.formula, "1"]))
        for record in csvRecords(r) {
            for field in record { XCTAssertFalse(["=", "+", "-", "@"].contains(field.first.map(String.init) ?? ""), field) }
        }
        let page = html(try get(try cw.signIn("auditor"), "/console/stats?lang=en"))
        XCTAssertTrue(page.contains("=cmd|&#39; /C calc&#39;!A0"), "escaped as HTML on the page")
    }

    func testNeitherOutputCarriesReportContentOrIdentity() throws {
        try fourReports()
        let draft = ReportDraft(category: "bribery", narrative: "NARRATIVE-MARKER-4471", when: "WHEN-MARKER", whereText: "WHERE-MARKER",
                                people: "PEOPLE-MARKER", accused: [AccusedPerson(name: "ACCUSED-MARKER", post: "POST-MARKER")],
                                estimatedLoss: "LOSS-MARKER", mode: .realName,
                                identity: .init(name: "IDENTITY-MARKER", phone: "13800000000", otherContact: "CONTACT-MARKER"))
        let receipt = try cw.submit(draft)
        let markers = ["MARKER", "13800000000", receipt.caseRef] + (receipt.code.map { [$0.digits, $0.grouped] } ?? [])
        for login in ["head", "chairman", "auditor"] {
            let session = try cw.signIn(login)
            for lang in ["zh", "en"] {
                let page = html(try get(session, "/console/stats?lang=\(lang)"))
                let csv = String(decoding: bytes(try get(session, "/console/stats.csv?lang=\(lang)")), as: UTF8.self)
                // The chairman holds none of them (nothing was proposed): its figures are its own (issue 13).
                XCTAssertTrue(page.contains(login == "chairman" ? "<strong>0</strong>" : "<strong>5</strong>"), "the report is counted")
                for marker in markers {
                    XCTAssertFalse(page.contains(marker), "\(login) \(lang) page")
                    XCTAssertFalse(csv.contains(marker), "\(login) \(lang) csv")
                }
            }
        }
    }

    /// On a phone a chart scaled to the screen shrinks its labels to ~6 px: under a narrow width
    /// the charts give way, and every chart has its table beneath it on the page.
    func testChartsGiveWayToTheirTablesOnAPhone() throws {
        try fourReports()
        let page = html(try cw.call(.get, "/console/stats", cookie: try cw.signIn("head").cookie))
        for id in ["by-month", "by-category", "by-channel"] {
            let start = try XCTUnwrap(page.range(of: "<section id=\"\(id)\">")).upperBound
            let section = page[start..<(page.range(of: "</section>", range: start..<page.endIndex)?.lowerBound ?? page.endIndex)]
            XCTAssertTrue(section.contains("<figure class=\"chart\">") && section.contains("<table class=\"stats\">"), id)
        }
        let css = try String(contentsOf: templatesFolder.appendingPathComponent("static/stats.css"), encoding: .utf8)
        XCTAssertTrue(css.contains("@media (max-width: 40rem) { figure.chart { display: none; } }"))
    }
}
