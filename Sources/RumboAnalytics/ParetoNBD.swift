import Foundation

/// The Pareto/NBD model of Schmittlein, Morrison & Colombo (1987), in the formulation of Fader &
/// Hardie's note "A Note on Deriving the Pareto/NBD Model and Related Expressions" (2005).
///
/// While active, a customer buys at Poisson rate λ ~ Gamma(r, α); their unobserved lifetime is
/// exponential with rate μ ~ Gamma(s, β). Unlike BG/NBD, a customer who never came back can be
/// judged to have left. Time is in the unit of the histories it is fitted on.
public struct ParetoNBDModel: Sendable, Hashable {
    /// Shape of the gamma mixing distribution of purchase rates.
    public let r: Double
    /// Scale (rate) parameter of the gamma mixing distribution of purchase rates.
    public let alpha: Double
    /// Shape of the gamma mixing distribution of dropout rates.
    public let s: Double
    /// Scale (rate) parameter of the gamma mixing distribution of dropout rates.
    public let beta: Double

    /// Creates a model; every parameter must be positive and finite.
    public init(r: Double, alpha: Double, s: Double, beta: Double) throws {
        for (name, v) in [("r", r), ("alpha", alpha), ("s", s), ("beta", beta)] where !(v.isFinite && v > 0) {
            throw AnalyticsError(.invalidParameter, "Pareto/NBD parameter \(name) = \(v) must be positive and finite")
        }
        self.r = r
        self.alpha = alpha
        self.s = s
        self.beta = beta
    }

    // MARK: Likelihood

    /// log ∫_{τ₀}^∞ (α+τ)^{−p₁} (β+τ)^{−p₂} dτ for p₁ + p₂ > 1, the integral behind every
    /// Pareto/NBD expression. Factoring out the larger of α+τ and β+τ and substituting
    /// u = 1/(max+τ) gives, with ν = p₁ + p₂ − 1,
    /// (α+τ₀)^{−ν}/ν · ₂F₁(ν, p₂; ν+1; (α−β)/(α+τ₀)) when α ≥ β, and
    /// (β+τ₀)^{−ν}/ν · ₂F₁(ν, p₁; ν+1; (β−α)/(β+τ₀)) when α < β,
    /// so the argument stays in [0, 1) and the series (summed after Euler's transformation, see
    /// ``SpecialFunctions/log2F1ShiftedC(a:b:z:)``) has bounded terms. Nil if it does not converge.
    static func logTailIntegral(p1: Double, p2: Double, alpha: Double, beta: Double, from start: Double) -> Double? {
        let nu = p1 + p2 - 1
        let (base, second, difference) = alpha >= beta ? (alpha + start, p2, alpha - beta) : (beta + start, p1, beta - alpha)
        guard let f = SpecialFunctions.log2F1ShiftedC(a: nu, b: second, z: difference / base) else { return nil }
        return f - nu * log(base) - log(nu)
    }

    /// The two log-terms of the likelihood:
    /// L = Γ(r+x) α^r β^s / Γ(r) · (e^{B₁} + e^{B₂}) with
    /// B₁ = −(r+x) log(α+T) − s log(β+T) (alive at T) and
    /// B₂ = log s + log ∫_{t_x}^{T} (α+τ)^{−(r+x)} (β+τ)^{−(s+1)} dτ (died in (t_x, T]),
    /// the integral being the difference of two ``logTailIntegral(p1:p2:alpha:beta:from:)``.
    /// Returns nil if a hypergeometric series does not converge.
    static func logTerms(
        r: Double, alpha: Double, s: Double, beta: Double, history h: PurchaseHistory
    ) -> (b1: Double, b2: Double)? {
        let x = Double(h.frequency)
        let b1 = -(r + x) * log(alpha + h.age) - s * log(beta + h.age)
        guard h.recency < h.age else { return (b1, -.infinity) }
        guard let atRecency = logTailIntegral(p1: r + x, p2: s + 1, alpha: alpha, beta: beta, from: h.recency),
            let atAge = logTailIntegral(p1: r + x, p2: s + 1, alpha: alpha, beta: beta, from: h.age)
        else { return nil }
        return (b1, log(s) + SpecialFunctions.logSubExp(atRecency, atAge))
    }

    static func term(r: Double, alpha: Double, s: Double, beta: Double, lgammaR: Double, history h: PurchaseHistory) -> Double? {
        guard let t = logTerms(r: r, alpha: alpha, s: s, beta: beta, history: h) else { return nil }
        let x = Double(h.frequency)
        return logGamma(r + x) - lgammaR + r * log(alpha) + s * log(beta) + SpecialFunctions.logAddExp(t.b1, t.b2)
    }

