import Foundation

/// The repeat-purchase model behind P(alive), expected purchases and CLV.
public enum PurchaseModelKind: String, Sendable, Hashable, Codable, CaseIterable {
    case bgnbd, mbgnbd, pareto

    /// Fits the model on the statistics.
    public func fit(_ statistics: SufficientStatistics) throws -> any RepeatPurchaseModel {
        switch self {
        case .bgnbd: try BGNBDModel.fit(statistics).model
        case .mbgnbd: try MBGNBDModel.fit(statistics).model
        case .pareto: try ParetoNBDModel.fit(statistics).model
        }
    }

    /// Whether the model can say a customer without a repeat purchase may have left (BG/NBD can't:
    /// it gives them P(alive) = 1).
    public var judgesOneTimeBuyers: Bool { self != .bgnbd }
}

/// How customers are scored: the model, the horizon and the money.
public struct ScoringOptions: Sendable, Hashable, Codable {
    public var model: PurchaseModelKind
    /// The forecast horizon in the summaries' time unit.
    public var horizon: Double
    /// The share of the spend that is profit, for CLV (1 = revenue).
    public var margin: Double
    /// The discount rate per time unit, for CLV.
    public var discountRate: Double

    public init(model: PurchaseModelKind = .pareto, horizon: Double = 13, margin: Double = 1, discountRate: Double = 0) {
        self.model = model
        self.horizon = horizon
        self.margin = margin
        self.discountRate = discountRate
    }
}

/// One customer's retention scores.
public struct CustomerScore: Sendable, Hashable {
    public let summary: CustomerSummary
    /// P(alive) at the calibration end.
    public let pAlive: Double
    /// Expected purchases over the horizon.
    public let expectedPurchases: Double
    /// The probability of at least one purchase over the horizon.
    public let pPurchase: Double
    /// The Gamma-Gamma expected spend per purchase; nil when the spend model could not be fitted.
    public let expectedSpend: Double?
    /// The discounted margin over the horizon; nil without an expected spend.
    public let clv: Double?
    /// (1 − P(alive)) × expected spend × frequency / age × horizon: the spend the customer would
    /// bring at their own historical rate if still active, weighted by the probability they have
    /// left; nil without an expected spend, 0 without a repeat purchase.
    public let valueAtStake: Double?

    public var customerID: String { summary.customerID }
}

/// Scores every customer of a set of calibration summaries.
public struct RetentionScoring: Sendable {
    /// The fitted purchase model.
    public let model: any RepeatPurchaseModel
    /// The fitted spend model, or why there is none.
    public let spend: Result<GammaGammaModel, AnalyticsError>
    public let options: ScoringOptions
    /// One row per summary, in the summaries' order.
    public let scores: [CustomerScore]

