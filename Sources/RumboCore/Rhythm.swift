import Foundation

// The OKR rhythm: the weekly check-in agenda, the monthly review and the quarterly
// retrospective, built from one cycle's data. Pure: the store adds what needs a query (the
// metric before and after an initiative, the lessons) and the interfaces render them.

/// A key result with no check-in for more than `days` days in a running cycle.
public struct StaleKeyResult: Sendable {
    public var keyResult: KeyResult
    public var owner: Person?
    /// The day of its latest check-in; `nil` if it never had one.
    public var lastCheckIn: LocalDate?
    /// Days since the latest check-in (or since the key result started).
    public var daysSince: Int
}

/// One key result as a review shows it.
public struct ReviewItem: Sendable {
    public var summary: KeyResultSummary
    public var team: Team
    public var objective: Objective
    /// The value known at the start of the review's period (`nil` before the first check-in).
    public var valueAtStart: Double?
    /// The change over the period, when both ends have a value.
    public var change: Double?
    /// Whether that change is within the 95% interval of the latest value (`nil`: no interval).
    public var withinNoise: Bool?
    /// Blockers written in check-ins of the period, newest first.
    public var blockers: [String]
    /// The status at the end of each of the last weeks, oldest first (the traffic-light grid).
    public var weeklyStatuses: [(weekEnd: LocalDate, status: Status?)]

    /// It moved, and not within the noise.
    public var moved: Bool { (change ?? 0) != 0 && withinNoise != true }
}

/// The 15-minute weekly meeting: what moved, what is red, blockers, who has not checked in.
public struct WeeklyAgenda: Sendable {
    public var cycle: Cycle
    public var day: LocalDate
    /// The seven days ending on `day`.
    public var periodStart: LocalDate
    public var items: [ReviewItem]
    public var stale: [StaleKeyResult]

    public var moved: [ReviewItem] { items.filter(\.moved) }
    public var red: [ReviewItem] { items.filter { $0.summary.state.status == .offTrack } }
    public var blocked: [ReviewItem] { items.filter { !$0.blockers.isEmpty } }
}

/// The metric before and after an initiative started.
public struct InitiativeImpact: Sendable {
    public struct Measure: Sendable, Hashable {
        public var value: Double
        public var low: Double?
        public var high: Double?
        /// The sample size (metric) or the number of check-ins averaged.
        public var n: Int
        public var from: LocalDate
        public var to: LocalDate

        public init(value: Double, low: Double? = nil, high: Double? = nil, n: Int, from: LocalDate, to: LocalDate) {
            self.value = value
            self.low = low
            self.high = high
            self.n = n
            self.from = from
            self.to = to
        }
    }

    public enum Source: String, Sendable {
        /// Computed by the metric engine from raw data, with 95% intervals.
        case metric
        /// The mean of the key result's check-ins (no interval).
        case checkIns = "check_ins"
    }

    public var initiative: Initiative
    public var keyResult: KeyResult
    public var before: Measure?
    public var after: Measure?
    public var source: Source

    public init(initiative: Initiative, keyResult: KeyResult, before: Measure?, after: Measure?, source: Source) {
        self.initiative = initiative
        self.keyResult = keyResult
        self.before = before
        self.after = after
        self.source = source
    }

    public var change: Double? { before.flatMap { b in after.map { $0.value - b.value } } }

    /// Whether the intervals before and after are disjoint; `nil` without intervals.
    public var beyondNoise: Bool? {
        guard let b = before, let a = after, let bl = b.low, let bh = b.high, let al = a.low, let ah = a.high else { return nil }
        return ah < bl || al > bh
    }

    /// Whether the change went the key result's way (up for increase / keep-above).
    public var favourable: Bool? {
        guard let change, change != 0 else { return nil }
        switch keyResult.kind {
        case .decrease, .keepBelow: return change < 0
        default: return change > 0
        }
    }
}

