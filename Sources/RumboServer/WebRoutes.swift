import Foundation
import Hummingbird
import RumboAnalytics
import RumboCore
import RumboStore

/// The server-rendered web app: thin handlers that load a `CycleData` (the query), let the core
/// compute summaries (the model) and render a template (the view).
struct WebRoutes: Sendable {
    typealias Context = RumboContext
    let store: Store
    let templates: Templates
    let configuration: ServerConfiguration
    let access: Access

    func register(on router: Router<Context>) {
        router.get("/") { request, context in try await home(request, context) }
        router.get("/o/:org") { request, context in try await overview(request, context) }
        router.get("/o/:org/teams/:id") { request, context in try await team(request, context) }
        router.get("/o/:org/objectives/:id") { request, context in try await objective(request, context) }
        router.get("/o/:org/key-results/:id") { request, context in try await keyResult(request, context, form: nil) }
        router.post("/o/:org/key-results/:id/check-ins") { request, context in try await postCheckIn(request, context) }
    }

    // MARK: Pages

    /// Opens the default organization among those the signed-in person belongs to.
    func home(_ request: Request, _ context: Context) async throws -> Response {
        let user = try access.requireUser(context)
        let organizations = try await visibleOrganizations(user)
        let chosen = organizations.first { $0.slug == configuration.defaultOrganization } ?? organizations.first
        guard let chosen else {
            return HTMLResponse.page(
                status: .ok, title: "Rumbo",
                message: "You do not belong to any organization yet: ask for an invitation link. / Aún no perteneces a ninguna organización: pide un enlace de invitación.")
        }
        let query = request.uri.query.map { "?" + $0 } ?? ""
        return Response(status: .seeOther, headers: [.location: "/o/\(chosen.slug)\(query)"])
    }

    func overview(_ request: Request, _ context: Context) async throws -> Response {
        let page = try await pageContext(request, context)
        guard let data = try await store.cycleData(for: page.organization, cycleID: request.uri.queryParameters.get("cycle"), today: today(page.organization)) else {
            return try render("empty", page: page, title: page.organization.name, ["message": Strings.text("no_cycles", page.language)], request: request)
        }
        let teams = data.summaries(today: today(page.organization)).map { team in
            [
                "name": team.team.name, "url": "/o/\(page.organization.slug)/teams/\(team.team.id)", "depth": team.depth,
                "is_company": team.team.isCompany, "progress": page.format.percent(team.progress),
                "objectives": team.objectives.map { page.objective($0, closed: data.cycle.status == .closed) },
            ] as [String: Any]
        }
        let stale = data.staleKeyResults(today: today(page.organization)).count
        return try render(
            "overview", page: page, title: page.organization.name,
            [
                "cycle": page.cycle(data.cycle), "cycles": page.cycles(data), "teams": teams, "has_teams": !teams.isEmpty,
                "stale_banner": stale == 0 ? "" : Strings.text("stale_banner", page.language, String(stale)),
            ],
            request: request)
    }

    func team(_ request: Request, _ context: Context) async throws -> Response {
        let page = try await pageContext(request, context)
        let teamID = try context.parameters.require("id")
        let team = try await store.fetch(Team.self, id: teamID, in: page.organization.id)
        let data = try await store.cycleData(for: page.organization, cycleID: request.uri.queryParameters.get("cycle"), today: today(page.organization))
        var values: [String: Any] = ["team": ["name": team.name, "id": team.id]]
        if let data {
            let included = data.teamAndBelow(team.id)
            let summaries = data.summaries(today: today(page.organization)).filter { included.contains($0.team.id) }
            values["cycle"] = page.cycle(data.cycle)
            values["cycles"] = page.cycles(data)
            values["teams"] = summaries.map { summary in
                [
                    "name": summary.team.name, "url": "/o/\(page.organization.slug)/teams/\(summary.team.id)",
                    "progress": page.format.percent(summary.progress),
                    "objectives": summary.objectives.map { page.objective($0, closed: data.cycle.status == .closed) },
                ] as [String: Any]
            }
            values["has_teams"] = !summaries.isEmpty
            let initiatives = data.initiatives.filter { $0.teamIDs.contains(team.id) }
            values["initiatives"] = initiatives.map(page.initiative)
            values["has_initiatives"] = !initiatives.isEmpty
            let people = data.people.filter { $0.teamID == team.id }.map(\.name)
            values["people"] = people
            values["has_people"] = !people.isEmpty
        }
        return try render("team", page: page, title: team.name, values, request: request)
    }

