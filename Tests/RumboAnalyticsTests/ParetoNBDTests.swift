import Foundation
import Testing

@testable import RumboAnalytics

@Suite("Pareto/NBD")
struct ParetoNBDTests {
    static let published = try! ParetoNBDModel(r: 0.553, alpha: 10.578, s: 0.606, beta: 11.669)

    @Test("Reproduces the published Pareto/NBD estimates on the CDNOW sample")
    func cdnow() throws {
        let fit = try ParetoNBDModel.fit(CDNOW.statistics)
        let m = fit.model
        #expect(abs(m.r - 0.553) < 0.0005)
        #expect(abs(m.alpha - 10.578) < 0.0005)
        #expect(abs(m.s - 0.606) < 0.0005)
        #expect(abs(m.beta - 11.669) < 0.0005)
        #expect(abs(fit.logLikelihood - -9595.0) < 0.05)
        #expect(fit.diagnostics.converged)
    }

    @Test("The likelihood is continuous where α = β switches the hypergeometric form")
    func continuousAcrossAlphaEqualsBeta() throws {
        let h = PurchaseHistory(frequency: 3, recency: 12, age: 35)
        let at = try #require(try ParetoNBDModel(r: 0.5, alpha: 10, s: 0.6, beta: 10).logLikelihood(h))
        let above = try #require(try ParetoNBDModel(r: 0.5, alpha: 10 + 1e-9, s: 0.6, beta: 10).logLikelihood(h))
        let below = try #require(try ParetoNBDModel(r: 0.5, alpha: 10 - 1e-9, s: 0.6, beta: 10).logLikelihood(h))
        #expect(abs(at - above) < 1e-8)
        #expect(abs(at - below) < 1e-8)
    }

    @Test("A one-time buyer may have left, more likely the longer ago they came")
    func oneTimeBuyer() throws {
        let young = try Self.published.probabilityAlive(PurchaseHistory(frequency: 0, recency: 0, age: 5))
        let old = try Self.published.probabilityAlive(PurchaseHistory(frequency: 0, recency: 0, age: 38))
        #expect(young < 1 && old < young && old > 0)
    }

    @Test("P(alive) decreases with age; expected purchases increase with the horizon")
    func monotone() throws {
        var previous = 1.0
        for age in stride(from: 12.0, through: 200, by: 12) {
            let p = try Self.published.probabilityAlive(PurchaseHistory(frequency: 3, recency: 10, age: age))
            #expect(p < previous)
            previous = p
        }
        let h = PurchaseHistory(frequency: 2, recency: 30.43, age: 38.86)
        var last = 0.0
        for t in [1.0, 10, 39, 100, 1e4] {
            let e = try Self.published.expectedPurchases(over: t, given: h)
            #expect(e > last)
            last = e
        }
        #expect(try Self.published.probabilityAlive(PurchaseHistory(frequency: 4, recency: 20, age: 20)) == 1)
    }

    @Test("The expectation is continuous through s = 1")
    func continuousAtSEqualsOne() throws {
        let h = PurchaseHistory(frequency: 2, recency: 20, age: 30)
        let at = try ParetoNBDModel(r: 0.5, alpha: 10, s: 1, beta: 12).expectedPurchases(over: 39, given: h)
        let near = try ParetoNBDModel(r: 0.5, alpha: 10, s: 1 + 1e-8, beta: 12).expectedPurchases(over: 39, given: h)
        #expect(at.isFinite && at > 0)
        #expect(abs(at - near) < 1e-6 * at)
    }

    @Test("No NaN for extreme histories", arguments: [
        PurchaseHistory(frequency: 0, recency: 0, age: 0),
        PurchaseHistory(frequency: 0, recency: 0, age: 1e7),
        PurchaseHistory(frequency: 5, recency: 30, age: 30),
        PurchaseHistory(frequency: 1, recency: 0.1, age: 1e7),
        PurchaseHistory(frequency: 500, recency: 38, age: 39),
    ])
    func extremes(history: PurchaseHistory) throws {
        for m in [Self.published, try ParetoNBDModel(r: 0.5, alpha: 1, s: 0.5, beta: 80)] {
            let alive = try m.probabilityAlive(history)
            #expect(alive.isFinite && alive >= 0 && alive <= 1)
            #expect(m.logLikelihood(history)?.isFinite == true)
            let e = try m.expectedPurchases(over: 39, given: history)
            #expect(e.isFinite && e >= 0)
        }
    }
}

@Suite("Pareto/NBD analytic gradient")
struct ParetoNBDGradientTests {
    @Test("The indexed likelihood equals the per-group one, and its gradient agrees with central differences",
        arguments: [
            [0.553, 10.578, 0.606, 11.669],  // the optimum (α < β)
            [0.3, 5.0, 0.9, 2.0],  // α > β
            [1.0, 1.0, 1.0, 1.0],  // the first start (α = β)
            [2.0, 30.0, 0.2, 0.5],  // α ≫ β: z near 1
            [0.1, 0.4, 3.0, 60.0],  // α ≪ β
        ])
    func gradient(p: [Double]) throws {
        let indexed = IndexedHistories(CDNOW.statistics)
        let analytic = try #require(ParetoNBDModel.totalWithGradient(p, indexed))
        let perGroup = try #require(ParetoNBDModel.total(p, CDNOW.statistics))
        #expect(abs(analytic.value - perGroup) < 1e-9 * abs(perGroup))
        for i in 0..<4 {
            // Central differences in log θ with step h: error O(h²) ≈ 1e-10 relative, plus
            // rounding of about 1e-16 · |ℓ| / h.
            let h = 1e-5
            var up = p
            var down = p
            up[i] = p[i] * exp(h)
            down[i] = p[i] * exp(-h)
            let fUp = try #require(ParetoNBDModel.total(up, CDNOW.statistics))
            let fDown = try #require(ParetoNBDModel.total(down, CDNOW.statistics))
            let numeric = (fUp - fDown) / (2 * h) / p[i]
            #expect(abs(numeric - analytic.gradient[i]) <= 1e-6 * max(1, abs(analytic.gradient[i])) / min(1, p[i]), "parameter \(i): \(numeric) vs \(analytic.gradient[i])")
        }
    }

    @Test("The series derivatives agree with differences of the series")
    func seriesDerivatives() throws {
        for (c1, c2, z) in [(0.6, 2.2, 0.3), (4.5, 6.1, 0.9), (1.7, 1.9, 0.05)] {
            let s = try #require(SpecialFunctions.logShiftedSeries(c1: c1, c2: c2, z: z))
            let h = 1e-6
            func value(_ a: Double, _ b: Double, _ c: Double) throws -> Double {
                try #require(SpecialFunctions.logShiftedSeries(c1: a, c2: b, z: c)).value
            }
            #expect(abs((try value(c1 + h, c2, z) - value(c1 - h, c2, z)) / (2 * h) - s.dc1) < 1e-7)
            #expect(abs((try value(c1, c2 + h, z) - value(c1, c2 - h, z)) / (2 * h) - s.dc2) < 1e-7)
            #expect(abs((try value(c1, c2, z + h) - value(c1, c2, z - h)) / (2 * h) - s.dz) < 1e-6)
            // log S = log ₂F₁(1, c₁; c₂; z).
            let direct = try #require(SpecialFunctions.hypergeometric2F1(a: 1, b: c1, c: c2, z: z))
            #expect(abs(s.value - log(direct)) < 1e-13)
        }
    }
}
