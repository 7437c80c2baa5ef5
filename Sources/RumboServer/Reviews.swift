import Foundation
import Hummingbird
import RumboCore
import RumboStore

/// The three reviews of the OKR rhythm.
public enum ReviewKind: String, CaseIterable, Sendable {
    case weekly, monthly, quarterly
}

/// A review's file formats (`rumbo report`, and the download links of the web pages).
public enum ReportFormat: String, CaseIterable, Sendable {
    case markdown, html

    var fileExtension: String { self == .markdown ? "md" : "html" }
}

/// Builds a review's values for the templates: the same dictionary renders the web page, the
/// Markdown file and the print-ready HTML file.
struct ReviewBuilder {
    let store: Store
    let presenter: ReportPresenter
    let data: CycleData
    let today: LocalDate
    let now: Date
    let teamID: String?

    var language: Language { presenter.language }
    var format: Formatter { presenter.format }

    /// The review's cycle data and values, for the web page and the files alike; `nil` when the
    /// organization has no cycles. An unknown team is "not found".
    static func load(
        _ kind: ReviewKind, store: Store, organization: Organization, language: Language, cycleID: String?, teamID: String?, now: Date
    ) async throws -> (data: CycleData, values: [String: Any])? {
        let today = LocalDate(now, in: organization.zone)
        guard let data = try await store.cycleData(for: organization, cycleID: cycleID, today: today) else { return nil }
        if let teamID, !data.teams.contains(where: { $0.id == teamID }) { throw RumboError.notFound("team", id: teamID) }
        let builder = ReviewBuilder(
            store: store, presenter: ReportPresenter(language: language, organization: organization), data: data, today: today, now: now, teamID: teamID)
        return (data, try await builder.values(kind))
    }
    var slug: String { presenter.organization.slug }

    func values(_ kind: ReviewKind) async throws -> [String: Any] {
        let team = teamID.flatMap { id in data.teams.first { $0.id == id } }
        let scope = team?.name ?? Strings.text("whole_organization", language)
        var values: [String: Any] = [
            "kind": kind.rawValue, "is_weekly": kind == .weekly, "is_monthly": kind == .monthly, "is_quarterly": kind == .quarterly,
            "review_title": Strings.text("review_" + kind.rawValue, language), "scope": scope,
            "cycle_name": data.cycle.name, "cycle_dates": "\(format.day(data.cycle.start)) – \(format.day(data.cycle.end))",
            "generated": format.day(today), "org_name": presenter.organization.name,
            "team_options": TeamTree(teams: data.teams).ordered.map { entry in
                ["id": entry.team.id, "name": String(repeating: "· ", count: entry.depth) + entry.team.name, "selected": entry.team.id == teamID]
            },
        ]
        switch kind {
        case .weekly: values.merge(weekly()) { _, new in new }
        case .monthly: values.merge(try await monthly()) { _, new in new }
        case .quarterly: values.merge(try await quarterly()) { _, new in new }
        }
        return values
    }

    func period(_ start: LocalDate, _ end: LocalDate) -> String { "\(format.day(start)) – \(format.day(end))" }

    func signed(_ number: Double, unit: String) -> String { (number > 0 ? "+" : "") + format.value(number, unit: unit) }

    /// A key result row shared by the reviews.
    func row(_ item: ReviewItem) -> [String: Any] {
        let kr = item.summary.keyResult
        var row = presenter.keyResult(item.summary)
        row["team"] = item.team.name
        row["objective"] = item.objective.title
        row["url"] = "/o/\(slug)/key-results/\(kr.id)"
        row["from"] = item.valueAtStart.map { format.value($0, unit: kr.unit) } ?? "—"
        row["change"] = item.change.map { signed($0, unit: kr.unit) } ?? "—"
        row["within_noise"] = item.withinNoise == true
        row["blockers"] = item.blockers.joined(separator: " · ")
        row["light"] = ["on_track": "🟢", "at_risk": "🟡", "off_track": "🔴"][item.summary.state.status.rawValue] ?? ""
        row["probability_or_pace"] = item.summary.state.forecast.probability.map(format.percent) ?? Strings.text("by_pace", language)
        return row
    }

