@testable import Casefile
import Foundation
@testable import Gateway
import HTTPCore
@testable import ReporterSite
import TestSupport
import XCTest

/// Issue 15, point 4: a reporter who opens the site inside a chat or office app is told so at the
/// top of the page; the User-Agent that says so is used for that response and kept nowhere.
final class InAppBrowserTests: AppTestCase {
    static let agents: [(String, InAppBrowser?)] = [
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.44(0x18002c2f) NetType/WIFI Language/zh_CN", .wechat),
        ("Mozilla/5.0 (Linux; Android 13) AppleWebKit/537.36 Chrome/108.0 Mobile Safari/537.36 AliApp(DingTalk/7.5.0) com.alibaba.android.rimet DingTalk(7.5.0)", .dingtalk),
        ("Mozilla/5.0 (Linux; Android 12) AppleWebKit/537.36 Chrome/89.0 MQQBrowser/6.2 TBS/046011 Mobile Safari/537.36 V1_AND_SQ_8.9.0_3060_YYB_D QQ/8.9.0.9010 NetType/4G", .qq),
        ("Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Lark/6.6.5 LarkLocale/zh_CN ChannelName/Feishu", .feishu),
        ("Mozilla/5.0 (Linux; Android 12) AppleWebKit/537.36 Chrome/89.0 MQQBrowser/13.0 Mobile Safari/537.36", nil),
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36", nil),
    ]

    func get(_ target: String, agent: String?) throws -> Response {
        var h: HTTPHeaders = ["Host": "127.0.0.1:8080"]
        if let agent { h.add("User-Agent", agent) }
        return try app.handler.handle(try Request(method: .get, target: target, headers: h))
    }

    func testEachAppsBuiltInBrowserIsRecognised() {
        for (agent, app) in InAppBrowserTests.agents { XCTAssertEqual(InAppBrowser.detect(agent), app, agent) }
    }

    func testThePageSaysSoAtTheTopAndACachedPageIsNotServedToOthers() throws {
        for path in ["/", "/report", "/status"] {
            let plain = html(try get(path, agent: nil))
            XCTAssertFalse(plain.contains("id=\"in-app\""))
            let wechat = html(try get(path, agent: InAppBrowserTests.agents[0].0))
            let banner = try XCTUnwrap(wechat.range(of: "id=\"in-app\""), path)
            XCTAssertTrue(wechat.contains("微信内置的浏览器"))
            XCTAssertLessThan(banner.lowerBound, try XCTUnwrap(wechat.range(of: "<h1>")).lowerBound, "above the page's title")
            XCTAssertFalse(html(try get(path, agent: nil)).contains("id=\"in-app\""), "\(path): the next visitor's copy has no warning")
        }
        XCTAssertTrue(html(try get("/?lang=en", agent: InAppBrowserTests.agents[1].0)).contains("A DingTalk account usually belongs to the company"))
    }

    func testTheUserAgentIsStoredNowhere() throws {
        let marker = "MicroMessenger/8.0.44 CANDOR-UA-MARKER-\(UInt32.random(in: 0...UInt32.max))"
        var form = MultipartBody()
        form.field("category", "bribery")
        form.field("narrative", "微信里打开的举报")
        let r = try app.handler.handle(try Request(method: .post, target: "/report", headers: [
            "Host": "127.0.0.1:8080", "User-Agent": marker, "Content-Type": form.contentType], body: form.finished()))
        XCTAssertEqual(r.status.code, 303)
        _ = try get("/", agent: marker)
        XCTAssertNil(try world.allStoredBytes().firstRange(of: Array("CANDOR-UA-MARKER".utf8)), "not in the database or any file")
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/ReporterSite/InAppBrowser.swift")
        let text = try String(contentsOf: sources, encoding: .utf8)
        XCTAssertFalse(text.contains("Terminal") || text.contains("print("), "the detector logs nothing")
    }
}