    /// The log-likelihood of one customer's history; nil if a series does not converge.
    public func logLikelihood(_ history: PurchaseHistory) -> Double? {
        Self.term(r: r, alpha: alpha, s: s, beta: beta, lgammaR: logGamma(r), history: history)
    }

    /// The total log-likelihood of all customers (the papers' scale); nil if a series does not converge.
    public func totalLogLikelihood(_ data: SufficientStatistics) -> Double? {
        Self.total([r, alpha, s, beta], data)
    }

    static func total(_ p: [Double], _ data: SufficientStatistics) -> Double? {
        let (r, alpha, s, beta) = (p[0], p[1], p[2], p[3])
        let lgammaR = logGamma(r)
        var value = 0.0
        for group in data.groups {
            guard let t = term(r: r, alpha: alpha, s: s, beta: beta, lgammaR: lgammaR, history: group.history) else { return nil }
            value += Double(group.count) * t
        }
        return value.isFinite ? value : nil
    }

    // MARK: Fitting

    /// Fits the model by maximum likelihood on the sufficient statistics by BFGS over
    /// log-parameters from a few starting points, with the analytic gradient of
    /// ``totalWithGradient(_:_:)``.
    ///
    /// - Throws: `fitFailed` if no finite optimum is found.
    public static func fit(_ data: SufficientStatistics) throws -> ParetoNBDFit {
        let meanAge = data.groups.reduce(0) { $0 + Double($1.count) * $1.history.age } / Double(data.customerCount)
        let starts: [[Double]] = [[1, 1, 1, 1], [0.5, max(meanAge, 1e-3), 0.5, max(meanAge, 1e-3)]]
        let result = try MaximumLikelihood.fit(starts: starts, objective(IndexedHistories(data)))
        let p = result.parameters
        let model = try ParetoNBDModel(r: p[0], alpha: p[1], s: p[2], beta: p[3])
        return ParetoNBDFit(
            model: model, logLikelihood: result.logLikelihood, customerCount: data.customerCount, diagnostics: result.diagnostics)
    }

    /// The total log-likelihood and gradient as a function of (r, α, s, β), nil where not finite.
    static func objective(_ data: IndexedHistories) -> @Sendable ([Double]) -> (value: Double, gradient: [Double])? {
        { p in
            guard let t = totalWithGradient(p, data), t.value.isFinite, t.gradient.allSatisfy(\.isFinite) else { return nil }
            return t
        }
    }

