import Foundation
import Testing

@testable import RumboCore

@Suite("Forecast of a key result")
struct ForecastTests {
    let start = LocalDate("2026-01-05")!
    var due: LocalDate { start.adding(days: 91) }

    func keyResult(_ kind: KeyResult.Kind = .increase, baseline: Double? = 50, target: Double = 80) -> KeyResult {
        KeyResult(id: "kr", objectiveID: "o", title: "NPS", kind: kind, baseline: baseline, target: target, start: start, due: due)
    }

    /// Weekly check-ins with the given values, from the start.
    func history(_ values: [Double], provenance: [(Double, Double)?] = []) -> [CheckIn] {
        values.enumerated().map { week, value in
            let day = start.adding(days: 7 * week)
            let interval = week < provenance.count ? provenance[week] : nil
            return CheckIn(
                id: "c\(week)", keyResultID: "kr", value: value, recordedAt: day.startOfDay(in: TimeZone(identifier: "UTC")!), day: day,
                provenance: interval.map {
                    CheckIn.Provenance(metricID: "nps", filters: [:], window: "", windowStart: day, windowEnd: day, n: 100, low: $0.0, high: $0.1)
                })
        }
    }

    @Test("A steady climb ahead of pace: the trend extrapolates it and the target is very likely")
    func steadyClimb() {
        // +3 points a week from 50 with a little noise: 13 weeks reach about 89, target 80.
        let values = [50, 53.4, 55.8, 59.2, 62.1, 64.7].map { $0 }
        let day = start.adding(days: 35)
        let forecast = LocalTrendForecaster().forecast(keyResult(), history: history(values), on: day)
        #expect(forecast.method == .trend)
        #expect(abs(forecast.expected! - 89) < 3)
        #expect(forecast.low! < forecast.expected! && forecast.expected! < forecast.high!)
        #expect(forecast.probability! > 0.9)
        #expect(abs(forecast.trendPerWeek! - 2.9) < 0.3)
        // 15.3 points still needed in 8 weeks.
        #expect(abs(forecast.requiredPacePerWeek! - (80 - 64.7) / 8) < 1e-9)
        #expect(keyResult().state(history: history(values), on: day).status == .onTrack)
    }

    @Test("A plateau short of the target is red even when the straight line still says green")
    func plateau() {
        // A quick start to 66 (half the range), then flat for four weeks: on day 49 the pace rule
        // reads 0.53 done of 0.54 expected, green; the trend sees no movement and the target out of reach.
        let values = [50, 58, 64, 66.5, 65.8, 66.2, 66.1, 65.9]
        let day = start.adding(days: 49)
        let kr = keyResult()
        let state = kr.state(history: history(values), on: day)
        let pace = kr.state(history: history(values), on: day, forecaster: LocalTrendForecaster(minimumObservations: .max))
        #expect(pace.forecast.method == .pace && pace.status == .onTrack)
        #expect(state.forecast.method == .trend)
        #expect(state.forecast.probability! < 0.4)
        #expect(state.status == .offTrack)
    }

    @Test("Decrease and keep-below judge the lower side")
    func lowerSide() {
        let falling = history([40, 37, 34.2, 31, 28.1, 25])
        let day = start.adding(days: 35)
        let decrease = keyResult(.decrease, baseline: 40, target: 20)
        #expect(LocalTrendForecaster().forecast(decrease, history: falling, on: day).probability! > 0.9)
        let keepBelow = keyResult(.keepBelow, baseline: nil, target: 20)
        // Falling fast towards 20 and below it by the due date: compliance then is very likely.
        #expect(LocalTrendForecaster().forecast(keepBelow, history: falling, on: day).probability! > 0.8)
        let keepAbove = keyResult(.keepAbove, baseline: nil, target: 20)
        #expect(LocalTrendForecaster().forecast(keepAbove, history: falling, on: day).probability! < 0.2)
    }

    @Test("Too little history, milestones and the due date fall back to pace or the known outcome")
    func fallbacks() {
        let forecaster = LocalTrendForecaster()
        let three = forecaster.forecast(keyResult(), history: history([50, 55, 60]), on: start.adding(days: 14))
        #expect(three.method == .pace && three.probability == nil)
        #expect(abs(three.requiredPacePerWeek! - 20 / 11) < 1e-9)
        // Four check-ins on four days of one week: too short a span to see a trend.
        let sameWeek = (0..<4).map { i in
            CheckIn(id: "d\(i)", keyResultID: "kr", value: 50 + Double(i), recordedAt: Date(timeIntervalSince1970: Double(i) * 86400), day: start.adding(days: i))
        }
        #expect(forecaster.forecast(keyResult(), history: sameWeek, on: start.adding(days: 5)).method == .pace)
        let milestone = keyResult(.milestone, baseline: 0, target: 4)
        #expect(forecaster.forecast(milestone, history: history([0, 1, 1, 2, 2]), on: start.adding(days: 28)).method == .pace)
        let done = history([50, 60, 70, 75, 78, 79, 80, 81, 80, 80, 81, 82, 81, 80])
        let final = forecaster.forecast(keyResult(), history: done, on: due)
        #expect(final.method == .final && final.probability == 1 && final.requiredPacePerWeek == nil)
        let noHistory = forecaster.forecast(keyResult(), history: [], on: start)
        #expect(noHistory.method == .pace && noHistory.observations == 0)
    }

    @Test("Degenerate histories give finite numbers: constant values, huge magnitudes")
    func degenerate() {
        let forecaster = LocalTrendForecaster()
        let flat = forecaster.forecast(keyResult(), history: history([50, 50, 50, 50, 50]), on: start.adding(days: 28))
        #expect(flat.method == .trend && flat.probability! < 0.01)
        let huge = forecaster.forecast(keyResult(target: 1e15), history: history([1e14, 2e14, 3e14, 4e14, 5e14]), on: start.adding(days: 28))
        #expect(huge.probability.map { $0.isFinite && $0 >= 0 && $0 <= 1 } ?? true)
        #expect(huge.expected.map(\.isFinite) ?? true)
    }

    @Test("A move inside the new value's 95% interval is flagged as noise; one outside it is not")
    func noise() {
        let checkIns = history([41, 42.5, 49], provenance: [(36, 46), (38, 47), (45, 53)])
        #expect(checkIns[1].isWithinNoise(of: checkIns[0]) == true)
        #expect(checkIns[2].isWithinNoise(of: checkIns[1]) == false)
        #expect(history([41, 42]).last!.isWithinNoise(of: checkIns[0]) == nil)
    }
}

@Suite("Student t")
struct StudentTTests {
    @Test("The CDF matches published quantiles for odd and even degrees of freedom")
    func quantiles() {
        // t tables: the 0.975 quantile is 12.706 (1), 4.303 (2), 3.182 (3), 2.776 (4), 2.228 (10), 2.042 (30).
        for (nu, q) in [(1, 12.706), (2, 4.303), (3, 3.182), (4, 2.776), (10, 2.228), (30, 2.042)] {
            #expect(abs(StudentT.cdf(q, degreesOfFreedom: nu) - 0.975) < 1e-4)
            #expect(abs(StudentT.cdf(-q, degreesOfFreedom: nu) - 0.025) < 1e-4)
            #expect(abs(StudentT.quantile(0.975, degreesOfFreedom: nu) - q) < 2e-3)
        }
        #expect(StudentT.cdf(0, degreesOfFreedom: 7) == 0.5)
    }
}
