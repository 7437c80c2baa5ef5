import Foundation
import RumboAnalytics
import RumboCore
import SQLKit

extension Store {
    /// Loads one cycle's OKRs with their check-ins. Without a cycle id: the active cycle that
    /// contains `today`, else the latest active one, else the latest cycle. `nil` when the
    /// organization has no cycles yet.
    public func cycleData(for organization: Organization, cycleID: String? = nil, today: LocalDate) async throws -> CycleData? {
        try await read { db in
            let org = organization.id
            let cycles: [Cycle] = try await Self.list(Cycle.self, org: org, db: db)
            let chosen: Cycle?
            if let cycleID {
                guard let match = cycles.first(where: { $0.id == cycleID }) else { throw RumboError.notFound("cycle", id: cycleID) }
                chosen = match
            } else {
                chosen = Self.currentCycle(cycles, today: today)
            }
            guard let cycle = chosen else { return nil }
            let objectives: [Objective] = try await Self.list(Objective.self, org: org, db: db, where: [("cycle_id", [cycle.id])])
            let keyResults: [KeyResult] = try await Self.list(KeyResult.self, org: org, db: db, where: [("objective_id", objectives.map(\.id))])
            let initiativeIDs = try await db.select().distinct().column("initiative_id").from("initiative_key_results")
                .where("org_id", .equal, org).where("key_result_id", .in, keyResults.map(\.id)).all()
                .map { try $0.text("initiative_id") }
            return CycleData(
                organization: organization, cycle: cycle, cycles: cycles,
                teams: try await Self.list(Team.self, org: org, db: db),
                people: try await Self.list(Person.self, org: org, db: db),
                objectives: objectives, keyResults: keyResults,
                initiatives: keyResults.isEmpty ? [] : try await Self.list(Initiative.self, org: org, db: db, where: [("id", initiativeIDs)]),
                checkIns: try await Self.checkIns(keyResultIDs: keyResults.map(\.id), org: org, db: db))
        }
    }

    static func currentCycle(_ cycles: [Cycle], today: LocalDate) -> Cycle? {
        let active = cycles.filter { $0.status == .active }
        return active.first { $0.start <= today && today <= $0.end } ?? active.last ?? cycles.last
    }

    /// Writes a whole organization (the demo, or a backup) in one transaction: all or nothing.
    public func load(_ data: DemoOrganization) async throws {
        try await transaction { db in
            let org = data.organization.id
            try await Self.insertOrganization(data.organization, db: db)
            try await Self.insert(data.teams, org: org, db: db)
            try await Self.insert(data.people, org: org, db: db)
            try await Self.insert(data.cycles, org: org, db: db)
            try await Self.insert(data.objectives, org: org, db: db)
            try await Self.insert(data.keyResults, org: org, db: db)
            try await Self.insert(data.initiatives, org: org, db: db)
            try await Self.insertCheckIns(data.checkIns, org: org, db: db)
            for binding in data.bindings {
                try await db.insert(into: "key_result_bindings")
                    .columns("org_id", "key_result_id", "metric_id", "filters", "period", "rolling_days", "version")
                    .values(org, binding.keyResultID, binding.metricID, String(decoding: try JSONEncoder.sorted.encode(binding.filters), as: UTF8.self),
                        binding.period, binding.rollingDays, 1)
                    .run()
            }
        }
    }
}

extension Store {
    /// The demo organizations' stated costs: a small spa in Spain, a software company in Mexico.
    static let demoCosts: [String: ImpactSettings] = [
        "spa-el-encanto": ImpactSettings(currency: "€", hourlyCost: 18, minutesPerEscalation: 20, revenuePerCustomer: 420, revenuePerAppointment: 55),
        "nimbus-support": ImpactSettings(currency: "$", hourlyCost: 32, minutesPerEscalation: 45, revenuePerCustomer: 9_600),
    ]

    /// Loads a demo organization with its raw customer data (`Demo.customerData`) and writes the
    /// automatic check-ins of its bound key results from that data. Returns the rows imported and
    /// the automatic check-ins written.
    public func loadDemo(_ demo: DemoOrganization, today: LocalDate, now: Date) async throws -> (rows: Int, automaticCheckIns: Int) {
        try await load(demo)
        var rows = 0
        for (kind, data) in Demo.customerData(for: demo.organization.slug, asOf: today).sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let outcome = try await importRows(kind, rows: data, source: "demo", into: demo.organization, fileName: "demo", by: "demo", now: now)
            rows += outcome.rowsWritten
        }
        if let costs = Self.demoCosts[demo.organization.slug] {
            try await saveImpactSettings(costs, in: demo.organization.id, by: "demo", now: now)
        }
        let written = try await refreshAutomaticCheckIns(in: demo.organization, now: now)
        return (rows, written.count)
    }
}