    /// The total log-likelihood and its analytic gradient with respect to (r, α, s, β).
    ///
    /// With I(τ) = ∫_τ^∞ (α+v)^{−(r+x)} (β+v)^{−(s+1)} dv, each group's term is
    /// log Γ(r+x) − log Γ(r) + r log α + s log β + log(e^{B₁} + e^{B₂}),
    /// B₁ = −(r+x) log(α+T) − s log(β+T), B₂ = log s + log(I(t_x) − I(T)).
    /// After Euler's transformation,
    /// I(τ) = (α+τ)^{−(r+x)} (β+τ)^{−s} S(r+x, ν+1; (α−β)/(α+τ)) / ν when α ≥ β and
    /// I(τ) = (α+τ)^{1−r−x} (β+τ)^{−(s+1)} S(s+1, ν+1; (β−α)/(β+τ)) / ν when α < β,
    /// ν = r+s+x, S(c₁, c₂; z) = Σ (c₁)ₙ/(c₂)ₙ zⁿ = ₂F₁(1, c₁; c₂; z). The derivatives of log S
    /// with respect to c₁, c₂ and z are summed alongside S (``SpecialFunctions/logShiftedSeries(c1:c2:z:)``),
    /// so the chain rule gives the exact gradient. log I depends on x and one time only, so it is
    /// computed once per distinct (x, τ) pair; each group then costs a few exponentials.
    /// Nil if a series does not converge.
    static func totalWithGradient(_ p: [Double], _ data: IndexedHistories) -> (value: Double, gradient: [Double])? {
        let (r, alpha, s, beta) = (p[0], p[1], p[2], p[3])
        let logA = data.times.map { log(alpha + $0) }
        let logB = data.times.map { log(beta + $0) }
        let alphaAbove = alpha >= beta
        // log I and its gradient per (x, τ) pair.
        var logI = [Double](repeating: 0, count: data.pairs.count)
        var dI = [(Double, Double, Double, Double)](repeating: (0, 0, 0, 0), count: data.pairs.count)
        for (i, pair) in data.pairs.enumerated() {
            let x = Double(data.frequencies[Int(pair.frequency)])
            let tau = data.times[Int(pair.time)]
            let nu = r + s + x
            let (la, lb) = (logA[Int(pair.time)], logB[Int(pair.time)])
            if alphaAbove {
                let z = (alpha - beta) / (alpha + tau)
                guard let series = SpecialFunctions.logShiftedSeries(c1: r + x, c2: nu + 1, z: z) else { return nil }
                logI[i] = -(r + x) * la - s * lb + series.value - log(nu)
                dI[i] = (
                    -la + series.dc1 + series.dc2 - 1 / nu,
                    -(r + x) / (alpha + tau) + series.dz * (beta + tau) / ((alpha + tau) * (alpha + tau)),
                    -lb + series.dc2 - 1 / nu,
                    -s / (beta + tau) - series.dz / (alpha + tau)
                )
            } else {
                let z = (beta - alpha) / (beta + tau)
                guard let series = SpecialFunctions.logShiftedSeries(c1: s + 1, c2: nu + 1, z: z) else { return nil }
                logI[i] = (1 - r - x) * la - (s + 1) * lb + series.value - log(nu)
                dI[i] = (
                    -la + series.dc2 - 1 / nu,
                    (1 - r - x) / (alpha + tau) - series.dz / (beta + tau),
                    -lb + series.dc1 + series.dc2 - 1 / nu,
                    -(s + 1) / (beta + tau) + series.dz * (alpha + tau) / ((beta + tau) * (beta + tau))
                )
            }
        }
        // The parts that depend on x only.
        let lgammaR = logGamma(r)
        let psiR = SpecialFunctions.digamma(r)
        var value = 0.0
        var g = (0.0, 0.0, 0.0, 0.0)
        for (k, frequency) in data.frequencies.enumerated() {
            let w = data.customersPerFrequency[k]
            let x = Double(frequency)
            value += w * (logGamma(r + x) - lgammaR + r * log(alpha) + s * log(beta))
            g.0 += w * (SpecialFunctions.digamma(r + x) - psiR + log(alpha))
            g.1 += w * r / alpha
            g.2 += w * log(beta)
            g.3 += w * s / beta
        }
        let logS = log(s)
        for group in 0..<data.counts.count {
            let w = data.counts[group]
            let x = Double(data.frequencies[Int(data.frequencyIndex[group])])
            let ageIndex = Int(data.ageIndex[group])
            let tAge = data.times[ageIndex]
            let b1 = -(r + x) * logA[ageIndex] - s * logB[ageIndex]
            let d1 = (-logA[ageIndex], -(r + x) / (alpha + tAge), -logB[ageIndex], -s / (beta + tAge))
            let (atRecency, atAge) = (Int(data.recencyPair[group]), Int(data.agePair[group]))
            // log(I(t_x) − I(T)) = log I(t_x) + log(1 − q), q = I(T)/I(t_x) < 1; no death term when
            // t_x = T (or when the two times are too close for the difference to be resolved).
            let q = exp(logI[atAge] - logI[atRecency])
            guard data.recencyIndex[group] != data.ageIndex[group], q < 1 else {
                value += w * b1
                g.0 += w * d1.0
                g.1 += w * d1.1
                g.2 += w * d1.2
                g.3 += w * d1.3
                continue
            }
            let b2 = logS + logI[atRecency] + log1p(-q)
            let (dr, da, ds, db) = dI[atRecency]
            let (er, ea, es, eb) = dI[atAge]
            let inverse = 1 / (1 - q)
            let d2 = ((dr - q * er) * inverse, (da - q * ea) * inverse, (ds - q * es) * inverse + 1 / s, (db - q * eb) * inverse)
            let diff = b2 - b1
            let e = exp(-abs(diff))
            value += w * (max(b1, b2) + log1p(e))
            let w2 = diff > 0 ? 1 / (1 + e) : e / (1 + e)
            let w1 = 1 - w2
            g.0 += w * (w1 * d1.0 + w2 * d2.0)
            g.1 += w * (w1 * d1.1 + w2 * d2.1)
            g.2 += w * (w1 * d1.2 + w2 * d2.2)
            g.3 += w * (w1 * d1.3 + w2 * d2.3)
        }
        return (value, [g.0, g.1, g.2, g.3])
    }

    // MARK: Per-customer quantities

