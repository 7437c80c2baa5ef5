import Foundation
import RumboAnalytics
import RumboCore
import SQLKit

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// An organization's at-risk rules: who is listed, who raises an alert, where alerts go.
public struct RetentionSettings: Sendable, Hashable, Codable {
    /// A customer whose P(alive) is below this is at risk.
    public var threshold: Double
    /// An at-risk customer raises an alert when their value at stake is at least this.
    public var minimumValue: Double
    /// The share of the spend that is profit, for CLV.
    public var margin: Double
    /// Where new alerts are posted as JSON (nil: only in the app).
    public var webhookURL: String?

    public init(threshold: Double = 0.5, minimumValue: Double = 100, margin: Double = 1, webhookURL: String? = nil) {
        self.threshold = threshold
        self.minimumValue = minimumValue
        self.margin = margin
        self.webhookURL = webhookURL
    }

    /// The horizon of the expected purchases and CLV: a quarter, in weeks.
    public static let horizonWeeks = 13.0

    public var scoringOptions: ScoringOptions { ScoringOptions(model: .pareto, horizon: Self.horizonWeeks, margin: margin) }

    /// Checks the ranges; field names match the settings form.
    public func validate() throws {
        guard threshold.isFinite, threshold > 0, threshold <= 1 else {
            throw RumboError(.invalid, field: "threshold", en: "The threshold is a probability between 0 and 1, e.g. 0.5.", es: "El umbral es una probabilidad entre 0 y 1, p. ej. 0,5.")
        }
        guard minimumValue.isFinite, minimumValue >= 0 else {
            throw RumboError(.invalid, field: "minimum_value", en: "The minimum value at stake is an amount of 0 or more.", es: "El valor mínimo en juego es un importe de 0 o más.")
        }
        guard margin.isFinite, margin > 0, margin <= 1 else {
            throw RumboError(.invalid, field: "margin", en: "The margin is the share of the spend that is profit, above 0 and at most 1, e.g. 0.4.", es: "El margen es la parte del gasto que es beneficio, mayor que 0 y como mucho 1, p. ej. 0,4.")
        }
        if let webhookURL {
            guard let url = URL(string: webhookURL), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host?.isEmpty == false else {
                throw RumboError(.invalid, field: "webhook_url", en: "The webhook must be an http:// or https:// address.", es: "El webhook debe ser una dirección http:// o https://.")
            }
        }
    }
}

/// A customer's name and segment, from the customers table.
public struct CustomerProfile: Sendable, Hashable, Codable {
    public var id: String
    public var name: String?
    public var email: String?
    public var segment: String?
}

/// The scored customer base of an organization as of a day.
public struct RetentionAnalysis: Sendable {
    public let asOf: LocalDate
    public let settings: RetentionSettings
    public let scoring: RetentionScoring
    public let profiles: [String: CustomerProfile]

    /// At-risk customers, largest value at stake first.
    public var atRisk: [CustomerScore] { scoring.atRisk(below: settings.threshold) }

    /// The at-risk customers whose value at stake reaches the alert minimum.
    public var alerting: [CustomerScore] {
        atRisk.filter { ($0.valueAtStake ?? 0) >= settings.minimumValue && ($0.valueAtStake ?? 0) > 0 }
    }

    public func score(of customerID: String) -> CustomerScore? { scoring.scores.first { $0.customerID == customerID } }
}

/// An alert raised when a valuable customer crossed the at-risk threshold.
public struct RetentionAlert: Sendable, Hashable, Codable {
    public var customerID: String
    public var raisedAt: Date
    public var pAlive: Double
    public var valueAtStake: Double
    public var clv: Double?
    /// When P(alive) came back above the threshold (or the value below the minimum).
    public var clearedAt: Date?
    /// When the webhook accepted it.
    public var deliveredAt: Date?
    /// Why the webhook did not accept it.
    public var deliveryError: String?
}

