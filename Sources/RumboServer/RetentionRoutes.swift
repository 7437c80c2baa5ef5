import Foundation
import Hummingbird
import Logging
import RumboAnalytics
import RumboCore
import RumboStore

/// "Clientes en riesgo": the customers who may have left, ranked by the value at stake, each
/// customer's page, the at-risk settings and alerts.
struct RetentionRoutes: Sendable {
    typealias Context = RumboContext
    let web: WebRoutes
    var store: Store { web.store }

    func register(on router: Router<Context>) {
        router.get("/o/:org/customers") { request, context in try await atRiskPage(request, context) }
        router.get("/o/:org/at-risk.csv") { request, context in try await export(request, context) }
        router.get("/o/:org/customers/:id") { request, context in try await customerPage(request, context) }
        router.post("/o/:org/retention-settings") { request, context in try await saveSettings(request, context) }
    }

    /// How the list can be sorted: the query value and the score it compares (descending first).
    static let sorts: [String: @Sendable (CustomerScore) -> Double] = [
        "value": { $0.valueAtStake ?? -1 },
        "p_alive": { $0.pAlive },
        "clv": { $0.clv ?? -1 },
        "expected": { $0.expectedPurchases },
        "visits": { Double($0.summary.frequency) },
        "last": { $0.summary.recency * 7 + Double($0.summary.firstPurchase.value) },
    ]

    struct Listing {
        let analysis: RetentionAnalysis
        let rows: [CustomerScore]
        let sort: String
        let ascending: Bool
        let segment: String?
        let segments: [String]
    }

    /// The scored base and the at-risk rows the query asks for; nil without orders. A model that
    /// cannot be fitted on the data is a clear message, not a 500.
    func listing(_ request: Request, organization: Organization) async throws -> Result<Listing?, AnalyticsError> {
        let analysis: RetentionAnalysis?
        do { analysis = try await store.retentionAnalysis(in: organization, asOf: web.today(organization)) } catch let error as AnalyticsError {
            return .failure(error)
        }
        guard let analysis else { return .success(nil) }
        let query = request.uri.queryParameters
        let sort = query.get("sort").map { String($0) }.flatMap { Self.sorts[$0] == nil ? nil : $0 } ?? "value"
        let ascending = query.get("dir") == "asc"
        let segment = query.get("segment").map { String($0) }.flatMap { $0.isEmpty ? nil : $0 }
        let key = Self.sorts[sort]!
        let rows = analysis.atRisk.filter { segment == nil || analysis.profiles[$0.customerID]?.segment == segment }.sorted { l, r in
            let (a, b) = (key(l), key(r))
            return a != b ? (ascending ? a < b : a > b) : l.customerID < r.customerID
        }
        let segments = Set(analysis.profiles.values.compactMap(\.segment)).sorted()
        return .success(Listing(analysis: analysis, rows: rows, sort: sort, ascending: ascending, segment: segment, segments: segments))
    }

    static func lastPurchase(_ score: CustomerScore) -> LocalDate {
        LocalDate(dayNumber: score.summary.firstPurchase.value + Int((score.summary.recency * 7).rounded()))
    }