    func objective(_ request: Request, _ context: Context) async throws -> Response {
        let page = try await pageContext(request, context)
        let objective = try await store.fetch(Objective.self, id: try context.parameters.require("id"), in: page.organization.id)
        guard let data = try await store.cycleData(for: page.organization, cycleID: objective.cycleID, today: today(page.organization)),
            let summary = data.summaries(today: today(page.organization)).flatMap(\.objectives).first(where: { $0.objective.id == objective.id })
        else { throw RumboError.notFound("objective", id: objective.id) }
        let targets = Set([objective.id] + summary.keyResults.map(\.keyResult.id))
        let supportedBy = data.objectives.filter { $0.alignments.contains { targets.contains($0.id) } }.map {
            ["title": $0.title, "url": "/o/\(page.organization.slug)/objectives/\($0.id)"]
        }
        let initiatives = data.initiatives.filter { !$0.keyResultIDs.filter(targets.contains).isEmpty }
        let team = data.teams.first { $0.id == objective.teamID }
        let coach = coachHints(data, about: targets, page: page, bindings: try await store.bindings(in: page.organization.id))
        return try render(
            "objective", page: page, title: objective.title,
            [
                "cycle": page.cycle(data.cycle), "objective": page.objective(summary, closed: data.cycle.status == .closed),
                "team": ["name": team?.name ?? "", "url": "/o/\(page.organization.slug)/teams/\(objective.teamID)"],
                "supported_by": supportedBy, "has_supported_by": !supportedBy.isEmpty,
                "initiatives": initiatives.map(page.initiative), "has_initiatives": !initiatives.isEmpty,
                "coach": coach, "has_coach": !coach.isEmpty,
            ], request: request)
    }

    /// The OKR coach's findings about these objectives and key results, in the page's language.
    func coachHints(_ data: CycleData, about ids: Set<String>, page: PageContext, bindings: [String: MetricBinding]) -> [[String: String]] {
        OKRCoach.review(data, today: today(page.organization), metricIDs: bindings.mapValues(\.metricID)).filter { ids.contains($0.subjectID) }.map {
            ["rule": $0.rule, "severity": $0.severity.rawValue, "message": $0.message(in: page.language)]
        }
    }

