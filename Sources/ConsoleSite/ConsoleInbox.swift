import Casefile
import Casework
import Foundation
import HTTPCore
import Presentation
import SiteKit

/// The inbox a page at a time (issue 16): sections with their counts, filters, an order and a
/// register-number box, every one a plain GET parameter, so any view is a link that can be kept,
/// and none needs JavaScript. The ledger counts and pages in SQL over every case the person holds.
extension ConsoleCaseRoutes {
    func inbox(_ request: Request) throws -> Response {
        guard let staff = request.staff else { throw HTTPError(.unauthorized) }
        let account = staff.account
        let lang = pages.language(request).rawValue
        var notFound = ""
        if let typed = request.queryValue("register")?.trimmingCharacters(in: .whitespaces), !typed.isEmpty {
            if let ref = try ledger.caseRef(register: typed, accountID: account.id) {
                return Response.redirect(to: "/console/case/\(ref)?lang=\(lang)")
            }
            notFound = pages.text("jump_not_found", request).replacingOccurrences(of: "{n}", with: typed)
        }
        let query = inboxQuery(request, defaultSection: account.role == .approver ? .awaitingMe : .all)
        let page = try ledger.inboxPage(accountID: account.id, query)
        let awaiting = try awaitingMe(page.entries, accountID: account.id)
        let unheld = account.role == .head || account.role == .approver ? try ledger.unheldCaseCount() : 0
        return try pages.render("console-inbox", request, title: pages.text("inbox_title", request), [
            "staff": ConsoleAuthRoutes.staffValue(account, pages.language(request)),
            "csrf": .text(staff.session.csrf),
            "flash": .text(takeFlash(staff)),
            "is_head": .bool(account.role == .head || page.holdsIntake),
            "is_admin": .bool(account.role == .admin),
            "is_auditor": .bool(account.role == .auditor),
            "can_stats": .bool(AccessPolicy.permits(account.role, .viewStatistics)),
            "lists": .bool(account.role != .admin && account.role != .auditor),
            "tabs": .list(sectionTabs(page, role: account.role, request)),
            "section_title": .text(pages.text("inbox_\(query.section.rawValue)", request)),
            "total": .text(page.total.description),
            "rows": .list(page.entries.map { inboxRow($0, awaits: awaiting[$0.ref], request) }),
            "has_rows": .bool(!page.entries.isEmpty),
            "filters": filterValues(query, request),
            "pager": pagerValue(page, request),
            "jump_error": .text(notFound),
            // A count, never which cases: the leaders and heads learn that a report waits for a reader.
            "unheld": .text(String(unheld)), "has_unheld": .bool(unheld > 0),
        ])
    }

    /// The query the URL asks for; a value it does not know is ignored, not an error.
    func inboxQuery(_ request: Request, defaultSection: InboxQuery.Section) -> InboxQuery {
        func value(_ name: String) -> String? { request.queryValue(name).flatMap { $0.isEmpty ? nil : $0 } }
        func yesNo(_ name: String) -> Bool? { value(name).flatMap { $0 == "yes" ? true : $0 == "no" ? false : nil } }
        let categories = Set(ledger.settings.categories.map(\.id))
        return InboxQuery(section: value("section").flatMap(InboxQuery.Section.init(rawValue:)) ?? defaultSection,
                          state: value("state").flatMap(CaseState.init(rawValue:)),
                          category: value("category").flatMap { categories.contains($0) ? $0 : nil },
                          channel: value("channel").flatMap { Channel(rawValue: $0)?.rawValue },
                          deadline: value("deadline").flatMap(InboxQuery.DeadlineFilter.init(rawValue:)),
                          year: value("year").flatMap(Int.init).flatMap { (1990...2200).contains($0) ? $0 : nil },
                          realName: yesNo("real_name"), legalHold: yesNo("legal_hold"),
                          sort: value("sort").flatMap(InboxQuery.Sort.init(rawValue:)) ?? .received,
                          page: min(1_000_000, value("page").flatMap(Int.init) ?? 1))
    }

