import Foundation
import RumboAnalytics
import RumboCore
import SQLKit

extension Store {
    /// One value per window of the query (DESIGN.md section 4), computed in SQL on either engine.
    ///
    /// Throws `RumboError.invalid` (field `metric`, `filter`, `period`, `from` or `parameters`) for
    /// an unknown metric, an unknown filter key, `from` after `to`, more than 1,000 windows, or a
    /// bad parameter. Values are never NaN: an empty denominator is `no_data`.
    public func computeMetric(_ query: MetricQuery, in organization: Organization) async throws -> [MetricValue] {
        let plan = try MetricPlan(query)
        let org = organization.id
        return try await read { db in
            try await MetricEvaluator(plan: plan, org: org, db: db, asOfDay: LocalDate(query.asOf, in: organization.zone).dayNumber).compute()
        }
    }
}

/// Computes one metric plan with portable SQL (SQLite and PostgreSQL).
///
/// Additive metrics (rates, NPS, counts, sums for means) are aggregated per local day in one
/// query over the span of all windows — one index range scan on `(org_id, <day column>)` — and
/// the days are summed into each window in Swift, which serves overlapping rolling windows too.
/// Percentiles take the window's n from that daily pass, then one sorted `LIMIT … OFFSET …` query
/// per window fetches just the ranks needed (value and interval bounds). Per-customer
/// metrics (repurchase, follow-up, MRR snapshots) need one query per window.
///
/// Column names come only from the catalog (filter keys are checked against the metric's
/// allow-list and the table's layout); every value is a bind.
struct MetricEvaluator: Sendable {
    let plan: MetricPlan
    let org: String
    let db: any SQLDatabase

    var definition: MetricDefinition { plan.definition }
    var windows: [MetricWindow] { plan.windows }
    var minimum: Int { plan.minimumSample }
    var table: String { definition.kind.layout.table }
    var scale: Double { definition.unit.milliseconds ?? 1 }
    var asOf: Int64 { plan.asOfMilliseconds }
    /// `asOf`'s local day in the organization's time zone.
    let asOfDay: Int