    func weekly() -> [String: Any] {
        let agenda = data.weeklyAgenda(today: today, teamID: teamID)
        let stale = agenda.stale.map { item -> [String: Any] in
            [
                "title": item.keyResult.title, "url": "/o/\(slug)/key-results/\(item.keyResult.id)", "owner": item.owner?.name ?? "—",
                "days": String(item.daysSince), "last": item.lastCheckIn.map(format.day) ?? Strings.text("never", language),
            ]
        }
        return [
            "period": period(agenda.periodStart, agenda.day),
            "items": agenda.items.map(row), "has_items": !agenda.items.isEmpty,
            "moved": agenda.moved.map(row), "has_moved": !agenda.moved.isEmpty,
            "red": agenda.red.map(row), "has_red": !agenda.red.isEmpty,
            "blocked": agenda.blocked.map(row), "has_blocked": !agenda.blocked.isEmpty,
            "stale": stale, "has_stale": !stale.isEmpty,
            "grid_chart": Chart.trafficGrid(agenda.items, language: language),
            "summary_line": Strings.text(
                "weekly_summary", language, String(agenda.moved.count), String(agenda.red.count), String(agenda.blocked.count), String(agenda.stale.count)),
        ]
    }

    func monthly() async throws -> [String: Any] {
        var review = data.monthlyReview(today: today, teamID: teamID)
        review.impacts = try await store.initiativeImpacts(review, in: presenter.organization, asOf: now)
        let costs = try await store.impactSettings(in: presenter.organization.id)
        let items = review.items.map { item -> [String: Any] in
            var values = row(item)
            values["sparkline"] = Chart.sparkline(item.summary, through: review.day)
            values["spark_text"] = Chart.sparkText(item.summary, through: review.day)
            return values
        }
        let business = review.items.compactMap { item -> [String: Any]? in
            let lines = presenter.impactLines(item.summary.keyResult, history: item.summary.history, costs: costs)
            return lines.isEmpty ? nil : ["title": item.summary.keyResult.title, "lines": lines]
        }
        let impacts = review.impacts.map { impact -> [String: Any] in
            let unit = impact.keyResult.unit
            func measure(_ m: InitiativeImpact.Measure?) -> String {
                guard let m else { return Strings.text("no_value", language) }
                var text = format.value(m.value, unit: unit)
                if let low = m.low, let high = m.high { text += " (" + Strings.text("interval95", language) + " " + format.number(low) + "–" + format.number(high) + ")" }
                return text + " · n = " + format.integer(m.n)
            }
            let verdict: String
            switch (impact.change, impact.beyondNoise, impact.favourable) {
            case (nil, _, _): verdict = Strings.text("impact_unknown", language)
            case (_, true?, true?): verdict = Strings.text("impact_better", language)
            case (_, true?, false?): verdict = Strings.text("impact_worse", language)
            case (_, false?, _): verdict = Strings.text("impact_noise", language)
            default: verdict = Strings.text(impact.favourable == true ? "impact_better_no_interval" : "impact_unclear", language)
            }
            return [
                "initiative": impact.initiative.title, "key_result": impact.keyResult.title,
                "url": "/o/\(slug)/key-results/\(impact.keyResult.id)",
                "start": impact.initiative.start.map(format.day) ?? "",
                "before": measure(impact.before), "after": measure(impact.after),
                "change": impact.change.map { signed($0, unit: unit) } ?? "—", "verdict": verdict,
                "source": Strings.text("impact_source_" + impact.source.rawValue, language),
                "chart": Chart.beforeAfter(impact, language: language),
            ]
        }
        return [
            "period": period(review.periodStart, review.day),
            "items": items, "has_items": !items.isEmpty, "impacts": impacts, "has_impacts": !impacts.isEmpty,
            "business": business, "has_business": !business.isEmpty,
        ]
    }

