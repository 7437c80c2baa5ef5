import Foundation
import Testing

@testable import RumboCore

/// Each coach rule on a small cycle built to trigger it, and on one built not to, in both languages.
@Suite("The OKR coach")
struct CoachTests {
    static let today = LocalDate("2026-11-25")!
    static let start = LocalDate("2026-10-01")!
    static let due = LocalDate("2026-12-31")!

    /// A well-written cycle: the company and a support team, aligned, measurable, with initiatives,
    /// a quality guardrail beside the speed goal, and fresh check-ins. The coach says nothing.
    struct Cycle {
        var teams = [Team(id: "t_company", name: "Nimbus"), Team(id: "t_support", name: "Soporte", parentID: "t_company")]
        var objectives = [
            Objective(id: "o_company", cycleID: "c", teamID: "t_company", title: "Que los clientes se queden con nosotros"),
            Objective(
                id: "o_support", cycleID: "c", teamID: "t_support", title: "Responder rápido y bien",
                alignments: [Alignment(kind: .objective, id: "o_company")]),
        ]
        var keyResults = [
            KeyResult(id: "k1", objectiveID: "o_company", title: "NPS de 20 a 35", kind: .increase, baseline: 20, target: 35, start: start, due: due),
            KeyResult(id: "k2", objectiveID: "o_company", title: "Retención del 80% al 88%", kind: .increase, baseline: 80, target: 88, start: start, due: due),
            KeyResult(
                id: "k3", objectiveID: "o_support", title: "Reducir la mediana de primera respuesta de 2 h a 45 min", kind: .decrease, baseline: 120,
                target: 45, start: start, due: due),
            KeyResult(id: "k4", objectiveID: "o_support", title: "CSAT por encima del 90%", kind: .keepAbove, baseline: nil, target: 90, start: start, due: due),
        ]
        var initiatives = [Initiative(id: "i1", title: "Respuestas guardadas", status: .inProgress, keyResultIDs: ["k1", "k2", "k3", "k4"])]
        var checkIns: [CheckIn] = ["k1", "k2", "k3", "k4"].map {
            CheckIn(id: "ci_\($0)", keyResultID: $0, value: 50, recordedAt: Date(), day: CoachTests.today.adding(days: -3))
        }
        var status = RumboCore.Cycle.Status.active

        var data: CycleData {
            let cycle = RumboCore.Cycle(id: "c", name: "2026 T4", start: CoachTests.start, end: CoachTests.due, status: status)
            return CycleData(
                organization: Organization(id: "org", slug: "nimbus", name: "Nimbus", language: .spanish, timeZone: "Europe/Madrid"), cycle: cycle,
                cycles: [cycle], teams: teams, people: [], objectives: objectives, keyResults: keyResults, initiatives: initiatives, checkIns: checkIns)
        }

        func rules(pastGrades: [String: [Double]] = [:], metricIDs: [String: String] = [:]) -> [String] {
            OKRCoach.review(data, today: CoachTests.today, pastGrades: pastGrades, metricIDs: metricIDs).map(\.rule)
        }
    }

    @Test("A well-written cycle gets no finding; every finding explains itself in both languages")
    func cleanCycle() {
        #expect(Cycle().rules().isEmpty)
        var messy = Cycle()
        messy.objectives[1].alignments = []
        messy.keyResults[0].baseline = nil
        messy.keyResults[1].title = "Lanzar la nueva base de conocimiento"
        for finding in OKRCoach.review(messy.data, today: Self.today) {
            #expect(!finding.messageEN.isEmpty && !finding.messageES.isEmpty && finding.messageEN != finding.messageES)
            #expect(finding.messageEN.contains(finding.subjectTitle) && finding.messageES.contains(finding.subjectTitle))
            #expect(OKRCoach.rules.contains { $0.id == finding.rule && $0.severity == finding.severity })
        }
        #expect(Set(OKRCoach.rules.map(\.id)).count == OKRCoach.rules.count)
    }

    @Test("Not measurable: no baseline, or no dates")
    func notMeasurable() {
        var cycle = Cycle()
        cycle.keyResults[0].baseline = nil
        #expect(cycle.rules() == ["kr_not_measurable"])
        cycle = Cycle()
        cycle.keyResults[2].due = KeyResult.unsetDate
        cycle.keyResults[2].start = KeyResult.unsetDate
        let finding = OKRCoach.review(cycle.data, today: Self.today).first { $0.rule == "kr_not_measurable" }!
        #expect(finding.severity == .error && finding.messageEN.contains("dates") && finding.messageES.contains("fechas"))
        // A keep-above key result needs no baseline.
        #expect(!Cycle().rules().contains("kr_not_measurable"))
    }

