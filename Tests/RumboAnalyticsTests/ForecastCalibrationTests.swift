import Foundation
import RumboCore
import Testing

@testable import RumboAnalytics

@Suite("Forecast calibration")
struct ForecastCalibrationTests {
    @Test("On the simulated corpus the forecast's Brier score beats the straight-line pace rule")
    func beatsPace() {
        let report = ForecastCalibration.evaluate(ForecastCalibration.simulatedCorpus(count: 600, seed: 7))
        let brier = Dictionary(uniqueKeysWithValues: report.scores.map { ($0.method, $0.brier) })
        #expect(report.predictions > 600 * 8)
        #expect(report.trendPredictions > report.predictions / 2)
        #expect(brier["forecast"]! < brier["pace_ratio"]!)
        #expect(brier["forecast"]! < brier["pace_light"]!)
    }
}
