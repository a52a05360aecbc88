import HTTPCore

/// The chat and office apps whose built-in browsers a link opens in by default in mainland China.
/// Such a browser belongs to the app: what is visited in it can be seen by the app's maker and,
/// on a company account (DingTalk, Feishu, WeCom), by the company. The reporter's pages say so at
/// the top. The User-Agent is read for that one response and kept nowhere: not stored, not
/// logged, not part of any cached page.
enum InAppBrowser: String, CaseIterable, Sendable {
    case wechat, dingtalk, qq, feishu

    /// The app whose browser sent `userAgent`, if any.
    static func detect(_ userAgent: String?) -> InAppBrowser? {
        guard let ua = userAgent else { return nil }
        if ua.contains("MicroMessenger") || ua.contains("wxwork") { return .wechat }
        if ua.contains("DingTalk") { return .dingtalk }
        if ua.contains("Lark/") || ua.contains("Feishu") { return .feishu }
        // QQ's own browser app (MQQBrowser alone) is a browser, not an app's window; QQ's
        // built-in one adds "QQ/<version>" (and on Android "V1_AND_SQ").
        if ua.contains(" QQ/") || ua.contains("V1_AND_SQ") || ua.contains("QQ/") && !ua.contains("MQQBrowser/") { return .qq }
        return nil
    }

    static func detect(_ request: Request) -> InAppBrowser? { detect(request.headers["User-Agent"]) }
}