    func compute() async throws -> [MetricValue] {
        let layout = definition.kind.layout
        for (column, _) in plan.columnFilters where layout.index(of: column) == nil {
            throw RumboError(.internal, field: "filter", en: "The filter '\(column)' has no column.", es: "El filtro '\(column)' no tiene columna.")
        }
        let ms: (String, Double) -> Int64 = { plan.milliseconds($0, unit: $1) }
        switch definition.id {
        case "nps", "enps":
            let days = try await daily(["m.kind = \(bind: definition.id)", "m.score IS NOT NULL"], [.count("m.score >= 9"), .count("m.score <= 6")])
            return windows.map { w in
                let s = days.sum(w)
                return .netScore(w, promoters: s.int(0), detractors: s.int(1), n: s.n, minimumSample: minimum)
            }
        case "csat":
            return try await proportion(["m.kind = 'csat'", "m.score IS NOT NULL"], success: "m.score >= 4")
        case "ces_easy":
            return try await proportion(["m.kind = 'ces'", "m.score IS NOT NULL"], success: "m.score >= 5")
        case "csat_mean":
            return try await mean(["m.kind = 'csat'", "m.score IS NOT NULL"], value: "m.score", integer: true)
        case "ces_mean":
            return try await mean(["m.kind = 'ces'", "m.score IS NOT NULL"], value: "m.score", integer: true)
        case "survey_response_rate":
            return try await proportion(["m.sent_at IS NOT NULL"], success: "m.answered_at IS NOT NULL")
        case "favourable_reviews":
            return try await proportion([], success: "m.positive = 1 OR (m.positive IS NULL AND m.rating >= 4)")
        case "review_rating_mean":
            return try await mean([], value: "m.rating", integer: true)

        case "first_response_median", "first_response_p90":
            return try await percentile(["m.first_response_at IS NOT NULL"], value: "m.first_response_at - m.created_at")
        case "first_response_mean":
            return try await mean(["m.first_response_at IS NOT NULL"], value: "m.first_response_at - m.created_at", integer: true)
        case "resolution_median", "resolution_p90":
            return try await percentile(["m.resolved_at IS NOT NULL"], value: "m.resolved_at - m.created_at")
        case "resolution_mean":
            return try await mean(["m.resolved_at IS NOT NULL"], value: "m.resolved_at - m.created_at", integer: true)
        case "first_contact_resolution":
            return try await proportion(
                ["m.resolved_at IS NOT NULL", "m.agent_replies IS NOT NULL"],
                success:
                    "m.agent_replies >= \(bind: plan.parameter("min_replies")) AND m.agent_replies <= \(bind: plan.parameter("max_replies")) AND (m.reopened IS NULL OR m.reopened = 0)"
            )
        case "sla_attainment":
            let target: SQLQueryString = "m.sla_first_response_min * 60000"
            let days = try await daily(
                ["m.sla_first_response_min IS NOT NULL"],
                [
                    .count("m.first_response_at IS NOT NULL AND m.first_response_at - m.created_at <= " + target),
                    .count(
                        "(m.first_response_at IS NOT NULL AND m.first_response_at - m.created_at > " + target
                            + ") OR (m.first_response_at IS NULL AND \(bind: asOf) - m.created_at > " + target + ")"),
                ])
            return windows.map { w in
                let s = days.sum(w)
                return .proportion(w, successes: s.int(0), n: s.int(0) + s.int(1), minimumSample: minimum)
            }
        case "escalation_rate":
            return try await proportion(["m.escalated IS NOT NULL"], success: "m.escalated = 1")
        case "unanswered_requests":
            let older = ms("older_than_hours", 3_600_000)
            let days = try await daily(
                [], [.count("m.first_response_at IS NULL AND m.resolved_at IS NULL AND \(bind: asOf) - m.created_at > \(bind: older)")])
            return windows.map { w in
                let s = days.sum(w)
                return .count(w, count: s.int(0), n: s.n, minimumSample: minimum)
            }

        case "confirmation_time_mean":
            return try await mean(
                ["m.requested_at IS NOT NULL", "m.confirmed_at IS NOT NULL"], value: "m.confirmed_at - m.requested_at", integer: true)
        case "confirmation_time_median", "confirmation_time_p90":
            return try await percentile(["m.requested_at IS NOT NULL", "m.confirmed_at IS NOT NULL"], value: "m.confirmed_at - m.requested_at")
        case "on_time_start_rate":
            return try await proportion(
                ["m.status = 'completed'", "m.actual_start IS NOT NULL"],
                success: "m.actual_start - m.scheduled_start <= \(bind: ms("tau_minutes", 60_000))")
        case "cancellation_rate":
            return try await proportion([], success: "m.status = 'cancelled'")
        case "late_cancellation_rate":
            return try await proportion(
                [],
                success:
                    "m.status = 'cancelled' AND m.cancelled_at IS NOT NULL AND m.scheduled_start - m.cancelled_at < \(bind: ms("late_hours", 3_600_000))"
            )
        case "no_show_rate":
            return try await proportion(["m.status IN ('completed', 'no_show')"], success: "m.status = 'no_show'")

        case "repurchase_rate":
            return try await repurchase()
        case "average_order_value":
            return try await mean([], value: "m.amount", integer: false)
        case "followup_coverage":
            return try await followup(within: ms("within_days", 86_400_000))
        case "churn_rate", "retention_rate", "nrr", "grr":
            return try await revenueRetention()
        case "active_customers":
            return try await customerBase(.activeShare)
        case "customers_at_risk":
            return try await customerBase(.atRiskShare(threshold: plan.parameter("threshold")))
        case "customer_value":
            return try await customerBase(.meanValue(horizonWeeks: plan.parameter("horizon_weeks")))

        case "lead_response_median", "lead_response_p90":
            return try await percentile(["m.first_contact_at IS NOT NULL"], value: "m.first_contact_at - m.created_at")
        case "lead_response_within_5min", "lead_response_within_1h":
            let within = ms("within_minutes", 60_000)
            let days = try await daily(
                [],
                [
                    .count("m.first_contact_at IS NOT NULL AND m.first_contact_at - m.created_at <= \(bind: within)"),
                    .count(
                        "(m.first_contact_at IS NOT NULL AND m.first_contact_at - m.created_at > \(bind: within)) OR (m.first_contact_at IS NULL AND \(bind: asOf) - m.created_at > \(bind: within))"
                    ),
                ])
            return windows.map { w in
                let s = days.sum(w)
                return .proportion(w, successes: s.int(0), n: s.int(0) + s.int(1), minimumSample: minimum)
            }
        case "handoff_quality":
            return try await proportion(["m.handed_off_at IS NOT NULL", "m.handoff_ok IS NOT NULL"], success: "m.handoff_ok = 1")
        case "conversion_rate":
            let within = ms("within_days", 86_400_000)
            return try await proportion(
                [], success: "m.converted_at IS NOT NULL AND m.converted_at - m.created_at <= \(bind: within)", maturing: ("m.created_at", within))

        case "self_service_success":
            return try await proportion(["m.kind = 'self_service'", "m.outcome IS NOT NULL"], success: "m.outcome = 'success'")
        case "chatbot_escalation_rate":
            return try await proportion(["m.kind = 'chatbot_session'"], success: "m.outcome = 'escalated'")
        case "onboarding_completion":
            let within = ms("within_days", 86_400_000)
            return try await proportion(
                ["m.created_at IS NOT NULL"],
                success:
                    "EXISTS (SELECT 1 FROM activity_events e WHERE e.org_id = m.org_id AND e.customer_id = m.external_id AND e.kind = 'onboarding_completed' AND e.occurred_at <= m.created_at + \(bind: within))",
                maturing: ("m.created_at", within))
        default:
            throw RumboError(
                .internal, field: "metric", en: "The metric '\(definition.id)' has no SQL yet.",
                es: "La métrica '\(definition.id)' aún no tiene SQL.")
        }
    }

