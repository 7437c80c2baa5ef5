import Foundation

/// Everything one demo organization holds.
public struct DemoOrganization: Hashable, Codable, Sendable {
    public var organization: Organization
    /// Parents before children.
    public var teams: [Team]
    public var people: [Person]
    /// Four calendar quarters, oldest first: three closed and the current one, active.
    public var cycles: [Cycle]
    public var objectives: [Objective]
    public var keyResults: [KeyResult]
    public var initiatives: [Initiative]
    /// Sorted by `recordedAt`.
    public var checkIns: [CheckIn]
    /// Key results kept current from metrics of the demo's raw data (`Demo.customerData`).
    public var bindings: [MetricBinding] = []

    public init(
        organization: Organization, teams: [Team], people: [Person], cycles: [Cycle], objectives: [Objective],
        keyResults: [KeyResult], initiatives: [Initiative], checkIns: [CheckIn]
    ) {
        self.organization = organization
        self.teams = teams
        self.people = people
        self.cycles = cycles
        self.objectives = objectives
        self.keyResults = keyResults
        self.initiatives = initiatives
        self.checkIns = checkIns
    }
}

/// The demo data Rumbo ships (DESIGN.md section 7): Spa El Encanto, a wellness spa recovering from
/// a 22% drop in retention, and Nimbus Software's support and customer-success teams. Each holds a
/// year of OKRs: three closed quarters that tell the story and grade between 0.3 and 1.0, and the
/// current quarter with weekly check-ins up to `today` and a mix of green, yellow and red.
public enum Demo {
    /// The two demo organizations as of `today`: same seed and same day → identical data.
    ///
    /// Organization, team, person, cycle, objective, key result and initiative ids depend on the
    /// seed only; check-in values and ids are drawn per key result, so moving `today` forward inside
    /// a quarter only adds check-ins.
    public static func organizations(asOf today: LocalDate, seed: UInt64 = 2026) -> [DemoOrganization] {
        [spaElEncanto, nimbusSoftware].enumerated().map { index, plan in
            Generator(plan: plan, today: today, seed: seed, stream: UInt64(index)).organization()
        }
    }
}

extension Demo {
    struct Generator {
        let plan: OrganizationPlan
        let today: LocalDate
        let seed: UInt64
        /// Which organization this is, so that the two draw from different random streams.
        let stream: UInt64

        /// A key result with what the generator needs to simulate its check-ins.
        private struct Simulation {
            var keyResult: KeyResult
            var plan: KeyResultPlan
            var isCurrent: Bool
            /// Its position in its quarter, which staggers check-in times by two minutes each.
            var slot: Int
        }