    func atRiskPage(_ request: Request, _ context: Context) async throws -> Response {
        let page = try await web.pageContext(request, context)
        let organization = page.organization
        let language = page.language
        let format = page.format
        let base = "/o/\(organization.slug)"
        let canManage = try await web.access.allows(page.principal, .manageStructure, in: organization)
        let settings = try await store.retentionSettings(in: organization.id)
        var values: [String: Any] = [
            "can_manage": canManage,
            "settings_action": "\(base)/retention-settings?lang=\(language.rawValue)",
            "settings": [
                "threshold": format.number(settings.threshold), "minimum_value": format.number(settings.minimumValue),
                "margin": format.number(settings.margin), "webhook_url": settings.webhookURL ?? "",
            ],
            "saved": request.uri.queryParameters.get("saved") != nil,
        ]
        let alerts = try await store.retentionAlerts(in: organization.id, openOnly: true, limit: 50)
        switch try await listing(request, organization: organization) {
        case .failure(let error):
            values["problem"] = Strings.text("risk_model_failed", language).replacingOccurrences(of: "{reason}", with: error.message)
        case .success(nil):
            values["empty"] = true
        case .success(let listing?):
            let analysis = listing.analysis
            let shown = listing.rows.prefix(500)
            func link(_ sort: String) -> String {
                var items = ["lang=\(language.rawValue)", "sort=\(sort)"]
                if sort == listing.sort, !listing.ascending { items.append("dir=asc") }
                if let segment = listing.segment { items.append("segment=\(urlEncoded(segment))") }
                return "\(base)/customers?" + items.joined(separator: "&")
            }
            values["listed"] = true
            values["columns"] = ["visits", "last", "p_alive", "expected", "clv", "value"].map { key in
                [
                    "label": Strings.text("risk_col_" + key, language), "url": link(key), "active": key == listing.sort,
                    "arrow": key == listing.sort ? (listing.ascending ? "▲" : "▼") : "",
                    "aria": key == listing.sort ? (listing.ascending ? "ascending" : "descending") : "none",
                ] as [String: Any]
            }
            values["segments"] = listing.segments.map { ["name": $0, "selected": $0 == listing.segment] }
            values["has_segments"] = !listing.segments.isEmpty
            values["sort"] = listing.sort
            values["dir"] = listing.ascending ? "asc" : ""
            values["export_url"] =
                "\(base)/at-risk.csv?sort=\(listing.sort)\(listing.ascending ? "&dir=asc" : "")\(listing.segment.map { "&segment=\(urlEncoded($0))" } ?? "")"
            values["summary"] = Strings.text("risk_summary", language)
                .replacingOccurrences(of: "{risk}", with: format.integer(analysis.atRisk.count))
                .replacingOccurrences(of: "{all}", with: format.integer(analysis.scoring.scores.count))
                .replacingOccurrences(of: "{threshold}", with: format.percent(settings.threshold))
                .replacingOccurrences(of: "{value}", with: format.number((listing.rows.compactMap(\.valueAtStake).reduce(0, +)).rounded()))
            values["truncated"] = listing.rows.count > shown.count
            values["rows"] = shown.map { score in
                let profile = analysis.profiles[score.customerID]
                return [
                    "id": score.customerID, "name": profile?.name ?? score.customerID, "segment": profile?.segment ?? "",
                    "url": "\(base)/customers/\(urlEncoded(score.customerID))?lang=\(language.rawValue)",
                    "visits": format.integer(score.summary.frequency + 1), "last": format.day(Self.lastPurchase(score)),
                    "p_alive": format.percent(score.pAlive), "p_alive_width": String(format: "%.0f", 100 * score.pAlive),
                    "expected": format.number(score.expectedPurchases), "clv": score.clv.map { format.number($0.rounded()) } ?? "—",
                    "value": score.valueAtStake.map { format.number($0.rounded()) } ?? "—",
                    "alerted": alerts.contains { $0.customerID == score.customerID },
                ] as [String: Any]
            }
            values["model_note"] = Strings.text("risk_model_note", language)
                .replacingOccurrences(of: "{horizon}", with: format.integer(Int(RetentionSettings.horizonWeeks)))
        }
        values["alerts"] = alerts.prefix(10).map { alert in
            [
                "customer": alert.customerID, "url": "\(base)/customers/\(urlEncoded(alert.customerID))?lang=\(language.rawValue)",
                "raised": format.day(LocalDate(alert.raisedAt, in: organization.zone)), "p_alive": format.percent(alert.pAlive),
                "value": format.number(alert.valueAtStake.rounded()),
                "delivery": alert.deliveredAt != nil
                    ? Strings.text("risk_alert_sent", language)
                    : alert.deliveryError.map { Strings.text("risk_alert_failed", language) + " (" + $0 + ")" } ?? "",
            ]
        }
        values["has_alerts"] = !alerts.isEmpty
        values["alert_count"] = format.integer(alerts.count)
        return try web.render("customers", page: page, title: Strings.text("risk_title", language), values, request: request)
    }

