import Foundation
import Testing

@testable import RumboAnalytics

@Suite("MBG/NBD")
struct MBGNBDTests {
    static let fitted = try! MBGNBDModel.fit(CDNOW.statistics)

    @Test("Fits the CDNOW sample to the values lifetimes publishes for it")
    func cdnow() throws {
        let fit = Self.fitted
        #expect(fit.diagnostics.converged)
        #expect(fit.customerCount == 2357)
        // The same sample fitted by lifetimes' ModifiedBetaGeoFitter (its test suite's values,
        // re-checked by bench/retention/run): r 0.525, α 6.183, a 0.891, b 1.614.
        let m = fit.model
        #expect(abs(m.r - 0.525) < 0.0005)
        #expect(abs(m.alpha - 6.183) < 0.0005)
        #expect(abs(m.a - 0.891) < 0.0005)
        #expect(abs(m.b - 1.614) < 0.0005)
        // Its likelihood cannot be compared with BG/NBD's as nested, but it is of the same order.
        #expect(abs(fit.logLikelihood - -9582.4) < 100)
    }

    @Test("The analytic gradient agrees with central differences", arguments: [
        [0.3, 5.0, 0.9, 2.0], [0.525, 6.183, 0.891, 1.614], [2.0, 0.5, 1.0, 0.3], [0.1, 40, 3, 10],
    ])
    func gradient(p: [Double]) throws {
        let analytic = MBGNBDModel.total(p, CDNOW.statistics, gradient: true).gradient
        for i in 0..<4 {
            let h = 1e-6 * p[i]
            var up = p
            var down = p
            up[i] += h
            down[i] -= h
            let numeric =
                (MBGNBDModel.total(up, CDNOW.statistics, gradient: false).value
                    - MBGNBDModel.total(down, CDNOW.statistics, gradient: false).value) / (2 * h)
            #expect(abs(numeric - analytic[i]) <= 1e-5 * max(1, abs(analytic[i])), "parameter \(i)")
        }
    }

    @Test("The indexed total equals the sum of per-customer log-likelihoods")
    func totalIsTheSum() throws {
        let m = Self.fitted.model
        let sum = CDNOW.summaries.reduce(0.0) { $0 + m.logLikelihood($1.history) }
        #expect(abs(sum - m.totalLogLikelihood(CDNOW.statistics)) < 1e-8 * abs(sum))
        #expect(abs(sum - Self.fitted.logLikelihood) < 1e-6)
    }

    @Test("A one-time buyer may have left, more likely the longer ago they came")
    func oneTimeBuyer() throws {
        let m = Self.fitted.model
        let young = m.probabilityAlive(PurchaseHistory(frequency: 0, recency: 0, age: 1))
        let old = m.probabilityAlive(PurchaseHistory(frequency: 0, recency: 0, age: 38))
        #expect(young < 1 && old < young && old > 0)
        // At T = 0 it is the chance of not leaving at once, b/(a+b).
        let atStart = m.probabilityAlive(PurchaseHistory(frequency: 0, recency: 0, age: 0))
        #expect(abs(atStart - m.b / (m.a + m.b)) < 1e-14)
    }

    @Test("Expected purchases match the hypergeometric closed form; E[X(t)] matches eq. of Batislam et al.")
    func closedForm() throws {
        let m = Self.fitted.model
        let h = PurchaseHistory(frequency: 2, recency: 30.43, age: 38.86)
        let t = 39.0
        let x = 2.0
        let z = t / (m.alpha + h.age + t)
        let f = try #require(SpecialFunctions.hypergeometric2F1(a: m.r + x, b: m.b + x + 1, c: m.a + m.b + x, z: z))
        let closed =
            (m.a + m.b + x) / (m.a - 1) * (1 - pow((m.alpha + h.age) / (m.alpha + h.age + t), m.r + x) * f)
            / (1 + m.a / (m.b + x) * pow((m.alpha + h.age) / (m.alpha + h.recency), m.r + x))
        #expect(abs(try m.expectedPurchases(over: t, given: h) - closed) < 1e-10 * closed)
        let z0 = t / (m.alpha + t)
        let f0 = try #require(SpecialFunctions.hypergeometric2F1(a: m.r, b: m.b + 1, c: m.a + m.b, z: z0))
        let unconditional = m.b / (m.a - 1) * (1 - pow(m.alpha / (m.alpha + t), m.r) * f0)
        #expect(abs(try m.expectedPurchases(over: t) - unconditional) < 1e-10 * unconditional)
    }

