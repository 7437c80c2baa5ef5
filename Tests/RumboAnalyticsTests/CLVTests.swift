import Foundation
import Testing

@testable import RumboAnalytics

@Suite("Customer lifetime value")
struct CLVTests {
    static let history = PurchaseHistory(frequency: 3, recency: 30, age: 38)

    static let models: [any RepeatPurchaseModel] = [
        BGNBDTests.published, ParetoNBDTests.published, try! MBGNBDModel(r: 0.525, alpha: 6.183, a: 0.891, b: 1.614),
    ]

    @Test("Without discounting the sum telescopes to margin × spend × E[Y(horizon)]")
    func undiscounted() throws {
        for model in Self.models {
            let clv = try CustomerLifetimeValue.discounted(
                model: model, history: Self.history, expectedSpend: 40, margin: 0.3, discountRate: 0, horizon: 52)
            let expected = 0.3 * 40 * (try model.expectedPurchases(over: 52, given: Self.history))
            #expect(abs(clv - expected) < 1e-9 * expected, "\(type(of: model).name)")
        }
    }

    @Test("One period: the purchases of that period discounted once; a partial last period ends at the horizon")
    func periods() throws {
        let model = BGNBDTests.published
        let one = try CustomerLifetimeValue.discounted(
            model: model, history: Self.history, expectedSpend: 10, discountRate: 0.1, horizon: 4, periodLength: 4)
        #expect(abs(one - 10 * (try model.expectedPurchases(over: 4, given: Self.history)) / 1.1) < 1e-12)
        // 2.5 periods of 4: ends at 4, 8, 10; the last discounted by 1.1^2.5.
        let partial = try CustomerLifetimeValue.discounted(
            model: model, history: Self.history, expectedSpend: 1, discountRate: 0.1, horizon: 10, periodLength: 4)
        let e = try [4.0, 8, 10].map { try model.expectedPurchases(over: $0, given: Self.history) }
        let expected = e[0] / 1.1 + (e[1] - e[0]) / pow(1.1, 2) + (e[2] - e[1]) / pow(1.1, 2.5)
        #expect(abs(partial - expected) < 1e-12)
    }

    @Test("Discounting lowers the value; a longer horizon raises it; zero horizon is worth nothing")
    func monotone() throws {
        for model in Self.models {
            func clv(_ d: Double, _ h: Double) throws -> Double {
                try CustomerLifetimeValue.discounted(model: model, history: Self.history, expectedSpend: 35, discountRate: d, horizon: h)
            }
            #expect(try clv(0.01, 52) < clv(0, 52))
            #expect(try clv(0.01, 52) < clv(0.01, 104))
            #expect(try clv(0.01, 0) == 0)
        }
    }

    @Test("Bad margins, rates and horizons are errors")
    func badInput() {
        let m = BGNBDTests.published
        for (margin, rate, horizon, period) in [(-0.1, 0.0, 1.0, 1.0), (1, -0.5, 1, 1), (1, .nan, 1, 1), (1, 0, -1, 1), (1, 0, 1, 0)] {
            #expect(throws: AnalyticsError.self) {
                try CustomerLifetimeValue.discounted(
                    model: m, history: Self.history, expectedSpend: 1, margin: margin, discountRate: rate, horizon: horizon, periodLength: period)
            }
        }
    }
}