extension Store {
    static let retentionMigration: [String] = [
        """
        CREATE TABLE retention_settings (
            org_id TEXT NOT NULL PRIMARY KEY REFERENCES organizations (org_id), threshold DOUBLE PRECISION NOT NULL,
            minimum_value DOUBLE PRECISION NOT NULL, margin DOUBLE PRECISION NOT NULL, webhook_url TEXT, updated_at BIGINT NOT NULL)
        """,
        """
        CREATE TABLE retention_alerts (
            org_id TEXT NOT NULL REFERENCES organizations (org_id), customer_id TEXT NOT NULL, raised_at BIGINT NOT NULL,
            p_alive DOUBLE PRECISION NOT NULL, value_at_stake DOUBLE PRECISION NOT NULL, clv DOUBLE PRECISION,
            cleared_at BIGINT, delivered_at BIGINT, delivery_error TEXT,
            PRIMARY KEY (org_id, customer_id, raised_at))
        """,
        "CREATE INDEX retention_alerts_by_time ON retention_alerts (org_id, raised_at)",
    ]

    // MARK: Settings

    public func retentionSettings(in org: String) async throws -> RetentionSettings {
        try await read { db in
            guard let row = try await db.raw("SELECT * FROM retention_settings WHERE org_id = \(bind: org)").first() else {
                return RetentionSettings()
            }
            return RetentionSettings(
                threshold: try row.number("threshold"), minimumValue: try row.number("minimum_value"), margin: try row.number("margin"),
                webhookURL: try row.optionalText("webhook_url"))
        }
    }

    public func saveRetentionSettings(_ settings: RetentionSettings, in org: String, by actor: String, now: Date = Date()) async throws {
        try settings.validate()
        try await transaction { db in
            try await db.raw("DELETE FROM retention_settings WHERE org_id = \(bind: org)").run()
            try await db.raw(
                """
                INSERT INTO retention_settings (org_id, threshold, minimum_value, margin, webhook_url, updated_at)
                VALUES (\(bind: org), \(bind: settings.threshold), \(bind: settings.minimumValue), \(bind: settings.margin), \(bind: settings.webhookURL), \(bind: Int64(now.timeIntervalSince1970 * 1000)))
                """
            ).run()
            try await Store.audit(org: org, actor: actor, action: "retention_settings.update", entity: "retention_settings", id: org, db: db, now: now)
        }
    }

    // MARK: Data

    /// Every order as a transaction on its local day (the orders table's `placed_day`).
    public func purchaseTransactions(in org: String, customerID: String? = nil) async throws -> [Transaction] {
        try await read { db in
            var sql: SQLQueryString = "SELECT customer_id, placed_day, amount FROM orders WHERE org_id = \(bind: org)"
            if let customerID { sql += " AND customer_id = \(bind: customerID)" }
            return try await db.raw(sql).all().map { row in
                Transaction(customerID: try row.text("customer_id"), day: DayNumber(try row.integer("placed_day")), amount: try row.number("amount"))
            }
        }
    }

    /// The customers table's names and segments, by customer id (every customer, or one).
    public func customerProfiles(in org: String, customerID: String? = nil) async throws -> [String: CustomerProfile] {
        try await read { db in
            var profiles: [String: CustomerProfile] = [:]
            var sql: SQLQueryString = "SELECT external_id, name, email, segment FROM customers WHERE org_id = \(bind: org)"
            if let customerID { sql += " AND external_id = \(bind: customerID)" }
            for row in try await db.raw(sql).all() {
                let id = try row.text("external_id")
                profiles[id] = CustomerProfile(id: id, name: try row.optionalText("name"), email: try row.optionalText("email"), segment: try row.optionalText("segment"))
            }
            return profiles
        }
    }

