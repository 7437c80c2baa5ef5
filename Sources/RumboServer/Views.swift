import Foundation
import Hummingbird
import Mustache
import NIOCore
import RumboAnalytics
import RumboCore
import RumboStore

/// HTML responses and escaping.
enum HTMLResponse {
    static func html(_ body: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// A minimal page for errors, which must render even when templates are unavailable.
    static func page(status: HTTPResponse.Status, title: String, message: String) -> Response {
        html(
            """
            <!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · Rumbo</title><link rel="stylesheet" href="/static/rumbo.css"></head>
            <body><main class="page"><h1>\(escape(title))</h1><p class="form-error">\(escape(message))</p><p><a href="/">Rumbo</a></p></main></body></html>
            """, status: status)
    }

    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "'": result += "&#39;"
            default: result.append(character)
            }
        }
        return result
    }
}

/// Builds the plain dictionaries the Mustache templates render, from the core's summaries, in one
/// language: the web pages (`PageContext`) and the files of `rumbo report` (`ReportPresenter`)
/// share it. Views are tested without a database: give them a `CycleData` made in memory.
protocol Presenting {
    var language: Language { get }
    var organization: Organization { get }
}

/// The presenter of pages and reports made outside a request.
struct ReportPresenter: Presenting {
    let language: Language
    let organization: Organization
}

struct PageContext: Presenting {
    let language: Language
    let organization: Organization
    let organizations: [Organization]
    let path: String
    let query: [String: String]
    let user: User
    let principal: Principal
    let csrfToken: String
    let canManageAccess: Bool

    /// What every page shows: strings, language switch, organization switch.
    func base(title: String) -> [String: Any] {
        let other: Language = language == .spanish ? .english : .spanish
        var query = self.query
        query["lang"] = other.rawValue
        let switchURL = path + "?" + query.sorted { $0.key < $1.key }.map { "\($0.key)=\(percentEncode($0.value))" }.joined(separator: "&")
        return [
            "t": Strings.all(language), "lang": language.rawValue, "title": title,
            "org": ["name": organization.name, "slug": organization.slug, "url": "/o/\(organization.slug)"],
            "organizations": organizations.map { ["name": $0.name, "url": "/o/\($0.slug)", "current": $0.id == organization.id] },
            "has_many_orgs": organizations.count > 1,
            "switch_lang": ["code": other.rawValue, "name": other == .spanish ? "Español" : "English", "url": switchURL],
            "user": ["name": user.name, "email": user.email], "csrf": csrfToken, "can_manage_access": canManageAccess,
        ]
    }

    /// The form shows only to those who may use it, on a cycle still open.
    func canCheckIn(_ keyResult: KeyResult, teamID: String, cycle: Cycle, access: Access) async throws -> Bool {
        guard cycle.status != .closed else { return false }
        return try await access.allows(principal, .checkIn(teamID: teamID, ownerPersonID: keyResult.ownerID), in: organization)
    }

    func cycles(_ data: CycleData) -> [[String: Any]] {
        data.cycles.reversed().map {
            ["id": $0.id, "name": "\($0.name) · \(Strings.text($0.status.rawValue, language))", "selected": $0.id == data.cycle.id]
        }
    }
}

extension Presenting {
    var format: Formatter { Formatter(language: language) }

    func cycle(_ cycle: Cycle) -> [String: Any] {
        [
            "id": cycle.id, "name": cycle.name, "status": cycle.status.rawValue, "status_text": Strings.text(cycle.status.rawValue, language),
            "dates": "\(format.day(cycle.start)) – \(format.day(cycle.end))", "closed": cycle.status == .closed,
        ]
    }

    func status(_ status: Status) -> [String: Any] {
        ["code": status.rawValue, "text": Strings.text(status.rawValue, language)]
    }

    func objective(_ summary: ObjectiveSummary, closed: Bool) -> [String: Any] {
        [
            "id": summary.objective.id, "title": summary.objective.title, "description": summary.objective.description,
            "url": "/o/\(organization.slug)/objectives/\(summary.objective.id)",
            "progress": format.percent(summary.progress), "progress_width": width(summary.progress),
            "grade": format.number((summary.progress * 10).rounded() / 10), "closed": closed,
            "status": status(summary.status), "owner": summary.owner?.name ?? "", "has_owner": summary.owner != nil,
            "supports": summary.supports, "has_supports": !summary.supports.isEmpty,
            "key_results": summary.keyResults.map { keyResult($0) },
        ]
    }

