import Foundation

/// Customer lifetime value: what a customer's future purchases are worth today.
public enum CustomerLifetimeValue {
    /// The discounted value of a customer's expected purchases over `horizon`.
    ///
    /// The horizon is cut into periods of `periodLength` time units (the last one may be shorter),
    /// ending at t_k = min(k·L, horizon), k = 1, …, ⌈horizon/L⌉. The purchases expected in period k,
    /// E[Y(t_k)] − E[Y(t_{k−1})] (conditional on the customer's history, from the repeat-purchase
    /// model), are valued at the expected spend per purchase times the margin, and discounted at
    /// the end of the period:
    ///
    ///   CLV = margin · E[M] · Σ_k (E[Y(t_k)] − E[Y(t_{k−1})]) / (1 + d)^{t_k / L}
    ///
    /// with d the discount rate per period. This is the discrete-time sum that lifetimes'
    /// `customer_lifetime_value` computes (there with months of 30 days or 4.345 weeks as periods).
    /// With d = 0 it telescopes to margin · E[M] · E[Y(horizon)].
    ///
    /// - Parameters:
    ///   - model: a fitted BG/NBD, MBG/NBD or Pareto/NBD model.
    ///   - history: the customer's (x, t_x, T), in the model's time unit.
    ///   - expectedSpend: the expected spend per purchase, usually the Gamma-Gamma
    ///     ``GammaGammaModel/expectedAverageSpend(frequency:meanSpend:)``.
    ///   - margin: the share of the spend that is profit (1 for revenue).
    ///   - discountRate: the discount rate per period (0.01 = 1% per period).
    ///   - horizon: how far ahead, in the model's time unit.
    ///   - periodLength: the length of one discounting period in the model's time unit.
    /// - Throws: `invalidParameter` for a negative or non-finite margin, spend or discount rate or
    ///   a period that is not positive; `invalidHorizon`, `invalidHistory`, or the model's errors.
    public static func discounted(
        model: some RepeatPurchaseModel, history: PurchaseHistory, expectedSpend: Double, margin: Double = 1,
        discountRate: Double, horizon: Double, periodLength: Double = 1
    ) throws -> Double {
        guard margin.isFinite, margin >= 0 else {
            throw AnalyticsError(.invalidParameter, "margin \(margin) must be a non-negative share of the spend, e.g. 0.3")
        }
        guard expectedSpend.isFinite, expectedSpend >= 0 else {
            throw AnalyticsError(.invalidParameter, "expected spend \(expectedSpend) must be finite and non-negative")
        }
        guard discountRate.isFinite, discountRate >= 0 else {
            throw AnalyticsError(.invalidParameter, "discount rate \(discountRate) must be finite and non-negative, e.g. 0.01")
        }
        guard periodLength.isFinite, periodLength > 0 else {
            throw AnalyticsError(.invalidParameter, "period length \(periodLength) must be positive")
        }
        guard horizon.isFinite, horizon >= 0 else {
            throw AnalyticsError(.invalidHorizon, "horizon \(horizon) must be finite and non-negative")
        }
        let periods = Int((horizon / periodLength).rounded(.up))
        let logDiscount = log1p(discountRate)
        var previous = 0.0
        var total = 0.0
        for k in stride(from: 1, through: periods, by: 1) {
            let end = min(Double(k) * periodLength, horizon)
            let cumulative = try model.expectedPurchases(over: end, given: history)
            total += max(0, cumulative - previous) * exp(-logDiscount * end / periodLength)
            previous = cumulative
        }
        return margin * expectedSpend * total
    }
}