/// The month's trends per key result and what the initiatives did to their metrics.
public struct MonthlyReview: Sendable {
    public var cycle: Cycle
    public var day: LocalDate
    /// The 30 days ending on `day`.
    public var periodStart: LocalDate
    public var items: [ReviewItem]
    /// Filled by the store (`Store.initiativeImpacts`); the core fills it from check-ins.
    public var impacts: [InitiativeImpact]
}

/// The quarter's close: grades, their distribution, lessons, what carries over.
public struct Retrospective: Sendable {
    public struct Graded: Sendable {
        public var summary: KeyResultSummary
        public var team: Team
        public var objective: Objective
        public var grade: Double
    }

    public var cycle: Cycle
    public var day: LocalDate
    public var keyResults: [Graded]
    /// Objectives with their grade: the weighted mean of their key results' grades.
    public var objectives: [(objective: Objective, team: Team, grade: Double)]
    /// Key results not reached (grade below 1) and initiatives not done: the carry-over candidates.
    public var unfinished: [Graded]
    public var openInitiatives: [Initiative]

    /// Key-result grades in ten bins of 0.1 (the last includes 1.0).
    public var distribution: [Int] {
        var bins = Array(repeating: 0, count: 10)
        for item in keyResults { bins[min(Int((item.grade * 10).rounded(.down)), 9)] += 1 }
        return bins
    }

    /// The mean key-result grade.
    public var meanGrade: Double { keyResults.isEmpty ? 0 : keyResults.reduce(0) { $0 + $1.grade } / Double(keyResults.count) }

    /// Grades in the 0.6–0.7 band (success for stretch goals) or above.
    public var successShare: Double {
        keyResults.isEmpty ? 0 : Double(keyResults.filter { $0.grade >= 0.6 }.count) / Double(keyResults.count)
    }
}

extension CycleData {
    /// Key results of a running cycle whose latest check-in is more than `days` days old (or that
    /// never had one, once they have run for more than `days` days), most overdue first.
    public func staleKeyResults(today: LocalDate, days: Int = 7) -> [StaleKeyResult] {
        guard cycle.status == .active else { return [] }
        let last = Dictionary(grouping: checkIns, by: \.keyResultID).mapValues { $0.map(\.day).filter { $0 <= today }.max() }
        let people = Dictionary(uniqueKeysWithValues: self.people.map { ($0.id, $0) })
        return keyResults.compactMap { kr -> StaleKeyResult? in
            guard kr.start != KeyResult.unsetDate, kr.start.days(until: today) > days, today <= kr.due else { return nil }
            let latest = last[kr.id] ?? nil
            let since = (latest ?? kr.start).days(until: today)
            guard latest == nil || since > days else { return nil }
            return StaleKeyResult(keyResult: kr, owner: kr.ownerID.flatMap { people[$0] }, lastCheckIn: latest, daysSince: since)
        }.sorted { ($0.daysSince, $0.keyResult.title) > ($1.daysSince, $1.keyResult.title) }
    }

    /// The teams `teamID` names and every team below it; all teams when `nil`.
    public func teamAndBelow(_ teamID: String?) -> Set<String> {
        guard let teamID else { return Set(teams.map(\.id)) }
        var included: Set<String> = [teamID]
        for (candidate, _) in TeamTree(teams: teams).ordered where candidate.parentID.map(included.contains) == true { included.insert(candidate.id) }
        return included
    }

    /// The review items of the teams in `teamIDs`, over the days `periodStart...day`.
    func reviewItems(periodStart: LocalDate, day: LocalDate, teamIDs: Set<String>, weeks: Int, rules: StatusRules) -> [ReviewItem] {
        summaries(today: day, rules: rules).filter { teamIDs.contains($0.team.id) }.flatMap { team in
            team.objectives.flatMap { objective in
                objective.keyResults.map { kr in
                    let known = kr.history.filter { $0.day <= day }
                    let before = known.last { $0.day < periodStart }
                    let latest = known.last
                    let inPeriod = known.filter { $0.day >= periodStart }
                    let grid = (0..<weeks).reversed().map { back -> (LocalDate, Status?) in
                        let end = day.adding(days: -7 * back)
                        guard end >= kr.keyResult.start, known.contains(where: { $0.day <= end }) else { return (end, nil) }
                        return (end, kr.keyResult.state(history: known, on: end, rules: rules).status)
                    }
                    return ReviewItem(
                        summary: kr, team: team.team, objective: objective.objective, valueAtStart: before?.value,
                        change: before.flatMap { b in latest.map { $0.value - b.value } },
                        withinNoise: latest.flatMap { last in before.flatMap { last.isWithinNoise(of: $0) } },
                        blockers: inPeriod.reversed().map(\.blockers).filter { !$0.isEmpty }, weeklyStatuses: grid)
                }
            }
        }
    }

