import Foundation
import Testing

@testable import RumboCore

/// The weekly agenda, the monthly review and the retrospective on a small cycle built by hand.
@Suite("The OKR rhythm")
struct RhythmTests {
    static let today = LocalDate("2026-11-25")!
    static let start = LocalDate("2026-10-01")!
    static let due = LocalDate("2026-12-31")!

    static func checkIn(_ kr: String, _ day: LocalDate, _ value: Double, blockers: String = "", interval: (Double, Double)? = nil) -> CheckIn {
        CheckIn(
            id: "\(kr)_\(day)", keyResultID: kr, value: value, blockers: blockers, recordedAt: day.startOfDay(in: TimeZone(identifier: "UTC")!),
            day: day,
            provenance: interval.map {
                .init(metricID: "nps", filters: [:], window: "w", windowStart: day.adding(days: -6), windowEnd: day, n: 200, low: $0.0, high: $0.1)
            })
    }

    /// Support (under the company) with four key results: one climbing, one flat and far from its
    /// target, one whose latest move is inside its interval, one with no check-in for two weeks.
    static func data(status: Cycle.Status = .active) -> CycleData {
        let teams = [Team(id: "t_co", name: "Nimbus"), Team(id: "t_sup", name: "Soporte", parentID: "t_co"), Team(id: "t_sales", name: "Ventas", parentID: "t_co")]
        let objectives = [
            Objective(id: "o1", cycleID: "c", teamID: "t_sup", title: "Responder rápido y bien"),
            Objective(id: "o2", cycleID: "c", teamID: "t_sales", title: "Vender mejor"),
        ]
        func kr(_ id: String, _ objective: String, _ title: String, baseline: Double, target: Double, owner: String? = nil) -> KeyResult {
            KeyResult(id: id, objectiveID: objective, title: title, kind: .increase, baseline: baseline, target: target, start: start, due: due, ownerID: owner)
        }
        let keyResults = [
            kr("climb", "o1", "CSAT de 70 a 90", baseline: 70, target: 90),
            kr("flat", "o1", "FCR de 50 a 80", baseline: 50, target: 80),
            kr("noisy", "o1", "NPS de 20 a 35", baseline: 20, target: 35),
            kr("stale", "o1", "Reaperturas de 10 a 20", baseline: 10, target: 20, owner: "p_ana"),
            kr("sales", "o2", "Conversión de 10 a 15", baseline: 10, target: 15),
        ]
        var checkIns: [CheckIn] = []
        for week in 0..<8 {
            let day = start.adding(days: 6 + 7 * week)  // the last on Nov 25
            checkIns.append(checkIn("climb", day, 70 + 2.0 * Double(week + 1)))
            checkIns.append(checkIn("flat", day, 52 + (week % 2 == 0 ? 0.2 : -0.2), blockers: week == 7 ? "Falta el nuevo CRM" : ""))
            checkIns.append(checkIn("noisy", day, week == 7 ? 27.5 : 20 + Double(week), interval: week == 7 ? (24, 31) : nil))
            if week < 6 { checkIns.append(checkIn("stale", day, 12 + Double(week))) }
            checkIns.append(checkIn("sales", day, 10 + 0.6 * Double(week + 1)))
        }
        let initiatives = [
            Initiative(id: "i1", title: "Macros de respuesta", status: .inProgress, start: LocalDate("2026-11-05")!, keyResultIDs: ["climb"]),
            Initiative(id: "i2", title: "Sin fecha", status: .planned, keyResultIDs: ["flat"]),
        ]
        let cycle = Cycle(id: "c", name: "2026 T4", start: start, end: due, status: status)
        return CycleData(
            organization: Organization(id: "org", slug: "nimbus", name: "Nimbus", language: .spanish, timeZone: "Europe/Madrid"), cycle: cycle,
            cycles: [cycle], teams: teams, people: [Person(id: "p_ana", name: "Ana")], objectives: objectives, keyResults: keyResults,
            initiatives: initiatives, checkIns: checkIns)
    }

    @Test("Weekly agenda: what moved beyond noise, what is red, blockers, who has not checked in")
    func weekly() {
        let agenda = Self.data().weeklyAgenda(today: Self.today, teamID: "t_sup")
        #expect(agenda.periodStart == LocalDate("2026-11-19")! && agenda.day == Self.today)
        #expect(Set(agenda.items.map(\.summary.keyResult.id)) == ["climb", "flat", "noisy", "stale"], "a team and the teams below it only")
        // "noisy" went 26 → 27.5 inside its interval 24–31; "stale" had no check-in this week.
        #expect(Set(agenda.moved.map(\.summary.keyResult.id)) == ["climb", "flat"])
        #expect(agenda.items.first { $0.summary.keyResult.id == "noisy" }?.withinNoise == true)
        #expect(agenda.red.map(\.summary.keyResult.id).contains("flat"))
        #expect(!agenda.red.map(\.summary.keyResult.id).contains("climb"))
        #expect(agenda.blocked.map(\.summary.keyResult.id) == ["flat"] && agenda.blocked[0].blockers == ["Falta el nuevo CRM"])
        #expect(agenda.stale.map(\.keyResult.id) == ["stale"] && agenda.stale[0].owner?.name == "Ana" && agenda.stale[0].daysSince == 14)
        // The traffic-light grid: eight week ends, the first before any value for none of them here.
        let climb = agenda.items.first { $0.summary.keyResult.id == "climb" }!
        #expect(climb.weeklyStatuses.count == 8 && climb.weeklyStatuses.last?.weekEnd == Self.today)
        #expect(climb.weeklyStatuses.allSatisfy { $0.status != nil })
        // Everyone: the sales team's key result is there too.
        #expect(Self.data().weeklyAgenda(today: Self.today).items.count == 5)
    }