    /// Fits the purchase model and Gamma-Gamma on the summaries and scores every customer.
    ///
    /// - Throws: ``AnalyticsError`` when the purchase model cannot be fitted, or a customer's
    ///   scores come out non-finite or outside their range (named in the message): never a NaN.
    public init(_ summaries: [CustomerSummary], options: ScoringOptions) throws {
        guard options.horizon.isFinite, options.horizon > 0 else {
            throw AnalyticsError(.invalidHorizon, "horizon \(options.horizon) must be a positive number of time units")
        }
        guard options.margin.isFinite, (0...1).contains(options.margin) else {
            throw AnalyticsError(.invalidParameter, "margin \(options.margin) must be a share between 0 and 1")
        }
        guard options.discountRate.isFinite, options.discountRate >= 0, options.discountRate < 1 else {
            throw AnalyticsError(.invalidParameter, "discount rate \(options.discountRate) must be between 0 and 1 per time unit")
        }
        let purchases = try options.model.fit(try SufficientStatistics(summaries))
        let observations = GammaGammaModel.observations(from: summaries).filter { $0.meanSpend > 0 }
        let spend: Result<GammaGammaModel, AnalyticsError> = Result { try GammaGammaModel.fit(observations).model }.mapError {
            $0 as? AnalyticsError ?? AnalyticsError(.fitFailed, "\($0)")
        }
        self.model = purchases
        self.spend = spend
        self.options = options
        let horizon = options.horizon
        typealias Forecast = (alive: Double, purchases: Double, buys: Double, discountedPurchases: Double)
        // Customers with the same history share the purchase forecasts.
        var cache: [PurchaseHistory: Forecast] = [:]
        self.scores = try summaries.map { s in
            let forecast: Forecast
            if let known = cache[s.history] {
                forecast = known
            } else {
                do {
                    forecast = (
                        try purchases.probabilityAlive(s.history),
                        try purchases.expectedPurchases(over: horizon, given: s.history),
                        try purchases.probabilityOfPurchase(over: horizon, given: s.history),
                        try CustomerLifetimeValue.discounted(
                            model: purchases, history: s.history, expectedSpend: 1, discountRate: options.discountRate, horizon: horizon)
                    )
                } catch let error as AnalyticsError {
                    throw AnalyticsError(error.code, "customer \(s.customerID): \(error.message)")
                }
                cache[s.history] = forecast
            }
            let values = [forecast.alive, forecast.purchases, forecast.buys, forecast.discountedPurchases]
            guard values.allSatisfy(\.isFinite), (0...1).contains(forecast.alive), (0...1).contains(forecast.buys),
                forecast.purchases >= 0, forecast.discountedPurchases >= 0
            else {
                throw AnalyticsError(
                    .fitFailed,
                    "customer \(s.customerID): the model gave no finite score (P(alive) \(forecast.alive), expected purchases \(forecast.purchases))")
            }
            let value = try? spend.get().expectedAverageSpend(frequency: s.frequency, meanSpend: s.meanRepeatSpend ?? 0)
            let expectedSpend = value.flatMap { $0.isFinite ? $0 : nil }
            let rate = s.age > 0 ? Double(s.frequency) / s.age : 0
            return CustomerScore(
                summary: s, pAlive: forecast.alive, expectedPurchases: forecast.purchases, pPurchase: forecast.buys,
                expectedSpend: expectedSpend, clv: expectedSpend.map { options.margin * $0 * forecast.discountedPurchases },
                valueAtStake: expectedSpend.map { (1 - forecast.alive) * $0 * rate * horizon })
        }
    }

    /// The customers with P(alive) below `threshold`, the largest value at stake first (ties by id;
    /// customers without a value last).
    public func atRisk(below threshold: Double) -> [CustomerScore] {
        scores.filter { $0.pAlive < threshold }.sorted { lhs, rhs in
            let (l, r) = (lhs.valueAtStake ?? -1, rhs.valueAtStake ?? -1)
            return l != r ? l > r : lhs.customerID < rhs.customerID
        }
    }
}

extension RepeatPurchaseModel {
    /// P(alive) of one customer as it evolved: at each of `days` (ascending, none before the first
    /// purchase), the probability given only the purchases made by then. Same-day purchases are one
    /// occasion, as in ``CustomerSummaries``.
    public func aliveHistory(purchaseDays: [DayNumber], at days: [DayNumber], timeUnit: TimeUnit) throws -> [Double] {
        let occasions = Array(Set(purchaseDays.map(\.value))).sorted()
        guard let first = occasions.first else { throw AnalyticsError(.emptyInput, "no purchases") }
        let unit = timeUnit.days
        var next = 1
        var x = 0
        var last = first
        return try days.map { day in
            guard day.value >= first else {
                throw AnalyticsError(.invalidHistory, "day \(day) is before the first purchase \(DayNumber(first))")
            }
            while next < occasions.count, occasions[next] <= day.value {
                x += 1
                last = occasions[next]
                next += 1
            }
            let history = PurchaseHistory(frequency: x, recency: Double(last - first) / unit, age: Double(day.value - first) / unit)
            return try probabilityAlive(history)
        }
    }
}
