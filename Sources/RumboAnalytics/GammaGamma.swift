import Foundation

/// The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV:
/// Using Iso-Value Curves for Customer Base Analysis"; Fader & Hardie's note "The Gamma-Gamma
/// Model of Monetary Value").
///
/// Each transaction's value is Gamma(p, ν) with ν ~ Gamma(q, γ) across customers; the model is
/// fitted on repeat buyers' number of repeat transactions x and their mean value m_x.
public struct GammaGammaModel: Sendable, Hashable {
    /// Shape of the per-transaction spend distribution.
    public let p: Double
    /// Shape of the gamma mixing distribution of ν.
    public let q: Double
    /// Scale (rate) parameter of the gamma mixing distribution of ν.
    public let gamma: Double

    /// Creates a model; every parameter must be positive and finite.
    public init(p: Double, q: Double, gamma: Double) throws {
        for (name, v) in [("p", p), ("q", q), ("gamma", gamma)] where !(v.isFinite && v > 0) {
            throw AnalyticsError(.invalidParameter, "Gamma-Gamma parameter \(name) = \(v) must be positive and finite")
        }
        self.p = p
        self.q = q
        self.gamma = gamma
    }

    /// One repeat buyer: x repeat transactions with mean value m_x.
    public struct Observation: Sendable, Hashable {
        /// x ≥ 1, the number of transactions averaged.
        public var frequency: Int
        /// m_x > 0, their mean value.
        public var meanSpend: Double

        /// Creates an observation without checking it (the fit checks).
        public init(frequency: Int, meanSpend: Double) {
            self.frequency = frequency
            self.meanSpend = meanSpend
        }
    }

    /// The repeat buyers (x > 0) of a set of summaries, with their mean repeat spend.
    public static func observations(from summaries: [CustomerSummary]) -> [Observation] {
        summaries.compactMap { s in
            guard s.frequency > 0, let m = s.meanRepeatSpend else { return nil }
            return Observation(frequency: s.frequency, meanSpend: m)
        }
    }

    /// log f(m_x | p, q, γ; x) = log Γ(px+q) − log Γ(px) − log Γ(q) + q log γ + (px−1) log m_x
    /// + px log x − (px+q) log(γ + x m_x).
    public func logLikelihood(_ o: Observation) -> Double {
        Self.term(p: p, q: q, gamma: gamma, o, gradient: false).value
    }

    static func term(p: Double, q: Double, gamma: Double, _ o: Observation, gradient: Bool) -> (
        value: Double, gradient: (Double, Double, Double)
    ) {
        let x = Double(o.frequency)
        let m = o.meanSpend
        let px = p * x
        let logDenominator = log(gamma + x * m)
        let value =
            logGamma(px + q) - logGamma(px) - logGamma(q) + q * log(gamma) + (px - 1) * log(m) + px * log(x)
            - (px + q) * logDenominator
        guard gradient else { return (value, (0, 0, 0)) }
        let psiPxQ = SpecialFunctions.digamma(px + q)
        let dp = x * (psiPxQ - SpecialFunctions.digamma(px) + log(m) + log(x) - logDenominator)
        let dq = psiPxQ - SpecialFunctions.digamma(q) + log(gamma) - logDenominator
        let dGamma = q / gamma - (px + q) / (gamma + x * m)
        return (value, (dp, dq, dGamma))
    }

    /// The total log-likelihood of the observations.
    public func totalLogLikelihood(_ observations: [Observation]) -> Double {
        observations.reduce(0) { $0 + logLikelihood($1) }
    }

    /// Fits p, q, γ by maximum likelihood (analytic gradient, BFGS over log-parameters) on repeat
    /// buyers, grouping identical (x, m_x).
    ///
    /// - Throws: `insufficientData` without observations, `invalidHistory` for x < 1 or a mean
    ///   spend that is not positive and finite, `fitFailed` if no optimum is found.
    public static func fit(_ observations: [Observation]) throws -> GammaGammaFit {
        let groups = try grouped(observations)
        let meanSpend = observations.reduce(0) { $0 + $1.meanSpend } / Double(observations.count)
        let starts: [[Double]] = [[1, 1, 1], [2, 2, max(meanSpend, 1e-6)]]
        let result = try MaximumLikelihood.fit(starts: starts, objective(groups))
        let p = result.parameters
        let model = try GammaGammaModel(p: p[0], q: p[1], gamma: p[2])
        return GammaGammaFit(
            model: model, logLikelihood: result.logLikelihood, customerCount: observations.count, diagnostics: result.diagnostics)
    }