    @Test("Continuous through a = 1; P(purchase) is between 0 and P(alive)")
    func continuity() throws {
        let h = PurchaseHistory(frequency: 0, recency: 0, age: 30)
        let at = try MBGNBDModel(r: 0.5, alpha: 4, a: 1, b: 2).expectedPurchases(over: 26, given: h)
        let near = try MBGNBDModel(r: 0.5, alpha: 4, a: 1 + 1e-7, b: 2).expectedPurchases(over: 26, given: h)
        #expect(at.isFinite && at > 0 && abs(at - near) < 1e-6 * at)
        let m = Self.fitted.model
        for history in [h, PurchaseHistory(frequency: 3, recency: 20, age: 30), PurchaseHistory(frequency: 500, recency: 38, age: 39)] {
            for t in [0.5, 13, 1e4] {
                let p = try m.probabilityOfPurchase(over: t, given: history)
                #expect(p >= 0 && p <= m.probabilityAlive(history))
                let e = try m.expectedPurchases(over: t, given: history)
                #expect(e.isFinite && e >= 0)
            }
        }
    }
}

@Suite("P(at least one purchase)")
struct ProbabilityOfPurchaseTests {
    /// Monte Carlo is too slow for a unit test; instead integrate λ/(λ+μ)(1 − e^{−(λ+μ)t}) over
    /// the two gamma posteriors by a product midpoint rule in the probability scale.
    static func paretoByQuadrature(_ m: ParetoNBDModel, _ h: PurchaseHistory, _ t: Double) throws -> Double {
        let rx = m.r + Double(h.frequency)
        let n = 400
        // Quantiles of Gamma(shape, rate) by inverting the CDF with bisection on the regularized
        // incomplete gamma (series form), adequate for a test.
        func quantiles(shape: Double, rate: Double) -> [Double] {
            func cdf(_ v: Double) -> Double {
                // P(shape, v·rate) by its series.
                let y = v * rate
                if y <= 0 { return 0 }
                var term = exp(shape * log(y) - y - logGamma(shape + 1))
                var sum = term
                var k = 1.0
                while term > 1e-17 * sum {
                    term *= y / (shape + k)
                    sum += term
                    k += 1
                }
                return min(1, sum)
            }
            return (0..<n).map { i in
                let p = (Double(i) + 0.5) / Double(n)
                var (lo, hi) = (0.0, 1.0)
                while cdf(hi) < p { hi *= 2 }
                for _ in 0..<80 {
                    let mid = (lo + hi) / 2
                    if cdf(mid) < p { lo = mid } else { hi = mid }
                }
                return (lo + hi) / 2
            }
        }
        let lambdas = quantiles(shape: rx, rate: m.alpha + h.age)
        let mus = quantiles(shape: m.s, rate: m.beta + h.age)
        var sum = 0.0
        for l in lambdas {
            for u in mus {
                sum += l / (l + u) * -expm1(-(l + u) * t)
            }
        }
        return try m.probabilityAlive(h) * sum / Double(n * n)
    }

    @Test("Pareto/NBD: the hypergeometric closed form agrees with direct integration", arguments: [
        (PurchaseHistory(frequency: 0, recency: 0, age: 30), 13.0),
        (PurchaseHistory(frequency: 4, recency: 25, age: 38), 39.0),
        (PurchaseHistory(frequency: 1, recency: 2, age: 38), 4.0),
    ])
    func pareto(history: PurchaseHistory, horizon: Double) throws {
        for m in [ParetoNBDTests.published, try ParetoNBDModel(r: 0.5, alpha: 3, s: 0.9, beta: 40)] {
            let closed = try m.probabilityOfPurchase(over: horizon, given: history)
            let numeric = try Self.paretoByQuadrature(m, history, horizon)
            #expect(abs(closed - numeric) < 5e-3, "closed \(closed) numeric \(numeric)")
            let alive = try m.probabilityAlive(history)
            #expect(closed > 0 && closed < alive)
        }
    }

    @Test("Pareto/NBD: increases with the horizon towards P(alive)·E[λ/(λ+μ)], no NaN at extremes")
    func paretoLimits() throws {
        let m = ParetoNBDTests.published
        let h = PurchaseHistory(frequency: 2, recency: 30.43, age: 38.86)
        var previous = 0.0
        for t in [1e-6, 1.0, 13, 52, 1e4] {
            let p = try m.probabilityOfPurchase(over: t, given: h)
            #expect(p > previous && p < 1)
            previous = p
        }
        #expect(try m.probabilityOfPurchase(over: 0, given: h) == 0)
        // With α = β the limit is exactly P(alive) (r+x)/(r+x+s).
        let equal = try ParetoNBDModel(r: 0.5, alpha: 10, s: 0.7, beta: 10)
        let limit = try equal.probabilityOfPurchase(over: 1e12, given: h)
        let alive = try equal.probabilityAlive(h)
        #expect(abs(limit - alive * 2.5 / 3.2) < 1e-6)
        for history in [PurchaseHistory(frequency: 0, recency: 0, age: 0), PurchaseHistory(frequency: 500, recency: 38, age: 39)] {
            let p = try m.probabilityOfPurchase(over: 39, given: history)
            #expect(p.isFinite && p >= 0 && p <= 1)
        }
    }
}
