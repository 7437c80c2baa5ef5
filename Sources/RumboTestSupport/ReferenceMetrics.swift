import Foundation
import RumboAnalytics
import RumboCore

/// The slow, obvious evaluator of the metric catalog, for checking the store's SQL.
///
/// It works on the raw `DataRow`s: it places each row in a window by the local day of its
/// timestamp computed with Foundation's `Calendar` in the organization's time zone (not from the
/// store's `*_day` columns), applies the filters by comparing field values, and computes every
/// metric with plain loops over arrays. It shares with the store only the query checks and
/// windows (`MetricPlan`) and the final formulas of `MetricValue` / `MetricStatistics`, which
/// have their own hand-computed tests.
public enum ReferenceMetrics {
    public static func compute(_ query: MetricQuery, data: [DataKind: [DataRow]], timeZone: TimeZone) throws -> [MetricValue] {
        let plan = try MetricPlan(query)
        var evaluator = Evaluator(plan: plan, data: data, timeZone: timeZone)
        if plan.definition.statistic == .modelEstimate {
            evaluator.models = CustomerBaseFit(evaluator, asOfDay: LocalDate(query.asOf, in: timeZone).dayNumber)
        }
        return plan.windows.map { evaluator.value(in: $0) }
    }
}

/// One row with access by field name.
private struct Row {
    let kind: DataKind
    let row: DataRow

    /// Each kind's field positions, looked up once.
    static let positions: [DataKind: [String: Int]] = Dictionary(
        uniqueKeysWithValues: DataKind.allCases.map { kind in
            (kind, Dictionary(uniqueKeysWithValues: kind.layout.fields.enumerated().map { ($1.name, $0) }))
        })

    subscript(_ field: String) -> FieldValue? {
        guard let i = Self.positions[kind]?[field] else { fatalError("no field \(field) in \(kind)") }
        return row.values[i]
    }

    var id: String { row.externalID }
    func ms(_ field: String) -> Int64? { self[field]?.epochMilliseconds }
    func text(_ field: String) -> String? { self[field]?.text }
    func number(_ field: String) -> Double? { self[field]?.number }
    func bool(_ field: String) -> Bool? { self[field]?.bool }
}

private struct Evaluator {
    let plan: MetricPlan
    let data: [DataKind: [DataRow]]
    let calendar: Calendar
    /// The main table's rows that pass the filters, with the local day of the attributing timestamp.
    let rows: [(row: Row, day: Int)]
    /// The fitted customer-base models, for the model-estimate metrics.
    var models: CustomerBaseFit?

    init(plan: MetricPlan, data: [DataKind: [DataRow]], timeZone: TimeZone) {
        self.plan = plan
        self.data = data
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        self.calendar = calendar
        let definition = plan.definition
        let timestampField = definition.kind.layout.fields.first { $0.dayColumn == definition.attribution }!.name
        let segmentMembers: Set<String>? = plan.segment.map { segment in
            Set((data[.customers] ?? []).map { Row(kind: .customers, row: $0) }.filter { $0.text("segment") == segment }.map(\.id))
        }
        var rows: [(Row, Int)] = []
        for raw in data[definition.kind] ?? [] {
            let row = Row(kind: definition.kind, row: raw)
            guard let instant = row.ms(timestampField) else { continue }
            if !plan.columnFilters.allSatisfy({ row.text($0.column) == $0.value }) { continue }
            if let segmentMembers {
                guard let customer = row.text("customer_id"), segmentMembers.contains(customer) else { continue }
            }
            rows.append((row, Self.localDay(instant, calendar)))
        }
        self.rows = rows
    }

