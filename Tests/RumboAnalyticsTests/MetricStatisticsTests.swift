import Foundation
import RumboCore
import Testing

@testable import RumboAnalytics

@Suite("Metric statistics, windows and catalog")
struct MetricStatisticsTests {
    static func day(_ text: String) -> LocalDate { LocalDate(text)! }

    @Test("Nearest-rank percentiles: rank ceil(p·n), no interpolation")
    func nearestRank() {
        #expect(MetricStatistics.nearestRank(p: 0.5, n: 6) == 3)  // even count: the lower middle, not the average
        #expect(MetricStatistics.nearestRank(p: 0.5, n: 7) == 4)
        #expect(MetricStatistics.nearestRank(p: 0.9, n: 10) == 9)
        #expect(MetricStatistics.nearestRank(p: 0.9, n: 20) == 18)  // 0.9 × 20 is 18, whatever the rounding of 0.9
        #expect(MetricStatistics.nearestRank(p: 0.9, n: 21) == 19)
        #expect(MetricStatistics.nearestRank(p: 0.9, n: 1) == 1)
        #expect(MetricStatistics.nearestRank(p: 0.5, n: 1) == 1)
        for n in 1...2_000 {
            #expect(MetricStatistics.nearestRank(p: 0.9, n: n) == (9 * n + 9) / 10)
            #expect(MetricStatistics.nearestRank(p: 0.5, n: n) == (n + 1) / 2)
        }
        #expect(MetricStatistics.percentile([6, 1, 5, 2, 4, 3], p: 0.5) == 3)
        #expect(MetricStatistics.percentile([], p: 0.5) == nil)
    }

    @Test("Percentile interval ranks (Campbell & Gardner), clamped to [1, n]")
    func percentileRanks() {
        // n = 6, p = 0.5: np = 3, 1.96·√1.5 = 2.4005 → ranks round(0.5995) = 1 and round(6.4005) = 6.
        #expect(MetricStatistics.percentileRanks(p: 0.5, n: 6) == (3, 1, 6))
        // n = 100, p = 0.5: 1.96·5 = 9.8 → round(40.2) = 40, round(60.8) = 61.
        #expect(MetricStatistics.percentileRanks(p: 0.5, n: 100) == (50, 40, 61))
        // n = 100, p = 0.9: 1.96·3 = 5.88 → round(84.12) = 84, round(96.88) = 97.
        #expect(MetricStatistics.percentileRanks(p: 0.9, n: 100) == (90, 84, 97))
        #expect(MetricStatistics.percentileRanks(p: 0.9, n: 1) == (1, 1, 1))
        for n in 1...500 {
            let r = MetricStatistics.percentileRanks(p: 0.9, n: n)
            #expect(1 <= r.low && r.low <= r.value && r.value <= r.high && r.high <= n)
        }
    }

    @Test("Wilson score interval")
    func wilson() {
        let eight = MetricStatistics.wilson(successes: 8, n: 10)
        #expect(abs(eight.low - 0.4901568467207233) < 1e-12 && abs(eight.high - 0.9433190520193067) < 1e-12)
        let none = MetricStatistics.wilson(successes: 0, n: 10)
        #expect(none.low == 0 && abs(none.high - 0.2775401687666166) < 1e-12)
        let all = MetricStatistics.wilson(successes: 10, n: 10)
        #expect(abs(all.low - 0.7224598312333834) < 1e-12 && all.high == 1)
        let value = MetricValue.proportion(Self.window, successes: 8, n: 10, minimumSample: 10)
        #expect(value.value == 80 && value.status == .ok && abs(value.low! - 49.01568467207233) < 1e-9)
    }

    @Test("NPS and its normal-approximation interval")
    func netScore() {
        // 5 promoters, 2 passives, 3 detractors.
        let score = MetricStatistics.netScore(promoters: 5, detractors: 3, n: 10)
        #expect(score.value == 20)
        #expect(abs(score.low - -34.033471108193666) < 1e-9 && abs(score.high - 74.03347110819367) < 1e-9)
        // Everyone a promoter: no variance; a 50/50 split of promoters and detractors: 0 ± 62.
        #expect(MetricStatistics.netScore(promoters: 10, detractors: 0, n: 10) == (100, 100, 100))
        let split = MetricStatistics.netScore(promoters: 5, detractors: 5, n: 10)
        #expect(split.value == 0 && abs(split.high - 196 * (0.1).squareRoot()) < 1e-9)
        // Clamped to [−100, 100].
        let small = MetricStatistics.netScore(promoters: 1, detractors: 0, n: 2)
        #expect(small.high == 100 && small.low > -100)
    }

