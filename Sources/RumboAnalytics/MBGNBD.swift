import Foundation

/// The MBG/NBD model of Batislam, Denizel & Filiztekin (2007), "Empirical validation and
/// comparison of models for customer base analysis".
///
/// As in BG/NBD, while active a customer buys at Poisson rate λ ~ Gamma(r, α) and drops out with
/// probability p ~ Beta(a, b) after a purchase, but here the first purchase is a dropout
/// opportunity too: a customer may never come back at all. So a one-time buyer gets
/// P(alive) < 1, falling with the time since they came, where BG/NBD says 1.
/// Time is in the unit of the histories it is fitted on.
public struct MBGNBDModel: Sendable, Hashable {
    /// Shape of the gamma mixing distribution of purchase rates.
    public let r: Double
    /// Scale (rate) parameter of the gamma mixing distribution of purchase rates.
    public let alpha: Double
    /// First shape of the beta mixing distribution of dropout probabilities.
    public let a: Double
    /// Second shape of the beta mixing distribution of dropout probabilities.
    public let b: Double

    /// Creates a model; every parameter must be positive and finite.
    public init(r: Double, alpha: Double, a: Double, b: Double) throws {
        for (name, v) in [("r", r), ("alpha", alpha), ("a", a), ("b", b)] where !(v.isFinite && v > 0) {
            throw AnalyticsError(.invalidParameter, "MBG/NBD parameter \(name) = \(v) must be positive and finite")
        }
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
    }

    // MARK: Likelihood

    /// The log-likelihood of one customer's history:
    /// L = B(a, b+x+1)/B(a, b) · Γ(r+x) α^r / Γ(r) · [(α+T)^{−(r+x)} + a/(b+x) (α+t_x)^{−(r+x)}],
    /// the second term present for every x (for x = 0 it is the customer who left at once).
    public func logLikelihood(_ history: PurchaseHistory) -> Double {
        BetaGeometricNBD.term(r: r, alpha: alpha, a: a, b: b, dropoutAtStart: true, history: history)
    }

    /// The total log-likelihood of all customers (a sum, not a mean).
    public func totalLogLikelihood(_ data: SufficientStatistics) -> Double {
        BetaGeometricNBD.total([r, alpha, a, b], IndexedHistories(data), dropoutAtStart: true, gradient: false).value
    }

    static func total(_ p: [Double], _ data: SufficientStatistics, gradient: Bool) -> (value: Double, gradient: [Double]) {
        BetaGeometricNBD.total(p, IndexedHistories(data), dropoutAtStart: true, gradient: gradient)
    }

    // MARK: Fitting

    /// Fits the model by maximum likelihood on the sufficient statistics, with the analytic
    /// gradient, by BFGS over log-parameters from a few starting points.
    ///
    /// - Throws: `fitFailed` if no finite optimum is found.
    public static func fit(_ data: SufficientStatistics) throws -> MBGNBDFit {
        let result = try BetaGeometricNBD.fit(data, dropoutAtStart: true)
        let p = result.parameters
        let model = try MBGNBDModel(r: p[0], alpha: p[1], a: p[2], b: p[3])
        return MBGNBDFit(model: model, logLikelihood: result.logLikelihood, customerCount: data.customerCount, diagnostics: result.diagnostics)
    }

    // MARK: Per-customer quantities

    /// P(alive | x, t_x, T) = 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^{r+x}), below 1 for every customer
    /// (for x = 0: 1 / (1 + a/b · ((α+T)/α)^r)).
    public func probabilityAlive(_ history: PurchaseHistory) -> Double {
        BetaGeometricNBD.probabilityAlive(r: r, alpha: alpha, a: a, b: b, dropoutAtStart: true, history: history)
    }

    /// E[Y(t) | x, t_x, T] = (a+b+x)/(a−1) · [1 − ((α+T)/(α+T+t))^{r+x} ₂F₁(r+x, b+x+1; a+b+x; t/(α+T+t))]
    /// · P(alive): the BG/NBD expression with b + x + 1 in place of b + x (given alive, p ~
    /// Beta(a, b+x+1) here against Beta(a, b+x) there), evaluated in the same stable form —
    /// Euler's transformation, continuous through a = 1, no overflow for large x.
    ///
    /// - Throws: `invalidHistory`, `invalidHorizon`, or `seriesDidNotConverge` for a horizon so
    ///   long that the series would need more than two million terms.
    public func expectedPurchases(over horizon: Double, given history: PurchaseHistory) throws -> Double {
        try BetaGeometricNBD.expectedPurchases(r: r, alpha: alpha, a: a, b: b, dropoutAtStart: true, horizon: horizon, history: history)
    }

    /// E[X(t)]: expected repeat purchases of a new customer in their first `horizon` units,
    /// b/(a−1) · [1 − (α/(α+t))^r ₂F₁(r, b+1; a+b; t/(α+t))] (the conditional expectation at
    /// x = t_x = T = 0).
    public func expectedPurchases(over horizon: Double) throws -> Double {
        try expectedPurchases(over: horizon, given: PurchaseHistory(frequency: 0, recency: 0, age: 0))
    }

    /// P(at least one purchase in the next `horizon` units | x, t_x, T)
    /// = P(alive) · (1 − ((α+T)/(α+T+t))^{r+x}), as for BG/NBD (given alive, λ ~ Gamma(r+x, α+T)).
    public func probabilityOfPurchase(over horizon: Double, given history: PurchaseHistory) throws -> Double {
        try BetaGeometricNBD.probabilityOfPurchase(
            r: r, alpha: alpha, a: a, b: b, dropoutAtStart: true, horizon: horizon, history: history)
    }
}

/// A fitted MBG/NBD model with its fit diagnostics.
public struct MBGNBDFit: Sendable, Hashable {
    /// The maximum-likelihood parameters.
    public let model: MBGNBDModel
    /// The maximised total log-likelihood (sum over customers).
    public let logLikelihood: Double
    /// The number of customers fitted.
    public let customerCount: Int
    /// How the optimisation went.
    public let diagnostics: FitDiagnostics
}