    func quarterly() async throws -> [String: Any] {
        let retro = data.retrospective(today: today, teamID: teamID)
        func grade(_ value: Double) -> String { format.number((value * 10).rounded() / 10) }
        func band(_ value: Double) -> String { value >= 0.7 ? "on_track" : value >= 0.4 ? "at_risk" : "off_track" }
        let graded = retro.keyResults.map { item -> [String: Any] in
            let kr = item.summary.keyResult
            return [
                "title": kr.title, "url": "/o/\(slug)/key-results/\(kr.id)", "team": item.team.name, "objective": item.objective.title,
                "grade": grade(item.grade), "band": band(item.grade),
                "final": item.summary.state.currentValue.map { format.value($0, unit: kr.unit) } ?? "—", "target": format.value(kr.target, unit: kr.unit),
            ]
        }
        let objectives = retro.objectives.map { entry -> [String: Any] in
            ["title": entry.objective.title, "team": entry.team.name, "grade": grade(entry.grade), "band": band(entry.grade)]
        }
        let teamIDs = teamID.map { data.teamAndBelow($0) }
        let lessons = try await store.lessons(cycleID: data.cycle.id, teamIDs: teamIDs, in: presenter.organization.id).map { lesson -> [String: Any] in
            [
                "text": lesson.text, "author": lesson.author, "date": format.day(LocalDate(lesson.createdAt, in: presenter.organization.zone)),
                "team": lesson.teamID.flatMap { id in data.teams.first { $0.id == id }?.name } ?? "",
            ]
        }
        let carry = retro.unfinished.map { item -> [String: Any] in
            let kr = item.summary.keyResult
            return [
                "title": kr.title, "grade": grade(item.grade), "team": item.team.name,
                "final": item.summary.state.currentValue.map { format.value($0, unit: kr.unit) } ?? "—", "target": format.value(kr.target, unit: kr.unit),
            ]
        }
        let distribution = retro.distribution
        return [
            "period": period(data.cycle.start, retro.day),
            "grades": graded, "has_grades": !graded.isEmpty, "objectives": objectives,
            "mean_grade": grade(retro.meanGrade), "success_share": format.percent(retro.successShare),
            "distribution_chart": Chart.gradeDistribution(distribution, language: language),
            "distribution": distribution.enumerated().map { index, count in
                ["range": format.number(Double(index) / 10) + "–" + format.number(Double(index + 1) / 10), "count": count, "bar": String(repeating: "█", count: count)]
            },
            "lessons": lessons, "has_lessons": !lessons.isEmpty,
            "carry_over": carry, "has_carry_over": !carry.isEmpty,
            "open_initiatives": retro.openInitiatives.map(presenter.initiative), "has_open_initiatives": !retro.openInitiatives.isEmpty,
            "still_running": data.cycle.status != .closed,
        ]
    }
}

/// Renders the reviews as files: Markdown, or HTML that prints well and needs nothing else (the
/// style sheet is inlined).
public struct ReportRenderer: Sendable {
    let templates: Templates
    let styleSheet: String

    public static func load() async throws -> ReportRenderer {
        ReportRenderer(templates: try await Templates.load(), styleSheet: try StaticResources.load().text("rumbo.css") ?? "")
    }

    /// The review of `organization`'s cycle (the current one by default), for one team and the
    /// teams below it or for everyone.
    public func render(
        _ kind: ReviewKind, as fileFormat: ReportFormat, store: Store, organization: Organization, cycleID: String?, teamID: String?,
        language: Language, now: Date
    ) async throws -> String {
        guard
            var values = try await ReviewBuilder.load(
                kind, store: store, organization: organization, language: language, cycleID: cycleID, teamID: teamID, now: now)?.values
        else {
            throw RumboError(.notFound, en: "\(organization.name) has no cycles yet.", es: "\(organization.name) aún no tiene ciclos.")
        }
        values["t"] = Strings.all(language)
        values["lang"] = language.rawValue
        guard fileFormat == .markdown else {
            values["style"] = styleSheet
            return try templates.render("report_print", values)
        }
        return try templates.render("report_md", Self.markdownSafe(values) as? [String: Any] ?? values)
    }