        func organization() -> DemoOrganization {
            var ids = SplitMix64.stream(seed, stream, 0)
            let organization = Organization(
                id: Identifier.make("org", using: &ids), slug: plan.slug, name: plan.name, language: plan.language,
                timeZone: plan.timeZone)

            var teamIDs: [String: String] = [:]
            var teams: [Team] = []
            for team in plan.teams {
                let id = Identifier.make("team", using: &ids)
                teamIDs[team.key] = id
                teams.append(Team(id: id, name: team.name, parentID: team.parent.map { Self.resolve($0, in: teamIDs) }))
            }

            var personIDs: [String: String] = [:]
            var people: [Person] = []
            for person in plan.people {
                let id = Identifier.make("person", using: &ids)
                personIDs[person.key] = id
                people.append(
                    Person(
                        id: id, name: person.name, email: "\(person.mailbox)@\(plan.emailDomain)",
                        teamID: Self.resolve(person.team, in: teamIDs)))
            }

            let currentQuarter = today.startOfQuarter
            var cycles: [Cycle] = []
            for index in plan.cycles.indices {
                let quartersBack = plan.cycles.count - 1 - index
                cycles.append(
                    Cycle.quarter(
                        containing: Self.quarterStart(currentQuarter, back: quartersBack),
                        id: Identifier.make("cycle", using: &ids), status: quartersBack == 0 ? .active : .closed,
                        language: plan.language))
            }

            var objectives: [Objective] = []
            var keyResults: [KeyResult] = []
            var simulations: [Simulation] = []
            var keyResultIDs: [[String: String]] = []
            for (index, objectivePlans) in plan.cycles.enumerated() {
                let cycle = cycles[index]
                var objectiveKeys: [String: String] = [:]
                var keyResultKeys: [String: String] = [:]
                var slot = 0
                for objectivePlan in objectivePlans {
                    let objectiveID = Identifier.make("obj", using: &ids)
                    // Alignments point back at objectives and key results of the same quarter declared earlier.
                    let alignments = objectivePlan.supports.map { support in
                        switch support {
                        case .objective(let key): Alignment(kind: .objective, id: Self.resolve(key, in: objectiveKeys))
                        case .keyResult(let key): Alignment(kind: .keyResult, id: Self.resolve(key, in: keyResultKeys))
                        }
                    }
                    objectiveKeys[objectivePlan.key] = objectiveID
                    objectives.append(
                        Objective(
                            id: objectiveID, cycleID: cycle.id, teamID: Self.resolve(objectivePlan.team, in: teamIDs),
                            title: objectivePlan.title, description: objectivePlan.description,
                            ownerID: Self.resolve(objectivePlan.owner, in: personIDs), alignments: alignments))
                    for keyResultPlan in objectivePlan.keyResults {
                        let keyResult = KeyResult(
                            id: Identifier.make("kr", using: &ids), objectiveID: objectiveID, title: keyResultPlan.title,
                            kind: keyResultPlan.kind, unit: keyResultPlan.unit, baseline: keyResultPlan.baseline,
                            target: keyResultPlan.target, start: cycle.start, due: cycle.end,
                            ownerID: Self.resolve(keyResultPlan.owner, in: personIDs))
                        if let key = keyResultPlan.key { keyResultKeys[key] = keyResult.id }
                        keyResults.append(keyResult)
                        simulations.append(
                            Simulation(keyResult: keyResult, plan: keyResultPlan, isCurrent: cycle.status == .active, slot: slot))
                        slot += 1
                    }
                }
                keyResultIDs.append(keyResultKeys)
            }

            let initiatives = plan.initiatives.map { initiative in
                let cycle = cycles[initiative.cycle]
                let start = cycle.start.adding(days: initiative.startOffset)
                let end = initiative.endOffset.map { cycle.start.adding(days: $0) } ?? cycle.end
                let status: Initiative.Status =
                    initiative.cancelled ? .cancelled : today < start ? .planned : today > end ? .done : .inProgress
                return Initiative(
                    id: Identifier.make("init", using: &ids), title: initiative.title, description: initiative.description,
                    status: status, start: start, end: end, ownerID: Self.resolve(initiative.owner, in: personIDs),
                    teamIDs: initiative.teams.map { Self.resolve($0, in: teamIDs) },
                    keyResultIDs: initiative.keyResults.map { Self.resolve($0, in: keyResultIDs[initiative.cycle]) })
            }

            let zone = organization.zone
            var checkIns: [CheckIn] = []
            for (index, simulation) in simulations.enumerated() {
                var random = SplitMix64.stream(seed, stream, 1, UInt64(index))
                checkIns += self.checkIns(for: simulation, zone: zone, using: &random)
            }
            checkIns.sort { ($0.recordedAt, $0.id) < ($1.recordedAt, $1.id) }

            // Bound key results of the current quarter get their check-ins from the data once it is
            // imported, not from the simulation (whose random draws are still made, so nothing else moves).
            let current = keyResultIDs.last ?? [:]
            let bindings = plan.bindings.sorted { $0.key < $1.key }.compactMap { key, binding -> MetricBinding? in
                guard let id = current[key] else { return nil }
                var bound = binding
                bound.keyResultID = id
                return bound
            }
            let bound = Set(bindings.map(\.keyResultID))
            checkIns.removeAll { bound.contains($0.keyResultID) }

            var result = DemoOrganization(
                organization: organization, teams: teams, people: people, cycles: cycles, objectives: objectives,
                keyResults: keyResults, initiatives: initiatives, checkIns: checkIns)
            result.bindings = bindings
            return result
        }