    /// P(alive | x, t_x, T) = 1 / (1 + s/(r+s+x) (α+T)^{r+x} (β+T)^s A₀) = e^{B₁}/(e^{B₁} + e^{B₂}).
    ///
    /// - Throws: `invalidHistory`, or `seriesDidNotConverge` for parameters far outside any fit.
    public func probabilityAlive(_ history: PurchaseHistory) throws -> Double {
        let h = try history.validated()
        guard let t = Self.logTerms(r: r, alpha: alpha, s: s, beta: beta, history: h) else {
            throw AnalyticsError(.seriesDidNotConverge, "Pareto/NBD: hypergeometric series did not converge")
        }
        return 1 / (1 + exp(t.b2 - t.b1))
    }

    /// E[Y(t) | x, t_x, T] = (r+x)(β+T) / ((α+T)(s−1)) · [1 − ((β+T)/(β+T+t))^{s−1}] · P(alive),
    /// with the bracket over (s−1) evaluated as −expm1((s−1)·L)/(s−1), L = −log(1 + t/(β+T)), which
    /// is continuous at s = 1 (where it equals log(1 + t/(β+T))).
    public func expectedPurchases(over horizon: Double, given history: PurchaseHistory) throws -> Double {
        guard horizon.isFinite, horizon >= 0 else {
            throw AnalyticsError(.invalidHorizon, "horizon \(horizon) must be finite and non-negative")
        }
        let alive = try probabilityAlive(history)
        let x = Double(history.frequency)
        let l = -log1p(horizon / (beta + history.age))
        let bracket = -SpecialFunctions.expm1Ratio(s - 1, l)
        return (r + x) * (beta + history.age) / (alpha + history.age) * bracket * alive
    }

    /// P(at least one purchase in the next `horizon` units | x, t_x, T).
    ///
    /// Given alive at T, λ ~ Gamma(r+x, α+T) and μ ~ Gamma(s, β+T) independently; for known λ, μ
    /// the next purchase comes before death and within t with probability
    /// λ/(λ+μ) · (1 − e^{−(λ+μ)t}). Writing 1/(λ+μ) = ∫₀^∞ e^{−(λ+μ)u} du and averaging gives
    ///
    ///   P = P(alive) · (r+x)(α+T)^{r+x}(β+T)^s · ∫₀^t (α+T+v)^{−(r+x+1)} (β+T+v)^{−s} dv,
    ///
    /// the integral being I(0) − I(t) with I(τ₀) = ∫_{τ₀}^∞ (the same hypergeometric form as the
    /// likelihood, argument |α−β|/(max(α,β)+T+τ₀) in [0, 1)); evaluated in log space.
    ///
    /// - Throws: `invalidHistory`, `invalidHorizon`, or `seriesDidNotConverge` for parameters far
    ///   outside any fit.
    public func probabilityOfPurchase(over horizon: Double, given history: PurchaseHistory) throws -> Double {
        guard horizon.isFinite, horizon >= 0 else {
            throw AnalyticsError(.invalidHorizon, "horizon \(horizon) must be finite and non-negative")
        }
        let alive = try probabilityAlive(history)
        if horizon == 0 { return 0 }
        let rx = r + Double(history.frequency)
        let (alphaT, betaT) = (alpha + history.age, beta + history.age)
        guard let whole = Self.logTailIntegral(p1: rx + 1, p2: s, alpha: alphaT, beta: betaT, from: 0),
            let beyond = Self.logTailIntegral(p1: rx + 1, p2: s, alpha: alphaT, beta: betaT, from: horizon)
        else {
            throw AnalyticsError(.seriesDidNotConverge, "Pareto/NBD: hypergeometric series did not converge")
        }
        let logBuys = log(rx) + rx * log(alphaT) + s * log(betaT) + SpecialFunctions.logSubExp(whole, beyond)
        return alive * min(1, exp(logBuys))
    }

    /// E[X(t)]: expected repeat purchases of a new customer in their first `horizon` units,
    /// r β / (α (s−1)) · [1 − (β/(β+t))^{s−1}] (continuous at s = 1).
    public func expectedPurchases(over horizon: Double) throws -> Double {
        try expectedPurchases(over: horizon, given: PurchaseHistory(frequency: 0, recency: 0, age: 0))
    }
}

/// A fitted Pareto/NBD model with its fit diagnostics.
public struct ParetoNBDFit: Sendable, Hashable {
    /// The maximum-likelihood parameters.
    public let model: ParetoNBDModel
    /// The maximised total log-likelihood (sum over customers).
    public let logLikelihood: Double
    /// The number of customers fitted.
    public let customerCount: Int
    /// How the optimisation went.
    public let diagnostics: FitDiagnostics
}
