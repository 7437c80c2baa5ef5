import Foundation
import Testing

@testable import RumboAnalytics

@Suite("Gamma-Gamma")
struct GammaGammaTests {
    @Test("Reproduces Fader, Hardie & Lee (2005) on the 946 CDNOW repeat buyers")
    func cdnow() throws {
        let observations = GammaGammaModel.observations(from: CDNOW.summaries)
        #expect(observations.count == 946)
        let fit = try GammaGammaModel.fit(observations)
        #expect(abs(fit.model.p - 6.25) < 0.005)
        #expect(abs(fit.model.q - 3.74) < 0.005)
        #expect(abs(fit.model.gamma - 15.44) < 0.005)
        #expect(fit.diagnostics.converged)
        // The population mean spend per transaction, pγ/(q−1), is about $35.
        let mean = try fit.model.expectedAverageSpend()
        #expect(abs(mean - fit.model.p * fit.model.gamma / (fit.model.q - 1)) < 1e-12)
        #expect(mean > 30 && mean < 40)
    }

    @Test("Expected spend shrinks a customer's mean towards the population mean")
    func shrinkage() throws {
        let m = try GammaGammaModel(p: 6.25, q: 3.74, gamma: 15.44)
        let population = try m.expectedAverageSpend()
        #expect(try m.expectedAverageSpend(frequency: 0, meanSpend: 0) == population)
        let one = try m.expectedAverageSpend(frequency: 1, meanSpend: 100)
        let many = try m.expectedAverageSpend(frequency: 20, meanSpend: 100)
        #expect(population < one && one < many && many < 100)
    }

    @Test("Bad input is an error")
    func badInput() throws {
        #expect(throws: AnalyticsError.self) { try GammaGammaModel.fit([]) }
        #expect(throws: AnalyticsError.self) { try GammaGammaModel.fit([.init(frequency: 0, meanSpend: 10)]) }
        #expect(throws: AnalyticsError.self) { try GammaGammaModel.fit([.init(frequency: 2, meanSpend: 0)]) }
        #expect(throws: AnalyticsError.self) { try GammaGammaModel(p: 1, q: 0.5, gamma: 1).expectedAverageSpend() }
        #expect(throws: AnalyticsError.self) { try GammaGammaModel(p: 1, q: 2, gamma: 1).expectedAverageSpend(frequency: 1, meanSpend: .nan) }
    }
}
