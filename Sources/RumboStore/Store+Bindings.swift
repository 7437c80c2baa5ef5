import Foundation
import RumboAnalytics
import RumboCore
import SQLKit

/// Key results bound to metrics, and the automatic check-ins written from them.
extension Store {
    /// Binds a key result to a metric (replacing an earlier binding) and writes its automatic
    /// check-ins from the data already imported.
    @discardableResult
    public func bind(_ binding: MetricBinding, in organization: Organization, by actor: String = "system", now: Date = Date()) async throws
        -> [CheckIn]
    {
        try binding.validate()
        guard let metric = MetricCatalog.definition(binding.metricID) else {
            throw RumboError.invalid(
                "metric_id", en: "There is no metric '\(binding.metricID)'. `rumbo metrics list` shows them all.",
                es: "No existe la métrica '\(binding.metricID)'. `rumbo metrics list` las muestra todas.")
        }
        if let bad = binding.filters.keys.sorted().first(where: { !metric.filters.contains($0) }) {
            throw RumboError.invalid(
                "filters", en: "The metric \(metric.id) has no filter '\(bad)'; it takes: \(metric.filters.joined(separator: ", ")).",
                es: "La métrica \(metric.id) no admite el filtro '\(bad)'; admite: \(metric.filters.joined(separator: ", ")).")
        }
        let org = organization.id
        let filters = String(decoding: try JSONEncoder.sorted.encode(binding.filters), as: UTF8.self)
        try await transaction { db in
            _ = try await Self.fetch(KeyResult.self, id: binding.keyResultID, org: org, db: db)
            try await db.delete(from: "key_result_bindings").where("org_id", .equal, org).where("key_result_id", .equal, binding.keyResultID).run()
            try await db.insert(into: "key_result_bindings")
                .columns("org_id", "key_result_id", "metric_id", "filters", "period", "rolling_days", "version")
                .values(org, binding.keyResultID, binding.metricID, filters, binding.period, binding.rollingDays, 1).run()
            try await Self.audit(org: org, actor: actor, action: "kr.bind", entity: "key result", id: binding.keyResultID, db: db, now: now)
        }
        return try await refreshAutomaticCheckIns(in: organization, keyResultIDs: [binding.keyResultID], now: now)
    }

    /// Removes a key result's binding and its automatic check-ins (manual ones stay).
    public func unbind(keyResultID: String, in organization: Organization, by actor: String = "system") async throws {
        let org = organization.id
        try await transaction { db in
            _ = try await Self.fetch(KeyResult.self, id: keyResultID, org: org, db: db)
            try await db.delete(from: "key_result_bindings").where("org_id", .equal, org).where("key_result_id", .equal, keyResultID).run()
            try await db.delete(from: "check_ins").where("org_id", .equal, org).where("key_result_id", .equal, keyResultID)
                .where("source", .equal, CheckIn.Source.automatic.rawValue).run()
            try await Self.audit(org: org, actor: actor, action: "kr.unbind", entity: "key result", id: keyResultID, db: db)
        }
    }

    /// Every binding of the organization, by key result id.
    public func bindings(in org: String) async throws -> [String: MetricBinding] {
        try await read { db in
            var result: [String: MetricBinding] = [:]
            for row in try await db.select().column("*").from("key_result_bindings").where("org_id", .equal, org).all() {
                let binding = MetricBinding(
                    keyResultID: try row.text("key_result_id"), metricID: try row.text("metric_id"),
                    filters: (try? JSONDecoder().decode([String: String].self, from: Data(try row.text("filters").utf8))) ?? [:],
                    period: try row.text("period"), rollingDays: try row.optionalInteger("rolling_days"))
                result[binding.keyResultID] = binding
            }
            return result
        }
    }

    /// Recomputes the automatic check-ins of the bound key results (all of them when `keyResultIDs`
    /// is nil): one per period from the key result's start to today (or its due date), each with
    /// its provenance. Periods without enough data get no check-in. Returns the check-ins written.
    @discardableResult
    public func refreshAutomaticCheckIns(in organization: Organization, keyResultIDs: [String]? = nil, now: Date = Date()) async throws
        -> [CheckIn]
    {
        let org = organization.id
        var bindings = try await bindings(in: org)
        if let keyResultIDs { bindings = bindings.filter { keyResultIDs.contains($0.key) } }
        let today = LocalDate(now, in: organization.zone)
        var written: [CheckIn] = []
        for binding in bindings.values.sorted(by: { $0.keyResultID < $1.keyResultID }) {
            let keyResult = try await fetch(KeyResult.self, id: binding.keyResultID, in: org)
            let objective = try await fetch(Objective.self, id: keyResult.objectiveID, in: org)
            let cycle = try await fetch(Cycle.self, id: objective.cycleID, in: org)
            // A closed cycle's history is graded: new data never rewrites it.
            guard cycle.status != .closed else { continue }
            let start = keyResult.start == KeyResult.unsetDate ? cycle.start : keyResult.start
            let due = keyResult.due == KeyResult.unsetDate ? cycle.end : keyResult.due
            let end = min(due, today)
            var checkIns: [CheckIn] = []
            if start <= end {
                let query = MetricQuery(
                    metricID: binding.metricID, period: MetricPeriod(rawValue: binding.period) ?? .week, rollingDays: binding.rollingDays,
                    from: start, to: end, filters: binding.filters, asOf: now)
                for value in try await computeMetric(query, in: organization) where value.status == .ok {
                    guard let number = value.value else { continue }
                    let closing = value.window.end.adding(days: 1).startOfDay(in: organization.zone).addingTimeInterval(-1)
                    checkIns.append(
                        CheckIn(
                            id: "auto_\(keyResult.id)_\(value.window.label)", keyResultID: keyResult.id, value: number,
                            note: "", source: .automatic, recordedAt: min(closing, now), day: value.window.end,
                            provenance: CheckIn.Provenance(
                                metricID: binding.metricID, filters: binding.filters, window: value.window.label,
                                windowStart: value.window.start, windowEnd: value.window.end, n: value.n, low: value.low, high: value.high)))
                }
            }
            let fresh = checkIns
            try await transaction { db in
                try await db.delete(from: "check_ins").where("org_id", .equal, org).where("key_result_id", .equal, keyResult.id)
                    .where("source", .equal, CheckIn.Source.automatic.rawValue).run()
                try await Self.insertCheckIns(fresh, org: org, db: db)
            }
            written += fresh
        }
        return written
    }
}

extension JSONEncoder {
    /// Keys sorted, so equal values encode to equal text.
    static var sorted: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }
}