    static func localDay(_ ms: Int64, _ calendar: Calendar) -> Int {
        let c = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(ms) / 1000))
        return LocalDate(year: c.year!, month: c.month!, day: c.day!).dayNumber
    }

    var minimum: Int { plan.minimumSample }
    var asOf: Int64 { plan.asOfMilliseconds }
    func ms(_ key: String, _ unit: Double) -> Int64 { plan.milliseconds(key, unit: unit) }

    func inWindow(_ w: MetricWindow) -> [Row] {
        rows.filter { $0.day >= w.start.dayNumber && $0.day <= w.end.dayNumber }.map(\.row)
    }

    func proportion(_ w: MetricWindow, _ population: [Row], _ success: (Row) -> Bool) -> MetricValue {
        .proportion(w, successes: population.filter(success).count, n: population.count, minimumSample: minimum)
    }

    func mean(_ w: MetricWindow, integers: [Int64]) -> MetricValue {
        var sum: Int64 = 0
        for x in integers { sum += x }
        let n = integers.count
        let mean = n > 0 ? Double(sum) / Double(n) : 0
        let deviations = n >= 2 ? integers.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } : nil
        return .mean(w, n: n, sum: Double(sum), squaredDeviations: deviations, scale: plan.definition.unit.milliseconds ?? 1, minimumSample: minimum)
    }

    func mean(_ w: MetricWindow, reals: [Double]) -> MetricValue {
        let n = reals.count
        let sum = reals.reduce(0, +)
        let mean = n > 0 ? sum / Double(n) : 0
        let deviations = n >= 2 ? reals.reduce(0.0) { $0 + ($1 - mean) * ($1 - mean) } : nil
        return .mean(w, n: n, sum: sum, squaredDeviations: deviations, minimumSample: minimum)
    }

    func percentile(_ w: MetricWindow, _ values: [Int64]) -> MetricValue {
        guard case .percentile(let p) = plan.definition.statistic else { fatalError() }
        let sorted = values.sorted()
        guard !sorted.isEmpty else { return .percentile(w, n: 0, value: nil, low: nil, high: nil, minimumSample: minimum) }
        let ranks = MetricStatistics.percentileRanks(p: p, n: sorted.count)
        return .percentile(
            w, n: sorted.count, value: Double(sorted[ranks.value - 1]), low: Double(sorted[ranks.low - 1]),
            high: Double(sorted[ranks.high - 1]), scale: plan.definition.unit.milliseconds ?? 1, minimumSample: minimum)
    }

    /// Differences `later − earlier` of the rows that have both.
    func durations(_ rows: [Row], _ later: String, _ earlier: String) -> [Int64] {
        rows.compactMap { row in
            guard let l = row.ms(later), let e = row.ms(earlier) else { return nil }
            return l - e
        }
    }

    func value(in w: MetricWindow) -> MetricValue {
        let id = plan.definition.id
        let rows = inWindow(w)
        switch id {
        case "nps", "enps":
            let answers = rows.filter { $0.text("kind") == id && $0.number("score") != nil }
            let promoters = answers.filter { $0.number("score")! >= 9 }.count
            let detractors = answers.filter { $0.number("score")! <= 6 }.count
            return .netScore(w, promoters: promoters, detractors: detractors, n: answers.count, minimumSample: minimum)
        case "csat":
            return proportion(w, rows.filter { $0.text("kind") == "csat" && $0.number("score") != nil }) { $0.number("score")! >= 4 }
        case "ces_easy":
            return proportion(w, rows.filter { $0.text("kind") == "ces" && $0.number("score") != nil }) { $0.number("score")! >= 5 }
        case "csat_mean", "ces_mean":
            let kind = id == "csat_mean" ? "csat" : "ces"
            return mean(w, integers: rows.filter { $0.text("kind") == kind }.compactMap { $0.number("score").map { Int64($0) } })
        case "survey_response_rate":
            return proportion(w, rows.filter { $0.ms("sent_at") != nil }) { $0.ms("answered_at") != nil }
        case "favourable_reviews":
            return proportion(w, rows) { row in
                if let positive = row.bool("positive") { return positive }
                return row.number("rating")! >= 4
            }
        case "review_rating_mean":
            return mean(w, integers: rows.map { Int64($0.number("rating")!) })

        case "first_response_median", "first_response_p90":
            return percentile(w, durations(rows, "first_response_at", "created_at"))
        case "first_response_mean":
            return mean(w, integers: durations(rows, "first_response_at", "created_at"))
        case "resolution_median", "resolution_p90":
            return percentile(w, durations(rows, "resolved_at", "created_at"))
        case "resolution_mean":
            return mean(w, integers: durations(rows, "resolved_at", "created_at"))
        case "first_contact_resolution":
            let low = plan.parameter("min_replies")
            let high = plan.parameter("max_replies")
            let resolved = rows.filter { $0.ms("resolved_at") != nil && $0.number("agent_replies") != nil }
            return proportion(w, resolved) { row in
                let replies = row.number("agent_replies")!
                return replies >= low && replies <= high && row.bool("reopened") != true
            }
        case "sla_attainment":
            var met = 0
            var breached = 0
            for row in rows {
                guard let minutes = row.number("sla_first_response_min") else { continue }
                let target = minutes * 60000
                let created = row.ms("created_at")!
                if let response = row.ms("first_response_at") {
                    if Double(response - created) <= target { met += 1 } else { breached += 1 }
                } else if Double(asOf - created) > target {
                    breached += 1
                }
            }
            return .proportion(w, successes: met, n: met + breached, minimumSample: minimum)
        case "escalation_rate":
            return proportion(w, rows.filter { $0.bool("escalated") != nil }) { $0.bool("escalated")! }
        case "unanswered_requests":
            let older = ms("older_than_hours", 3_600_000)
            let count = rows.filter { row in
                row.ms("first_response_at") == nil && row.ms("resolved_at") == nil && asOf - row.ms("created_at")! > older
            }.count
            return .count(w, count: count, n: rows.count, minimumSample: minimum)

        case "confirmation_time_mean":
            return mean(w, integers: durations(rows, "confirmed_at", "requested_at"))
        case "confirmation_time_median", "confirmation_time_p90":
            return percentile(w, durations(rows, "confirmed_at", "requested_at"))
        case "on_time_start_rate":
            let tau = ms("tau_minutes", 60_000)
            let held = rows.filter { $0.text("status") == "completed" && $0.ms("actual_start") != nil }
            return proportion(w, held) { $0.ms("actual_start")! - $0.ms("scheduled_start")! <= tau }
        case "cancellation_rate":
            return proportion(w, rows) { $0.text("status") == "cancelled" }
        case "late_cancellation_rate":
            let late = ms("late_hours", 3_600_000)
            return proportion(w, rows) { row in
                guard row.text("status") == "cancelled", let cancelled = row.ms("cancelled_at") else { return false }
                return row.ms("scheduled_start")! - cancelled < late
            }
        case "no_show_rate":
            return proportion(w, rows.filter { ["completed", "no_show"].contains($0.text("status")) }) { $0.text("status") == "no_show" }

        case "repurchase_rate":
            var orders: [String: Int] = [:]
            for row in rows { orders[row.text("customer_id")!, default: 0] += 1 }
            return .proportion(w, successes: orders.values.filter { $0 >= 2 }.count, n: orders.count, minimumSample: minimum)
        case "average_order_value":
            return mean(w, reals: rows.map { $0.number("amount")! })
        case "followup_coverage":
            let within = ms("within_days", 86_400_000)
            var contacts: [String: [Int64]] = [:]
            for event in (data[.events] ?? []).map({ Row(kind: .events, row: $0) }) where event.text("kind") == "contact" {
                if let customer = event.text("customer_id") { contacts[customer, default: []].append(event.ms("occurred_at")!) }
            }
            var purchases: [String: [Int64]] = [:]
            for row in rows { purchases[row.text("customer_id")!, default: []].append(row.ms("placed_at")!) }
            var covered = 0
            for (customer, times) in purchases {
                let theirs = contacts[customer] ?? []
                if times.contains(where: { placed in theirs.contains { $0 >= placed && $0 <= placed + within } }) { covered += 1 }
            }
            let newest = rows.map { $0.ms("placed_at")! }.max()
            let value = MetricValue.proportion(
                w, successes: covered, n: purchases.count, minimumSample: minimum, immature: newest.map { asOf - $0 < within } ?? false)
            return value
        case "churn_rate", "retention_rate", "nrr", "grr":
            return revenueRetention(w)
        case "active_customers", "customers_at_risk", "customer_value":
            return customerBase(w)

        case "lead_response_median", "lead_response_p90":
            return percentile(w, durations(rows, "first_contact_at", "created_at"))
        case "lead_response_within_5min", "lead_response_within_1h":
            let within = ms("within_minutes", 60_000)
            var fast = 0
            var late = 0
            for row in rows {
                let created = row.ms("created_at")!
                if let contact = row.ms("first_contact_at") {
                    if contact - created <= within { fast += 1 } else { late += 1 }
                } else if asOf - created > within {
                    late += 1
                }
            }
            return .proportion(w, successes: fast, n: fast + late, minimumSample: minimum)
        case "handoff_quality":
            return proportion(w, rows.filter { $0.ms("handed_off_at") != nil && $0.bool("handoff_ok") != nil }) { $0.bool("handoff_ok")! }
        case "conversion_rate":
            let within = ms("within_days", 86_400_000)
            let converted = rows.filter { row in row.ms("converted_at").map { $0 - row.ms("created_at")! <= within } ?? false }.count
            let newest = rows.map { $0.ms("created_at")! }.max()
            return .proportion(w, successes: converted, n: rows.count, minimumSample: minimum, immature: newest.map { asOf - $0 < within } ?? false)

        case "self_service_success":
            return proportion(w, rows.filter { $0.text("kind") == "self_service" && $0.text("outcome") != nil }) { $0.text("outcome") == "success" }
        case "chatbot_escalation_rate":
            return proportion(w, rows.filter { $0.text("kind") == "chatbot_session" }) { $0.text("outcome") == "escalated" }
        case "onboarding_completion":
            let within = ms("within_days", 86_400_000)
            var completions: [String: [Int64]] = [:]
            for event in (data[.events] ?? []).map({ Row(kind: .events, row: $0) }) where event.text("kind") == "onboarding_completed" {
                if let customer = event.text("customer_id") { completions[customer, default: []].append(event.ms("occurred_at")!) }
            }
            let done = rows.filter { customer in
                let created = customer.ms("created_at")!
                return (completions[customer.id] ?? []).contains { $0 <= created + within }
            }.count
            let newest = rows.map { $0.ms("created_at")! }.max()
            return .proportion(w, successes: done, n: rows.count, minimumSample: minimum, immature: newest.map { asOf - $0 < within } ?? false)
        default:
            fatalError("ReferenceMetrics has no definition of \(id)")
        }
    }

    /// Each customer's MRR from their latest change (by effective_at, then external id) among
    /// the changes whose local day passes `include`.
    func mrr(_ include: (Int) -> Bool) -> [String: Double] {
        var latest: [String: (at: Int64, id: String, mrr: Double)] = [:]
        for (row, day) in rows where include(day) {
            let customer = row.text("customer_id")!
            let candidate = (at: row.ms("effective_at")!, id: row.id, mrr: row.number("mrr")!)
            if let current = latest[customer], (current.at, current.id) > (candidate.at, candidate.id) { continue }
            latest[customer] = candidate
        }
        return latest.mapValues(\.mrr)
    }

    func revenueRetention(_ w: MetricWindow) -> MetricValue {
        // `rows` holds every subscription change (filtered); here attribution means "up to".
        let before = mrr { $0 < w.start.dayNumber }
        let after = mrr { $0 <= w.end.dayNumber }
        var n = 0
        var kept = 0
        var start = 0.0
        var end = 0.0
        var capped = 0.0
        for (customer, mrr) in before.sorted(by: { $0.key < $1.key }) where mrr > 0 {
            let final = after[customer] ?? 0
            n += 1
            if final > 0 { kept += 1 }
            start += mrr
            end += final
            capped += min(final, mrr)
        }
        switch plan.definition.id {
        case "churn_rate": return .proportion(w, successes: n - kept, n: n, minimumSample: minimum)
        case "retention_rate": return .proportion(w, successes: kept, n: n, minimumSample: minimum)
        case "nrr": return .ratio(w, numerator: end, denominator: start, n: n, minimumSample: minimum)
        default: return .ratio(w, numerator: capped, denominator: start, n: n, minimumSample: minimum)
        }
    }

    /// Every customer whose first order is on or before the window's end (in the segment, if
    /// any), summarised afresh at that day and scored with the models fitted once.
    func customerBase(_ w: MetricWindow) -> MetricValue {
        guard let models else { fatalError("no models") }
        let end = DayNumber(w.end.dayNumber)
        let customers = Set(rows.map { $0.row.text("customer_id")! })
        var scores: [Double] = []
        var failed = false
        for customer in customers.sorted() {
            let theirs = (models.byCustomer[customer] ?? []).filter { $0.day <= end }
            guard !theirs.isEmpty, let summary = try? CustomerSummaries.make(from: theirs, calibrationEnd: end, timeUnit: .weeks).first else { continue }
            switch plan.definition.id {
            case "customer_value":
                guard let model = models.purchases, let spend = models.spend,
                    let purchases = try? model.expectedPurchases(over: plan.parameter("horizon_weeks"), given: summary.history),
                    let perPurchase = try? spend.expectedAverageSpend(frequency: summary.frequency, meanSpend: summary.meanRepeatSpend ?? 0)
                else {
                    failed = true
                    continue
                }
                scores.append(purchases * perPurchase)
            default:
                guard let model = models.purchases, let alive = try? model.probabilityAlive(summary.history) else {
                    failed = true
                    continue
                }
                scores.append(plan.definition.id == "active_customers" ? alive : (alive < plan.parameter("threshold") ? 1 : 0))
            }
        }
        let n = scores.count
        if failed {
            let everyone = customers.filter { c in (models.byCustomer[c] ?? []).contains { $0.day <= end } }.count
            return .estimate(w, value: nil, n: everyone, minimumSample: minimum)
        }
        let mean = n > 0 ? scores.reduce(0, +) / Double(n) : nil
        return .estimate(w, value: mean.map { plan.definition.id == "customer_value" ? $0 : 100 * $0 }, n: n, minimumSample: minimum)
    }
}

