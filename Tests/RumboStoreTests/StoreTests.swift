import Foundation
import RumboCore
import RumboStore
import RumboTestSupport
import Testing

/// A small organization with one cycle, one objective and one key result, for store tests.
struct Fixture {
    let organization: Organization
    let company: Team
    let cycle: Cycle
    let objective: Objective
    let keyResult: KeyResult

    static func make(in store: Store, slug: String = "acme", cycleStatus: Cycle.Status = .active) async throws -> Fixture {
        let organization = try await store.createOrganization(
            Organization(id: "", slug: slug, name: "Acme \(slug)", language: .spanish, timeZone: "Europe/Madrid"))
        let org = organization.id
        let company = try await store.create(Team(id: "", name: "Acme"), in: org)
        let cycle = try await store.create(
            Cycle(id: "", name: "2026 Q4", start: LocalDate("2026-10-01")!, end: LocalDate("2026-12-31")!, status: cycleStatus), in: org)
        let objective = try await store.create(
            Objective(id: "", cycleID: cycle.id, teamID: company.id, title: "Clientes que vuelven"), in: org)
        let keyResult = try await store.create(
            KeyResult(
                id: "", objectiveID: objective.id, title: "NPS de 20 a 35", kind: .increase, unit: "pts", baseline: 20, target: 35,
                start: KeyResult.unsetDate, due: KeyResult.unsetDate), in: org)
        return Fixture(organization: organization, company: company, cycle: cycle, objective: objective, keyResult: keyResult)
    }
}