    /// The key result page; `form` carries a rejected check-in back to the form with its error.
    func keyResult(_ request: Request, _ context: Context, form: CheckInForm?, error: String? = nil, bindingError: String? = nil) async throws
        -> Response
    {
        let page = try await pageContext(request, context)
        let organization = page.organization
        let keyResult = try await store.fetch(KeyResult.self, id: try context.parameters.require("id"), in: organization.id)
        let objective = try await store.fetch(Objective.self, id: keyResult.objectiveID, in: organization.id)
        let today = today(organization)
        guard let data = try await store.cycleData(for: organization, cycleID: objective.cycleID, today: today),
            let summary = data.summaries(today: today).flatMap(\.objectives).flatMap(\.keyResults).first(where: { $0.keyResult.id == keyResult.id })
        else { throw RumboError.notFound("key result", id: keyResult.id) }
        let people = Dictionary(uniqueKeysWithValues: data.people.map { ($0.id, $0) })
        let state = summary.state
        let confidence = form.flatMap { Int($0.confidence ?? "") } ?? state.confidence
        var values: [String: Any] = [
            "cycle": page.cycle(data.cycle),
            "objective": ["title": objective.title, "url": "/o/\(organization.slug)/objectives/\(objective.id)"],
            "kr": page.keyResult(summary),
            "baseline": keyResult.baseline.map { page.format.value($0, unit: keyResult.unit) } ?? "—",
            "due": page.format.day(keyResult.due), "start": page.format.day(keyResult.start),
            "expected": page.format.percent(state.expectedProgress),
            "chart": Chart.history(of: summary, today: data.evaluationDay(today: today), language: page.language),
            "history": zip(summary.history, [nil] + summary.history.dropLast()).reversed().map {
                page.checkIn($0, keyResult: keyResult, people: people, previous: $1)
            },
            "has_history": !summary.history.isEmpty,
            "initiatives": summary.initiatives.map(page.initiative), "has_initiatives": !summary.initiatives.isEmpty,
            "can_check_in": try await page.canCheckIn(summary.keyResult, teamID: objective.teamID, cycle: data.cycle, access: access),
            "form_action": "/o/\(organization.slug)/key-results/\(keyResult.id)/check-ins?lang=\(page.language.rawValue)",
            "form_value": form?.value ?? "", "form_note": form?.note ?? "", "form_blockers": form?.blockers ?? "",
            "confidence_options": (0...10).map { ["value": $0, "selected": $0 == (confidence ?? 7)] },
            "saved": request.uri.queryParameters.get("saved") != nil,
        ]
        if let error { values["form_error"] = error }
        let impact = page.impactLines(keyResult, history: summary.history, costs: try await store.impactSettings(in: organization.id))
        values["impact"] = impact
        values["has_impact"] = !impact.isEmpty
        let bindings = try await store.bindings(in: organization.id)
        let coach = coachHints(data, about: [keyResult.id], page: page, bindings: bindings)
        values["coach"] = coach
        values["has_coach"] = !coach.isEmpty
        values.merge(
            try await bindingValues(keyResult, binding: bindings[keyResult.id], teamID: objective.teamID, cycle: data.cycle, page: page, error: bindingError)
        ) { _, new in new }
        if let levels = keyResult.levels {
            values["levels"] = ["commit": page.format.value(levels.commit, unit: keyResult.unit), "stretch": page.format.value(levels.stretch, unit: keyResult.unit)]
        }
        return try render(
            "keyresult", page: page, title: keyResult.title, values, request: request,
            status: error == nil && bindingError == nil ? .ok : .unprocessableContent)
    }

    /// The key result's metric binding: what it updates from, and the form to change it.
    func bindingValues(_ keyResult: KeyResult, binding: MetricBinding?, teamID: String, cycle: Cycle, page: PageContext, error: String?) async throws
        -> [String: Any]
    {
        let es = page.language == .spanish
        let mayEdit = try await access.allows(page.principal, .editOKRs(teamIDs: [teamID]), in: page.organization)
        var values: [String: Any] = [
            "can_bind": cycle.status != .closed && mayEdit,
            "binding_action": "/o/\(page.organization.slug)/key-results/\(keyResult.id)/binding?lang=\(page.language.rawValue)",
            "metric_options": MetricCatalog.all.map { metric in
                ["id": metric.id, "name": (es ? metric.nameES : metric.nameEN) + " (" + metric.id + ")", "selected": metric.id == binding?.metricID]
            },
            "period_options": MetricBinding.periods.map {
                ["value": $0, "label": Strings.text("period_" + $0, page.language), "selected": $0 == (binding?.period ?? "week")]
            },
            "binding_filters": binding?.filters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") ?? "",
            "binding_rolling": binding?.rollingDays.map(String.init) ?? "",
        ]
        if let binding, let metric = MetricCatalog.definition(binding.metricID) {
            values["binding"] = [
                "metric": es ? metric.nameES : metric.nameEN, "id": metric.id, "period": Strings.text("period_" + binding.period, page.language),
                "filters": values["binding_filters"] as? String ?? "", "rolling": binding.rollingDays.map { "\($0) d" } ?? "",
                "url": "/o/\(page.organization.slug)/metrics/\(metric.id)?lang=\(page.language.rawValue)",
            ]
        }
        if let error { values["binding_error"] = error }
        return values
    }

