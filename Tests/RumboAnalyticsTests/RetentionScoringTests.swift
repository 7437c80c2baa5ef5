import Foundation
import Testing

@testable import RumboAnalytics

@Suite("Scoring customers and the customer-base metrics")
struct RetentionScoringTests {
    static let sample = Array(CDNOW.summaries.prefix(800))

    @Test("Each score is the fitted model's own forecast; CLV and value at stake follow their formulas")
    func scoresAreTheModels() throws {
        let options = ScoringOptions(model: .pareto, horizon: 13, margin: 0.4, discountRate: 0.002)
        let scoring = try RetentionScoring(Self.sample, options: options)
        #expect(scoring.scores.count == Self.sample.count)
        let spend = try scoring.spend.get()
        for score in scoring.scores.prefix(60) {
            let history = score.summary.history
            #expect(score.pAlive == (try scoring.model.probabilityAlive(history)))
            #expect(score.expectedPurchases == (try scoring.model.expectedPurchases(over: 13, given: history)))
            let perPurchase = try spend.expectedAverageSpend(frequency: score.summary.frequency, meanSpend: score.summary.meanRepeatSpend ?? 0)
            #expect(score.expectedSpend == perPurchase)
            let discounted = try CustomerLifetimeValue.discounted(
                model: scoring.model, history: history, expectedSpend: perPurchase, margin: 0.4, discountRate: 0.002, horizon: 13)
            #expect(abs(score.clv! - discounted) <= 1e-9 * max(1, discounted))
            let rate = history.age > 0 ? Double(history.frequency) / history.age : 0
            #expect(abs(score.valueAtStake! - (1 - score.pAlive) * perPurchase * rate * 13) < 1e-9)
        }
    }

    @Test("One-time buyers can be at risk under Pareto/NBD and MBG/NBD, never under BG/NBD")
    func oneTimeBuyers() throws {
        for model in PurchaseModelKind.allCases {
            let scoring = try RetentionScoring(Self.sample, options: ScoringOptions(model: model))
            let oneTime = scoring.scores.filter { $0.summary.frequency == 0 }
            #expect(!oneTime.isEmpty)
            let lowest = oneTime.map(\.pAlive).min()!
            if model.judgesOneTimeBuyers { #expect(lowest < 0.9, "\(model)") } else { #expect(lowest == 1, "\(model)") }
        }
    }

    @Test("The at-risk list: below the threshold, the largest value at stake first")
    func atRiskOrder() throws {
        let scoring = try RetentionScoring(Self.sample, options: ScoringOptions())
        let list = scoring.atRisk(below: 0.3)
        #expect(!list.isEmpty && list.allSatisfy { $0.pAlive < 0.3 })
        #expect(list.count == scoring.scores.filter { $0.pAlive < 0.3 }.count)
        for (a, b) in zip(list, list.dropFirst()) { #expect((a.valueAtStake ?? -1) >= (b.valueAtStake ?? -1)) }
    }

    @Test("Bad options are errors, never NaN scores")
    func badOptions() {
        #expect(throws: AnalyticsError.self) { try RetentionScoring(Self.sample, options: ScoringOptions(horizon: 0)) }
        #expect(throws: AnalyticsError.self) { try RetentionScoring(Self.sample, options: ScoringOptions(margin: 1.5)) }
        #expect(throws: AnalyticsError.self) { try RetentionScoring(Self.sample, options: ScoringOptions(discountRate: .nan)) }
        #expect(throws: AnalyticsError.self) { try RetentionScoring([], options: ScoringOptions()) }
    }

    @Test("P(alive) over time: 1 on each repeat purchase day under Pareto/NBD, falling while the customer is quiet")
    func aliveHistory() throws {
        let model = ParetoNBDTests.published
        let first = DayNumber(year: 2024, month: 1, day: 1)
        let purchases = [0, 14, 14, 30, 44].map { DayNumber(first.value + $0) }
        let days = stride(from: first.value, through: first.value + 200, by: 1).map(DayNumber.init)
        let curve = try model.aliveHistory(purchaseDays: purchases, at: days, timeUnit: .weeks)
        #expect(curve.count == days.count && curve.allSatisfy { $0 > 0 && $0 <= 1 })
        for repeatDay in [14, 30, 44] { #expect(abs(curve[repeatDay] - 1) < 1e-9, "day \(repeatDay)") }
        for i in 45..<200 { #expect(curve[i + 1] < curve[i]) }
        // It matches the model on the summary of the same purchases cut at that day.
        let at100 = try model.probabilityAlive(PurchaseHistory(frequency: 3, recency: 44.0 / 7, age: 100.0 / 7))
        #expect(abs(curve[100] - at100) < 1e-12)
        #expect(throws: AnalyticsError.self) { try model.aliveHistory(purchaseDays: purchases, at: [DayNumber(first.value - 1)], timeUnit: .weeks) }
    }

    @Test("The customer-base metrics are means over the customers who had bought by each window's end")
    func customerBaseMetrics() throws {
        let transactions = CDNOW.transactions
        let end = CDNOW.calibrationEnd
        let middle = DayNumber(end.value - 60)
        let active = CustomerBaseMetrics.evaluate(transactions, windowEnds: [middle, end], fitEnd: end, members: nil, measure: .activeShare)
        let summaries = try CustomerSummaries.make(from: transactions.filter { $0.day <= end }, calibrationEnd: end, timeUnit: .weeks)
        let model = try ParetoNBDModel.fit(try SufficientStatistics(summaries)).model
        let expected = try summaries.map { try model.probabilityAlive($0.history) }.reduce(0, +) / Double(summaries.count)
        #expect(active[1].n == summaries.count)
        #expect(abs(active[1].value! - 100 * expected) < 1e-9)
        let earlier = try CustomerSummaries.make(
            from: transactions.filter { $0.day <= middle }, calibrationEnd: middle, timeUnit: .weeks)
        #expect(active[0].n == earlier.count)
        let atRisk = CustomerBaseMetrics.evaluate(transactions, windowEnds: [end], fitEnd: end, members: nil, measure: .atRiskShare(threshold: 0.5))
        let share = try summaries.filter { try model.probabilityAlive($0.history) < 0.5 }.count
        #expect(abs(atRisk[0].value! - 100 * Double(share) / Double(summaries.count)) < 1e-9)
        // A segment restricts who is averaged, not the fit.
        let members = Set(summaries.prefix(100).map(\.customerID))
        let segment = CustomerBaseMetrics.evaluate(transactions, windowEnds: [end], fitEnd: end, members: members, measure: .activeShare)
        let segmentMean = try summaries.prefix(100).map { try model.probabilityAlive($0.history) }.reduce(0, +) / 100
        #expect(segment[0].n == 100 && abs(segment[0].value! - 100 * segmentMean) < 1e-9)
        // A window before every purchase has nobody; tiny data gives no value or a finite one, never NaN.
        let before = CustomerBaseMetrics.evaluate(transactions, windowEnds: [DayNumber(year: 1996, month: 12, day: 1)], fitEnd: end, members: nil, measure: .activeShare)
        #expect(before[0].value == nil && before[0].n == 0)
        for measure in [CustomerBaseMetrics.Measure.activeShare, .meanValue(horizonWeeks: 52)] {
            let tiny = CustomerBaseMetrics.evaluate(Array(transactions.prefix(1)), windowEnds: [end], fitEnd: end, members: nil, measure: measure)
            #expect(tiny[0].n == 1 && (tiny[0].value?.isFinite ?? true))
        }
    }
}
