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
        BetaGeometricNBD.term(r: r, alpha: alpha, a: a, b: b, dropoutAtStart: false, history: history)
    }

    /// The total log-likelihood of all customers (the papers' scale, not a mean).
    public func totalLogLikelihood(_ data: SufficientStatistics) -> Double {
        BetaGeometricNBD.total([r, alpha, a, b], IndexedHistories(data), dropoutAtStart: false, gradient: false).value
    }

    static func total(_ p: [Double], _ data: SufficientStatistics, gradient: Bool) -> (value: Double, gradient: [Double]) {
        BetaGeometricNBD.total(p, IndexedHistories(data), dropoutAtStart: false, gradient: gradient)
    }

    // MARK: Fitting

    /// Fits the model by maximum likelihood on the sufficient statistics, with the analytic
    /// gradient, by BFGS over log-parameters from a few starting points.
    ///
    /// - Throws: `fitFailed` if no finite optimum is found.
    public static func fit(_ data: SufficientStatistics) throws -> BGNBDFit {
        let result = try BetaGeometricNBD.fit(data, dropoutAtStart: false)
        let p = result.parameters
        let model = try BGNBDModel(r: p[0], alpha: p[1], a: p[2], b: p[3])
        return BGNBDFit(model: model, logLikelihood: result.logLikelihood, customerCount: data.customerCount, diagnostics: result.diagnostics)
    }

    // MARK: Per-customer quantities

    /// P(alive | x, t_x, T) = 1 / (1 + δ_{x>0} a/(b+x−1) ((α+T)/(α+t_x))^{r+x}); exactly 1 for x = 0.
    public func probabilityAlive(_ history: PurchaseHistory) -> Double {
        BetaGeometricNBD.probabilityAlive(r: r, alpha: alpha, a: a, b: b, dropoutAtStart: false, history: history)
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
        try BetaGeometricNBD.expectedPurchases(
            r: r, alpha: alpha, a: a, b: b, dropoutAtStart: false, horizon: horizon, history: history)
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
        try BetaGeometricNBD.probabilityOfPurchase(
            r: r, alpha: alpha, a: a, b: b, dropoutAtStart: false, horizon: horizon, history: history)
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

/// The mathematics shared by BG/NBD and MBG/NBD. The two differ only in whether the customer
/// may also drop out right at the first purchase (`dropoutAtStart`, MBG/NBD): with δ = 1 for
/// MBG/NBD and 0 for BG/NBD, the beta terms use b + x + δ where BG/NBD has b + x, and the
/// "dropped out after the last purchase" term exists for x = 0 too.
enum BetaGeometricNBD {
    /// One history's log-likelihood:
    /// ℓ = A₁ + A₂ + log(e^{A₃} + [x>0 or δ=1] e^{A₄}) with
    /// A₁ = log Γ(r+x) − log Γ(r) + r log α,
    /// A₂ = log Γ(a+b) + log Γ(b+x+δ) − log Γ(b) − log Γ(a+b+x+δ),
    /// A₃ = −(r+x) log(α+T), A₄ = log a − log(b+x−1+δ) − (r+x) log(α+t_x).
    static func term(r: Double, alpha: Double, a: Double, b: Double, dropoutAtStart: Bool, history h: PurchaseHistory) -> Double {
        let x = Double(h.frequency)
        let shift = dropoutAtStart ? 1.0 : 0.0
        let rx = r + x
        let a1 = logGamma(rx) - logGamma(r) + r * log(alpha)
        let a2 = logGamma(a + b) + logGamma(b + x + shift) - logGamma(b) - logGamma(a + b + x + shift)
        let a3 = -rx * log(alpha + h.age)
        guard h.frequency > 0 || dropoutAtStart else { return a1 + a2 + a3 }
        let a4 = log(a) - log(b + x - 1 + shift) - rx * log(alpha + h.recency)
        return a1 + a2 + SpecialFunctions.logAddExp(a3, a4)
    }

    /// The total log-likelihood over indexed groups and, when asked, its gradient with respect
    /// to (r, α, a, b). Everything that depends on x alone or on one time alone is computed once
    /// per distinct value; each group then costs one exp and one log1p.
    static func total(_ p: [Double], _ data: IndexedHistories, dropoutAtStart: Bool, gradient: Bool) -> (
        value: Double, gradient: [Double]
    ) {
        let (r, alpha, a, b) = (p[0], p[1], p[2], p[3])
        let shift = dropoutAtStart ? 1.0 : 0.0
        let logAlphaTime = data.times.map { log(alpha + $0) }
        let inverseAlphaTime = gradient ? data.times.map { 1 / (alpha + $0) } : []
        let lgammaR = logGamma(r)
        let base = lgammaR - r * log(alpha) + logGamma(b) - logGamma(a + b)
        let psiR = gradient ? SpecialFunctions.digamma(r) : 0
        let psiAB = gradient ? SpecialFunctions.digamma(a + b) : 0
        let psiB = gradient ? SpecialFunctions.digamma(b) : 0
        var value = 0.0
        var gr = 0.0, gAlpha = 0.0, ga = 0.0, gb = 0.0
        // Per distinct frequency: the constant part of the term and of its gradient.
        let fCount = data.frequencies.count
        var rx = [Double](repeating: 0, count: fCount)
        var logC4 = [Double](repeating: -.infinity, count: fCount)
        var inverseB4 = [Double](repeating: 0, count: fCount)
        for k in 0..<fCount {
            let x = Double(data.frequencies[k])
            let w = data.customersPerFrequency[k]
            rx[k] = r + x
            let constant = logGamma(r + x) + logGamma(b + x + shift) - logGamma(a + b + x + shift) - base
            value += w * constant
            if data.frequencies[k] > 0 || dropoutAtStart {
                logC4[k] = log(a) - log(b + x - 1 + shift)
                inverseB4[k] = 1 / (b + x - 1 + shift)
            }
            if gradient {
                let psiABX = SpecialFunctions.digamma(a + b + x + shift)
                gr += w * (SpecialFunctions.digamma(r + x) - psiR + log(alpha))
                gAlpha += w * r / alpha
                ga += w * (psiAB - psiABX)
                gb += w * (psiAB + SpecialFunctions.digamma(b + x + shift) - psiB - psiABX)
            }
        }
        var sumW4 = 0.0
        for g in 0..<data.counts.count {
            let k = Int(data.frequencyIndex[g])
            let ageIndex = Int(data.ageIndex[g])
            let w = data.counts[g]
            let a3 = -rx[k] * logAlphaTime[ageIndex]
            let c4 = logC4[k]
            guard c4 > -.infinity else {
                value += w * a3
                if gradient {
                    gr -= w * logAlphaTime[ageIndex]
                    gAlpha -= w * rx[k] * inverseAlphaTime[ageIndex]
                }
                continue
            }
            let recencyIndex = Int(data.recencyIndex[g])
            let a4 = c4 - rx[k] * logAlphaTime[recencyIndex]
            // log(e^{a3} + e^{a4}) and the weight w4 = e^{a4} / (e^{a3} + e^{a4}), from one exp.
            let d = a4 - a3
            let e = exp(-abs(d))
            let mixture = max(a3, a4) + log1p(e)
            let w4 = d > 0 ? 1 / (1 + e) : e / (1 + e)
            value += w * mixture
            if gradient {
                let w3 = 1 - w4
                gr -= w * (w3 * logAlphaTime[ageIndex] + w4 * logAlphaTime[recencyIndex])
                gAlpha -= w * rx[k] * (w3 * inverseAlphaTime[ageIndex] + w4 * inverseAlphaTime[recencyIndex])
                sumW4 += w * w4
                gb -= w * w4 * inverseB4[k]
            }
        }
        ga += sumW4 / a
        return (value, [gr, gAlpha, ga, gb])
    }

    /// Maximum likelihood on the sufficient statistics with the analytic gradient.
    static func fit(_ data: SufficientStatistics, dropoutAtStart: Bool) throws -> (
        parameters: [Double], logLikelihood: Double, diagnostics: FitDiagnostics
    ) {
        let indexed = IndexedHistories(data)
        let meanAge = data.groups.reduce(0) { $0 + Double($1.count) * $1.history.age } / Double(data.customerCount)
        let starts: [[Double]] = [[1, 1, 1, 1], [0.5, max(meanAge, 1e-3), 0.5, 2]]
        return try MaximumLikelihood.fit(starts: starts, objective(indexed, dropoutAtStart: dropoutAtStart))
    }

    /// The total log-likelihood and gradient as a function of (r, α, a, b), nil where not finite.
    static func objective(_ data: IndexedHistories, dropoutAtStart: Bool) -> @Sendable ([Double]) -> (value: Double, gradient: [Double])? {
        { p in
            let t = total(p, data, dropoutAtStart: dropoutAtStart, gradient: true)
            return t.value.isFinite && t.gradient.allSatisfy(\.isFinite) ? t : nil
        }
    }

    /// log of the odds of having dropped out: a/(b+x−1+δ) · ((α+T)/(α+t_x))^{r+x}, or −∞ when
    /// the customer cannot have dropped out (BG/NBD with x = 0).
    static func logDropoutOdds(r: Double, alpha: Double, a: Double, b: Double, dropoutAtStart: Bool, history h: PurchaseHistory) -> Double {
        guard h.frequency > 0 || dropoutAtStart else { return -.infinity }
        let x = Double(h.frequency)
        let shift = dropoutAtStart ? 1.0 : 0.0
        return log(a) - log(b + x - 1 + shift) + (r + x) * (log(alpha + h.age) - log(alpha + h.recency))
    }

    static func probabilityAlive(r: Double, alpha: Double, a: Double, b: Double, dropoutAtStart: Bool, history: PurchaseHistory) -> Double {
        1 / (1 + exp(logDropoutOdds(r: r, alpha: alpha, a: a, b: b, dropoutAtStart: dropoutAtStart, history: history)))
    }

    /// E[Y(t) | x, t_x, T] = c · [(1 − (1−z)^{a−1})/(a−1) − (1−z)^{a−1} S] · P(alive), c = a+b+x−1+δ,
    /// z = t/(α+T+t): the closed form c/(a−1) · [1 − (1−z)^{r+x} ₂F₁(r+x, b+x+δ; c; z)] · P(alive)
    /// after Euler's transformation (see ``BGNBDModel/expectedPurchases(over:given:)``). The
    /// series c·S = Σ_{n≥1} (c−r−x)_n (a)_{n−1} / ((c+1)_{n−1} n!) zⁿ is summed with the factor c
    /// folded in, so nothing is divided by c (which is near 0 for BG/NBD when x = 0 and a+b ≈ 1).
    static func expectedPurchases(
        r: Double, alpha: Double, a: Double, b: Double, dropoutAtStart: Bool, horizon: Double, history: PurchaseHistory
    ) throws -> Double {
        let h = try history.validated()
        guard horizon.isFinite, horizon >= 0 else {
            throw AnalyticsError(.invalidHorizon, "horizon \(horizon) must be finite and non-negative")
        }
        if horizon == 0 { return 0 }
        let x = Double(h.frequency)
        let rho = r + x
        let c = a + b + x - 1 + (dropoutAtStart ? 1 : 0)
        let scaleT = alpha + h.age
        let z = horizon / (scaleT + horizon)
        let logOneMinusZ = -log1p(horizon / scaleT)
        let cMinusRho = c - rho
        var cs = 0.0
        if cMinusRho != 0 {
            guard
                let sum = SpecialFunctions.sumSeries(
                    first: cMinusRho * z,
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
                throw AnalyticsError(.seriesDidNotConverge, "expected purchases: hypergeometric series did not converge (z = \(z))")
            }
            cs = sum
        }
        let value =
            (-c * SpecialFunctions.expm1Ratio(a - 1, logOneMinusZ) - exp((a - 1) * logOneMinusZ) * cs)
            * probabilityAlive(r: r, alpha: alpha, a: a, b: b, dropoutAtStart: dropoutAtStart, history: h)
        guard value.isFinite else {
            throw AnalyticsError(.seriesDidNotConverge, "expected purchases are not finite (z = \(z))")
        }
        return max(0, value)
    }

    /// P(alive) · (1 − ((α+T)/(α+T+t))^{r+x}): while alive the wait to the next purchase is
    /// exponential with rate λ, and λ | alive, data ~ Gamma(r+x, α+T) in both models.
    static func probabilityOfPurchase(
        r: Double, alpha: Double, a: Double, b: Double, dropoutAtStart: Bool, horizon: Double, history: PurchaseHistory
    ) throws -> Double {
        let h = try history.validated()
        guard horizon.isFinite, horizon >= 0 else {
            throw AnalyticsError(.invalidHorizon, "horizon \(horizon) must be finite and non-negative")
        }
        let x = Double(h.frequency)
        return probabilityAlive(r: r, alpha: alpha, a: a, b: b, dropoutAtStart: dropoutAtStart, history: h)
            * -expm1(-(r + x) * log1p(horizon / (alpha + h.age)))
    }
}