    @Test("Mean ± 1.96·s/√n")
    func mean() {
        // 1…6: mean 3.5, Σ(x − 3.5)² = 17.5, s² = 3.5.
        let value = MetricValue.mean(Self.window, n: 6, sum: 21, squaredDeviations: 17.5, minimumSample: 5)
        let half = 1.96 * (3.5 as Double).squareRoot() / (6 as Double).squareRoot()
        #expect(value.value == 3.5 && abs(value.low! - (3.5 - half)) < 1e-12 && abs(value.high! - (3.5 + half)) < 1e-12)
        // Durations in milliseconds shown in minutes.
        let minutes = MetricValue.mean(Self.window, n: 2, sum: 240_000, squaredDeviations: 0, scale: 60_000, minimumSample: 1)
        #expect(minutes.value == 2 && minutes.low == 2 && minutes.high == 2)
        // One value: no interval.
        let single = MetricValue.mean(Self.window, n: 1, sum: 7, squaredDeviations: nil, minimumSample: 1)
        #expect(single.value == 7 && single.low == nil && single.status == .ok)
    }

    static let window = MetricWindow(label: "2026-03", start: day("2026-03-01"), end: day("2026-03-31"), partial: false)

    @Test("No data and insufficient samples never show a value")
    func gating() {
        let empty = MetricValue.proportion(Self.window, successes: 0, n: 0, minimumSample: 10)
        #expect(empty.status == .noData && empty.value == nil && empty.n == 0 && empty.low == nil)
        let few = MetricValue.netScore(Self.window, promoters: 3, detractors: 1, n: 9, minimumSample: 10)
        #expect(few.status == .insufficient && few.value == nil && few.n == 9)
        let young = MetricValue.proportion(Self.window, successes: 3, n: 12, minimumSample: 10, immature: true)
        #expect(young.status == .immature && young.value == 25)
        let ratio = MetricValue.ratio(Self.window, numerator: 110, denominator: 100, n: 5, minimumSample: 5)
        #expect(ratio.value == 110 && ratio.low == nil)
        let count = MetricValue.count(Self.window, count: 0, n: 4, minimumSample: 1)
        #expect(count.value == 0 && count.status == .ok)
    }

    @Test("Windows: ISO weeks, months, quarters, days, cut periods and rolling windows")
    func windows() {
        let weeks = MetricQuery(metricID: "nps", period: .week, from: Self.day("2026-12-30"), to: Self.day("2027-01-12")).windows()
        #expect(weeks.map(\.label) == ["2026-W53", "2027-W01", "2027-W02"])
        #expect(weeks[0].start == Self.day("2026-12-30") && weeks[0].end == Self.day("2027-01-03") && weeks[0].partial)
        #expect(weeks[1].start == Self.day("2027-01-04") && weeks[1].end == Self.day("2027-01-10") && !weeks[1].partial)
        #expect(weeks[2].end == Self.day("2027-01-12") && weeks[2].partial)
        // 2026-01-01 is a Thursday: week 1 of 2026 starts on Monday 2025-12-29.
        #expect(MetricPeriod.week.label(ofPeriodStarting: Self.day("2025-12-29")) == "2026-W01")
        #expect(MetricPeriod.week.start(of: Self.day("2026-01-04")) == Self.day("2025-12-29"))
        #expect(MetricPeriod.week.label(ofPeriodStarting: Self.day("2024-12-30")) == "2025-W01")

        let months = MetricQuery(metricID: "nps", period: .month, from: Self.day("2026-01-15"), to: Self.day("2026-03-31")).windows()
        #expect(months.map(\.label) == ["2026-01", "2026-02", "2026-03"])
        #expect(months.map(\.partial) == [true, false, false])
        #expect(months[1].start == Self.day("2026-02-01") && months[1].end == Self.day("2026-02-28"))

        let quarters = MetricQuery(metricID: "nps", period: .quarter, from: Self.day("2025-11-01"), to: Self.day("2026-04-01")).windows()
        #expect(quarters.map(\.label) == ["2025-Q4", "2026-Q1", "2026-Q2"])
        #expect(quarters[1].start == Self.day("2026-01-01") && quarters[1].end == Self.day("2026-03-31") && !quarters[1].partial)
        #expect(quarters[2].start == Self.day("2026-04-01") && quarters[2].end == Self.day("2026-04-01") && quarters[2].partial)

        let days = MetricQuery(metricID: "nps", period: .day, from: Self.day("2026-03-28"), to: Self.day("2026-03-30")).windows()
        #expect(days.map(\.label) == ["2026-03-28", "2026-03-29", "2026-03-30"] && days.allSatisfy { !$0.partial && $0.days == 1 })

        // Rolling: the 30 days ending on each month's last day (or on `to`).
        let rolling = MetricQuery(metricID: "nps", period: .month, rollingDays: 30, from: Self.day("2026-01-10"), to: Self.day("2026-03-15")).windows()
        #expect(rolling.map(\.label) == ["2026-01", "2026-02", "2026-03"])
        #expect(rolling[0].start == Self.day("2026-01-02") && rolling[0].end == Self.day("2026-01-31") && !rolling[0].partial)
        #expect(rolling[1].start == Self.day("2026-01-30") && rolling[1].end == Self.day("2026-02-28"))
        #expect(rolling[2].start == Self.day("2026-02-14") && rolling[2].end == Self.day("2026-03-15") && rolling[2].partial)
        #expect(rolling.allSatisfy { $0.days == 30 })

        #expect(MetricQuery(metricID: "nps", from: Self.day("2026-02-01"), to: Self.day("2026-01-01")).windows().isEmpty)
    }

