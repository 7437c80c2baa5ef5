import Foundation
import Testing

@testable import RumboCore

@Suite("Demo data")
struct DemoTests {
    static let today = LocalDate(year: 2026, month: 11, day: 25)

    /// Days across several years: leap days, first and last days of quarters (one a Saturday),
    /// the Sundays on which Madrid changes clocks, and ordinary days.
    static let days: [LocalDate] = [
        "2024-02-29", "2025-01-01", "2025-03-31", "2025-04-01", "2025-06-30", "2025-07-06", "2025-09-30",
        "2025-12-31", "2026-01-01", "2026-03-29", "2026-05-17", "2026-10-25", "2026-11-25", "2027-01-01",
        "2027-03-28", "2027-08-14", "2028-02-29", "2028-07-01", "2029-09-30", "2029-12-31", "2030-06-15",
        "2031-04-01",
    ].map { LocalDate($0)! }

    static let recoveryObjective = "Recuperar la confianza y satisfacción de los clientes"

    @Test func sameSeedAndDayGiveIdenticalData() {
        let first = Demo.organizations(asOf: Self.today)
        let second = Demo.organizations(asOf: Self.today)
        #expect(first == second)
        #expect(first.map { $0.checkIns.map(\.id) } == second.map { $0.checkIns.map(\.id) })
        #expect(first.map { $0.checkIns.map(\.value) } == second.map { $0.checkIns.map(\.value) })
    }

    @Test func differentSeedsGiveDifferentIDs() {
        let first = Set(Demo.organizations(asOf: Self.today, seed: 2026).flatMap(Self.allIDs))
        let second = Set(Demo.organizations(asOf: Self.today, seed: 7).flatMap(Self.allIDs))
        #expect(first.isDisjoint(with: second))
    }

    @Test func recordIDsDependOnTheSeedOnly() {
        let summer = Demo.organizations(asOf: LocalDate(year: 2026, month: 7, day: 20))
        let winter = Demo.organizations(asOf: LocalDate(year: 2027, month: 2, day: 3))
        for (a, b) in zip(summer, winter) {
            #expect(a.organization.id == b.organization.id)
            #expect(a.teams.map(\.id) == b.teams.map(\.id))
            #expect(a.keyResults.map(\.id) == b.keyResults.map(\.id))
        }
    }

    /// Regenerating the demo a week later keeps the quarter's history and only adds check-ins.
    @Test func movingTodayForwardOnlyAddsCheckIns() {
        let earlier = Demo.organizations(asOf: LocalDate(year: 2026, month: 11, day: 10))
        let later = Demo.organizations(asOf: LocalDate(year: 2026, month: 11, day: 17))
        for (a, b) in zip(earlier, later) {
            #expect(a.keyResults == b.keyResults)
            #expect(Set(a.checkIns).isSubset(of: Set(b.checkIns)))
            #expect(b.checkIns.count > a.checkIns.count)
        }
    }

    @Test func twoOrganizations() throws {
        let organizations = Demo.organizations(asOf: Self.today)
        #expect(organizations.map(\.organization.slug) == ["spa-el-encanto", "nimbus-support"])
        let spa = try #require(organizations.first)
        #expect(spa.organization.language == .spanish)
        #expect(spa.organization.timeZone == "Europe/Madrid")
        #expect(Set(spa.teams.map(\.name)) == ["Spa El Encanto", "Recepción", "Terapeutas", "Seguimiento postservicio"])
        let nimbus = try #require(organizations.last)
        #expect(nimbus.organization.language == .english)
        #expect(nimbus.organization.timeZone == "America/Mexico_City")
        #expect(Set(nimbus.teams.map(\.name)) == ["Nimbus Software", "Support", "Tier 2", "Customer Success"])
        let support = try #require(nimbus.teams.first(where: { $0.name == "Support" }))
        #expect(nimbus.teams.first(where: { $0.name == "Tier 2" })?.parentID == support.id)
    }

    @Test(arguments: days)
    func invariantsHoldOnAnyDay(_ today: LocalDate) throws {
        let organizations = Demo.organizations(asOf: today)
        let ids = organizations.flatMap(Self.allIDs)
        #expect(Set(ids).count == ids.count, "ids are unique")
        for organization in organizations {
            try Self.expectValid(organization)
            Self.expectReferencesResolve(organization)
            Self.expectCycles(organization, today: today)
            Self.expectCheckIns(organization, today: today)
            Self.expectClosedGrades(organization)
            Self.expectInitiatives(organization, today: today)
            #expect((3...4).contains(organization.objectives.count / organization.cycles.count))
        }
        try Self.expectRecoveryKeyResults(organizations[0])
    }