    /// The weekly agenda on `today` for a team and the teams below it (all teams when `nil`).
    public func weeklyAgenda(today: LocalDate, teamID: String? = nil, rules: StatusRules = .standard) -> WeeklyAgenda {
        let day = evaluationDay(today: today)
        let teamIDs = teamAndBelow(teamID)
        let objectiveTeams = Dictionary(uniqueKeysWithValues: objectives.map { ($0.id, $0.teamID) })
        return WeeklyAgenda(
            cycle: cycle, day: day, periodStart: day.adding(days: -6),
            items: reviewItems(periodStart: day.adding(days: -6), day: day, teamIDs: teamIDs, weeks: 8, rules: rules),
            stale: staleKeyResults(today: day).filter { objectiveTeams[$0.keyResult.objectiveID].map(teamIDs.contains) == true })
    }

    /// The monthly review on `today`; initiative impacts from check-ins (the store replaces those
    /// of key results bound to a metric with the metric's own values and intervals).
    public func monthlyReview(today: LocalDate, teamID: String? = nil, rules: StatusRules = .standard) -> MonthlyReview {
        let day = evaluationDay(today: today)
        let teamIDs = teamAndBelow(teamID)
        let items = reviewItems(periodStart: day.adding(days: -29), day: day, teamIDs: teamIDs, weeks: 5, rules: rules)
        return MonthlyReview(cycle: cycle, day: day, periodStart: day.adding(days: -29), items: items, impacts: checkInImpacts(items: items, day: day))
    }

    /// For every initiative with a start day and each key result it serves: the mean check-in
    /// value in the 28 days before the start and from the start (up to 28 days).
    func checkInImpacts(items: [ReviewItem], day: LocalDate) -> [InitiativeImpact] {
        let byID = Dictionary(uniqueKeysWithValues: items.map { ($0.summary.keyResult.id, $0.summary) })
        return initiatives.filter { $0.status != .cancelled }.flatMap { initiative -> [InitiativeImpact] in
            guard let start = initiative.start, start <= day else { return [] }
            return initiative.keyResultIDs.compactMap { byID[$0] }.map { summary in
                let windows = InitiativeImpact.windows(start: start, day: day)
                func mean(_ range: ClosedRange<LocalDate>) -> InitiativeImpact.Measure? {
                    let values = summary.history.filter { range.contains($0.day) }.map(\.value)
                    guard !values.isEmpty else { return nil }
                    return .init(value: values.reduce(0, +) / Double(values.count), n: values.count, from: range.lowerBound, to: range.upperBound)
                }
                return InitiativeImpact(
                    initiative: initiative, keyResult: summary.keyResult, before: mean(windows.before), after: windows.after.map(mean) ?? nil,
                    source: .checkIns)
            }
        }
    }

    /// The retrospective: every key result graded on the cycle's last day (or today, while it runs).
    public func retrospective(today: LocalDate, teamID: String? = nil, rules: StatusRules = .standard) -> Retrospective {
        let day = evaluationDay(today: today)
        let teamIDs = teamAndBelow(teamID)
        var graded: [Retrospective.Graded] = []
        var objectiveGrades: [(Objective, Team, Double)] = []
        for team in summaries(today: day, rules: rules) where teamIDs.contains(team.team.id) {
            for objective in team.objectives {
                let items = objective.keyResults.map { kr in
                    Retrospective.Graded(
                        summary: kr, team: team.team, objective: objective.objective,
                        grade: Grade.of(kr.keyResult, history: kr.history, cycleEnd: min(day, cycle.end)))
                }
                graded += items
                objectiveGrades.append((objective.objective, team.team, Objective.progress(of: items.map { ($0.summary.keyResult.weight, $0.grade) })))
            }
        }
        let served = Set(graded.map(\.summary.keyResult.id))
        return Retrospective(
            cycle: cycle, day: day, keyResults: graded, objectives: objectiveGrades, unfinished: graded.filter { $0.grade < 1 },
            openInitiatives: initiatives.filter { ($0.status == .planned || $0.status == .inProgress) && $0.keyResultIDs.contains(where: served.contains) })
    }
}

