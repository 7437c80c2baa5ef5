import Foundation

/// The BG/NBD model of Fader, Hardie & Lee (2005), "Counting Your Customers the Easy Way".
///
/// While active, a customer buys at Poisson rate λ ~ Gamma(r, α); after each purchase they drop
/// out with probability p ~ Beta(a, b). Time is in the unit of the histories it is fitted on.
public struct BGNBDModel: Sendable, Hashable {
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
            throw AnalyticsError(.invalidParameter, "BG/NBD parameter \(name) = \(v) must be positive and finite")
        }
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
    }

    // MARK: Likelihood

    /// The log-likelihood of one customer's history (eq. 6 of the paper, in log space).
    public func logLikelihood(_ history: PurchaseHistory) -> Double {
        Self.term(r: r, alpha: alpha, a: a, b: b, lgammaR: logGamma(r), history: history, gradient: false).value
    }

    /// The total log-likelihood of all customers (the papers' scale, not a mean).
    public func totalLogLikelihood(_ data: SufficientStatistics) -> Double {
        Self.total([r, alpha, a, b], data, gradient: false).value
    }

    /// One group's log-likelihood and, when asked, its gradient with respect to (r, α, a, b).
    ///
    /// ℓ = A₁ + A₂ + log(e^{A₃} + δ_{x>0} e^{A₄}) with
    /// A₁ = log Γ(r+x) − log Γ(r) + r log α,
    /// A₂ = log Γ(a+b) + log Γ(b+x) − log Γ(b) − log Γ(a+b+x),
    /// A₃ = −(r+x) log(α+T), A₄ = log a − log(b+x−1) − (r+x) log(α+t_x).
    static func term(
        r: Double, alpha: Double, a: Double, b: Double, lgammaR: Double, history h: PurchaseHistory, gradient: Bool
    ) -> (value: Double, gradient: (Double, Double, Double, Double)) {
        let x = Double(h.frequency)
        let rx = r + x
        let logAlphaT = log(alpha + h.age)
        let a1 = logGamma(rx) - lgammaR + r * log(alpha)
        let a2 = logGamma(a + b) + logGamma(b + x) - logGamma(b) - logGamma(a + b + x)
        let a3 = -rx * logAlphaT
        var w4 = 0.0
        var logAlphaTx = 0.0
        var mixture = a3
        if h.frequency > 0 {
            logAlphaTx = log(alpha + h.recency)
            let a4 = log(a) - log(b + x - 1) - rx * logAlphaTx
            mixture = SpecialFunctions.logAddExp(a3, a4)
            w4 = exp(a4 - mixture)
        }
        let value = a1 + a2 + mixture
        guard gradient else { return (value, (0, 0, 0, 0)) }
        let w3 = 1 - w4
        let psiR = SpecialFunctions.digamma(r)
        let psiAB = SpecialFunctions.digamma(a + b)
        let psiABX = SpecialFunctions.digamma(a + b + x)
        let dr = SpecialFunctions.digamma(rx) - psiR + log(alpha) - w3 * logAlphaT - w4 * logAlphaTx
        let dAlpha = r / alpha - w3 * rx / (alpha + h.age) - (h.frequency > 0 ? w4 * rx / (alpha + h.recency) : 0)
        let da = psiAB - psiABX + (h.frequency > 0 ? w4 / a : 0)
        let db =
            psiAB + SpecialFunctions.digamma(b + x) - SpecialFunctions.digamma(b) - psiABX
            - (h.frequency > 0 ? w4 / (b + x - 1) : 0)
        return (value, (dr, dAlpha, da, db))
    }

    static func total(_ p: [Double], _ data: SufficientStatistics, gradient: Bool) -> (value: Double, gradient: [Double]) {
        let (r, alpha, a, b) = (p[0], p[1], p[2], p[3])
        let lgammaR = logGamma(r)
        var value = 0.0
        var g = [0.0, 0.0, 0.0, 0.0]
        for group in data.groups {
            let t = term(r: r, alpha: alpha, a: a, b: b, lgammaR: lgammaR, history: group.history, gradient: gradient)
            let w = Double(group.count)
            value += w * t.value
            if gradient {
                g[0] += w * t.gradient.0
                g[1] += w * t.gradient.1
                g[2] += w * t.gradient.2
                g[3] += w * t.gradient.3
            }
        }
        return (value, g)
    }

    // MARK: Fitting

    /// Fits the model by maximum likelihood on the sufficient statistics, with the analytic
    /// gradient, by BFGS over log-parameters from a few starting points.
    ///
    /// - Throws: `fitFailed` if no finite optimum is found.
    public static func fit(_ data: SufficientStatistics) throws -> BGNBDFit {
        let meanAge = data.groups.reduce(0) { $0 + Double($1.count) * $1.history.age } / Double(data.customerCount)
        let starts: [[Double]] = [[1, 1, 1, 1], [0.5, max(meanAge, 1e-3), 0.5, 2]]
        let result = try MaximumLikelihood.fit(starts: starts) { p in
            let t = total(p, data, gradient: true)
            return t.value.isFinite ? t : nil
        }
        let p = result.parameters
        let model = try BGNBDModel(r: p[0], alpha: p[1], a: p[2], b: p[3])
        return BGNBDFit(model: model, logLikelihood: result.logLikelihood, customerCount: data.customerCount, diagnostics: result.diagnostics)
    }

    // MARK: Per-customer quantities

    /// log of a/(b+x−1) · ((α+T)/(α+t_x))^{r+x}: the odds of having dropped out after the last
    /// purchase (−∞ when x = 0).
    private func logDropoutOdds(_ h: PurchaseHistory) -> Double {
        guard h.frequency > 0 else { return -.infinity }
        let x = Double(h.frequency)
        return log(a) - log(b + x - 1) + (r + x) * (log(alpha + h.age) - log(alpha + h.recency))
    }

    /// P(alive | x, t_x, T) = 1 / (1 + δ_{x>0} a/(b+x−1) ((α+T)/(α+t_x))^{r+x}); exactly 1 for x = 0.
    public func probabilityAlive(_ history: PurchaseHistory) -> Double {
        1 / (1 + exp(logDropoutOdds(history)))
    }

    /// E[Y(t) | x, t_x, T]: expected purchases in the next `horizon` time units (eq. 10).
    ///
    /// Evaluated as
    /// (a+b+x−1) · [(1 − (1−z)^{a−1})/(a−1) − (1−z)^{a−1} S] · P(alive), with z = t/(α+T+t), where
    /// Euler's transformation (1−z)^{r+x} ₂F₁(r+x, b+x; a+b+x−1; z) = (1−z)^{a−1} ₂F₁(c−r−x, a−1; c; z)
    /// and ₂F₁(c−r−x, a−1; c; z) = 1 + (a−1) S remove both the overflow for large x and the
    /// 0/0 of the closed form at a = 1 (where the bracket tends to −log(1−z) − S).
    ///
    /// - Throws: `invalidHistory`, `invalidHorizon`, or `seriesDidNotConverge` when the horizon is
    ///   so long (z within ~1e-5 of 1) that the series would need more than two million terms.
    public func expectedPurchases(over horizon: Double, given history: PurchaseHistory) throws -> Double {
        let h = try history.validated()
        guard horizon.isFinite, horizon >= 0 else {
            throw AnalyticsError(.invalidHorizon, "horizon \(horizon) must be finite and non-negative")
        }
        if horizon == 0 { return 0 }
        let x = Double(h.frequency)
        let rho = r + x
        let c = a + b + x - 1
        let scaleT = alpha + h.age
        let z = horizon / (scaleT + horizon)
        let logOneMinusZ = -log1p(horizon / scaleT)
        let cMinusRho = c - rho
        var s = 0.0
        if cMinusRho != 0 {
            guard
                let sum = SpecialFunctions.sumSeries(
                    first: cMinusRho / c * z,
                    ratio: { k in
                        let m = Double(k)
                        return (cMinusRho + m + 1) * (a + m) / ((c + m + 1) * (m + 2)) * z
                    },
                    tailRatioBound: { k in
                        let m = Double(k)
                        guard cMinusRho + m + 1 > 0 else { return nil }
                        return z * max(1, (a + m) / (m + 2))
                    })
            else {
                throw AnalyticsError(.seriesDidNotConverge, "BG/NBD expectation: hypergeometric series did not converge (z = \(z))")
            }
            s = sum
        }
        let bracket = -SpecialFunctions.expm1Ratio(a - 1, logOneMinusZ) - exp((a - 1) * logOneMinusZ) * s
        let value = c * bracket * probabilityAlive(h)
        guard value.isFinite else {
            throw AnalyticsError(.seriesDidNotConverge, "BG/NBD expectation is not finite (z = \(z))")
        }
        return max(0, value)
    }

    /// E[X(t)]: expected repeat purchases of a new customer in their first `horizon` time units
    /// (eq. 9), i.e. the conditional expectation for a customer with x = t_x = T = 0.
    public func expectedPurchases(over horizon: Double) throws -> Double {
        try expectedPurchases(over: horizon, given: PurchaseHistory(frequency: 0, recency: 0, age: 0))
    }

    /// P(at least one purchase in the next `horizon` units | x, t_x, T)
    /// = P(alive) · (1 − ((α+T)/(α+T+t))^{r+x}).
    ///
    /// While alive, the wait to the next purchase is exponential with rate λ (dropout only
    /// happens right after a purchase), and λ | alive, data ~ Gamma(r+x, α+T).
    public func probabilityOfPurchase(over horizon: Double, given history: PurchaseHistory) throws -> Double {
        let h = try history.validated()
        guard horizon.isFinite, horizon >= 0 else {
            throw AnalyticsError(.invalidHorizon, "horizon \(horizon) must be finite and non-negative")
        }
        let x = Double(h.frequency)
        return probabilityAlive(h) * -expm1(-(r + x) * log1p(horizon / (alpha + h.age)))
    }
}

/// A fitted BG/NBD model with its fit diagnostics.
public struct BGNBDFit: Sendable, Hashable {
    /// The maximum-likelihood parameters.
    public let model: BGNBDModel
    /// The maximised total log-likelihood (sum over customers).
    public let logLikelihood: Double
    /// The number of customers fitted.
    public let customerCount: Int
    /// How the optimisation went.
    public let diagnostics: FitDiagnostics
}