        /// Weekly check-ins of one key result from its start up to its due date or `today`, whichever
        /// comes first. Every check-in draws the same random numbers whatever `today` is, so earlier
        /// weeks never change as later ones are added.
        private func checkIns(for simulation: Simulation, zone: TimeZone, using random: inout SplitMix64) -> [CheckIn] {
            let keyResult = simulation.keyResult
            let script = simulation.plan
            let days = Demo.checkInDays(from: keyResult.start, through: min(keyResult.due, today))
            let weeksInQuarter = Demo.checkInDays(from: keyResult.start, through: keyResult.due).count
            let notes = Demo.spread(script.notes.count, over: weeksInQuarter, shift: 0)
            let blockers = Demo.spread(script.blockers.count, over: weeksInQuarter, shift: 1)
            // Closed quarters start their pattern of good and bad weeks at a random point; the current
            // quarter's starts with a good week, so its early status is not decided by chance.
            let drawnPhase = Double.random(in: 0..<1, using: &random)
            let phase = simulation.isCurrent ? 0 : drawnPhase
            // Closed quarters get a little more noise: their grades need not land exactly on plan.
            let noise = simulation.isCurrent ? 0.04 : 0.06
            let minute = script.automatic ? plan.automaticMinute : plan.checkInMinute + 2 * simulation.slot

            var result: [CheckIn] = []
            var itemsDone = 0.0
            for (week, day) in days.enumerated() {
                let id = Identifier.make("ci", using: &random)
                let jitter = Double.random(in: -1...1, using: &random)
                let magnitude = Double.random(in: 0...1, using: &random)
                let confidenceJitter = Int.random(in: -1...1, using: &random)
                let noteRoll = Double.random(in: 0..<1, using: &random)
                let weeklyNote = plan.weeklyNotes[Int.random(in: 0..<plan.weeklyNotes.count, using: &random)]

                // The value counts the work of the week that ends with the check-in: a team on pace
                // reports, on each Monday, what the straight line expects a week later.
                let elapsed = script.shape.share(at: keyResult.expectedProgress(on: day.adding(days: 7)))
                let value: Double
                switch keyResult.kind {
                case .increase, .decrease:
                    let progress = script.reach * elapsed * (1 + noise * jitter)
                    value = Demo.rounded(
                        keyResult.effectiveBaseline + (keyResult.target - keyResult.effectiveBaseline) * progress,
                        decimals: script.decimals, within: script.limits)
                case .milestone:
                    // Whole checklist items, never undone, rounded up so a milestone on pace shows on pace.
                    let finalItems = (script.reach * keyResult.target).rounded()
                    itemsDone = max(itemsDone, min(finalItems, (finalItems * elapsed - 1e-9).rounded(.up)))
                    value = itemsDone
                case .keepAbove, .keepBelow:
                    let period = keyResult.start.days(until: day) / 7
                    value = thresholdValue(
                        keyResult, script: script,
                        compliant: Demo.isCompliantPeriod(period, share: script.reach, phase: phase),
                        magnitude: magnitude)
                }

                var note = ""
                var blocker = ""
                var confidence: Int?
                if !script.automatic {
                    if week == 0 {
                        note = plan.kickoffNote
                    } else if let index = notes[week] {
                        note = script.notes[index]
                    } else if noteRoll < 0.3 {
                        note = weeklyNote
                    }
                    blocker = blockers[week].map { script.blockers[$0] } ?? ""
                    confidence = self.confidence(script, elapsed: keyResult.expectedProgress(on: day), jitter: confidenceJitter)
                }
                let recordedAt = day.startOfDay(in: zone).addingTimeInterval(TimeInterval(minute * 60))
                result.append(
                    CheckIn(
                        id: id, keyResultID: keyResult.id, value: value, confidence: confidence, note: note,
                        blockers: blocker, authorID: script.automatic ? nil : keyResult.ownerID,
                        source: script.automatic ? .automatic : .manual, recordedAt: recordedAt,
                        day: LocalDate(recordedAt, in: zone)))
            }
            return result
        }

