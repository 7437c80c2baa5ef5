import Foundation
import Testing

@testable import RumboAnalytics

@Suite("BG/NBD")
struct BGNBDTests {
    /// The published estimates (Fader, Hardie & Lee 2005, CDNOW sample, weeks).
    static let published = try! BGNBDModel(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426)

    @Test("Reproduces Fader, Hardie & Lee (2005) on the CDNOW sample to the printed digits")
    func cdnow() throws {
        let fit = try BGNBDModel.fit(CDNOW.statistics)
        let m = fit.model
        #expect(abs(m.r - 0.243) < 0.0005)
        #expect(abs(m.alpha - 4.414) < 0.0005)
        #expect(abs(m.a - 0.793) < 0.0005)
        #expect(abs(m.b - 2.426) < 0.0005)
        #expect(abs(fit.logLikelihood - -9582.4) < 0.05)
        #expect(fit.customerCount == 2357)
        #expect(fit.diagnostics.converged)
    }

    @Test("The analytic gradient agrees with central differences")
    func gradient() throws {
        let p = [0.3, 5.0, 0.9, 2.0]
        let analytic = BGNBDModel.total(p, CDNOW.statistics, gradient: true).gradient
        for i in 0..<4 {
            let h = 1e-6 * p[i]
            var up = p
            var down = p
            up[i] += h
            down[i] -= h
            let numeric =
                (BGNBDModel.total(up, CDNOW.statistics, gradient: false).value
                    - BGNBDModel.total(down, CDNOW.statistics, gradient: false).value) / (2 * h)
            #expect(abs(numeric - analytic[i]) <= 1e-5 * max(1, abs(analytic[i])), "parameter \(i)")
        }
    }

    @Test("P(alive) is exactly 1 for a customer with no repeat purchase")
    func aliveWithoutRepeat() {
        for age in [0.0, 1, 38.86, 500, 1e9] {
            #expect(Self.published.probabilityAlive(PurchaseHistory(frequency: 0, recency: 0, age: age)) == 1)
        }
    }

    @Test("P(alive) decreases with age T for fixed x and t_x")
    func aliveDecreasesWithAge() {
        var previous = 1.0
        for age in stride(from: 10.0, through: 200, by: 10) {
            let p = Self.published.probabilityAlive(PurchaseHistory(frequency: 3, recency: 10, age: age))
            #expect(p < previous)
            previous = p
        }
        #expect(Self.published.probabilityAlive(PurchaseHistory(frequency: 3, recency: 10, age: 10)) < 1)
    }

    @Test("Expected purchases increase with the horizon")
    func expectedIncreases() throws {
        let h = PurchaseHistory(frequency: 2, recency: 30.43, age: 38.86)
        var previous = 0.0
        for t in [1.0, 5, 10, 39, 52, 100, 1000] {
            let e = try Self.published.expectedPurchases(over: t, given: h)
            #expect(e > previous)
            previous = e
        }
        #expect(try Self.published.expectedPurchases(over: 0, given: h) == 0)
    }

    @Test("Expected purchases match the hypergeometric closed form away from a = 1")
    func closedForm() throws {
        let m = Self.published
        let h = PurchaseHistory(frequency: 2, recency: 30.43, age: 38.86)
        let t = 39.0
        let x = 2.0
        let z = t / (m.alpha + h.age + t)
        let f = try #require(SpecialFunctions.hypergeometric2F1(a: m.r + x, b: m.b + x, c: m.a + m.b + x - 1, z: z))
        let closed =
            (m.a + m.b + x - 1) / (m.a - 1) * (1 - pow((m.alpha + h.age) / (m.alpha + h.age + t), m.r + x) * f)
            / (1 + m.a / (m.b + x - 1) * pow((m.alpha + h.age) / (m.alpha + h.recency), m.r + x))
        let ours = try m.expectedPurchases(over: t, given: h)
        #expect(abs(ours - closed) < 1e-10 * closed)
        // Eq. 9 on the CDNOW sample: a new customer's expected repeat purchases in 39 weeks.
        let newCustomer = try m.expectedPurchases(over: 39)
        #expect(newCustomer > 0.3 && newCustomer < 2)
    }

    @Test("The expectation is continuous through a = 1")
    func continuousAtAEqualsOne() throws {
        let h = PurchaseHistory(frequency: 4, recency: 20, age: 30)
        let at = try BGNBDModel(r: 0.5, alpha: 4, a: 1, b: 2).expectedPurchases(over: 26, given: h)
        let below = try BGNBDModel(r: 0.5, alpha: 4, a: 1 - 1e-7, b: 2).expectedPurchases(over: 26, given: h)
        let above = try BGNBDModel(r: 0.5, alpha: 4, a: 1 + 1e-7, b: 2).expectedPurchases(over: 26, given: h)
        #expect(at.isFinite && at > 0)
        #expect(abs(at - below) < 1e-6 * at)
        #expect(abs(at - above) < 1e-6 * at)
    }

    @Test("No NaN for extreme histories", arguments: [
        PurchaseHistory(frequency: 0, recency: 0, age: 0),
        PurchaseHistory(frequency: 0, recency: 0, age: 1e7),
        PurchaseHistory(frequency: 5, recency: 30, age: 30),
        PurchaseHistory(frequency: 1, recency: 0.1, age: 1e7),
        PurchaseHistory(frequency: 500, recency: 38, age: 39),
        PurchaseHistory(frequency: 5_000, recency: 0.5, age: 1e6),
    ])
    func extremes(history: PurchaseHistory) throws {
        let m = Self.published
        let alive = m.probabilityAlive(history)
        #expect(alive.isFinite && alive >= 0 && alive <= 1)
        #expect(m.logLikelihood(history).isFinite)
        for t in [0.5, 39, 1e4] {
            let e = try m.expectedPurchases(over: t, given: history)
            #expect(e.isFinite && e >= 0)
            let p = try m.probabilityOfPurchase(over: t, given: history)
            #expect(p.isFinite && p >= 0 && p <= 1)
        }
    }

    @Test("Bad histories and horizons are errors")
    func badInput() {
        let m = Self.published
        #expect(throws: AnalyticsError.self) { try m.expectedPurchases(over: 1, given: PurchaseHistory(frequency: 2, recency: 5, age: 4)) }
        #expect(throws: AnalyticsError.self) { try m.expectedPurchases(over: 1, given: PurchaseHistory(frequency: 0, recency: 1, age: 4)) }
        #expect(throws: AnalyticsError.self) { try m.expectedPurchases(over: -1, given: PurchaseHistory(frequency: 0, recency: 0, age: 4)) }
        #expect(throws: AnalyticsError.self) { try m.expectedPurchases(over: .nan, given: PurchaseHistory(frequency: 0, recency: 0, age: 4)) }
        #expect(throws: AnalyticsError.self) { try BGNBDModel(r: 0, alpha: 1, a: 1, b: 1) }
        #expect(throws: AnalyticsError.self) { try BGNBDModel(r: 1, alpha: .infinity, a: 1, b: 1) }
        #expect(throws: AnalyticsError.self) { try SufficientStatistics([PurchaseHistory]()) }
    }
}