    /// Every text with `|` escaped and line breaks flattened, so a title typed with either cannot
    /// break a Markdown table row (the HTML files are escaped by the templates instead).
    static func markdownSafe(_ value: Any) -> Any {
        switch value {
        case let text as String: text.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
        case let list as [Any]: list.map(markdownSafe)
        case let dictionary as [String: Any]: dictionary.mapValues(markdownSafe)
        default: value
        }
    }
}

/// The web pages of the reviews, their downloads and the retrospective's lessons.
struct ReviewRoutes: Sendable {
    typealias Context = RumboContext
    let web: WebRoutes
    let renderer: ReportRenderer
    var store: Store { web.store }

    func register(on router: Router<Context>) {
        router.get("/o/:org/reviews/:kind") { request, context in try await page(request, context) }
        router.get("/o/:org/reviews/:kind/report.md") { request, context in try await download(request, context, .markdown) }
        router.get("/o/:org/reviews/:kind/report.html") { request, context in try await download(request, context, .html) }
        router.post("/o/:org/lessons") { request, context in try await addLesson(request, context) }
        router.post("/o/:org/carry-over") { request, context in try await carryOver(request, context) }
    }

    func kind(_ context: Context) throws -> ReviewKind {
        let text = try context.parameters.require("kind")
        guard let kind = ReviewKind(rawValue: text) else { throw RumboError.notFound("review", id: text) }
        return kind
    }