    @Test func spaRecoveryKeyResultsMatchTheCase() throws {
        let spa = Demo.organizations(asOf: Self.today)[0]
        try Self.expectRecoveryKeyResults(spa)
        let cycle = try #require(spa.cycles.last)
        let objective = try #require(spa.objectives.first { $0.cycleID == cycle.id && $0.title == Self.recoveryObjective })
        let keyResults = spa.keyResults.filter { $0.objectiveID == objective.id }
        // Each key result belongs to the lead of the team that moves it.
        let ownerTeams = keyResults.map { keyResult in
            spa.people.first { $0.id == keyResult.ownerID }.flatMap { person in spa.teams.first { $0.id == person.teamID }?.name }
        }
        #expect(ownerTeams == ["Recepción", "Terapeutas", "Seguimiento postservicio"])
        // Every team has an objective aligned to the company's objective or key results.
        let companyTargets = Set([objective.id] + keyResults.map(\.id))
        for team in spa.teams where !team.isCompany {
            let aligned = spa.objectives.filter { objective in
                objective.cycleID == cycle.id && objective.teamID == team.id
                    && objective.alignments.contains { companyTargets.contains($0.id) }
            }
            #expect(!aligned.isEmpty, "\(team.name) supports the company objective")
        }
        let initiatives = spa.initiatives.filter { initiative in
            initiative.start.map { $0 >= cycle.start && $0 <= cycle.end } ?? false
        }
        #expect(initiatives.count == 3)
        #expect(initiatives.allSatisfy { !$0.teamIDs.isEmpty && !$0.keyResultIDs.isEmpty })
    }

    @Test func currentCycleShowsEveryStatus() throws {
        // The simulated key results; the bound ones get their statuses from the raw data, which a
        // store test checks (`demoWithDataShowsEveryStatus`).
        for organization in Demo.organizations(asOf: Self.today) {
            let bound = Set(organization.bindings.map(\.keyResultID))
            let statuses = Self.currentStatuses(organization, today: Self.today, excluding: bound)
            let count = { (status: Status) in statuses.filter { $0 == status }.count }
            #expect(count(.onTrack) > statuses.count / 2, "\(organization.organization.slug): most key results on track")
            #expect(count(.offTrack) >= 1, "\(organization.organization.slug): something off track")
        }
    }

    @Test func boundKeyResultsWaitForTheirData() {
        for organization in Demo.organizations(asOf: Self.today) {
            #expect(organization.bindings.count >= 3, "the case's key results update themselves")
            let current = Set(Self.currentKeyResults(organization).map(\.id))
            for binding in organization.bindings {
                #expect(current.contains(binding.keyResultID))
                #expect(!organization.checkIns.contains { $0.keyResultID == binding.keyResultID }, "no simulated values for a bound key result")
            }
        }
    }

    @Test func currentCycleMixesKinds() {
        for organization in Demo.organizations(asOf: Self.today) {
            let current = Self.currentKeyResults(organization)
            let kinds = Set(current.map(\.kind))
            #expect(kinds.isSuperset(of: [.increase, .decrease, .milestone]))
            #expect(kinds.contains(.keepAbove) || kinds.contains(.keepBelow))
            #expect(current.contains { $0.kind == .milestone && $0.target > 1 })
        }
    }

    @Test func closedCyclesGradeAcrossTheScale() {
        for organization in Demo.organizations(asOf: Self.today) {
            let grades = Self.closedGrades(organization)
            #expect(grades.min()! < 0.45)
            #expect(grades.max()! >= 0.95)
        }
    }

    @Test func thresholdKeyResultsHoverAroundTheirThreshold() {
        var allValues = 0
        var allCompliant = 0
        for organization in Demo.organizations(asOf: Self.today) {
            for keyResult in organization.keyResults where keyResult.kind.isThreshold {
                let values = organization.checkIns.filter { $0.keyResultID == keyResult.id }.map(\.value)
                let tolerance = max(keyResult.target * 0.1, 1.5)
                #expect(values.allSatisfy { abs($0 - keyResult.target) <= tolerance }, "\(keyResult.title) hovers")
                let compliant = values.filter(keyResult.isCompliant).count
                #expect(compliant * 10 >= values.count * 4, "\(keyResult.title) is compliant often enough")
                allValues += values.count
                allCompliant += compliant
            }
        }
        #expect(allCompliant * 10 >= allValues * 7, "keep-above / below key results are mostly compliant")
        #expect(allCompliant < allValues, "and sometimes not")
    }

