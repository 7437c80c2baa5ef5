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