        /// A keep-above / keep-below value on the requested side of the threshold, at most 1.35 ×
        /// `spread` from it. Non-compliant values stay at least 0.2 × `spread` away, which the plan
        /// keeps above half a rounding step, so rounding never carries a value across the threshold.
        private func thresholdValue(_ keyResult: KeyResult, script: KeyResultPlan, compliant: Bool, magnitude: Double) -> Double {
            let better: Double = keyResult.kind == .keepAbove ? 1 : -1
            let offset = compliant ? 0.25 + 1.1 * magnitude : -(0.2 + 0.8 * magnitude)
            return Demo.rounded(
                keyResult.target + better * script.spread * offset, decimals: script.decimals, within: script.limits)
        }

        /// Everyone starts a quarter at 7 out of 10; owners of key results heading for a poor grade
        /// lose confidence as the weeks go by.
        private func confidence(_ script: KeyResultPlan, elapsed: Double, jitter: Int) -> Int {
            let outlook: Double =
                switch script.reach {
                case 0.95...: 8.5
                case 0.8..<0.95: 7
                case 0.6..<0.8: 5.5
                case 0.45..<0.6: 4.5
                default: 3
                }
            let expected = 7 + (outlook - 7) * elapsed
            return min(max(Int(expected.rounded()) + jitter, 0), 10)
        }

        private static func resolve(_ key: String, in ids: [String: String]) -> String {
            guard let id = ids[key] else { preconditionFailure("Demo plan refers to unknown key '\(key)'") }
            return id
        }

        /// The first day of the quarter `back` quarters before the one starting on `start`.
        static func quarterStart(_ start: LocalDate, back: Int) -> LocalDate {
            let months = start.year * 12 + (start.month - 1) - 3 * back
            return LocalDate(year: months / 12, month: months % 12 + 1, day: 1)
        }
    }

    /// Check-in days from `start` through `last`: a kickoff on the first weekday (or on `last`, if
    /// that comes sooner), then every Monday. The last one is always within a week of `last`.
    static func checkInDays(from start: LocalDate, through last: LocalDate) -> [LocalDate] {
        guard last >= start else { return [] }
        var kickoff = start
        while weekday(of: kickoff) >= 5 { kickoff = kickoff.adding(days: 1) }
        kickoff = min(kickoff, last)
        var days = [kickoff]
        var monday = kickoff.adding(days: 7 - weekday(of: kickoff))
        while monday <= last {
            days.append(monday)
            monday = monday.adding(days: 7)
        }
        return days
    }

    /// Spreads `count` items evenly over the weeks after the kickoff: week → item index.
    static func spread(_ count: Int, over weeks: Int, shift: Int) -> [Int: Int] {
        guard count > 0, weeks > 1 else { return [:] }
        var placed: [Int: Int] = [:]
        for item in 0..<count {
            var week = Int((Double((item + 1) * (weeks - 1)) / Double(count + 1)).rounded()) + shift
            week = min(max(week, 1), weeks - 1)
            while placed[week] != nil, week < weeks - 1 { week += 1 }
            placed[week] = item
        }
        return placed
    }

    /// Whether a keep-above / below key result meets its threshold in week `period`. Good weeks
    /// are spaced evenly (a Bresenham line), so after n weeks the compliant share lies within 1/n of
    /// `share`, from above when `phase` is 0.
    static func isCompliantPeriod(_ period: Int, share: Double, phase: Double) -> Bool {
        let before = (Double(period) * share + phase - 1e-9).rounded(.up)
        let after = (Double(period + 1) * share + phase - 1e-9).rounded(.up)
        return after > before
    }

    static func rounded(_ value: Double, decimals: Int, within limits: ClosedRange<Double>) -> Double {
        let scale = pow(10, Double(decimals))
        return min(max((value * scale).rounded() / scale, limits.lowerBound), limits.upperBound)
    }

    /// 0 for Monday through 6 for Sunday.
    static func weekday(of day: LocalDate) -> Int {
        // 1970-01-01 was a Thursday.
        ((day.dayNumber + 3) % 7 + 7) % 7
    }
}