    /// `?team=` when given and not empty.
    func teamID(_ request: Request) -> String? {
        request.uri.queryParameters.get("team").flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The review page; `kind` is read from the path (after signing in is checked) unless given.
    func page(_ request: Request, _ context: Context, kind given: ReviewKind? = nil, lessonError: String? = nil, status: HTTPResponse.Status = .ok)
        async throws -> Response
    {
        let page = try await web.pageContext(request, context)
        let kind = try given ?? kind(context)
        let teamID = teamID(request)
        guard
            let (data, built) = try await ReviewBuilder.load(
                kind, store: store, organization: page.organization, language: page.language, cycleID: request.uri.queryParameters.get("cycle"),
                teamID: teamID, now: web.configuration.clock())
        else {
            return try web.render("empty", page: page, title: page.organization.name, ["message": Strings.text("no_cycles", page.language)], request: request)
        }
        var values = built
        var query = "lang=\(page.language.rawValue)&cycle=\(percentEncode(data.cycle.id))"
        if let teamID { query += "&team=\(percentEncode(teamID))" }
        values["query"] = query
        values["cycle"] = page.cycle(data.cycle)
        values["cycles"] = page.cycles(data)
        values["tabs"] = ReviewKind.allCases.map { other in
            ["url": "/o/\(page.organization.slug)/reviews/\(other.rawValue)?\(query)", "name": Strings.text("review_" + other.rawValue, page.language), "current": other == kind]
        }
        values["lesson_action"] = "/o/\(page.organization.slug)/lessons?\(query)"
        values["can_add_lesson"] = try await mayWriteLessons(page, data: data, teamID: teamID)
        let mayManage = try await web.access.allows(page.principal, .manageStructure, in: page.organization)
        values["can_carry_over"] = kind == .quarterly && teamID == nil && mayManage
        values["carry_action"] = "/o/\(page.organization.slug)/carry-over?\(query)"
        if let carried = request.uri.queryParameters.get("carried") { values["carried_message"] = Strings.text("carried", page.language, carried) }
        if let lessonError { values["lesson_error"] = lessonError }
        return try web.render("review", page: page, title: values["review_title"] as? String ?? "", values, request: request, status: status)
    }

    /// Owners, admins and the editors of the team (of the company for a lesson of everyone).
    func mayWriteLessons(_ page: PageContext, data: CycleData, teamID: String?) async throws -> Bool {
        let teams = teamID.map { [$0] } ?? data.teams.filter(\.isCompany).map(\.id)
        return try await web.access.allows(page.principal, .editOKRs(teamIDs: Set(teams)), in: page.organization)
    }

    func download(_ request: Request, _ context: Context, _ fileFormat: ReportFormat) async throws -> Response {
        let page = try await web.pageContext(request, context)
        let kind = try kind(context)
        let text = try await renderer.render(
            kind, as: fileFormat, store: store, organization: page.organization, cycleID: request.uri.queryParameters.get("cycle"),
            teamID: teamID(request), language: page.language, now: web.configuration.clock())
        let name = "rumbo-\(kind.rawValue)-\(web.today(page.organization)).\(fileFormat.fileExtension)"
        return Response(
            status: .ok,
            headers: [
                .contentType: fileFormat == .markdown ? "text/markdown; charset=utf-8" : "text/html; charset=utf-8",
                .contentDisposition: "attachment; filename=\"\(name)\"",
            ],
            body: .init(byteBuffer: .init(string: text)))
    }

    /// Carries the cycle's unfinished key results into the next cycle (created as a planned
    /// quarter when there is none) and comes back to the retrospective saying how many.
    func carryOver(_ request: Request, _ context: Context) async throws -> Response {
        let page = try await web.pageContext(request, context)
        let principal = try await web.access.authorize(context, page.organization, .manageStructure)
        let today = web.today(page.organization)
        guard let data = try await store.cycleData(for: page.organization, cycleID: request.uri.queryParameters.get("cycle"), today: today)
        else { throw RumboError.notFound("cycle", id: "") }
        let next = try await store.nextCycle(after: data.cycle, in: page.organization, by: principal.actor)
        let plan = try await store.carryOver(from: data.cycle.id, to: next.id, in: page.organization, today: today, by: principal.actor, now: web.configuration.clock())
        let carried = percentEncode("\(plan.keyResults.count) → \(next.name)")
        return Response(
            status: .seeOther,
            headers: [.location: "/o/\(page.organization.slug)/reviews/quarterly?lang=\(page.language.rawValue)&cycle=\(percentEncode(data.cycle.id))&carried=\(carried)#carry-over"])
    }

    /// Records a lesson from the retrospective's form; a mistake shows the page again with why.
    func addLesson(_ request: Request, _ context: Context) async throws -> Response {
        let page = try await web.pageContext(request, context)
        let form = try await AccountRoutes.form(request)
        let today = web.today(page.organization)
        guard let data = try await store.cycleData(for: page.organization, cycleID: request.uri.queryParameters.get("cycle"), today: today)
        else { throw RumboError.notFound("cycle", id: "") }
        let teamID = teamID(request)
        guard try await mayWriteLessons(page, data: data, teamID: teamID) else { throw Access.forbidden(page.organization) }
        do {
            try await store.addLesson(
                form["text"] ?? "", cycleID: data.cycle.id, teamID: teamID, author: page.user.name, in: page.organization.id,
                by: page.principal.actor, now: web.configuration.clock())
        } catch let error as RumboError where error.code == .invalid {
            return try await self.page(request, context, kind: .quarterly, lessonError: error.message(in: page.language), status: .unprocessableContent)
        }
        var query = "lang=\(page.language.rawValue)&cycle=\(percentEncode(data.cycle.id))"
        if let teamID { query += "&team=\(percentEncode(teamID))" }
        return Response(status: .seeOther, headers: [.location: "/o/\(page.organization.slug)/reviews/quarterly?\(query)#lessons"])
    }
}