/// The Pareto/NBD and Gamma-Gamma models of every order up to the query's last day or asOf.
private struct CustomerBaseFit {
    let transactions: [Transaction]
    let byCustomer: [String: [Transaction]]
    let purchases: ParetoNBDModel?
    let spend: GammaGammaModel?

    init(_ evaluator: Evaluator, asOfDay: Int) {
        let orders = (evaluator.data[.orders] ?? []).map { Row(kind: .orders, row: $0) }
        transactions = orders.map { row in
            Transaction(
                customerID: row.text("customer_id")!, day: DayNumber(Evaluator.localDay(row.ms("placed_at")!, evaluator.calendar)),
                amount: row.number("amount")!)
        }
        byCustomer = Dictionary(grouping: transactions, by: \.customerID)
        let fitEnd = DayNumber(min(evaluator.plan.windows.map(\.end.dayNumber).max() ?? asOfDay, asOfDay))
        let summaries = try? CustomerSummaries.make(
            from: transactions.filter { $0.day <= fitEnd }, calibrationEnd: fitEnd, timeUnit: .weeks, skipCustomersStartingAfterEnd: true)
        purchases = summaries.flatMap { try? ParetoNBDModel.fit(try SufficientStatistics($0)).model }
        spend = summaries.flatMap { try? GammaGammaModel.fit(GammaGammaModel.observations(from: $0).filter { $0.meanSpend > 0 }).model }
    }
}
