import Foundation
import RumboAnalytics
import RumboCore
import RumboStore
import RumboTestSupport
import Testing

@Suite struct RhythmStoreTests {
    @Test("Lessons are recorded per cycle and team, validated, and read back in order", arguments: TestDatabases.engines)
    func lessons(engine: EngineKind) async throws {
        try await TestDatabases.withStore(engine) { (store: Store) async throws in
            let demo = TestDatabases.demo("spa-el-encanto")
            try await store.load(demo)
            let org = demo.organization.id
            let cycle = demo.cycles.last!.id
            let team = demo.teams.first { $0.name == "Recepción" }!.id
            let now = Date(timeIntervalSince1970: 1_795_000_000)
            try await store.addLesson("  Confirmar por WhatsApp funcionó mejor que por correo.  ", cycleID: cycle, teamID: team, author: "Lucía", in: org, by: "user:1", now: now)
            try await store.addLesson("Medir desde el primer día.", cycleID: cycle, teamID: nil, author: "Marta", in: org, by: "user:2", now: now.addingTimeInterval(60))
            let all = try await store.lessons(cycleID: cycle, in: org)
            #expect(all.map(\.text) == ["Confirmar por WhatsApp funcionó mejor que por correo.", "Medir desde el primer día."])
            #expect(all[0].teamID == team && all[0].author == "Lucía" && all[0].createdAt == now)
            // A team's view: its own lessons and the whole cycle's, not another team's.
            let other = demo.teams.first { $0.name == "Terapeutas" }!.id
            #expect(try await store.lessons(cycleID: cycle, teamIDs: [other], in: org).map(\.author) == ["Marta"])
            #expect(try await store.lessons(cycleID: demo.cycles.first!.id, in: org).isEmpty)

            for (text, cycleID, teamID, field) in [
                ("   ", cycle, team, "text"), (String(repeating: "x", count: 2_001), cycle, team, "text"), ("a\u{0}b", cycle, team, "text"),
            ] {
                await #expect(throws: RumboError.self) { try await store.addLesson(text, cycleID: cycleID, teamID: teamID, author: "x", in: org, by: "x") }
                do { try await store.addLesson(text, cycleID: cycleID, teamID: teamID, author: "x", in: org, by: "x") } catch let error as RumboError {
                    #expect(error.code == .invalid && error.field == field)
                }
            }
            await #expect(throws: RumboError.self) { try await store.addLesson("ok", cycleID: "cyc_nope", teamID: nil, author: "x", in: org, by: "x") }
            await #expect(throws: RumboError.self) { try await store.addLesson("ok", cycleID: cycle, teamID: "team_nope", author: "x", in: org, by: "x") }
            #expect(try await store.lessons(cycleID: cycle, in: org).count == 2, "nothing half-written")
        }
    }

    @Test("Initiative impact on a bound key result comes from the metric engine, with intervals", arguments: TestDatabases.engines)
    func metricImpacts(engine: EngineKind) async throws {
        try await TestDatabases.withStore(engine) { (store: Store) async throws in
            let today = LocalDate("2026-11-25")!
            let (demo, now) = try await TestDatabases.loadDemoWithData("spa-el-encanto", into: store, asOf: today)
            let data = try #require(try await store.cycleData(for: demo.organization, today: today))
            let review = data.monthlyReview(today: today)
            let impacts = try await store.initiativeImpacts(review, in: demo.organization, asOf: now)
            #expect(impacts.count == review.impacts.count && !impacts.isEmpty)
            let bindings = try await store.bindings(in: demo.organization.id)
            let fromMetric = impacts.filter { $0.source == .metric }
            #expect(!fromMetric.isEmpty && fromMetric.allSatisfy { bindings[$0.keyResult.id] != nil })
            #expect(impacts.filter { $0.source == .checkIns }.allSatisfy { bindings[$0.keyResult.id] == nil })
            for impact in fromMetric {
                let binding = bindings[impact.keyResult.id]!
                let start = try #require(impact.initiative.start)
                let before = try #require(impact.before)
                #expect(before.from == start.adding(days: -28) && before.to == start.adding(days: -1))
                #expect(before.low! <= before.value && before.value <= before.high! && before.n > 0)
                // The same number the metric engine gives for that window on its own.
                let direct = try await store.computeMetric(
                    MetricQuery(metricID: binding.metricID, period: .day, rollingDays: 28, from: before.to, to: before.to, filters: binding.filters, asOf: now),
                    in: demo.organization)
                #expect(direct.first?.value == before.value && direct.first?.n == before.n)
            }
        }
    }

