import Foundation
import RumboCore

/// What an organization says its time and its customers are worth: the figures that turn a
/// metric's movement into hours and money. Every figure is optional; a movement is translated
/// only when the figures it needs are stated.
public struct ImpactSettings: Sendable, Hashable, Codable {
    /// The currency symbol shown (`€`, `$`, `MXN`).
    public var currency: String
    /// The cost of one hour of staff time.
    public var hourlyCost: Double?
    /// The extra handling minutes of a ticket that is escalated, reopened or needs a second contact.
    public var minutesPerEscalation: Double?
    /// The revenue a customer brings in a year.
    public var revenuePerCustomer: Double?
    /// The revenue of one appointment (a cancellation or a no-show loses it).
    public var revenuePerAppointment: Double?

    public init(
        currency: String = "€", hourlyCost: Double? = nil, minutesPerEscalation: Double? = nil, revenuePerCustomer: Double? = nil,
        revenuePerAppointment: Double? = nil
    ) {
        self.currency = currency
        self.hourlyCost = hourlyCost
        self.minutesPerEscalation = minutesPerEscalation
        self.revenuePerCustomer = revenuePerCustomer
        self.revenuePerAppointment = revenuePerAppointment
    }

    /// Each figure is a finite amount of 0 or more (minutes at most a day); the currency is short.
    public func validate() throws {
        let currency = self.currency.trimmingCharacters(in: .whitespaces)
        guard !currency.isEmpty, currency.count <= 8, !currency.contains("\u{0}") else {
            throw RumboError(.invalid, field: "currency", en: "The currency is a symbol or code of up to 8 characters, e.g. € or USD.", es: "La moneda es un símbolo o código de hasta 8 caracteres, p. ej. € o USD.")
        }
        for (field, value, limit) in [
            ("hourly_cost", hourlyCost, 1e9), ("minutes_per_escalation", minutesPerEscalation, 1440.0), ("revenue_per_customer", revenuePerCustomer, 1e12),
            ("revenue_per_appointment", revenuePerAppointment, 1e9),
        ] {
            if let value, !(value.isFinite && value >= 0 && value <= limit) {
                throw RumboError(
                    .invalid, field: field, en: "\(field.replacingOccurrences(of: "_", with: " ").capitalized) must be a number from 0 to \(Int(limit)).",
                    es: "El campo \(field) debe ser un número de 0 a \(Int(limit)).")
            }
        }
    }
}

/// A metric's movement in hours and money.
public struct BusinessImpact: Sendable, Hashable {
    public enum Kind: String, Sendable {
        /// Staff hours freed per month (and their cost).
        case hoursPerMonth = "hours_per_month"
        /// Revenue kept per year (customers who stay).
        case revenuePerYear = "revenue_per_year"
        /// Revenue recovered per month (appointments that happen).
        case revenuePerMonth = "revenue_per_month"
    }

    public var kind: Kind
    /// Hours freed (hours per month only).
    public var hours: Double?
    /// Money: the hours' cost, or the revenue; `nil` when the figure it needs is not stated.
    public var money: Double?
    /// The volume the movement applies to: tickets or appointments per month, or customers.
    public var volume: Double
}

/// Turns a metric's movement into hours and money from the organization's stated figures.
public enum ImpactModel {
    /// Shares of tickets where a better value means fewer escalations, reopenings or repeat
    /// contacts (the sign says which way is better).
    static let ticketShares: [String: Double] = ["escalation_rate": -1, "chatbot_escalation_rate": -1, "first_contact_resolution": 1]
    /// Shares of customers who stay (or leave, with -1), and revenue retention.
    static let customerShares: [String: Double] = [
        "retention_rate": 1, "churn_rate": -1, "active_customers": 1, "customers_at_risk": -1, "repurchase_rate": 1, "nrr": 1, "grr": 1,
    ]
    /// Shares of appointments lost.
    static let appointmentShares: [String: Double] = ["cancellation_rate": -1, "late_cancellation_rate": -1, "no_show_rate": -1]

    /// Whether the model knows how to translate this metric.
    public static func translates(_ metricID: String) -> Bool {
        ticketShares[metricID] != nil || customerShares[metricID] != nil || appointmentShares[metricID] != nil
    }

    /// The impact of moving `metricID` (a percentage) from `from` to `to`, over the `n` tickets,
    /// customers or appointments counted in a window of `windowDays` days. `nil` when the metric is
    /// not one the model translates, or the figure the kind of impact needs is missing.
    public static func impact(metricID: String, from: Double, to: Double, n: Int, windowDays: Int, settings: ImpactSettings) -> BusinessImpact? {
        let points = (to - from) / 100
        let perMonth = Double(n) * 30 / Double(max(windowDays, 1))
        if let sign = ticketShares[metricID] {
            guard let minutes = settings.minutesPerEscalation else { return nil }
            let hours = sign * points * perMonth * minutes / 60
            return BusinessImpact(kind: .hoursPerMonth, hours: hours, money: settings.hourlyCost.map { $0 * hours }, volume: perMonth)
        }
        if let sign = customerShares[metricID] {
            guard let revenue = settings.revenuePerCustomer else { return nil }
            return BusinessImpact(kind: .revenuePerYear, money: sign * points * Double(n) * revenue, volume: Double(n))
        }
        if let sign = appointmentShares[metricID] {
            guard let revenue = settings.revenuePerAppointment else { return nil }
            return BusinessImpact(kind: .revenuePerMonth, money: sign * points * perMonth * revenue, volume: perMonth)
        }
        return nil
    }
}

extension ImpactModel {
    /// A bound key result's impact so far (baseline → latest value) and at its target (baseline →
    /// target), on the volume of its latest automatic value. `nil` without a baseline, without an
    /// automatic value, or when the model cannot translate its metric with the stated figures.
    public static func impact(of keyResult: KeyResult, history: [CheckIn], settings: ImpactSettings)
        -> (soFar: BusinessImpact, atTarget: BusinessImpact, metricID: String)?
    {
        guard let baseline = keyResult.baseline, !keyResult.kind.isThreshold,
            let latest = history.last(where: { $0.provenance != nil }), let provenance = latest.provenance
        else { return nil }
        let days = provenance.windowStart.days(until: provenance.windowEnd) + 1
        guard
            let soFar = impact(metricID: provenance.metricID, from: baseline, to: latest.value, n: provenance.n, windowDays: days, settings: settings),
            let atTarget = impact(metricID: provenance.metricID, from: baseline, to: keyResult.target, n: provenance.n, windowDays: days, settings: settings)
        else { return nil }
        return (soFar, atTarget, provenance.metricID)
    }
}
