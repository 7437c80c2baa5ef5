import Foundation

/// Everything recorded for one organization's cycle: the raw material of the overview, team,
/// objective and key-result pages and of `rumbo okr list`.
public struct CycleData: Sendable {
    public var organization: Organization
    public var cycle: Cycle
    public var cycles: [Cycle]
    public var teams: [Team]
    public var people: [Person]
    public var objectives: [Objective]
    public var keyResults: [KeyResult]
    public var initiatives: [Initiative]
    /// Check-ins of the cycle's key results, oldest first.
    public var checkIns: [CheckIn]

    public init(
        organization: Organization, cycle: Cycle, cycles: [Cycle], teams: [Team], people: [Person], objectives: [Objective],
        keyResults: [KeyResult], initiatives: [Initiative], checkIns: [CheckIn]
    ) {
        self.organization = organization
        self.cycle = cycle
        self.cycles = cycles
        self.teams = teams
        self.people = people
        self.objectives = objectives
        self.keyResults = keyResults
        self.initiatives = initiatives
        self.checkIns = checkIns
    }

    /// The day the numbers are computed for: today while the cycle runs, its last day once it is
    /// closed (so the progress shown is the grade), its first day while it is being planned.
    public func evaluationDay(today: LocalDate) -> LocalDate {
        switch cycle.status {
        case .closed: cycle.end
        case .planning: min(today, cycle.start)
        case .active: min(max(today, cycle.start), cycle.end)
        }
    }

    /// The cycle's OKRs with their computed progress and status, team by team (the company first,
    /// then each department under its parent).
    public func summaries(today: LocalDate, rules: StatusRules = .standard) -> [TeamSummary] {
        let day = evaluationDay(today: today)
        let historyByKR = Dictionary(grouping: checkIns, by: \.keyResultID)
        let peopleByID = Dictionary(uniqueKeysWithValues: people.map { ($0.id, $0) })
        let titles = Dictionary(uniqueKeysWithValues: objectives.map { ($0.id, $0.title) } + keyResults.map { ($0.id, $0.title) })
        let keyResultsByObjective = Dictionary(grouping: keyResults, by: \.objectiveID)

        func summary(of objective: Objective) -> ObjectiveSummary {
            let krs = (keyResultsByObjective[objective.id] ?? []).map { kr in
                let history = historyByKR[kr.id] ?? []
                return KeyResultSummary(
                    keyResult: kr, state: kr.state(history: history, on: day, rules: rules), history: history,
                    owner: kr.ownerID.flatMap { peopleByID[$0] },
                    initiatives: initiatives.filter { $0.keyResultIDs.contains(kr.id) })
            }
            return ObjectiveSummary(
                objective: objective,
                progress: Objective.progress(of: krs.map { ($0.keyResult.weight, $0.state.progress) }),
                status: Objective.status(of: krs.map { ($0.keyResult.weight, $0.state, $0.keyResult.kind) }, rules: rules),
                keyResults: krs, owner: objective.ownerID.flatMap { peopleByID[$0] },
                supports: objective.alignments.compactMap { titles[$0.id] })
        }

        return TeamTree(teams: teams).ordered.compactMap { team, depth in
            let objectives = objectives.filter { $0.teamID == team.id }.map(summary)
            guard !objectives.isEmpty else { return nil }
            return TeamSummary(
                team: team, depth: depth, objectives: objectives,
                progress: Objective.progress(of: objectives.map { ($0.objective.weight, $0.progress) }))
        }
    }
}

public struct KeyResultSummary: Sendable {
    public var keyResult: KeyResult
    public var state: KeyResultState
    public var history: [CheckIn]
    public var owner: Person?
    public var initiatives: [Initiative]
}

public struct ObjectiveSummary: Sendable {
    public var objective: Objective
    public var progress: Double
    public var status: Status
    public var keyResults: [KeyResultSummary]
    public var owner: Person?
    /// Titles of the objectives and key results this objective supports.
    public var supports: [String]
}

public struct TeamSummary: Sendable {
    public var team: Team
    /// 0 for the company, 1 for its departments, and so on.
    public var depth: Int
    public var objectives: [ObjectiveSummary]
    public var progress: Double
}

/// The team hierarchy in display order: each team followed by its sub-teams, depth-first.
public struct TeamTree: Sendable {
    public let ordered: [(team: Team, depth: Int)]

    public init(teams: [Team]) {
        let ids = Set(teams.map(\.id))
        let children = Dictionary(grouping: teams) { team in team.parentID.flatMap { ids.contains($0) ? $0 : nil } ?? "" }
        var result: [(Team, Int)] = []
        var visited: Set<String> = []
        func visit(_ parent: String, depth: Int) {
            for team in (children[parent] ?? []).sorted(by: { $0.name < $1.name }) where visited.insert(team.id).inserted {
                result.append((team, depth))
                visit(team.id, depth: depth + 1)
            }
        }
        visit("", depth: 0)
        ordered = result
    }
}