    /// Scores the organization's customers from their orders up to `asOf` (Pareto/NBD in weeks,
    /// so one-time buyers can be at risk; Gamma-Gamma for spend). Nil when there are no orders.
    ///
    /// Throws ``AnalyticsError`` when the data cannot support the model (too few customers, no repeat
    /// purchase at all).
    public func retentionAnalysis(in organization: Organization, asOf: LocalDate) async throws -> RetentionAnalysis? {
        let transactions = try await purchaseTransactions(in: organization.id).filter { $0.day.value <= asOf.dayNumber }
        guard !transactions.isEmpty else { return nil }
        let settings = try await retentionSettings(in: organization.id)
        let summaries = try CustomerSummaries.make(
            from: transactions, calibrationEnd: DayNumber(asOf.dayNumber), timeUnit: .weeks, skipCustomersStartingAfterEnd: true)
        let scoring = try RetentionScoring(summaries, options: settings.scoringOptions)
        return RetentionAnalysis(asOf: asOf, settings: settings, scoring: scoring, profiles: try await customerProfiles(in: organization.id))
    }

    // MARK: Alerts

    /// Alerts, the newest first.
    public func retentionAlerts(in org: String, openOnly: Bool = false, limit: Int = 200) async throws -> [RetentionAlert] {
        try await read { db in
            var sql: SQLQueryString = "SELECT * FROM retention_alerts WHERE org_id = \(bind: org)"
            if openOnly { sql += " AND cleared_at IS NULL" }
            sql += " ORDER BY raised_at DESC, customer_id LIMIT \(bind: limit)"
            return try await db.raw(sql).all().map { row in
                RetentionAlert(
                    customerID: try row.text("customer_id"), raisedAt: date(millis: try row.integer("raised_at")), pAlive: try row.number("p_alive"),
                    valueAtStake: try row.number("value_at_stake"), clv: try row.optionalNumber("clv"),
                    clearedAt: try row.optionalInteger("cleared_at").map(date(millis:)), deliveredAt: try row.optionalInteger("delivered_at").map(date(millis:)),
                    deliveryError: try row.optionalText("delivery_error"))
            }
        }
    }

    /// Raises an alert for each valuable at-risk customer without an open one, and clears the open
    /// alerts of customers no longer in that set. Returns the alerts raised now.
    @discardableResult
    public func refreshRetentionAlerts(_ analysis: RetentionAnalysis, in org: String, now: Date = Date()) async throws -> [RetentionAlert] {
        let alerting = analysis.alerting
        let at = Int64(now.timeIntervalSince1970 * 1000)
        return try await transaction { db in
            let open = Set(
                try await db.raw("SELECT customer_id FROM retention_alerts WHERE org_id = \(bind: org) AND cleared_at IS NULL").all().map {
                    try $0.text("customer_id")
                })
            let current = Set(alerting.map(\.customerID))
            for gone in open.subtracting(current).sorted() {
                try await db.raw(
                    "UPDATE retention_alerts SET cleared_at = \(bind: at) WHERE org_id = \(bind: org) AND customer_id = \(bind: gone) AND cleared_at IS NULL"
                ).run()
            }
            var raised: [RetentionAlert] = []
            for score in alerting where !open.contains(score.customerID) {
                let alert = RetentionAlert(
                    customerID: score.customerID, raisedAt: date(millis: Int(at)), pAlive: score.pAlive, valueAtStake: score.valueAtStake ?? 0, clv: score.clv)
                try await db.raw(
                    """
                    INSERT INTO retention_alerts (org_id, customer_id, raised_at, p_alive, value_at_stake, clv)
                    VALUES (\(bind: org), \(bind: alert.customerID), \(bind: at), \(bind: alert.pAlive), \(bind: alert.valueAtStake), \(bind: alert.clv))
                    """
                ).run()
                raised.append(alert)
            }
            return raised
        }
    }

    /// What ``refreshRetentionAlerts(in:asOf:now:)`` found.
    public struct AlertRefresh: Sendable {
        public let analysis: RetentionAnalysis
        /// Alerts raised by this refresh.
        public let raised: [RetentionAlert]
        /// Every open alert after it.
        public let open: [RetentionAlert]
        /// Open alerts no webhook has taken yet (new ones and earlier failures): what to post.
        public var undelivered: [RetentionAlert] { open.filter { $0.deliveredAt == nil } }
    }