    func keyResult(_ summary: KeyResultSummary) -> [String: Any] {
        let kr = summary.keyResult
        let state = summary.state
        var detail: String
        if kr.kind.isThreshold {
            detail = "\(state.compliantPeriods ?? 0)/\(state.measuredPeriods ?? 0) \(Strings.text("compliance_share", language))"
        } else if kr.kind == .milestone {
            detail = "\(format.number(state.currentValue ?? 0))/\(format.number(kr.target)) \(Strings.text("items_done", language))"
        } else {
            detail = "\(format.value(kr.effectiveBaseline, unit: kr.unit)) → \(format.value(kr.target, unit: kr.unit))"
        }
        if state.rawProgress > 1, !kr.kind.isThreshold { detail += " · \(format.percent(state.rawProgress)) \(Strings.text("over_target", language))" }
        return [
            "id": kr.id, "title": kr.title, "url": "/o/\(organization.slug)/key-results/\(kr.id)",
            "kind": Strings.text("kind_" + kr.kind.rawValue, language),
            "current": state.currentValue.map { format.value($0, unit: kr.unit) } ?? "—",
            "current_raw": state.currentValue.map { String($0) } ?? "",
            "target": format.value(kr.target, unit: kr.unit), "detail": detail,
            "progress": format.percent(state.progress), "progress_width": width(state.progress),
            "expected_width": width(state.expectedProgress),
            "status": status(state.status), "confidence": state.confidence.map(String.init) ?? "",
            "has_confidence": state.confidence != nil, "owner": summary.owner?.name ?? "",
            "compliant": state.currentlyCompliant.map { Strings.text($0 ? "compliant_now" : "not_compliant_now", language) } ?? "",
            "probability": state.forecast.probability.map(format.percent) ?? "",
            "has_probability": state.forecast.method == .trend,
            "forecast_text": forecastText(kr, state.forecast), "pace_text": paceText(kr, state),
        ]
    }

    /// One sentence on where the key result is heading, or why the pace rule decides.
    func forecastText(_ kr: KeyResult, _ forecast: Forecast) -> String {
        let value = { (number: Double?) in number.map { format.value($0, unit: kr.unit) } ?? "—" }
        switch forecast.method {
        case .trend:
            return Strings.text(
                kr.kind.isThreshold ? "forecast_trend_threshold" : "forecast_trend", language, format.day(kr.due), value(forecast.expected),
                value(forecast.low), value(forecast.high), forecast.probability.map(format.percent) ?? "—")
        case .pace where kr.kind == .milestone: return Strings.text("forecast_milestone", language)
        case .pace: return Strings.text("forecast_pace", language, String(forecast.observations))
        case .final: return Strings.text("forecast_final", language, value(forecast.expected))
        }
    }

    /// The key result's movement in hours and money, so far and at the target: one line each and
    /// the basis; empty when the key result is not bound to a metric the model translates.
    func impactLines(_ kr: KeyResult, history: [CheckIn], costs: ImpactSettings) -> [String] {
        guard let impact = ImpactModel.impact(of: kr, history: history, settings: costs) else {
            let bound = history.last { $0.provenance != nil }?.provenance.map { ImpactModel.translates($0.metricID) } ?? false
            return bound && kr.baseline != nil ? [Strings.text("impact_missing", language)] : []
        }
        func money(_ amount: Double) -> String { format.money(amount, currency: costs.currency) }
        func line(_ label: String, _ value: BusinessImpact) -> String {
            switch value.kind {
            case .hoursPerMonth:
                let cost = value.money.map { Strings.text("impact_hours_cost", language, money($0)) } ?? ""
                return Strings.text("impact_hours", language, label + ":", format.number(((value.hours ?? 0) * 10).rounded() / 10), cost)
            case .revenuePerYear: return Strings.text("impact_revenue_year", language, label + ":", money(value.money ?? 0))
            case .revenuePerMonth: return Strings.text("impact_revenue_month", language, label + ":", money(value.money ?? 0))
            }
        }
        let current = history.last?.value ?? kr.effectiveBaseline
        let value = { (number: Double) in format.value(number, unit: kr.unit) }
        let basis = Strings.text(
            "impact_basis_" + impact.soFar.kind.rawValue, language, format.integer(Int(impact.soFar.volume.rounded())), impact.metricID)
        return [
            line(Strings.text("impact_so_far", language, value(kr.effectiveBaseline), value(current)), impact.soFar),
            line(Strings.text("impact_at_target", language, value(kr.effectiveBaseline), value(kr.target)), impact.atTarget),
            basis,
        ]
    }