    @Test("Stated costs are saved, read back and validated", arguments: TestDatabases.engines)
    func costs(engine: EngineKind) async throws {
        try await TestDatabases.withStore(engine) { (store: Store) async throws in
            let demo = TestDatabases.demo("nimbus-support")
            try await store.load(demo)
            let org = demo.organization.id
            #expect(try await store.impactSettings(in: org) == ImpactSettings())
            let costs = ImpactSettings(currency: "MXN", hourlyCost: 350, minutesPerEscalation: 40, revenuePerCustomer: nil, revenuePerAppointment: 0)
            try await store.saveImpactSettings(costs, in: org, by: "user:1")
            #expect(try await store.impactSettings(in: org) == costs)
            await #expect(throws: RumboError.self) { try await store.saveImpactSettings(ImpactSettings(hourlyCost: -5), in: org, by: "x") }
            #expect(try await store.impactSettings(in: org) == costs, "a refused change leaves the saved figures")
        }
    }

    @Test("Unfinished key results carry over once, from their final value, with their bindings and open initiatives", arguments: TestDatabases.engines)
    func carryOver(engine: EngineKind) async throws {
        try await TestDatabases.withStore(engine) { (store: Store) async throws in
            let today = LocalDate("2026-11-25")!
            let demo = TestDatabases.demo("spa-el-encanto", asOf: today)
            try await store.load(demo)
            let organization = demo.organization
            let source = try #require(try await store.cycleData(for: organization, today: today))
            let retro = source.retrospective(today: today)
            #expect(!retro.unfinished.isEmpty)
            let next = try await store.nextCycle(after: source.cycle, in: organization, by: "test")
            #expect(next.status == .planning && next.start == source.cycle.end.adding(days: 1) && next.name == "2027 T1")
            #expect(try await store.nextCycle(after: source.cycle, in: organization, by: "test").id == next.id, "found, not created twice")

            let plan = try await store.carryOver(from: source.cycle.id, to: next.id, in: organization, today: today, by: "test")
            #expect(plan.keyResults.count == retro.unfinished.count && plan.alreadyCarried.isEmpty)
            let carried = try #require(try await store.cycleData(for: organization, cycleID: next.id, today: today))
            #expect(carried.keyResults.count == retro.unfinished.count)
            let bindings = try await store.bindings(in: organization.id)
            for kr in carried.keyResults {
                let old = try #require(retro.unfinished.first { $0.summary.keyResult.id == plan.sources[kr.id] })
                #expect(kr.title == old.summary.keyResult.title && kr.target == old.summary.keyResult.target)
                #expect(kr.start == next.start && kr.due == next.end)
                if !kr.kind.isThreshold, let final = old.summary.state.currentValue { #expect(kr.baseline == final) }
                #expect((bindings[kr.id]?.metricID) == (bindings[old.summary.keyResult.id]?.metricID))
                let objective = try #require(carried.objectives.first { $0.id == kr.objectiveID })
                #expect(objective.title == old.objective.title && objective.teamID == old.objective.teamID)
                let served = source.initiatives.filter { ($0.status == .planned || $0.status == .inProgress) && $0.keyResultIDs.contains(old.summary.keyResult.id) }
                #expect(Set(carried.initiatives.filter { $0.keyResultIDs.contains(kr.id) }.map(\.id)) == Set(served.map(\.id)))
            }
            let again = try await store.carryOver(from: source.cycle.id, to: next.id, in: organization, today: today, by: "test")
            #expect(again.keyResults.isEmpty && again.alreadyCarried.count == retro.unfinished.count)
            #expect(try #require(try await store.cycleData(for: organization, cycleID: next.id, today: today)).objectives.count == carried.objectives.count)
            // Backwards is refused.
            let first = try #require(source.cycles.first)
            await #expect(throws: RumboError.self) { try await store.carryOver(from: source.cycle.id, to: first.id, in: organization, today: today, by: "test") }
        }
    }
}