func expectError(_ code: RumboError.Code, field: String? = nil, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation) async {
    do {
        try await body()
        Issue.record("expected a \(code) error", sourceLocation: sourceLocation)
    } catch let error as RumboError {
        #expect(error.code == code, sourceLocation: sourceLocation)
        if let field { #expect(error.field == field, sourceLocation: sourceLocation) }
    } catch {
        Issue.record("expected RumboError \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

@Suite("Store (SQLite and PostgreSQL)")
struct StoreTests {
    @Test("Migrations apply once", arguments: TestDatabases.engines)
    func migrations(engine: EngineKind) async throws {
        try await TestDatabases.withStore(engine) { (store: Store) async throws in
            #expect(store.engineKind == engine)
            #expect(try await store.migrate().isEmpty)
        }
    }

    @Test("Create, read, update and list every record type", arguments: TestDatabases.engines)
    func crud(engine: EngineKind) async throws {
        try await TestDatabases.withStore(engine) { (store: Store) async throws in
            let f = try await Fixture.make(in: store)
            let org = f.organization.id
            // Defaults resolved from the cycle.
            #expect(f.keyResult.start == f.cycle.start && f.keyResult.due == f.cycle.end)
            #expect(f.keyResult.version == 1)
            #expect(try await store.fetch(KeyResult.self, id: f.keyResult.id, in: org) == f.keyResult)

            let support = try await store.create(Team(id: "", name: "Soporte «Nivel 2» — O'Brien", parentID: f.company.id), in: org)
            let person = try await store.create(Person(id: "", name: "Lucía Ortega", email: "lucia@example.com", teamID: support.id), in: org)
            var objective = try await store.create(
                Objective(
                    id: "", cycleID: f.cycle.id, teamID: support.id, title: "Respuestas rápidas", ownerID: person.id, weight: 2,
                    alignments: [Alignment(kind: .keyResult, id: f.keyResult.id), Alignment(kind: .objective, id: f.objective.id)]),
                in: org)
            #expect(Set(objective.alignments) == [Alignment(kind: .keyResult, id: f.keyResult.id), Alignment(kind: .objective, id: f.objective.id)])
            let kr = try await store.create(
                KeyResult(
                    id: "kr_custom-1", objectiveID: objective.id, title: "Mediana de primera respuesta", kind: .decrease, unit: "min",
                    baseline: 120, target: 45, commit: 90, stretch: 30, start: f.cycle.start, due: f.cycle.end, weight: 0.5,
                    ownerID: person.id), in: org)
            #expect(kr.id == "kr_custom-1" && kr.commit == 90 && kr.stretch == 30 && kr.weight == 0.5)
            let initiative = try await store.create(
                Initiative(
                    id: "", title: "Confirmaciones automáticas", status: .inProgress, start: f.cycle.start, ownerID: person.id,
                    teamIDs: [support.id, f.company.id], keyResultIDs: [kr.id, f.keyResult.id]), in: org)
            #expect(initiative.teamIDs == [support.id, f.company.id] && initiative.keyResultIDs == [kr.id, f.keyResult.id])

            objective.title = "Respuestas rápidas y buenas"
            objective.alignments = [Alignment(kind: .objective, id: f.objective.id)]
            let updated = try await store.update(objective, in: org)
            #expect(updated.version == 2 && updated.title == "Respuestas rápidas y buenas")
            #expect(try await store.fetch(Objective.self, id: objective.id, in: org).alignments == [Alignment(kind: .objective, id: f.objective.id)])

            #expect(try await store.list(Team.self, in: org).map(\.name) == ["Acme", "Soporte «Nivel 2» — O'Brien"])
            #expect(try await store.list(Objective.self, in: org, filters: ["team_id": support.id]).map(\.id) == [objective.id])
            #expect(try await store.list(KeyResult.self, in: org, filters: ["objective_id": objective.id]) == [kr])
            #expect(try await store.list(Initiative.self, in: org) == [initiative])
            #expect(try await store.list(Person.self, in: org) == [person])
            #expect(try await store.list(Cycle.self, in: org) == [f.cycle])
        }
    }

    @Test("A stale version is a conflict and changes nothing", arguments: TestDatabases.engines)
    func optimisticConcurrency(engine: EngineKind) async throws {
        try await TestDatabases.withStore(engine) { (store: Store) async throws in
            let f = try await Fixture.make(in: store)
            var first = f.keyResult
            first.target = 40
            _ = try await store.update(first, in: f.organization.id)
            var second = f.keyResult  // still version 1
            second.title = "Otro título"
            await expectError(.conflict, field: "version") { _ = try await store.update(second, in: f.organization.id) }
            let stored = try await store.fetch(KeyResult.self, id: f.keyResult.id, in: f.organization.id)
            #expect(stored.version == 2 && stored.target == 40 && stored.title == f.keyResult.title)
        }
    }

    @Test("Unknown ids, invalid values and dangling references", arguments: TestDatabases.engines)
    func errors(engine: EngineKind) async throws {
        try await TestDatabases.withStore(engine) { (store: Store) async throws in
            let f = try await Fixture.make(in: store)
            let org = f.organization.id
            await expectError(.notFound) { _ = try await store.fetch(Team.self, id: "team_nope", in: org) }
            await expectError(.notFound) { _ = try await store.organization("nope") }
            await expectError(.invalid, field: "teamID") {
                _ = try await store.create(Objective(id: "", cycleID: f.cycle.id, teamID: "team_nope", title: "X"), in: org)
            }
            await expectError(.invalid, field: "target") {
                var bad = f.keyResult
                bad.target = bad.baseline!
                _ = try await store.update(bad, in: org)
            }
            await expectError(.conflict, field: "id") { _ = try await store.create(f.company, in: org) }
            await expectError(.conflict, field: "slug") {
                _ = try await store.createOrganization(Organization(id: "", slug: "acme", name: "Twin", language: .english, timeZone: "UTC"))
            }
            // A team cannot be moved under its own sub-team.
            let child = try await store.create(Team(id: "", name: "Child", parentID: f.company.id), in: org)
            var company = f.company
            company.parentID = child.id
            await expectError(.invalid, field: "parentID") { _ = try await store.update(company, in: org) }
            #expect(try await store.list(Objective.self, in: org).count == 1)
        }
    }

    @Test("One organization never sees another's data", arguments: TestDatabases.engines)
    func tenantIsolation(engine: EngineKind) async throws {
        try await TestDatabases.withStore(engine) { (store: Store) async throws in
            let a = try await Fixture.make(in: store, slug: "alpha")
            let b = try await Fixture.make(in: store, slug: "beta")
            let (orgA, orgB) = (a.organization.id, b.organization.id)
            await expectError(.notFound) { _ = try await store.fetch(KeyResult.self, id: a.keyResult.id, in: orgB) }
            #expect(try await store.list(KeyResult.self, in: orgB).map(\.id) == [b.keyResult.id])
            // Referencing another organization's records is refused, not silently linked.
            await expectError(.invalid, field: "teamID") {
                _ = try await store.create(Objective(id: "", cycleID: b.cycle.id, teamID: a.company.id, title: "Cross"), in: orgB)
            }
            await expectError(.notFound) {
                _ = try await store.recordCheckIn(
                    CheckIn(id: "", keyResultID: a.keyResult.id, value: 30, recordedAt: Date(), day: a.cycle.start), in: b.organization)
            }
            // Updating through another organization finds nothing to update.
            await expectError(.notFound) { _ = try await store.update(a.keyResult, in: orgB) }
            #expect(try await store.checkIns(keyResultIDs: [a.keyResult.id], in: orgB).isEmpty)
            #expect(try await store.fetch(KeyResult.self, id: a.keyResult.id, in: orgA).version == 1)
        }
    }

    @Test("Check-ins are appended with the local day, and refused on a closed cycle", arguments: TestDatabases.engines)
    func checkIns(engine: EngineKind) async throws {
        try await TestDatabases.withStore(engine) { (store: Store) async throws in
            let f = try await Fixture.make(in: store)
            // 23:30 UTC on 31 October is already 1 November in Madrid.
            let late = Date(timeIntervalSince1970: 1_793_489_400)
            let first = try await store.recordCheckIn(
                CheckIn(id: "", keyResultID: f.keyResult.id, value: 24.5, confidence: 7, note: "Encuesta \"NPS\" <lunes>", recordedAt: late, day: f.cycle.start),
                in: f.organization, now: late)
            #expect(first.day == LocalDate("2026-11-01"))
            let second = try await store.recordCheckIn(
                CheckIn(id: "", keyResultID: f.keyResult.id, value: 22, recordedAt: late, day: f.cycle.start), in: f.organization,
                now: late.addingTimeInterval(0.25))
            let history = try await store.checkIns(keyResultIDs: [f.keyResult.id], in: f.organization.id)
            #expect(history == [first, second])
            #expect(try await store.checkIn(id: first.id, in: f.organization.id) == first)
            await expectError(.invalid, field: "confidence") {
                _ = try await store.recordCheckIn(
                    CheckIn(id: "", keyResultID: f.keyResult.id, value: 1, confidence: 11, recordedAt: late, day: f.cycle.start), in: f.organization)
            }
            var closed = f.cycle
            closed.status = .closed
            _ = try await store.update(closed, in: f.organization.id)
            await expectError(.invalid) {
                _ = try await store.recordCheckIn(CheckIn(id: "", keyResultID: f.keyResult.id, value: 30, recordedAt: late, day: f.cycle.start), in: f.organization)
            }
            #expect(try await store.checkIns(keyResultIDs: [f.keyResult.id], in: f.organization.id).count == 2)
        }
    }

    @Test("A failed multi-row write leaves nothing behind", arguments: TestDatabases.engines)
    func transactions(engine: EngineKind) async throws {
        try await TestDatabases.withStore(engine) { (store: Store) async throws in
            var demo = Demo.organizations(asOf: LocalDate("2026-11-25")!)[0]
            // The last check-in points at a key result that does not exist: the whole load must fail.
            demo.checkIns[demo.checkIns.count - 1].keyResultID = "kr_missing"
            await #expect(throws: (any Error).self) { try await store.load(demo) }
            #expect(try await store.organizations().isEmpty)
            // The same organization loads cleanly once the data is right.
            try await store.load(Demo.organizations(asOf: LocalDate("2026-11-25")!)[0])
            #expect(try await store.organizations().count == 1)
        }
    }

    @Test("The demo with its raw data: bound key results update themselves and the quarter shows every status")
    func demoWithDataShowsEveryStatus() async throws {
        try await TestDatabases.withStore(.sqlite) { (store: Store) async throws in
            let today = LocalDate("2026-11-25")!
            var statuses: [Status] = []
            for demo in Demo.organizations(asOf: today) {
                let now = today.adding(days: 1).startOfDay(in: demo.organization.zone).addingTimeInterval(-1)
                let loaded = try await store.loadDemo(demo, today: today, now: now)
                #expect(loaded.rows > 10_000)
                #expect(loaded.automaticCheckIns >= 8 * demo.bindings.count, "a value per week since the quarter started")
                let data = try #require(try await store.cycleData(for: demo.organization, today: today))
                let summaries = data.summaries(today: today).flatMap(\.objectives).flatMap(\.keyResults)
                for binding in demo.bindings {
                    let summary = try #require(summaries.first { $0.keyResult.id == binding.keyResultID })
                    #expect(summary.history.count >= 8)
                    let latest = try #require(summary.history.last)
                    #expect(latest.source == .automatic)
                    let provenance = try #require(latest.provenance)
                    #expect(provenance.metricID == binding.metricID && provenance.n > 0)
                    #expect(latest.day.days(until: today) < 7)
                }
                statuses += summaries.map(\.state.status)
            }
            #expect(statuses.filter { $0 == .onTrack }.count > statuses.count / 2)
            #expect(statuses.contains(.atRisk) && statuses.contains(.offTrack), "the current quarter shows every status")
        }
    }

    @Test("The demo round-trips exactly and summarises as in memory", arguments: TestDatabases.engines)
    func demoRoundTrip(engine: EngineKind) async throws {
        try await TestDatabases.withStore(engine) { (store: Store) async throws in
            let today = LocalDate("2026-11-25")!
            let demos = Demo.organizations(asOf: today)
            for demo in demos { try await store.load(demo) }
            for demo in demos {
                let org = demo.organization.id
                #expect(try await store.organization(demo.organization.slug) == demo.organization)
                #expect(Set(try await store.list(Team.self, in: org)) == Set(demo.teams))
                #expect(Set(try await store.list(Person.self, in: org)) == Set(demo.people))
                #expect(Set(try await store.list(Objective.self, in: org).map(Self.normalized)) == Set(demo.objectives.map(Self.normalized)))
                #expect(Set(try await store.list(KeyResult.self, in: org)) == Set(demo.keyResults))
                #expect(Set(try await store.list(Initiative.self, in: org)) == Set(demo.initiatives))
                let stored = try await store.checkIns(keyResultIDs: demo.keyResults.map(\.id), in: org)
                #expect(stored.count == demo.checkIns.count)
                #expect(Set(stored.map(\.id)) == Set(demo.checkIns.map(\.id)))
                // Timestamps keep millisecond precision.
                let byID = Dictionary(uniqueKeysWithValues: demo.checkIns.map { ($0.id, $0) })
                #expect(stored.allSatisfy { abs($0.recordedAt.timeIntervalSince(byID[$0.id]!.recordedAt)) < 0.001 && $0.value == byID[$0.id]!.value })

                let data = try #require(try await store.cycleData(for: demo.organization, today: today))
                #expect(data.cycle.status == .active)
                let current = demo.cycles.first { $0.status == .active }!
                let inMemory = CycleData(
                    organization: demo.organization, cycle: current, cycles: demo.cycles, teams: demo.teams, people: demo.people,
                    objectives: demo.objectives.filter { $0.cycleID == current.id }, keyResults: demo.keyResults, initiatives: demo.initiatives,
                    checkIns: demo.checkIns)
                let fromStore = data.summaries(today: today).flatMap(\.objectives).flatMap(\.keyResults).map { "\($0.keyResult.id) \($0.state.status) \($0.state.progress)" }
                let expected = inMemory.summaries(today: today).flatMap(\.objectives).flatMap(\.keyResults).map { "\($0.keyResult.id) \($0.state.status) \($0.state.progress)" }
                #expect(fromStore.sorted() == expected.sorted())
                #expect(!fromStore.isEmpty)
            }
        }
    }

    /// Alignments come back in a stable order, which need not be the order written.
    static func normalized(_ objective: Objective) -> Objective {
        var copy = objective
        copy.alignments.sort { $0.id < $1.id }
        return copy
    }
}