    // MARK: - Building blocks

    /// `FROM <table> m WHERE` the organization, local days `from...to` of the attributing column,
    /// the query's filters and the metric's row conditions.
    func source(_ conditions: [SQLQueryString], from: Int, to: Int) -> SQLQueryString {
        var sql: SQLQueryString =
            " FROM \(unsafeRaw: table) m WHERE m.org_id = \(bind: org) AND m.\(unsafeRaw: definition.attribution) BETWEEN \(bind: from) AND \(bind: to)"
        sql += filters
        for condition in conditions { sql += " AND (" + condition + ")" }
        return sql
    }

    /// The query's column and segment filters on the main table `m`.
    var filters: SQLQueryString {
        var sql: SQLQueryString = ""
        for (column, value) in plan.columnFilters { sql += " AND m.\(unsafeRaw: column) = \(bind: value)" }
        if let segment = plan.segment {
            sql += " AND m.customer_id IN (SELECT c.external_id FROM customers c WHERE c.org_id = \(bind: org) AND c.segment = \(bind: segment))"
        }
        return sql
    }

    enum Aggregate {
        /// Rows meeting a condition.
        case count(SQLQueryString)
        /// Σ of an integer expression (exact).
        case sum(SQLQueryString)
        /// Σ of a real expression.
        case sumReal(SQLQueryString)
        /// The largest value of an integer expression (nil when all are null).
        case max(SQLQueryString)
    }

    /// Per local day of the span of all windows: the row count and each aggregate.
    func daily(_ conditions: [SQLQueryString], _ aggregates: [Aggregate]) async throws -> DailyAggregates {
        let first = windows.map(\.start.dayNumber).min() ?? 0
        let last = windows.map(\.end.dayNumber).max() ?? 0
        var sql: SQLQueryString = "SELECT m.\(unsafeRaw: definition.attribution) AS d, COUNT(*) AS n"
        for (i, aggregate) in aggregates.enumerated() {
            switch aggregate {
            case .count(let condition): sql += ", CAST(SUM(CASE WHEN " + condition + " THEN 1 ELSE 0 END) AS BIGINT)"
            case .sum(let expression): sql += ", CAST(SUM(" + expression + ") AS BIGINT)"
            case .sumReal(let expression): sql += ", CAST(SUM(" + expression + ") AS DOUBLE PRECISION)"
            case .max(let expression): sql += ", MAX(" + expression + ")"
            }
            sql += " AS a\(unsafeRaw: String(i))"
        }
        sql += source(conditions, from: first, to: last) + " GROUP BY m.\(unsafeRaw: definition.attribution)"
        let rows = try await db.raw(sql).all()
        var result = DailyAggregates(kinds: aggregates.map(\.kind))
        result.days.reserveCapacity(rows.count)
        for row in rows {
            var day = DailyAggregates.Day(day: try row.decode(column: "d", as: Int.self), n: try row.decode(column: "n", as: Int.self))
            for (i, aggregate) in aggregates.enumerated() {
                let column = "a\(i)"
                switch aggregate {
                case .count, .sum: day.ints.append(Int64(try row.decode(column: column, as: Int?.self) ?? 0))
                case .sumReal: day.reals.append(try row.decode(column: column, as: Double?.self) ?? 0)
                case .max: day.ints.append(Int64(try row.decode(column: column, as: Int?.self) ?? Int(Int64.min)))
                }
            }
            result.days.append(day)
        }
        result.days.sort { $0.day < $1.day }
        return result
    }