    /// Records a check-in from the form; on success redirects back (so a reload does not post
    /// twice), on a mistake shows the form again with what was typed and why it was refused.
    func postCheckIn(_ request: Request, _ context: Context) async throws -> Response {
        let page = try await pageContext(request, context)
        var request = request
        let body = String(buffer: try await request.collectBody(upTo: 64 * 1024))
        let form = (try? URLEncodedFormDecoder().decode(CheckInForm.self, from: body)) ?? CheckInForm(value: nil, confidence: nil, note: nil, blockers: nil)
        let keyResultID = try context.parameters.require("id")
        let keyResult = try await store.fetch(KeyResult.self, id: keyResultID, in: page.organization.id)
        let objective = try await store.fetch(Objective.self, id: keyResult.objectiveID, in: page.organization.id)
        let principal = try await access.authorize(
            context, page.organization, .checkIn(teamID: objective.teamID, ownerPersonID: keyResult.ownerID))
        let typed = form.value?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !typed.isEmpty else {
            return try await self.keyResult(request, context, form: form, error: Strings.text("value_required", page.language))
        }
        guard let value = Formatter.parseNumber(typed) else {
            let message = Strings.text("value_not_number", page.language, typed)
            return try await self.keyResult(request, context, form: form, error: message)
        }
        let checkIn = CheckIn(
            id: "", keyResultID: keyResultID, value: value, confidence: form.confidence.flatMap { Int($0) },
            note: form.note ?? "", blockers: form.blockers ?? "", authorID: principal.personID, source: .manual,
            recordedAt: configuration.clock(), day: today(page.organization))
        do {
            _ = try await store.recordCheckIn(checkIn, in: page.organization, by: principal.actor, now: configuration.clock())
        } catch let error as RumboError where error.code == .invalid {
            return try await self.keyResult(request, context, form: form, error: error.message(in: page.language))
        }
        return Response(
            status: .seeOther,
            headers: [.location: "/o/\(page.organization.slug)/key-results/\(keyResultID)?saved=1&lang=\(page.language.rawValue)"])
    }

    // MARK: Helpers

    func today(_ organization: Organization) -> LocalDate { LocalDate(configuration.clock(), in: organization.zone) }

    /// The organization of the URL, readable by the signed-in person (or the request stops here).
    func pageContext(_ request: Request, _ context: Context) async throws -> PageContext {
        let user = try access.requireUser(context)
        let organization = try await store.organization(try context.parameters.require("org"))
        let principal = try await access.authorize(context, organization, .read)
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters where key != "saved" { query[String(key)] = String(value) }
        guard case .user(_, _, let csrf) = context.identity else { throw RumboError.unauthorized }
        return PageContext(
            language: language(for: request, organization: organization), organization: organization,
            organizations: try await visibleOrganizations(user), path: request.uri.path, query: query, user: user, principal: principal,
            csrfToken: csrf, canManageAccess: try await access.allows(principal, .manageAccess, in: organization))
    }

    func visibleOrganizations(_ user: User) async throws -> [Organization] {
        let mine = Set(try await store.memberships(userID: user.id).map(\.organizationID))
        return try await store.organizations().filter { mine.contains($0.id) }
    }

    func language(for request: Request, organization: Organization) -> Language {
        request.preferredLanguage ?? organization.language
    }

    func render(
        _ template: String, page: PageContext, title: String, _ values: [String: Any], request: Request, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        var context = page.base(title: title)
        context.merge(values) { _, new in new }
        var headers: HTTPFields = [:]
        if let lang = request.uri.queryParameters.get("lang"), Language(rawValue: String(lang)) != nil {
            headers[.setCookie] = "rumbo_lang=\(lang); Path=/; Max-Age=31536000; SameSite=Lax; HttpOnly"
        }
        return HTMLResponse.html(try templates.render(template, context), status: status, headers: headers)
    }
}

/// The check-in form's fields, as typed (numbers are parsed by hand to accept a decimal comma).
struct CheckInForm: Decodable {
    var value: String?
    var confidence: String?
    var note: String?
    var blockers: String?
}

extension Request {
    /// `?lang=` (remembered in a cookie), else the cookie, else the browser's language; `nil` when
    /// none says, so the caller picks (the organization's language on pages, English in the API).
    var preferredLanguage: Language? {
        if let chosen = uri.queryParameters.get("lang").flatMap(Language.init(rawValue:)) { return chosen }
        if let cookie = cookies["rumbo_lang"].flatMap({ Language(rawValue: $0.value) }) { return cookie }
        return Language.from(acceptLanguage: headers[.acceptLanguage])
    }
}