    /// The at-risk list as CSV, with the page's segment and sort.
    func export(_ request: Request, _ context: Context) async throws -> Response {
        let page = try await web.pageContext(request, context)
        guard case .success(let listing?) = try await listing(request, organization: page.organization) else {
            throw RumboError(
                .invalid, field: "orders", en: "There are no scored customers to export: import orders first.",
                es: "No hay clientes puntuados que exportar: importa primero los pedidos.")
        }
        var csv = "customer_id,name,segment,email,visits,last_purchase,p_alive,expected_purchases_13w,p_purchase_13w,expected_spend,clv,value_at_stake\r\n"
        func cell(_ text: String) -> String {
            text.contains(where: { ",\"\r\n".contains($0) }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        for score in listing.rows {
            let profile = listing.analysis.profiles[score.customerID]
            let fields = [
                score.customerID, profile?.name ?? "", profile?.segment ?? "", profile?.email ?? "", "\(score.summary.frequency + 1)",
                Self.lastPurchase(score).description, String(format: "%.4f", score.pAlive), String(format: "%.3f", score.expectedPurchases),
                String(format: "%.4f", score.pPurchase), score.expectedSpend.map { String(format: "%.2f", $0) } ?? "",
                score.clv.map { String(format: "%.2f", $0) } ?? "", score.valueAtStake.map { String(format: "%.2f", $0) } ?? "",
            ]
            csv += fields.map(cell).joined(separator: ",") + "\r\n"
        }
        let name = "at-risk-\(page.organization.slug)-\(web.today(page.organization)).csv"
        return Response(
            status: .ok,
            headers: [.contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"\(name)\""],
            body: ResponseBody(byteBuffer: ByteBuffer(string: csv)))
    }

    func customerPage(_ request: Request, _ context: Context) async throws -> Response {
        let page = try await web.pageContext(request, context)
        let organization = page.organization
        let language = page.language
        let format = page.format
        let id = try context.parameters.require("id")
        let transactions = try await store.purchaseTransactions(in: organization.id, customerID: id)
        let profile = try await store.customerProfiles(in: organization.id, customerID: id)[id]
        guard !transactions.isEmpty || profile != nil else { throw RumboError.notFound("customer", id: id) }
        let today = web.today(organization)
        var values: [String: Any] = [
            "customer": ["id": id, "name": profile?.name ?? id, "segment": profile?.segment ?? "", "email": profile?.email ?? ""],
            "back": "/o/\(organization.slug)/customers?lang=\(language.rawValue)",
        ]
        var byDay: [Int: Double] = [:]
        for t in transactions where t.day.value <= today.dayNumber { byDay[t.day.value, default: 0] += t.amount }
        let days = byDay.keys.sorted().map { (day: LocalDate(dayNumber: $0), amount: byDay[$0]!) }
        values["purchases"] = days.reversed().map { ["day": format.day($0.day), "amount": format.number($0.amount)] }
        values["has_purchases"] = !days.isEmpty
        if let first = days.first {
            values["purchase_chart"] = Chart.purchases(days, from: first.day, to: today, language: language)
            do {
                if let analysis = try await store.retentionAnalysis(in: organization, asOf: today), let score = analysis.score(of: id) {
                    // P(alive) each week from the first purchase to today, and on each purchase day.
                    var checkpoints = Set(stride(from: first.day.dayNumber, through: today.dayNumber, by: 7))
                    checkpoints.formUnion(days.map(\.day.dayNumber))
                    checkpoints.insert(today.dayNumber)
                    let sorted = checkpoints.sorted()
                    let curve = try analysis.scoring.model.aliveHistory(
                        purchaseDays: days.map { DayNumber($0.day.dayNumber) }, at: sorted.map(DayNumber.init), timeUnit: .weeks)
                    values["alive_chart"] = Chart.alive(
                        zip(sorted, curve).map { (LocalDate(dayNumber: $0), $1) }, purchases: days.map(\.day), threshold: analysis.settings.threshold,
                        language: language)
                    values["score"] = [
                        "p_alive": format.percent(score.pAlive), "expected": format.number(score.expectedPurchases),
                        "p_purchase": format.percent(score.pPurchase), "spend": score.expectedSpend.map { format.number($0) } ?? "—",
                        "clv": score.clv.map { format.number($0.rounded()) } ?? "—", "value": score.valueAtStake.map { format.number($0.rounded()) } ?? "—",
                        "at_risk": score.pAlive < analysis.settings.threshold, "visits": format.integer(score.summary.frequency + 1),
                        "first": format.day(LocalDate(dayNumber: score.summary.firstPurchase.value)), "last": format.day(Self.lastPurchase(score)),
                    ] as [String: Any]
                }
            } catch let error as AnalyticsError {
                values["problem"] = Strings.text("risk_model_failed", language).replacingOccurrences(of: "{reason}", with: error.message)
            }
        }
        return try web.render("customer", page: page, title: profile?.name ?? id, values, request: request)
    }

    struct SettingsForm: Decodable {
        var threshold: String?
        var minimum_value: String?
        var margin: String?
        var webhook_url: String?
    }

    func saveSettings(_ request: Request, _ context: Context) async throws -> Response {
        let page = try await web.pageContext(request, context)
        let organization = page.organization
        let principal = try await web.access.authorize(context, organization, .manageStructure)
        var request = request
        let body = String(buffer: try await request.collectBody(upTo: 64 * 1024))
        let form = (try? URLEncodedFormDecoder().decode(SettingsForm.self, from: body)) ?? SettingsForm()
        func number(_ text: String?, _ field: String) throws -> Double {
            guard let value = Formatter.parseNumber(text ?? "") else {
                throw RumboError.invalid(field, en: "Write a number here.", es: "Escribe aquí un número.")
            }
            return value
        }
        let webhook = (form.webhook_url ?? "").trimmingCharacters(in: .whitespaces)
        let settings = RetentionSettings(
            threshold: try number(form.threshold, "threshold"), minimumValue: try number(form.minimum_value, "minimum_value"),
            margin: try number(form.margin, "margin"), webhookURL: webhook.isEmpty ? nil : webhook)
        try await store.saveRetentionSettings(settings, in: organization.id, by: principal.actor, now: web.configuration.clock())
        await Self.refreshAlerts(store: store, organization: organization, today: web.today(organization))
        return Response(status: .seeOther, headers: [.location: "/o/\(organization.slug)/customers?lang=\(page.language.rawValue)&saved=1"])
    }

    /// Raises and clears the organization's at-risk alerts, then posts the undelivered ones to its
    /// webhook in the background. Data that cannot be scored raises nothing (the page says why).
    static func refreshAlerts(store: Store, organization: Organization, today: LocalDate) async {
        let logger = Logger(label: "rumbo.retention")
        do {
            guard let refresh = try await store.refreshRetentionAlerts(in: organization, asOf: today) else { return }
            let pending = refresh.undelivered
            guard refresh.analysis.settings.webhookURL != nil, !pending.isEmpty else { return }
            Task {
                if case .failure(let failure)? = try? await store.deliverRetentionAlerts(pending, analysis: refresh.analysis, organization: organization) {
                    logger.warning("at-risk webhook failed", metadata: ["org": "\(organization.slug)", "reason": "\(failure.reason)"])
                }
            }
        } catch {
            logger.warning("at-risk alerts not refreshed", metadata: ["org": "\(organization.slug)", "error": "\(error)"])
        }
    }
}

func urlEncoded(_ text: String) -> String {
    text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? text
}
