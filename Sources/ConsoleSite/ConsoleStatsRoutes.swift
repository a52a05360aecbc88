import Casefile
import Casework
import Foundation
import HTTPCore
import Presentation
import SiteKit

/// Figures for the leaders and internal audit (`GlobalAction.viewStatistics`): the statistics
/// page with its charts, and the same figures as CSV. Built only from the plaintext columns of
/// `cases` — counts, days, states, categories, channels — never from a sealed blob, so neither
/// output can carry a report's text or a reporter's identity, whoever asks.
public struct ConsoleStatsRoutes: Sendable {
    let ledger: Ledger
    let pages: Pages

    public init(ledger: Ledger, pages: Pages) {
        self.ledger = ledger
        self.pages = pages
    }

    public func register(on group: RouteGroup) {
        let gated = group.requiring(.viewStatistics, ledger: ledger, pages: pages)
        gated.get("/stats") { try self.page($0) }
        gated.get("/stats.csv") { try self.csv($0) }
    }

    /// `?year=2026`, by register year (the year in the register number); absent, empty or `all`
    /// means every year.
    func year(_ request: Request) throws -> Int? {
        guard let text = request.queryValue("year"), !text.isEmpty, text != "all" else { return nil }
        guard text.count == 4, text.allSatisfy(\.isASCII), let year = Int(text), year >= 1970 else {
            throw HTTPError(.badRequest, pages.text("stats_bad_year", request))
        }
        return year
    }

    func audit(_ staff: StaffContext, format: String, year: Int?) throws {
        try ledger.recordStaffEvent(accountID: staff.account.id, action: "stats_view",
                                    detail: "format=\(format) year=\(year.map(String.init) ?? "all")")
    }

    // MARK: the figures

    struct Line {
        var key: String
        var label: String
        var value: String
    }

    /// Every figure once, labelled in the reader's language; the page and the CSV both print
    /// these, so the two cannot disagree.
    struct Figures {
        var total: Int
        /// The register years there are figures for, newest first (the page's year choice).
        var years: [Int] = []
        var months: [Line] = []
        var categories: [Line] = []
        var states: [Line] = []
        var channels: [Line] = []
        var timing: [Line] = []
        /// Per deadline kind, then `all`: met on time, met late, overdue, share in percent.
        var deadlines: [(key: String, label: String, share: Statistics.DeadlineShare)] = []
    }

    /// Whose cases the figures count: internal audit sees every case; anyone who can be excluded
    /// from a case (head, approver) only the cases it holds, or the difference would tell it how
    /// many cases are kept from it.
    static func scope(_ account: Account) -> Int64? { account.role == .auditor ? nil : account.id }

    func figures(_ request: Request, year: Int?) throws -> Figures {
        let settings = ledger.settings
        let language = pages.language(request)
        let heldBy = ConsoleStatsRoutes.scope(try request.signedInStaff().account)
        let (stats, years) = try ledger.statisticsWithYears(year: year, heldBy: heldBy)
        var f = Figures(total: stats.total, years: years)
        f.months = stats.byMonth.map { Line(key: $0.key, label: $0.key, value: String($0.count)) }
        // Every configured category, zeros included, in the configured order; then any id in the
        // data that the settings no longer name.
        let counted = Dictionary(uniqueKeysWithValues: stats.byCategory.map { ($0.key, $0.count) })
        let known = Set(settings.categories.map(\.id))
        f.categories = settings.categories.map { c in
            Line(key: c.id, label: language == .zh ? c.zh : c.en, value: String(counted[c.id] ?? 0))
        } + stats.byCategory.filter { !known.contains($0.key) }.map { Line(key: $0.key, label: $0.key, value: String($0.count)) }
        f.states = stats.byState.map { Line(key: $0.key, label: pages.text("state_\($0.key)", request), value: String($0.count)) }
        let channels = Dictionary(uniqueKeysWithValues: stats.byChannel.map { ($0.key, $0.count) })
        f.channels = Channel.allCases.map { c in
            Line(key: c.rawValue, label: pages.text("via_\(c.rawValue)", request), value: String(channels[c.rawValue] ?? 0))
        }
        f.timing = [
            Line(key: "received_to_registered", label: pages.text("stats_median_register", request), value: days(stats.medianDaysToRegister)),
            Line(key: "received_to_concluded", label: pages.text("stats_median_conclusion", request), value: days(stats.medianDaysToConclusion)),
        ]
        f.deadlines = DeadlineKind.allCases.map { kind in
            (kind.rawValue, pages.text("stats_deadline_\(kind.rawValue)", request), stats.deadlines[kind] ?? .init())
        } + [("all", pages.text("stats_deadlines_all", request), stats.deadlinesOverall)]
        return f
    }