    @Test("A task disguised as a key result, in Spanish and English; a measurable outcome is not")
    func disguisedTask() {
        for title in ["Lanzar la nueva base de conocimiento", "Implementar el chatbot", "Launch the new knowledge base"] {
            var cycle = Cycle()
            cycle.keyResults[1].title = title
            #expect(cycle.rules().contains("kr_is_task"), "\(title)")
        }
        var outcome = Cycle()
        outcome.keyResults[1].title = "Lanzar campañas que suban la recompra del 20% al 30%"
        #expect(!outcome.rules().contains("kr_is_task"))
    }

    @Test("A key result with no number in its wording, unless it is bound to a metric")
    func withoutNumber() {
        var cycle = Cycle()
        cycle.keyResults[1].title = "Mejorar mucho la retención"
        #expect(cycle.rules() == ["kr_without_number"])
        #expect(cycle.rules(metricIDs: ["k2": "retention_rate"]).isEmpty)
    }

    @Test("An objective with numbers in it")
    func objectiveNumbers() {
        var cycle = Cycle()
        cycle.objectives[0].title = "Subir el NPS a 35"
        #expect(cycle.rules() == ["objective_has_numbers"])
        cycle.objectives[0].title = "Crecer un 20%"
        #expect(cycle.rules() == ["objective_has_numbers"])
    }

    @Test("More than five objectives for a team; fewer than two or more than five key results")
    func counts() {
        var cycle = Cycle()
        for i in 0..<5 {
            cycle.objectives.append(Objective(id: "o\(i)", cycleID: "c", teamID: "t_company", title: "Objetivo extra \(["a", "b", "c", "d", "e"][i])"))
            for j in 0..<2 {
                cycle.keyResults.append(
                    KeyResult(id: "x\(i)\(j)", objectiveID: "o\(i)", title: "Valor de 1 a 2", kind: .increase, baseline: 1, target: 2, start: Self.start, due: Self.due))
                cycle.initiatives[0].keyResultIDs.append("x\(i)\(j)")
                cycle.checkIns.append(CheckIn(id: "c\(i)\(j)", keyResultID: "x\(i)\(j)", value: 1, recordedAt: Date(), day: Self.today))
            }
        }
        #expect(cycle.rules() == ["too_many_objectives"])
        var few = Cycle()
        few.keyResults.removeFirst()
        #expect(few.rules() == ["too_few_key_results"])
        var many = Cycle()
        for j in 0..<4 {
            many.keyResults.append(
                KeyResult(id: "y\(j)", objectiveID: "o_company", title: "Otro de 1 a 2", kind: .increase, baseline: 1, target: 2, start: Self.start, due: Self.due))
            many.initiatives[0].keyResultIDs.append("y\(j)")
            many.checkIns.append(CheckIn(id: "cy\(j)", keyResultID: "y\(j)", value: 1, recordedAt: Date(), day: Self.today))
        }
        #expect(many.rules() == ["too_many_key_results"])
    }

    @Test("A team objective aligned with nothing; the company's own objectives need no alignment")
    func alignment() {
        var cycle = Cycle()
        cycle.objectives[1].alignments = []
        #expect(cycle.rules() == ["objective_not_aligned"])
    }

    @Test("Not ambitious: 100% in each of the last cycles (two at least)")
    func ambition() {
        #expect(Cycle().rules(pastGrades: ["t_support": [1, 1]]) == ["not_ambitious"])
        #expect(Cycle().rules(pastGrades: ["t_support": [1, 0.7]]).isEmpty)
        #expect(Cycle().rules(pastGrades: ["t_support": [1]]).isEmpty)
    }

    @Test("A key result with no initiative (a cancelled one does not count)")
    func initiatives() {
        var cycle = Cycle()
        cycle.initiatives[0].keyResultIDs.removeAll { $0 == "k2" }
        #expect(cycle.rules() == ["kr_without_initiative"])
        cycle = Cycle()
        cycle.initiatives[0].status = .cancelled
        #expect(cycle.rules().filter { $0 == "kr_without_initiative" }.count == 4)
    }

    @Test("A speed goal without a quality guardrail; a bound metric counts")
    func guardrail() {
        var cycle = Cycle()
        cycle.keyResults[3].title = "Tickets resueltos en 24 h: al menos 500"
        #expect(cycle.rules() == ["speed_without_guardrail"])
        cycle.keyResults[2].title = "Bajar de 2 h a 45 min"
        #expect(cycle.rules(metricIDs: ["k3": "first_response_median"]) == ["speed_without_guardrail"])
        #expect(cycle.rules().isEmpty)
    }

    @Test("No check-in for more than 7 days while the cycle runs")
    func stale() {
        var cycle = Cycle()
        cycle.checkIns[0].day = Self.today.adding(days: -8)
        #expect(cycle.rules() == ["stale_check_in"])
        cycle.checkIns[0].day = Self.today.adding(days: -7)
        #expect(cycle.rules().isEmpty)
        cycle.checkIns.removeFirst()
        #expect(cycle.rules() == ["stale_check_in"])
        cycle.status = .closed
        #expect(cycle.rules().isEmpty)
    }
}