    /// Scores the organization's customers as of `asOf` and raises and clears its alerts; nil when
    /// it has no orders. Throws ``AnalyticsError`` when the customers cannot be scored.
    public func refreshRetentionAlerts(in organization: Organization, asOf: LocalDate, now: Date = Date()) async throws -> AlertRefresh? {
        guard let analysis = try await retentionAnalysis(in: organization, asOf: asOf) else { return nil }
        let raised = try await refreshRetentionAlerts(analysis, in: organization.id, now: now)
        let open = try await retentionAlerts(in: organization.id, openOnly: true, limit: 100_000)
        return AlertRefresh(analysis: analysis, raised: raised, open: open)
    }

    /// Posts new alerts to the organization's webhook as one JSON document and records the outcome
    /// on each alert. Returns nil when there is no webhook or nothing to send, else the error text
    /// (nil inside: delivered).
    @discardableResult
    public func deliverRetentionAlerts(
        _ alerts: [RetentionAlert], analysis: RetentionAnalysis, organization: Organization, now: Date = Date()
    ) async throws -> Result<Void, WebhookFailure>? {
        guard let address = analysis.settings.webhookURL, let url = URL(string: address), !alerts.isEmpty else { return nil }
        let payload = RetentionWebhookPayload(
            organization: organization.slug, event: "customers_at_risk", threshold: analysis.settings.threshold,
            customers: alerts.map { alert in
                let profile = analysis.profiles[alert.customerID]
                return .init(
                    customerID: alert.customerID, name: profile?.name, segment: profile?.segment, pAlive: alert.pAlive,
                    valueAtStake: alert.valueAtStake, clv: alert.clv)
            })
        let outcome = await Webhook.post(payload, to: url)
        let at = Int64(now.timeIntervalSince1970 * 1000)
        let failure: String? = if case .failure(let error) = outcome { error.reason } else { nil }
        try await transaction { db in
            for alert in alerts {
                let raised = Int64(alert.raisedAt.timeIntervalSince1970 * 1000)
                try await db.raw(
                    """
                    UPDATE retention_alerts SET delivered_at = \(bind: failure == nil ? at : nil), delivery_error = \(bind: failure)
                    WHERE org_id = \(bind: organization.id) AND customer_id = \(bind: alert.customerID) AND raised_at = \(bind: raised)
                    """
                ).run()
            }
        }
        return outcome
    }
}

/// The JSON posted to an organization's webhook.
public struct RetentionWebhookPayload: Codable, Sendable {
    public struct Customer: Codable, Sendable {
        public var customerID: String
        public var name: String?
        public var segment: String?
        public var pAlive: Double
        public var valueAtStake: Double
        public var clv: Double?

        enum CodingKeys: String, CodingKey {
            case customerID = "customer_id", name, segment, pAlive = "p_alive", valueAtStake = "value_at_stake", clv
        }
    }
    public var organization: String
    public var event: String
    public var threshold: Double
    public var customers: [Customer]
}

/// Why a webhook did not take a delivery.
public struct WebhookFailure: Error, Sendable {
    public let reason: String
}

/// Outgoing webhooks.
public enum Webhook {
    /// POSTs the JSON document; a 2xx answer within 10 seconds is a delivery.
    public static func post(_ payload: some Encodable, to url: URL) async -> Result<Void, WebhookFailure> {
        var request = URLRequest(url: url, timeoutInterval: 10)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Rumbo", forHTTPHeaderField: "User-Agent")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        do {
            request.httpBody = try encoder.encode(payload)
            let (_, response) = try await URLSession.shared.data(for: request)
            let status = (response as? HTTPURLResponse)?.statusCode ?? 0
            return (200..<300).contains(status) ? .success(()) : .failure(WebhookFailure(reason: "HTTP \(status)"))
        } catch {
            return .failure(WebhookFailure(reason: error.localizedDescription))
        }
    }
}