    /// successes / rows meeting `conditions`; optionally immature while the window's newest row
    /// (by `maturing.column`) is younger than `maturing.within` milliseconds at asOf.
    func proportion(_ conditions: [SQLQueryString], success: SQLQueryString, maturing: (column: SQLQueryString, within: Int64)? = nil)
        async throws -> [MetricValue]
    {
        var aggregates: [Aggregate] = [.count(success)]
        if let maturing { aggregates.append(.max(maturing.column)) }
        let days = try await daily(conditions, aggregates)
        return windows.map { w in
            let s = days.sum(w)
            let newest = maturing == nil ? Int64.min : s.maximum(1)
            let immature = maturing.map { newest != Int64.min && asOf - newest < $0.within } ?? false
            return .proportion(w, successes: s.int(0), n: s.n, minimumSample: minimum, immature: immature)
        }
    }

    /// The mean of `value` over rows meeting `conditions`; Σ(x − mean)² in a second pass per window.
    func mean(_ conditions: [SQLQueryString], value: SQLQueryString, integer: Bool) async throws -> [MetricValue] {
        let days = try await daily(conditions, [integer ? .sum(value) : .sumReal(value)])
        var result: [MetricValue] = []
        for w in windows {
            let s = days.sum(w)
            let sum = integer ? Double(s.int(0)) : s.real(0)
            var deviations: Double?
            if MetricValue.shows(n: s.n, minimumSample: minimum), s.n >= 2 {
                let mean = sum / Double(s.n)
                let sql: SQLQueryString =
                    "SELECT CAST(SUM((" + value + " - \(bind: mean)) * (" + value + " - \(bind: mean))) AS DOUBLE PRECISION) AS m2"
                    + source(conditions, from: w.start.dayNumber, to: w.end.dayNumber)
                deviations = try await db.raw(sql).first()?.decode(column: "m2", as: Double?.self) ?? 0
            }
            result.append(.mean(w, n: s.n, sum: sum, squaredDeviations: deviations, scale: scale, minimumSample: minimum))
        }
        return result
    }

    /// The nearest-rank percentile of the integer `value` over rows meeting `conditions`, and the
    /// order statistics of its interval: n from the daily pass, then per window one sorted query
    /// that returns only the ranks from the interval's low to its high bound (`LIMIT … OFFSET …`
    /// lets both engines keep a bounded top-N sort instead of numbering every row), counted from
    /// whichever end is nearer.
    func percentile(_ conditions: [SQLQueryString], value: SQLQueryString) async throws -> [MetricValue] {
        guard case .percentile(let p) = definition.statistic else { return [] }
        let days = try await daily(conditions, [])
        var result: [MetricValue] = []
        for w in windows {
            let n = days.sum(w).n
            guard MetricValue.shows(n: n, minimumSample: minimum) else {
                result.append(.percentile(w, n: n, value: nil, low: nil, high: nil, minimumSample: minimum))
                continue
            }
            let ranks = MetricStatistics.percentileRanks(p: p, n: n)
            let first = min(ranks.low, ranks.value)
            let last = max(ranks.high, ranks.value)
            // Ranks in the upper half are counted from the top, so the sort keeps the fewest rows
            // (p90: the top 10% and the interval, not 90% of the window).
            let fromTop = first + last > n + 1
            let sql: SQLQueryString =
                "SELECT " + value + " AS v" + source(conditions, from: w.start.dayNumber, to: w.end.dayNumber)
                + (fromTop
                    ? " ORDER BY v DESC LIMIT \(bind: last - first + 1) OFFSET \(bind: n - last)"
                    : " ORDER BY v LIMIT \(bind: last - first + 1) OFFSET \(bind: first - 1)")
            let fetched = try await db.raw(sql).all().map { Double(try $0.decode(column: "v", as: Int.self)) }
            let values = fromTop ? Array(fetched.reversed()) : fetched
            func at(_ rank: Int) -> Double? { values.indices.contains(rank - first) ? values[rank - first] : nil }
            result.append(
                .percentile(w, n: n, value: at(ranks.value), low: at(ranks.low), high: at(ranks.high), scale: scale, minimumSample: minimum))
        }
        return result
    }