    func days(_ value: Double?) -> String {
        guard let value else { return "" }
        return value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }

    func percent(_ share: Double?) -> String {
        share.map { String(format: "%.1f", $0 * 100) } ?? ""
    }

    // MARK: the page

    func page(_ request: Request) throws -> Response {
        let staff = try request.signedInStaff()
        let year = try year(request)
        let f = try figures(request, year: year)
        try audit(staff, format: "html", year: year)
        let language = pages.language(request)
        func rows(_ lines: [Line]) -> TemplateValue { .list(lines.map { ["label": .text($0.label), "value": .text($0.value)] }) }
        func items(_ lines: [Line]) -> [SVGChart.Item] { lines.map { SVGChart.Item(label: $0.label, value: Int($0.value) ?? 0) } }
        let none = pages.text("stats_none", request)
        let yearText = year.map(String.init) ?? pages.text("stats_all_years", request)
        return try pages.render("console-stats", request, title: pages.text("stats_title", request), [
            "staff": ConsoleAuthRoutes.staffValue(staff.account, language),
            "csrf": .text(staff.session.csrf),
            "year_text": .text(yearText),
            "scope_text": .text(pages.text(ConsoleStatsRoutes.scope(staff.account) == nil ? "stats_scope_all" : "stats_scope_held", request)),
            "years": .list(f.years.map { ["value": .text(String($0)), "selected": .bool($0 == year)] }),
            "all_selected": .bool(year == nil),
            "csv_url": .text("/console/stats.csv?lang=\(language.rawValue)&year=\(year.map(String.init) ?? "all")"),
            "total": .text(String(f.total)),
            "months": rows(f.months), "has_months": .bool(!f.months.isEmpty),
            "categories": rows(f.categories), "states": rows(f.states), "channels": rows(f.channels),
            "timing": .list(f.timing.map { ["label": .text($0.label), "value": .text($0.value.isEmpty ? none : $0.value)] }),
            "deadlines": .list(f.deadlines.map { d in
                ["label": .text(d.label), "met": .text(String(d.share.metOnTime)), "late": .text(String(d.share.metLate)),
                 "overdue": .text(String(d.share.overdue)), "share": .text(d.share.share == nil ? none : percent(d.share.share) + "%")]
            }),
            "month_chart": .html(SVGChart.columns(items(f.months), title: pages.text("stats_by_month", request) + " · " + yearText)),
            "category_chart": .html(SVGChart.bars(items(f.categories), title: pages.text("stats_by_category", request) + " · " + yearText)),
            "channel_chart": .html(SVGChart.bars(items(f.channels), title: pages.text("stats_by_channel", request) + " · " + yearText)),
        ])
    }

    // MARK: CSV

    func csv(_ request: Request) throws -> Response {
        let staff = try request.signedInStaff()
        let year = try year(request)
        let f = try figures(request, year: year)
        try audit(staff, format: "csv", year: year)
        var rows: [[String]] = [["stats_csv_section", "stats_csv_key", "stats_csv_label", "stats_csv_value"].map { pages.text($0, request) }]
        rows.append(["total", "reports", pages.text("stats_total", request), String(f.total)])
        for (section, lines) in [("month", f.months), ("category", f.categories), ("state", f.states), ("channel", f.channels),
                                 ("median_days", f.timing)] {
            rows += lines.map { [section, $0.key, $0.label, $0.value] }
        }
        for d in f.deadlines {
            rows.append(["deadline_met_on_time", d.key, d.label, String(d.share.metOnTime)])
            rows.append(["deadline_met_late", d.key, d.label, String(d.share.metLate)])
            rows.append(["deadline_overdue", d.key, d.label, String(d.share.overdue)])
            rows.append(["deadline_share_percent", d.key, d.label, percent(d.share.share)])
        }
        var r = Response.bytes(CSVWriter.document(rows), contentType: "text/csv; charset=utf-8")
        r.headers.set("Content-Disposition", "attachment; filename=\"candor-statistics-\(year.map(String.init) ?? "all").csv\"")
        r.headers.set("Cache-Control", "no-store")
        return r
    }
}