extension InitiativeImpact {
    /// The 28 days before `start`, and from `start` up to 28 days (cut at `day`; `nil` when the
    /// initiative starts on `day` or later, so nothing after it is known yet).
    public static func windows(start: LocalDate, day: LocalDate) -> (before: ClosedRange<LocalDate>, after: ClosedRange<LocalDate>?) {
        (start.adding(days: -28)...start.adding(days: -1), start <= day ? start...min(start.adding(days: 27), day) : nil)
    }
}

/// What carrying a cycle's unfinished work into the next cycle creates.
public struct CarryOverPlan: Sendable {
    /// Objectives to create in the target cycle (those with the same team and title are reused).
    public var newObjectives: [Objective]
    /// The copies of the unfinished key results, starting from their final value.
    public var keyResults: [KeyResult]
    /// For each copy, the key result it continues.
    public var sources: [String: String]
    /// Open initiatives that go on serving the copies: (initiative id, new key result id).
    public var initiativeLinks: [(initiativeID: String, keyResultID: String)]
    /// Unfinished key results skipped because the target cycle already has one with the same title
    /// under the same team's objective (carried before).
    public var alreadyCarried: [KeyResult]
}

extension Retrospective {
    /// Plans carrying the unfinished key results into `target` (a later cycle with its own
    /// objectives `existing`). Each copy runs over the target cycle, from the final value (its old
    /// baseline when it never had one) to the same target; open initiatives keep serving it.
    public func carryOverPlan(into target: Cycle, existing: [Objective], existingKeyResults: [KeyResult], initiatives: [Initiative]) -> CarryOverPlan {
        var plan = CarryOverPlan(newObjectives: [], keyResults: [], sources: [:], initiativeLinks: [], alreadyCarried: [])
        var objectiveFor: [String: String] = [:]  // team + title → objective id in the target cycle
        for objective in existing { objectiveFor[objective.teamID + "\u{1F}" + objective.title] = objective.id }
        let open = initiatives.filter { $0.status == .planned || $0.status == .inProgress }
        for item in unfinished {
            let key = item.objective.teamID + "\u{1F}" + item.objective.title
            let old = item.summary.keyResult
            if let objectiveID = objectiveFor[key], existingKeyResults.contains(where: { $0.objectiveID == objectiveID && $0.title == old.title }) {
                plan.alreadyCarried.append(old)
                continue
            }
            let objectiveID: String
            if let found = objectiveFor[key] {
                objectiveID = found
            } else {
                var copy = item.objective
                copy.id = Identifier.make("obj")
                copy.cycleID = target.id
                copy.alignments = []
                copy.version = 1
                plan.newObjectives.append(copy)
                objectiveFor[key] = copy.id
                objectiveID = copy.id
            }
            var next = old
            next.id = Identifier.make("kr")
            next.objectiveID = objectiveID
            next.start = target.start
            next.due = target.end
            next.version = 1
            if !old.kind.isThreshold, let final = item.summary.state.currentValue { next.baseline = final }
            if let commit = old.commit, let baseline = next.baseline, !(min(baseline, old.target)...max(baseline, old.target)).contains(commit) { next.commit = nil }
            plan.keyResults.append(next)
            plan.sources[next.id] = old.id
            for initiative in open where initiative.keyResultIDs.contains(old.id) { plan.initiativeLinks.append((initiative.id, next.id)) }
        }
        return plan
    }
}
