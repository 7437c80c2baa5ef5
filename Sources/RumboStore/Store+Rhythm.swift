import Foundation
import RumboAnalytics
import RumboCore
import SQLKit

/// A lesson written in a cycle's retrospective.
public struct Lesson: Sendable, Hashable, Codable {
    public var id: String
    public var cycleID: String
    public var teamID: String?
    public var text: String
    public var author: String
    public var createdAt: Date
}

extension Store {
    static let rhythmMigration: [String] = [
        """
        CREATE TABLE cycle_lessons (
            org_id TEXT NOT NULL REFERENCES organizations (org_id), id TEXT NOT NULL, cycle_id TEXT NOT NULL, team_id TEXT,
            text TEXT NOT NULL, author TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (org_id, id))
        """,
        "CREATE INDEX cycle_lessons_by_cycle ON cycle_lessons (org_id, cycle_id, created_at)",
        """
        CREATE TABLE impact_settings (
            org_id TEXT NOT NULL PRIMARY KEY REFERENCES organizations (org_id), currency TEXT NOT NULL, hourly_cost DOUBLE PRECISION,
            minutes_per_escalation DOUBLE PRECISION, revenue_per_customer DOUBLE PRECISION, revenue_per_appointment DOUBLE PRECISION,
            updated_at BIGINT NOT NULL)
        """,
    ]

    /// The organization's stated costs and revenues (nothing stated: no figure).
    public func impactSettings(in org: String) async throws -> ImpactSettings {
        try await read { db in
            guard let row = try await db.raw("SELECT * FROM impact_settings WHERE org_id = \(bind: org)").first() else { return ImpactSettings() }
            return ImpactSettings(
                currency: try row.text("currency"), hourlyCost: try row.decode(column: "hourly_cost", as: Double?.self),
                minutesPerEscalation: try row.decode(column: "minutes_per_escalation", as: Double?.self),
                revenuePerCustomer: try row.decode(column: "revenue_per_customer", as: Double?.self),
                revenuePerAppointment: try row.decode(column: "revenue_per_appointment", as: Double?.self))
        }
    }

    /// Replaces the stated costs and revenues after checking each figure; audited.
    public func saveImpactSettings(_ settings: ImpactSettings, in org: String, by actor: String, now: Date = Date()) async throws {
        try settings.validate()
        try await transaction { db in
            try await db.raw("DELETE FROM impact_settings WHERE org_id = \(bind: org)").run()
            try await db.raw(
                """
                INSERT INTO impact_settings (org_id, currency, hourly_cost, minutes_per_escalation, revenue_per_customer, revenue_per_appointment, updated_at)
                VALUES (\(bind: org), \(bind: settings.currency.trimmingCharacters(in: .whitespaces)), \(bind: settings.hourlyCost), \(bind: settings.minutesPerEscalation),
                    \(bind: settings.revenuePerCustomer), \(bind: settings.revenuePerAppointment), \(bind: Int64(now.timeIntervalSince1970 * 1000)))
                """
            ).run()
            try await Store.audit(org: org, actor: actor, action: "impact_settings.update", entity: "impact_settings", id: org, db: db, now: now)
        }
    }

    /// The longest lesson, in characters.
    public static let maximumLessonLength = 2_000

    /// Records a lesson of a cycle (optionally of one team). The text is required and at most
    /// 2,000 characters; the cycle and the team must exist.
    @discardableResult
    public func addLesson(_ text: String, cycleID: String, teamID: String?, author: String, in org: String, by actor: String, now: Date = Date())
        async throws -> Lesson
    {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else {
            throw RumboError(.invalid, field: "text", en: "Write the lesson: what would you do differently next cycle?", es: "Escribe la lección: ¿qué harías distinto el próximo ciclo?")
        }
        guard trimmed.count <= Self.maximumLessonLength, !trimmed.contains("\u{0}") else {
            throw RumboError(
                .invalid, field: "text", en: "A lesson is at most \(Self.maximumLessonLength) characters; split it in two.",
                es: "Una lección tiene como máximo \(Self.maximumLessonLength) caracteres; divídela en dos.")
        }
        let lesson = Lesson(id: Identifier.make("lsn"), cycleID: cycleID, teamID: teamID, text: trimmed, author: author, createdAt: now)
        try await transaction { db in
            _ = try await Self.fetch(Cycle.self, id: cycleID, org: org, db: db)
            if let teamID { _ = try await Self.fetch(Team.self, id: teamID, org: org, db: db) }
            try await db.raw(
                """
                INSERT INTO cycle_lessons (org_id, id, cycle_id, team_id, text, author, created_at)
                VALUES (\(bind: org), \(bind: lesson.id), \(bind: cycleID), \(bind: teamID), \(bind: trimmed), \(bind: author), \(bind: Int64(now.timeIntervalSince1970 * 1000)))
                """
            ).run()
            try await Store.audit(org: org, actor: actor, action: "lesson.create", entity: "lesson", id: lesson.id, db: db, now: now)
        }
        return lesson
    }

    /// A cycle's lessons, oldest first (of one team and the whole cycle's when `teamIDs` is given).
    public func lessons(cycleID: String, teamIDs: Set<String>? = nil, in org: String) async throws -> [Lesson] {
        let rows = try await read { db in
            try await db.raw("SELECT * FROM cycle_lessons WHERE org_id = \(bind: org) AND cycle_id = \(bind: cycleID) ORDER BY created_at, id").all()
        }
        return try rows.map { row in
            Lesson(
                id: try row.text("id"), cycleID: try row.text("cycle_id"), teamID: try row.optionalText("team_id"), text: try row.text("text"),
                author: try row.text("author"), createdAt: Date(timeIntervalSince1970: Double(try row.decode(column: "created_at", as: Int64.self)) / 1000))
        }.filter { lesson in teamIDs.map { ids in lesson.teamID.map(ids.contains) ?? true } ?? true }
    }