    // MARK: - Per-customer metrics

    func repurchase() async throws -> [MetricValue] {
        var result: [MetricValue] = []
        for w in windows {
            let sql: SQLQueryString =
                "SELECT COUNT(*) AS n, CAST(SUM(CASE WHEN t.c >= 2 THEN 1 ELSE 0 END) AS BIGINT) AS k FROM (SELECT m.customer_id, COUNT(*) AS c"
                + source([], from: w.start.dayNumber, to: w.end.dayNumber) + " GROUP BY m.customer_id) t"
            let row = try await db.raw(sql).first()
            let n = try row?.decode(column: "n", as: Int.self) ?? 0
            let k = try row?.decode(column: "k", as: Int?.self) ?? 0
            result.append(.proportion(w, successes: k, n: n, minimumSample: minimum))
        }
        return result
    }

    func followup(within: Int64) async throws -> [MetricValue] {
        var result: [MetricValue] = []
        for w in windows {
            let sql: SQLQueryString =
                "SELECT COUNT(*) AS n, CAST(SUM(t.covered) AS BIGINT) AS k, MAX(t.last) AS last FROM (SELECT m.customer_id,"
                + " MAX(CASE WHEN EXISTS (SELECT 1 FROM activity_events e WHERE e.org_id = m.org_id AND e.customer_id = m.customer_id"
                + " AND e.kind = 'contact' AND e.occurred_at >= m.placed_at AND e.occurred_at <= m.placed_at + \(bind: within))"
                + " THEN 1 ELSE 0 END) AS covered, MAX(m.placed_at) AS last"
                + source([], from: w.start.dayNumber, to: w.end.dayNumber) + " GROUP BY m.customer_id) t"
            let row = try await db.raw(sql).first()
            let n = try row?.decode(column: "n", as: Int.self) ?? 0
            let k = try row?.decode(column: "k", as: Int?.self) ?? 0
            let last = try row?.decode(column: "last", as: Int?.self)
            let immature = last.map { asOf - Int64($0) < within } ?? false
            result.append(.proportion(w, successes: k, n: n, minimumSample: minimum, immature: immature))
        }
        return result
    }

    /// A customer-base model estimate per window (``CustomerBaseMetrics``), from every order.
    func customerBase(_ measure: CustomerBaseMetrics.Measure) async throws -> [MetricValue] {
        let transactions = try await db.raw("SELECT customer_id, placed_day, amount FROM orders WHERE org_id = \(bind: org)").all().map { row in
            Transaction(customerID: try row.decode(column: "customer_id", as: String.self), day: DayNumber(try row.decode(column: "placed_day", as: Int.self)),
                amount: try row.decode(column: "amount", as: Double.self))
        }
        var members: Set<String>?
        if let segment = plan.segment {
            members = Set(
                try await db.raw("SELECT external_id FROM customers WHERE org_id = \(bind: org) AND segment = \(bind: segment)").all().map {
                    try $0.decode(column: "external_id", as: String.self)
                })
        }
        let ends = windows.map { DayNumber($0.end.dayNumber) }
        let fitEnd = min(ends.max() ?? DayNumber(asOfDay), DayNumber(asOfDay))
        let values = CustomerBaseMetrics.evaluate(transactions, windowEnds: ends, fitEnd: fitEnd, members: members, measure: measure)
        return zip(windows, values).map { .estimate($0, value: $1.value, n: $1.n, minimumSample: minimum) }
    }

    /// Each customer's MRR as of a local day: the latest change on or before it (`<=`) or before
    /// it (`<`), ties on effective_at broken by external id then source.
    func snapshot(_ comparison: String, day: Int) -> SQLQueryString {
        "SELECT x.customer_id, x.mrr FROM (SELECT m.customer_id, m.mrr, ROW_NUMBER() OVER (PARTITION BY m.customer_id ORDER BY m.effective_at DESC, m.external_id DESC, m.source DESC) AS rn FROM subscriptions m WHERE m.org_id = \(bind: org) AND m.effective_day \(unsafeRaw: comparison) \(bind: day)"
            + filters + ") x WHERE x.rn = 1"
    }