    @Test func checkInsTalkInTheOrganizationsLanguage() throws {
        let spa = Demo.organizations(asOf: Self.today)[0]
        let notes = spa.checkIns.map(\.note)
        #expect(notes.contains("El recordatorio 24 h antes evita olvidos.") || notes.contains("La confirmación automática responde al instante en horario de recepción."))
        #expect(spa.checkIns.contains { !$0.blockers.isEmpty })
        #expect(spa.checkIns.allSatisfy { $0.confidence.map { (0...10).contains($0) } ?? true })
        let nimbus = Demo.organizations(asOf: Self.today)[1]
        #expect(nimbus.checkIns.contains { $0.source == .automatic })
        #expect(nimbus.checkIns.contains { $0.note == "Quarter kickoff: starting value." })
    }

    // MARK: - Checks shared by the tests

    static func allIDs(_ o: DemoOrganization) -> [String] {
        [o.organization.id] + o.teams.map(\.id) + o.people.map(\.id) + o.cycles.map(\.id) + o.objectives.map(\.id)
            + o.keyResults.map(\.id) + o.initiatives.map(\.id) + o.checkIns.map(\.id)
    }

    static func expectValid(_ o: DemoOrganization) throws {
        try o.organization.validate()
        for team in o.teams { try team.validate() }
        for person in o.people { try person.validate() }
        for cycle in o.cycles { try cycle.validate() }
        for objective in o.objectives { try objective.validate() }
        for keyResult in o.keyResults { try keyResult.validate() }
        for initiative in o.initiatives { try initiative.validate() }
        let keyResults = Dictionary(uniqueKeysWithValues: o.keyResults.map { ($0.id, $0) })
        let objectives = Dictionary(uniqueKeysWithValues: o.objectives.map { ($0.id, $0) })
        let cycles = Dictionary(uniqueKeysWithValues: o.cycles.map { ($0.id, $0) })
        for checkIn in o.checkIns {
            let keyResult = try #require(keyResults[checkIn.keyResultID])
            var cycle = try #require(objectives[keyResult.objectiveID].flatMap { cycles[$0.cycleID] })
            // Closed quarters' check-ins were written while the quarter was open.
            cycle.status = .active
            try checkIn.validate(for: keyResult, in: cycle)
        }
    }