    /// "+1.8 pts per week needed from now until Dec 31, 2026." beside the trend's own pace.
    func paceText(_ kr: KeyResult, _ state: KeyResultState) -> String {
        guard let required = state.forecast.requiredPacePerWeek else { return "" }
        let signed = { (number: Double) in (number > 0 ? "+" : "") + format.value(number, unit: kr.unit) }
        var text =
            kr.meetsTarget(state.currentValue ?? kr.effectiveBaseline)
            ? Strings.text("target_reached_pace", language, format.day(kr.due))
            : Strings.text("required_pace", language, signed(required), format.day(kr.due))
        if let trend = state.forecast.trendPerWeek { text += " " + Strings.text("trend_pace", language, signed(trend)) }
        return text
    }

    func initiative(_ initiative: Initiative) -> [String: Any] {
        [
            "title": initiative.title, "description": initiative.description,
            "status": initiative.status.rawValue, "status_text": Strings.text("initiative_" + initiative.status.rawValue, language),
            "dates": [initiative.start, initiative.end].compactMap { $0.map(format.day) }.joined(separator: " – "),
        ]
    }

    /// A check-in row; `previous` is the check-in before it, to flag a change within noise.
    func checkIn(_ checkIn: CheckIn, keyResult: KeyResult, people: [String: Person], previous: CheckIn? = nil) -> [String: Any] {
        [
            "date": format.day(checkIn.day), "value": format.value(checkIn.value, unit: keyResult.unit),
            "confidence": checkIn.confidence.map(String.init) ?? "—", "note": checkIn.note, "blockers": checkIn.blockers, "has_blockers": !checkIn.blockers.isEmpty,
            "author": checkIn.authorID.flatMap { people[$0]?.name } ?? "", "source": Strings.text(checkIn.source.rawValue, language),
            "automatic": checkIn.source == .automatic,
            "provenance": checkIn.provenance.map(provenance) ?? "",
            "within_noise": previous.flatMap(checkIn.isWithinNoise) == true,
        ]
    }

    /// "nps · 2026-W47 (17 nov – 23 nov) · n = 134 · 95% CI 18–32": where an automatic value came from.
    func provenance(_ p: CheckIn.Provenance) -> String {
        var parts = [p.metricID + (p.filters.isEmpty ? "" : " [" + p.filters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + "]")]
        parts.append("\(p.window) (\(format.day(p.windowStart)) – \(format.day(p.windowEnd)))")
        parts.append("n = \(format.integer(p.n))")
        if let low = p.low, let high = p.high {
            parts.append(Strings.text("interval95", language) + " " + format.number(low) + "–" + format.number(high))
        }
        return parts.joined(separator: " · ")
    }

    /// Whole percent 0…100, the suffix of the `w-N` / `x-N` classes: the CSP allows no inline styles.
    func width(_ fraction: Double) -> String { String(Int((min(max(fraction.isFinite ? fraction : 0, 0), 1) * 100).rounded())) }
}

func percentEncode(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
}

/// The compiled templates, loaded once from the bundle.
struct Templates: Sendable {
    let library: MustacheLibrary

    static func load() async throws -> Templates {
        guard let directory = Bundle.module.url(forResource: "templates", withExtension: nil, subdirectory: "Resources")?.path else {
            throw RumboError(.notFound, en: "Templates not found in the bundle.", es: "No se encontraron las plantillas.")
        }
        return Templates(library: try await MustacheLibrary(directory: directory))
    }

    func render(_ name: String, _ context: [String: Any]) throws -> String {
        guard let html = library.render(context, withTemplate: name) else {
            throw RumboError(.notFound, en: "No template named \(name).", es: "No hay plantilla \(name).")
        }
        return html
    }
}