    /// The review's initiative impacts, with those of key results bound to a metric computed by
    /// the metric engine over the 28 days before the initiative's start and the days from it
    /// (with 95% intervals), instead of from check-ins.
    public func initiativeImpacts(_ review: MonthlyReview, in organization: Organization, asOf: Date) async throws -> [InitiativeImpact] {
        let bindings = try await bindings(in: organization.id)
        var result: [InitiativeImpact] = []
        for impact in review.impacts {
            guard let binding = bindings[impact.keyResult.id], let start = impact.initiative.start else {
                result.append(impact)
                continue
            }
            let windows = InitiativeImpact.windows(start: start, day: review.day)
            func measure(_ range: ClosedRange<LocalDate>?) async throws -> InitiativeImpact.Measure? {
                guard let range else { return nil }
                let query = MetricQuery(
                    metricID: binding.metricID, period: .day, rollingDays: range.lowerBound.days(until: range.upperBound) + 1,
                    from: range.upperBound, to: range.upperBound, filters: binding.filters, asOf: asOf)
                guard let value = try await computeMetric(query, in: organization).first, let number = value.value else { return nil }
                return .init(value: number, low: value.low, high: value.high, n: value.n, from: range.lowerBound, to: range.upperBound)
            }
            result.append(
                InitiativeImpact(
                    initiative: impact.initiative, keyResult: impact.keyResult, before: try await measure(windows.before),
                    after: try await measure(windows.after), source: .metric))
        }
        return result
    }
}

extension Store {
    /// The cycle unfinished work of `source` goes to: the earliest later cycle that is not closed,
    /// or a new quarter right after it, in planning, when there is none.
    public func nextCycle(after source: Cycle, in organization: Organization, by actor: String) async throws -> Cycle {
        let later = try await list(Cycle.self, in: organization.id).filter { $0.start > source.start && $0.status != .closed }
        if let next = later.min(by: { $0.start < $1.start }) { return next }
        let quarter = Cycle.quarter(containing: source.end.adding(days: 1), id: "", status: .planning, language: organization.language)
        return try await create(quarter, in: organization.id, by: actor)
    }

    /// Carries the unfinished key results of cycle `sourceID` into the later cycle `targetID`, all
    /// or nothing: objectives are reused by team and title or copied, each key result continues
    /// from its final value, bindings are copied and open initiatives keep serving the copies.
    /// Running it again carries nothing twice.
    @discardableResult
    public func carryOver(from sourceID: String, to targetID: String, in organization: Organization, today: LocalDate, by actor: String, now: Date = Date())
        async throws -> CarryOverPlan
    {
        let org = organization.id
        guard let data = try await cycleData(for: organization, cycleID: sourceID, today: today) else { throw RumboError.notFound("cycle", id: sourceID) }
        let target = try await fetch(Cycle.self, id: targetID, in: org)
        guard target.start > data.cycle.start, target.status != .closed else {
            throw RumboError(
                .invalid, field: "target_cycle",
                en: "Unfinished work carries over to a later cycle that is not closed; '\(target.name)' is not one. Create the next cycle first.",
                es: "El trabajo pendiente pasa a un ciclo posterior que no esté cerrado; «\(target.name)» no lo es. Crea primero el siguiente ciclo.")
        }
        let existing = try await list(Objective.self, in: org, filters: ["cycle_id": targetID])
        var existingKeyResults: [KeyResult] = []
        for objective in existing { existingKeyResults += try await list(KeyResult.self, in: org, filters: ["objective_id": objective.id]) }
        let plan = data.retrospective(today: today).carryOverPlan(
            into: target, existing: existing, existingKeyResults: existingKeyResults, initiatives: data.initiatives)
        let bindings = try await bindings(in: org)
        try await transaction { db in
            try await Self.insert(plan.newObjectives, org: org, db: db)
            try await Self.insert(plan.keyResults, org: org, db: db)
            for kr in plan.keyResults {
                guard let source = plan.sources[kr.id], let binding = bindings[source] else { continue }
                try await db.insert(into: "key_result_bindings")
                    .columns("org_id", "key_result_id", "metric_id", "filters", "period", "rolling_days", "version")
                    .values(org, kr.id, binding.metricID, String(decoding: try JSONEncoder.sorted.encode(binding.filters), as: UTF8.self),
                        binding.period, binding.rollingDays, 1)
                    .run()
            }
            for (position, link) in plan.initiativeLinks.enumerated() {
                try await db.insert(into: "initiative_key_results").columns("org_id", "initiative_id", "key_result_id", "position")
                    .values(org, link.initiativeID, link.keyResultID, 1_000 + position).run()
            }
            try await Store.audit(org: org, actor: actor, action: "cycle.carry_over", entity: "cycle", id: targetID, db: db, now: now)
        }
        let bound = plan.keyResults.map(\.id).filter { plan.sources[$0].map { bindings[$0] != nil } ?? false }
        if !bound.isEmpty { try await refreshAutomaticCheckIns(in: organization, keyResultIDs: bound, now: now) }
        return plan
    }
}