    @Test("Stale check-ins only in a running cycle, and not before a key result has run a week")
    func staleRules() {
        #expect(Self.data(status: .closed).staleKeyResults(today: Self.today).isEmpty)
        #expect(Self.data().staleKeyResults(today: Self.start.adding(days: 5)).isEmpty)
        #expect(Self.data().staleKeyResults(today: Self.today, days: 30).isEmpty)
    }

    @Test("Monthly review: 30 days of change and each initiative's before/after from check-ins")
    func monthly() {
        let review = Self.data().monthlyReview(today: Self.today, teamID: "t_sup")
        #expect(review.periodStart == LocalDate("2026-10-27")!)
        let climb = review.items.first { $0.summary.keyResult.id == "climb" }!
        // Oct 21 (the last before Oct 27) had 76; Nov 25 has 86.
        #expect(climb.valueAtStart == 76 && climb.change == 10)
        #expect(review.impacts.count == 1, "the initiative without a start day has no before and after")
        let impact = review.impacts[0]
        // Before Nov 5: Oct 8…Nov 4 → 74, 76, 78, 80 (Oct 7 is outside the 28 days); after: Nov 11, 18, 25 → 82, 84, 86.
        #expect(impact.before?.value == 77 && impact.before?.n == 4)
        #expect(impact.after?.value == 84 && impact.after?.n == 3)
        #expect(impact.change == 7 && impact.favourable == true && impact.beyondNoise == nil && impact.source == .checkIns)
    }

    @Test("Impact verdicts: disjoint intervals are beyond the noise, in the key result's direction")
    func impactVerdicts() {
        let kr = KeyResult(id: "k", objectiveID: "o", title: "Escalados de 40% a 25%", kind: .decrease, baseline: 40, target: 25, start: Self.start, due: Self.due)
        let initiative = Initiative(id: "i", title: "Runbooks", status: .inProgress)
        func impact(_ before: (Double, Double, Double), _ after: (Double, Double, Double)) -> InitiativeImpact {
            InitiativeImpact(
                initiative: initiative, keyResult: kr,
                before: .init(value: before.0, low: before.1, high: before.2, n: 300, from: Self.start, to: Self.start.adding(days: 27)),
                after: .init(value: after.0, low: after.1, high: after.2, n: 300, from: Self.start.adding(days: 28), to: Self.today), source: .metric)
        }
        let better = impact((40, 36, 44), (31, 27, 35))
        #expect(better.beyondNoise == true && better.favourable == true)
        let noise = impact((40, 36, 44), (38, 34, 42))
        #expect(noise.beyondNoise == false && noise.favourable == true)
        #expect(impact((30, 27, 33), (40, 36, 44)).favourable == false)
    }

    @Test("Retrospective: grades, their distribution, what carries over")
    func retrospective() {
        let retro = Self.data(status: .closed).retrospective(today: Self.today)
        #expect(retro.day == Self.due, "a closed cycle is graded on its last day")
        let grades = Dictionary(uniqueKeysWithValues: retro.keyResults.map { ($0.summary.keyResult.id, $0.grade) })
        #expect(abs(grades["climb"]! - 0.8) < 1e-9)  // 86 on the way from 70 to 90
        #expect(abs(grades["sales"]! - 0.96) < 1e-9)
        #expect(abs(grades["flat"]! - (51.8 - 50) / 30) < 1e-9)
        #expect(retro.distribution.reduce(0, +) == 5 && retro.distribution[9] == 1)
        #expect(Set(retro.unfinished.map(\.summary.keyResult.id)) == ["climb", "flat", "noisy", "stale", "sales"])
        #expect(retro.openInitiatives.map(\.id).sorted() == ["i1", "i2"])
        let support = retro.objectives.first { $0.objective.id == "o1" }!
        #expect(abs(support.grade - ["climb", "flat", "noisy", "stale"].map { grades[$0]! }.reduce(0, +) / 4) < 1e-9)
        #expect(abs(retro.meanGrade - grades.values.reduce(0, +) / 5) < 1e-9)
        #expect(Self.data(status: .closed).retrospective(today: Self.today, teamID: "t_sales").keyResults.count == 1)
    }
}
