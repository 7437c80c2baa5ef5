import Foundation
import RumboCore
import Testing

@testable import RumboAnalytics

@Suite("Business impact")
struct BusinessImpactTests {
    let settings = ImpactSettings(currency: "€", hourlyCost: 40, minutesPerEscalation: 30, revenuePerCustomer: 1_200, revenuePerAppointment: 60)

    @Test("Escalations 40% → 25% on 2,000 tickets a month at 30 min each free 150 h = €6,000 a month")
    func escalations() throws {
        // 1,400 tickets counted in a 21-day window: 2,000 a month.
        let impact = try #require(ImpactModel.impact(metricID: "escalation_rate", from: 40, to: 25, n: 1_400, windowDays: 21, settings: settings))
        #expect(impact.kind == .hoursPerMonth && abs(impact.volume - 2_000) < 1e-9)
        #expect(abs(impact.hours! - 150) < 1e-9 && abs(impact.money! - 6_000) < 1e-9)
        // Moving the wrong way costs hours; a better FCR saves them.
        #expect(ImpactModel.impact(metricID: "escalation_rate", from: 25, to: 40, n: 1_400, windowDays: 21, settings: settings)!.hours! < 0)
        #expect(ImpactModel.impact(metricID: "first_contact_resolution", from: 60, to: 70, n: 1_000, windowDays: 30, settings: settings)!.hours! > 0)
        // Without a cost per hour: hours only.
        let noCost = ImpactSettings(minutesPerEscalation: 30)
        #expect(ImpactModel.impact(metricID: "escalation_rate", from: 40, to: 25, n: 1_400, windowDays: 21, settings: noCost)?.money == nil)
        #expect(ImpactModel.impact(metricID: "escalation_rate", from: 40, to: 25, n: 1_400, windowDays: 21, settings: ImpactSettings()) == nil)
    }

    @Test("+5 points of retention on 800 customers worth €1,200 a year keep €48,000; cancellations recover appointments")
    func revenue() throws {
        let retention = try #require(ImpactModel.impact(metricID: "retention_rate", from: 80, to: 85, n: 800, windowDays: 90, settings: settings))
        #expect(retention.kind == .revenuePerYear && abs(retention.money! - 48_000) < 1e-6)
        let churn = try #require(ImpactModel.impact(metricID: "churn_rate", from: 3, to: 2, n: 1_000, windowDays: 30, settings: settings))
        #expect(abs(churn.money! - 12_000) < 1e-6)
        // 12% → 10% cancellations on 900 appointments a month at €60: 18 more appointments, €1,080.
        let cancellations = try #require(ImpactModel.impact(metricID: "cancellation_rate", from: 12, to: 10, n: 840, windowDays: 28, settings: settings))
        #expect(cancellations.kind == .revenuePerMonth && abs(cancellations.money! - 1_080) < 1e-6)
        #expect(ImpactModel.impact(metricID: "nps", from: 20, to: 35, n: 500, windowDays: 28, settings: settings) == nil)
    }

    @Test("A bound key result: so far and at target, from its latest automatic value's sample")
    func keyResult() throws {
        let start = LocalDate("2026-10-01")!
        let kr = KeyResult(id: "k", objectiveID: "o", title: "Escalados de 40% a 25%", kind: .decrease, unit: "%", baseline: 40, target: 25, start: start, due: start.adding(days: 91))
        let provenance = CheckIn.Provenance(metricID: "escalation_rate", filters: [:], window: "2026-W47", windowStart: LocalDate("2026-11-16")!, windowEnd: LocalDate("2026-11-22")!, n: 500, low: 30, high: 40)
        let history = [CheckIn(id: "c", keyResultID: "k", value: 35, source: .automatic, recordedAt: Date(), day: LocalDate("2026-11-22")!, provenance: provenance)]
        let impact = try #require(ImpactModel.impact(of: kr, history: history, settings: settings))
        // 500 tickets a week → 2,142.9 a month; 5 points so far, 15 at the target.
        #expect(abs(impact.soFar.hours! - 0.05 * 500 * 30 / 7 * 0.5) < 1e-9)
        #expect(abs(impact.atTarget.hours! - 3 * impact.soFar.hours!) < 1e-9)
        #expect(ImpactModel.impact(of: kr, history: [], settings: settings) == nil)
        #expect(throws: RumboError.self) { try ImpactSettings(hourlyCost: -1).validate() }
        #expect(throws: RumboError.self) { try ImpactSettings(currency: "").validate() }
        #expect(throws: RumboError.self) { try ImpactSettings(minutesPerEscalation: .infinity).validate() }
        try settings.validate()
    }
}