    /// Churn, retention, NRR and GRR from the MRR snapshots before the window and at its end.
    func revenueRetention() async throws -> [MetricValue] {
        var result: [MetricValue] = []
        for w in windows {
            let sql: SQLQueryString =
                "WITH s AS (" + snapshot("<", day: w.start.dayNumber) + "), e AS (" + snapshot("<=", day: w.end.dayNumber) + ")"
                + " SELECT COUNT(*) AS n, CAST(SUM(CASE WHEN e.mrr > 0 THEN 1 ELSE 0 END) AS BIGINT) AS kept,"
                + " CAST(SUM(s.mrr) AS DOUBLE PRECISION) AS start_mrr, CAST(SUM(e.mrr) AS DOUBLE PRECISION) AS end_mrr,"
                + " CAST(SUM(CASE WHEN e.mrr < s.mrr THEN e.mrr ELSE s.mrr END) AS DOUBLE PRECISION) AS capped"
                + " FROM s JOIN e ON e.customer_id = s.customer_id WHERE s.mrr > 0"
            guard let row = try await db.raw(sql).first() else { continue }
            let n = try row.decode(column: "n", as: Int.self)
            let kept = try row.decode(column: "kept", as: Int?.self) ?? 0
            let start = try row.decode(column: "start_mrr", as: Double?.self) ?? 0
            switch definition.id {
            case "churn_rate": result.append(.proportion(w, successes: n - kept, n: n, minimumSample: minimum))
            case "retention_rate": result.append(.proportion(w, successes: kept, n: n, minimumSample: minimum))
            case "nrr":
                let end = try row.decode(column: "end_mrr", as: Double?.self) ?? 0
                result.append(.ratio(w, numerator: end, denominator: start, n: n, minimumSample: minimum))
            default:
                let capped = try row.decode(column: "capped", as: Double?.self) ?? 0
                result.append(.ratio(w, numerator: capped, denominator: start, n: n, minimumSample: minimum))
            }
        }
        return result
    }
}

extension MetricEvaluator.Aggregate {
    var kind: DailyAggregates.Kind {
        switch self {
        case .count, .sum, .max: .integer
        case .sumReal: .real
        }
    }
}

/// Aggregates per local day, summed into windows.
struct DailyAggregates: Sendable {
    enum Kind { case integer, real }

    struct Day: Sendable {
        var day: Int
        var n: Int
        var ints: [Int64] = []
        var reals: [Double] = []
    }

    /// The integer aggregates (counts, sums, maxima) in order, then the real ones.
    let kinds: [Kind]
    var days: [Day] = []

    init(kinds: [Kind]) { self.kinds = kinds }

    /// One window's totals: the row count, and for the i-th integer aggregate its sum (counts,
    /// sums) and its maximum (`.max`, Int64.min when there is none); for the i-th real one its sum.
    struct Sum {
        var n = 0
        var ints: [Int64]
        var maxima: [Int64]
        var reals: [Double]

        func int(_ i: Int) -> Int { Int(ints[i]) }
        func maximum(_ i: Int) -> Int64 { maxima[i] }
        func real(_ i: Int) -> Double { reals[i] }
    }

    /// Σ of each aggregate over the days of the window (binary search for the first day).
    func sum(_ window: MetricWindow) -> Sum {
        let integers = kinds.filter { $0 == .integer }.count
        let realCount = kinds.count - integers
        var total = Sum(ints: Array(repeating: 0, count: integers), maxima: Array(repeating: Int64.min, count: integers), reals: Array(repeating: 0, count: realCount))
        let start = window.start.dayNumber
        let end = window.end.dayNumber
        var low = 0
        var high = days.count
        while low < high {
            let mid = (low + high) / 2
            if days[mid].day < start { low = mid + 1 } else { high = mid }
        }
        var i = low
        while i < days.count, days[i].day <= end {
            let day = days[i]
            total.n += day.n
            for j in 0..<integers {
                total.ints[j] &+= day.ints[j]
                total.maxima[j] = Swift.max(total.maxima[j], day.ints[j])
            }
            for j in 0..<realCount { total.reals[j] += day.reals[j] }
            i += 1
        }
        return total
    }
}