    /// Validated observations grouped by identical (x, m_x), in a stable order.
    ///
    /// - Throws: `insufficientData` without observations, `invalidHistory` for x < 1 or a mean
    ///   spend that is not positive and finite.
    static func grouped(_ observations: [Observation]) throws -> [(Observation, Int)] {
        guard !observations.isEmpty else {
            throw AnalyticsError(.insufficientData, "Gamma-Gamma needs at least one repeat buyer")
        }
        var counts: [Observation: Int] = [:]
        for o in observations {
            guard o.frequency >= 1, o.meanSpend.isFinite, o.meanSpend > 0 else {
                throw AnalyticsError(
                    .invalidHistory, "Gamma-Gamma needs x ≥ 1 and a positive mean spend, got x = \(o.frequency), m = \(o.meanSpend)")
            }
            counts[o, default: 0] += 1
        }
        return counts.sorted { ($0.key.frequency, $0.key.meanSpend) < ($1.key.frequency, $1.key.meanSpend) }.map { ($0.key, $0.value) }
    }

    /// The total log-likelihood and gradient as a function of (p, q, γ), nil where not finite.
    static func objective(_ groups: [(Observation, Int)]) -> @Sendable ([Double]) -> (value: Double, gradient: [Double])? {
        { theta in
            var value = 0.0
            var g = [0.0, 0.0, 0.0]
            for (o, count) in groups {
                let t = term(p: theta[0], q: theta[1], gamma: theta[2], o, gradient: true)
                let w = Double(count)
                value += w * t.value
                g[0] += w * t.gradient.0
                g[1] += w * t.gradient.1
                g[2] += w * t.gradient.2
            }
            return value.isFinite ? (value, g) : nil
        }
    }

    /// E[M] for a customer with no repeat purchases yet: the population mean spend per
    /// transaction, pγ/(q − 1).
    ///
    /// - Throws: `invalidParameter` when q ≤ 1 (the mean is infinite).
    public func expectedAverageSpend() throws -> Double {
        guard q > 1 else {
            throw AnalyticsError(.invalidParameter, "Gamma-Gamma q = \(q) ≤ 1: the mean spend is infinite")
        }
        return p * gamma / (q - 1)
    }

    /// E[M | x, m_x] = (γ + x m_x) p / (p x + q − 1): a weighted mean of the population mean
    /// pγ/(q−1) and the customer's own mean m_x, with weight px/(px+q−1) on the latter. For
    /// x = 0 this is the population mean.
    ///
    /// - Throws: `invalidParameter` when q ≤ 1, `invalidHistory` for x < 0 or a negative or
    ///   non-finite mean.
    public func expectedAverageSpend(frequency: Int, meanSpend: Double) throws -> Double {
        guard frequency >= 0, meanSpend.isFinite, meanSpend >= 0 else {
            throw AnalyticsError(.invalidHistory, "invalid spend history x = \(frequency), m = \(meanSpend)")
        }
        guard q > 1 else {
            throw AnalyticsError(.invalidParameter, "Gamma-Gamma q = \(q) ≤ 1: the mean spend is infinite")
        }
        let x = Double(frequency)
        return (gamma + x * meanSpend) * p / (p * x + q - 1)
    }
}

/// A fitted Gamma-Gamma model with its fit diagnostics.
public struct GammaGammaFit: Sendable, Hashable {
    /// The maximum-likelihood parameters.
    public let model: GammaGammaModel
    /// The maximised total log-likelihood.
    public let logLikelihood: Double
    /// The number of repeat buyers fitted.
    public let customerCount: Int
    /// How the optimisation went.
    public let diagnostics: FitDiagnostics
}