    @Test("Query checks: unknown metric, filter or parameter, reversed range, too many windows")
    func plans() throws {
        let jan = Self.day("2026-01-01")
        func field(_ query: MetricQuery) -> String? {
            do {
                _ = try MetricPlan(query)
                return nil
            } catch let error as RumboError {
                #expect(error.code == .invalid && !error.messageEN.isEmpty && !error.messageES.isEmpty)
                return error.field
            } catch {
                return "?"
            }
        }
        #expect(field(MetricQuery(metricID: "nope", from: jan, to: jan)) == "metric")
        #expect(field(MetricQuery(metricID: "nps", from: jan, to: jan.adding(days: -1))) == "from")
        #expect(field(MetricQuery(metricID: "nps", from: jan, to: jan, filters: ["priority": "high"])) == "filter")
        #expect(field(MetricQuery(metricID: "nps", from: jan, to: jan, filters: ["touchpoint": ""])) == "filter")
        #expect(field(MetricQuery(metricID: "nps", period: .day, from: jan, to: jan.adding(days: 1_000))) == "period")
        #expect(field(MetricQuery(metricID: "nps", period: .day, from: jan, to: jan.adding(days: 999))) == nil)
        #expect(field(MetricQuery(metricID: "nps", rollingDays: 5_000, from: jan, to: jan)) == "period")
        #expect(field(MetricQuery(metricID: "nps", from: jan, to: jan, parameters: ["within_days": 3])) == "parameters")
        #expect(field(MetricQuery(metricID: "nps", from: jan, to: jan, parameters: ["min_sample": 0])) == "parameters")
        #expect(field(MetricQuery(metricID: "conversion_rate", from: jan, to: jan, parameters: ["within_days": -1])) == "parameters")

        let plan = try MetricPlan(
            MetricQuery(
                metricID: "on_time_start_rate", from: jan, to: jan, filters: ["team": "N1", "segment": "vip"],
                parameters: ["tau_minutes": 7.5, "min_sample": 3]))
        #expect(plan.milliseconds("tau_minutes", unit: 60_000) == 450_000)
        #expect(plan.minimumSample == 3 && plan.segment == "vip" && plan.columnFilters.map(\.column) == ["team"])
        // On the customers table, segment is the row's own column.
        let onboarding = try MetricPlan(MetricQuery(metricID: "onboarding_completion", from: jan, to: jan, filters: ["segment": "vip"]))
        #expect(onboarding.segment == nil && onboarding.columnFilters.map(\.column) == ["segment"])
    }

    @Test("The catalog is consistent with the data layouts")
    func catalog() {
        let ids = MetricCatalog.all.map(\.id)
        #expect(Set(ids).count == ids.count)
        for required in [
            "nps", "csat", "csat_mean", "ces_mean", "ces_easy", "survey_response_rate", "enps", "favourable_reviews", "first_response_median",
            "first_response_p90", "first_response_mean", "resolution_median", "resolution_p90", "first_contact_resolution", "sla_attainment",
            "escalation_rate", "unanswered_requests", "confirmation_time_mean", "confirmation_time_median", "confirmation_time_p90",
            "on_time_start_rate", "cancellation_rate", "late_cancellation_rate", "no_show_rate", "repurchase_rate", "average_order_value",
            "followup_coverage", "churn_rate", "nrr", "grr", "lead_response_median", "lead_response_within_5min", "lead_response_within_1h",
            "handoff_quality", "conversion_rate", "self_service_success", "chatbot_escalation_rate", "onboarding_completion",
        ] {
            #expect(MetricCatalog.definition(required) != nil, "missing \(required)")
        }
        for definition in MetricCatalog.all {
            let layout = definition.kind.layout
            #expect(definition.id.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" })
            #expect(layout.fields.contains { $0.dayColumn == definition.attribution }, "\(definition.id): no \(definition.attribution)")
            for filter in definition.filters {
                #expect(filter == "segment" || layout.index(of: filter) != nil, "\(definition.id): no column \(filter)")
                if filter == "segment" && definition.kind != .customers { #expect(layout.index(of: "customer_id") != nil) }
            }
            #expect(definition.minimumSample >= 1)
            for key in definition.parameters.keys {
                #expect(definition.definitionEN.contains(key) && definition.definitionES.contains(key), "\(definition.id): \(key) undocumented")
            }
            #expect(definition.definitionEN.contains("n ≥ \(definition.minimumSample)") && definition.definitionES.contains("n ≥ \(definition.minimumSample)"))
            if case .percentile = definition.statistic {
                #expect(definition.definitionEN.contains("Nearest-rank") && definition.unit.milliseconds != nil)
            }
            #expect(!definition.nameEN.isEmpty && !definition.nameES.isEmpty)
        }
    }
}