    static func expectReferencesResolve(_ o: DemoOrganization) {
        var seenTeams: Set<String> = []
        for team in o.teams {
            if let parent = team.parentID { #expect(seenTeams.contains(parent), "parents before children") }
            seenTeams.insert(team.id)
        }
        #expect(o.teams.filter(\.isCompany).count == 1)
        let people = Set(o.people.map(\.id))
        let cycles = Set(o.cycles.map(\.id))
        let objectives = Dictionary(uniqueKeysWithValues: o.objectives.map { ($0.id, $0) })
        let keyResults = Dictionary(uniqueKeysWithValues: o.keyResults.map { ($0.id, $0) })
        for person in o.people { #expect(person.teamID.map(seenTeams.contains) == true) }
        for objective in o.objectives {
            #expect(seenTeams.contains(objective.teamID))
            #expect(cycles.contains(objective.cycleID))
            #expect(objective.ownerID.map(people.contains) == true)
            for alignment in objective.alignments {
                let target: Objective? =
                    switch alignment.kind {
                    case .objective: objectives[alignment.id]
                    case .keyResult: keyResults[alignment.id].flatMap { objectives[$0.objectiveID] }
                    }
                #expect(target?.cycleID == objective.cycleID, "alignment within the same cycle")
                #expect(target?.teamID != objective.teamID, "alignment to another team")
            }
        }
        for keyResult in o.keyResults {
            #expect(objectives[keyResult.objectiveID] != nil)
            #expect(keyResult.ownerID.map(people.contains) == true)
        }
        for initiative in o.initiatives {
            #expect(!initiative.teamIDs.isEmpty && initiative.teamIDs.allSatisfy(seenTeams.contains))
            #expect(!initiative.keyResultIDs.isEmpty && initiative.keyResultIDs.allSatisfy { keyResults[$0] != nil })
            #expect(initiative.ownerID.map(people.contains) == true)
        }
        for checkIn in o.checkIns {
            #expect(keyResults[checkIn.keyResultID] != nil)
            if let author = checkIn.authorID { #expect(people.contains(author)) }
        }
        for objective in o.objectives {
            #expect((2...5).contains(o.keyResults.filter { $0.objectiveID == objective.id }.count))
        }
    }

    static func expectCycles(_ o: DemoOrganization, today: LocalDate) {
        #expect(o.cycles.count == 4)
        #expect(o.cycles.map(\.status) == [.closed, .closed, .closed, .active])
        #expect(o.cycles.last?.start == today.startOfQuarter)
        #expect(o.cycles.last?.end == today.endOfQuarter)
        for (earlier, later) in zip(o.cycles, o.cycles.dropFirst()) {
            #expect(earlier.end.adding(days: 1) == later.start, "consecutive quarters")
        }
    }

    static func expectCheckIns(_ o: DemoOrganization, today: LocalDate) {
        let zone = o.organization.zone
        #expect(zip(o.checkIns, o.checkIns.dropFirst()).allSatisfy { $0.recordedAt <= $1.recordedAt })
        for checkIn in o.checkIns {
            #expect(checkIn.day <= today)
            #expect(LocalDate(checkIn.recordedAt, in: zone) == checkIn.day)
        }
        let current = o.cycles.last!
        for keyResult in o.keyResults {
            let history = o.checkIns.filter { $0.keyResultID == keyResult.id }
            #expect(history.allSatisfy { $0.day >= keyResult.start && $0.day <= keyResult.due })
            if keyResult.kind == .milestone {
                let values = history.map(\.value)
                #expect(values.allSatisfy { $0 == $0.rounded() })
                #expect(zip(values, values.dropFirst()).allSatisfy { $0 <= $1 })
            }
            if o.bindings.contains(where: { $0.keyResultID == keyResult.id }) {
                #expect(history.isEmpty, "\(keyResult.title) gets its values from the data")
            } else if keyResult.start == current.start {
                // The demo looks alive: every current key result was checked in within the last week.
                let last = history.last?.day
                #expect(last.map { $0.days(until: today) < 7 } == true, "\(keyResult.title) checked in recently")
            } else {
                #expect(history.count >= 12, "a closed quarter has a check-in every week")
            }
        }
    }

    static func expectClosedGrades(_ o: DemoOrganization) {
        for grade in closedGrades(o) { #expect((0.3...1.0).contains(grade)) }
    }

    static func expectInitiatives(_ o: DemoOrganization, today: LocalDate) {
        for initiative in o.initiatives {
            guard let start = initiative.start, let end = initiative.end else {
                Issue.record("\(initiative.title) has dates")
                continue
            }
            #expect(o.cycles.contains { $0.start <= start && end <= $0.end }, "within one cycle")
            switch initiative.status {
            case .planned: #expect(today < start)
            case .done: #expect(end < today)
            case .inProgress: #expect(start <= today && today <= end)
            case .cancelled: break
            }
        }
    }

    /// The three key results of DESIGN.md section 7, with their relative targets.
    static func expectRecoveryKeyResults(_ spa: DemoOrganization) throws {
        #expect(spa.organization.slug == "spa-el-encanto")
        let cycle = try #require(spa.cycles.last)
        let objective = try #require(spa.objectives.first { $0.cycleID == cycle.id && $0.title == recoveryObjective })
        #expect(spa.teams.first(where: { $0.id == objective.teamID })?.isCompany == true)
        let keyResults = spa.keyResults.filter { $0.objectiveID == objective.id }
        try #require(keyResults.count == 3)
        let relative = keyResults.map { $0.target / $0.baseline! }
        #expect(keyResults.map(\.kind) == [.decrease, .increase, .increase])
        #expect(abs(relative[0] - 0.60) < 0.005, "40% less time to book and confirm")
        #expect(abs(relative[1] - 1.25) < 0.005, "25% more sessions started on time")
        #expect(abs(relative[2] - 1.30) < 0.005, "30% more favourable reviews")
        #expect(keyResults.map(\.unit) == ["h", "%", "%"])
    }

    static func currentKeyResults(_ o: DemoOrganization) -> [KeyResult] {
        let current = o.cycles.last!
        let objectives = Set(o.objectives.filter { $0.cycleID == current.id }.map(\.id))
        return o.keyResults.filter { objectives.contains($0.objectiveID) }
    }

    static func currentStatuses(_ o: DemoOrganization, today: LocalDate, excluding: Set<String> = []) -> [Status] {
        currentKeyResults(o).filter { !excluding.contains($0.id) }.map { keyResult in
            keyResult.state(history: o.checkIns.filter { $0.keyResultID == keyResult.id }, on: today).status
        }
    }

    static func closedGrades(_ o: DemoOrganization) -> [Double] {
        let closed = o.cycles.filter { $0.status == .closed }
        return closed.flatMap { cycle in
            let objectives = Set(o.objectives.filter { $0.cycleID == cycle.id }.map(\.id))
            return o.keyResults.filter { objectives.contains($0.objectiveID) }.map { keyResult in
                Grade.of(keyResult, history: o.checkIns.filter { $0.keyResultID == keyResult.id }, cycleEnd: cycle.end)
            }
        }
    }
}