    /// The address of `query` (only what differs from the defaults), in this request's language.
    func inboxHref(_ query: InboxQuery, _ request: Request) -> String {
        var items: [(String, String)] = [("lang", pages.language(request).rawValue), ("section", query.section.rawValue)]
        if let v = query.state { items.append(("state", v.rawValue)) }
        if let v = query.category { items.append(("category", v)) }
        if let v = query.channel { items.append(("channel", v)) }
        if let v = query.deadline { items.append(("deadline", v.rawValue)) }
        if let v = query.year { items.append(("year", String(v))) }
        if let v = query.realName { items.append(("real_name", v ? "yes" : "no")) }
        if let v = query.legalHold { items.append(("legal_hold", v ? "yes" : "no")) }
        if query.sort != .received { items.append(("sort", query.sort.rawValue)) }
        if query.page > 1 { items.append(("page", String(query.page))) }
        return "/console?" + items.map { "\($0.0)=\(Pages.queryEscaped($0.1))" }.joined(separator: "&")
    }

    /// The sections this account works in, each a link with its count (the filters kept).
    func sectionTabs(_ page: InboxPage, role: Role, _ request: Request) -> [TemplateValue] {
        var shown: [InboxQuery.Section] = []
        if role == .approver || (page.counts[.awaitingMe]?.n ?? 0) > 0 { shown.append(.awaitingMe) }
        if page.holdsIntake || role == .head { shown += [.overdue, .dueSoon, .new] }
        if role != .admin && role != .auditor { shown.append(.all) }
        return shown.map { section in
            var q = page.query
            (q.section, q.page) = (section, 1)
            return ["id": .text(section.rawValue), "title": .text(pages.text("inbox_\(section.rawValue)", request)),
                    "count": .text(page.counts[section]?.description ?? "0"), "href": .text(inboxHref(q, request)),
                    "current": .bool(section == page.query.section)]
        }
    }

    func pagerValue(_ page: InboxPage, _ request: Request) -> TemplateValue {
        pager(page.query.page, of: page.pageCountText, hasNext: page.hasNext, request) { number in
            var q = page.query
            q.page = number
            return inboxHref(q, request)
        }
    }

    /// The `pager` partial's values: page `number` of `total` (a count or "20+"), with the
    /// addresses of its neighbours.
    func pager(_ number: Int, of total: String, hasNext: Bool, _ request: Request, href: (Int) -> String) -> TemplateValue {
        let position = pages.text("page_of", request).replacingOccurrences(of: "{n}", with: String(number))
            .replacingOccurrences(of: "{total}", with: total)
        return ["position": .text(position), "has_previous": .bool(number > 1), "has_next": .bool(hasNext),
                "previous": .text(href(number - 1)), "next": .text(href(number + 1)), "many": .bool(number > 1 || hasNext)]
    }
}

extension ConsoleCaseRoutes {
    /// The filter form's selects, each option marked when the query has it; "" is "any".
    func filterValues(_ query: InboxQuery, _ request: Request) -> TemplateValue {
        let language = pages.language(request)
        func select(_ name: String, _ options: [(String, String)], _ chosen: String?) -> TemplateValue {
            let any: (String, String) = ("", pages.text("filter_any", request))
            return ["name": .text(name), "label": .text(pages.text("filter_\(name)", request)),
                    "options": .list(([any] + options).map { ["value": .text($0.0), "text": .text($0.1), "selected": .bool($0.0 == (chosen ?? ""))] })]
        }
        let years = (try? ledger.heldYearRange(accountID: request.staff?.account.id ?? 0)) ?? []
        let yesNo = [("yes", pages.text("filter_yes", request)), ("no", pages.text("filter_no", request))]
        let selects: [TemplateValue] = [
            select("state", CaseState.allCases.map { ($0.rawValue, pages.text("state_\($0.rawValue)", request)) }, query.state?.rawValue),
            select("category", ledger.settings.categories.map { ($0.id, language == .zh ? $0.zh : $0.en) }, query.category),
            select("channel", Channel.allCases.map { ($0.rawValue, pages.text("via_\($0.rawValue)", request)) }, query.channel),
            select("deadline", InboxQuery.DeadlineFilter.allCases.map { ($0.rawValue, pages.text("filter_deadline_\($0.rawValue)", request)) },
                   query.deadline?.rawValue),
            select("year", years.map { (String($0), String($0)) }, query.year.map(String.init)),
            select("real_name", yesNo, query.realName.map { $0 ? "yes" : "no" }),
            select("legal_hold", yesNo, query.legalHold.map { $0 ? "yes" : "no" }),
        ]
        let sorts = InboxQuery.Sort.allCases.map { s -> TemplateValue in
            ["value": .text(s.rawValue), "text": .text(pages.text("sort_\(s.rawValue)", request)), "selected": .bool(s == query.sort)]
        }
        return ["selects": .list(selects), "sorts": .list(sorts), "section": .text(query.section.rawValue),
                "lang": .text(language.rawValue)]
    }
}
