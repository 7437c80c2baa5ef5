import Foundation
import RumboAnalytics
import RumboCore
import RumboStore
import RumboTestSupport
import Testing

/// SplitMix64: a tiny seedable generator for reproducible random data.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 &+ 1 }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Random customer data over ~100 local days of Europe/Madrid (including the spring DST change),
/// with nulls, ties, rows exactly on window edges, exactly at τ, SLA targets, 24 h, 30 days, …
struct MetricData {
    static let zone = TimeZone(identifier: "Europe/Madrid")!
    static let firstDay = LocalDate("2026-02-01")!
    static let dayCount = 100
    static var lastDay: LocalDate { firstDay.adding(days: dayCount - 1) }
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    var rng: SeededGenerator
    /// Local midnights from 30 days before the first day to 5 days after the last, in epoch ms.
    let midnights: [Int64]
    let asOf: Int64
    var rows: [DataKind: [DataRow]] = [:]

    init(seed: UInt64) {
        rng = SeededGenerator(seed: seed)
        midnights = (-30...(Self.dayCount + 5)).map {
            Int64((Self.firstDay.adding(days: $0).startOfDay(in: Self.zone).timeIntervalSince1970 * 1000).rounded())
        }
        // "Now" inside the data (rows after it exist), at a time that varies with the seed.
        var r = SeededGenerator(seed: seed &+ 99)
        asOf = midnights[30 + 75] + Int64.random(in: 0..<Self.day, using: &r)
        generate()
    }

    mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
    mutating func pick<T>(_ options: [T]) -> T { options.randomElement(using: &rng)! }
    mutating func int(_ range: ClosedRange<Int64>) -> Int64 { Int64.random(in: range, using: &rng) }

    /// An instant on local day `offset` (0 = first day; negative before): sometimes exactly at
    /// midnight or on the last millisecond of the day, often on a whole minute (ties).
    mutating func instant(days: ClosedRange<Int> = 0...(MetricData.dayCount - 1)) -> Int64 {
        let d = Int.random(in: days, using: &rng)
        let start = midnights[d + 30]
        let length = midnights[d + 31] - start  // 23 h on the DST day
        let r = Double.random(in: 0..<1, using: &rng)
        if r < 0.05 { return start }
        if r < 0.10 { return start + length - 1 }
        let t = start + int(0...(length - 1))
        return r < 0.6 ? t - (t - start) % Self.minute : t
    }

    /// A skewed duration: often whole minutes (ties), sometimes zero, sometimes days.
    mutating func duration() -> Int64 {
        switch Double.random(in: 0..<1, using: &rng) {
        case ..<0.05: 0
        case ..<0.45: int(1...120) * Self.minute
        case ..<0.75: int(1...(8 * Self.hour))
        case ..<0.95: int(1...(3 * Self.day))
        default: int(1...(20 * Self.day))
        }
    }

    func row(_ kind: DataKind, _ id: String, _ values: [String: FieldValue?]) -> DataRow {
        let layout = kind.layout
        for key in values.keys { precondition(layout.index(of: key) != nil, "\(kind) has no \(key)") }
        return DataRow(externalID: id, values: layout.fields.map { values[$0.name] ?? nil })
    }

    mutating func add(_ kind: DataKind, _ id: String, _ values: [String: FieldValue?]) {
        rows[kind, default: []].append(row(kind, id, values))
    }

    static func t(_ ms: Int64?) -> FieldValue? { ms.map(FieldValue.timestamp) }
    static func s(_ text: String?) -> FieldValue? { text.map(FieldValue.text) }
    static func b(_ flag: Bool?) -> FieldValue? { flag.map(FieldValue.boolean) }

    mutating func customerID(of count: Int = 300) -> String? {
        chance(0.08) ? nil : chance(0.02) ? "UNKNOWN" : "C\(Int.random(in: 0..<count, using: &rng))"
    }

    mutating func generate() {
        let t = Self.t, s = Self.s, b = Self.b
        var customerCreated: [String: Int64] = [:]
        for i in 0..<300 {
            let created = chance(0.9) ? instant() : nil
            if let created { customerCreated["C\(i)"] = created }
            add(.customers, "C\(i)", ["name": .text("Cliente \(i)"), "segment": s(pick(["vip", "new", "regular", nil])), "created_at": t(created)])
        }

        // Tickets, with SLA and "unanswered" cases placed exactly around asOf.
        for i in 0..<1_500 {
            var created = instant()
            let sla: Double? = pick([nil, 30, 60, 240, 7.5])
            var response: Int64?
            let r = Double.random(in: 0..<1, using: &rng)
            if r < 0.15 {
                response = nil
            } else if r < 0.25, let sla {
                response = created + Int64(sla * 60_000)
            } else if r < 0.30, let sla {
                response = created + Int64(sla * 60_000) + 1
            } else {
                response = created + duration()
            }
            if i < 40 {
                // Running vs breached exactly at asOf, and "older than 24 h" exactly at asOf.
                let target = Int64((sla ?? 60) * 60_000)
                created = [asOf - target, asOf - target - 1, asOf - 24 * Self.hour, asOf - 24 * Self.hour - 1][i % 4]
                response = nil
            }
            let resolved: Int64? = chance(0.25) ? nil : max(response ?? created, created + duration())
            add(
                .tickets, "T\(i)",
                [
                    "customer_id": s(customerID()), "channel": s(pick(["email", "chat", "phone", nil])),
                    "priority": s(pick(["low", "normal", "high", "urgent"])), "created_at": t(created), "first_response_at": t(response),
                    "resolved_at": t(i < 40 && i % 8 < 4 ? nil : resolved), "agent_replies": pick([nil, 0, 1, 1, 1, 2, 3] as [Int64?]).map { FieldValue.integer($0) },
                    "reopened": b(pick([nil, false, false, true])), "escalated": b(pick([nil, false, false, true])),
                    "sla_first_response_min": sla.map(FieldValue.decimal), "team": s(pick(["N1", "N2", nil])),
                ])
        }

        for i in 0..<1_200 {
            let kind = pick(SurveyScale.allCases)
            let answered = chance(0.7)
            let sent: Int64? = (!answered || chance(0.85)) ? instant() : nil
            let answeredAt: Int64? = answered ? (sent ?? instant()) + duration() : nil
            add(
                .surveys, "S\(i)",
                [
                    "customer_id": s(customerID()), "kind": .text(kind.rawValue),
                    "score": answered ? .integer(Int64.random(in: kind.range, using: &rng)) : nil,
                    "touchpoint": s(pick(["post_service", "support", "onboarding", nil])), "sent_at": t(sent), "answered_at": t(answeredAt),
                ])
        }

        for i in 0..<300 {
            add(
                .reviews, "R\(i)",
                [
                    "customer_id": s(customerID()), "rating": .integer(int(1...5)), "positive": b(pick([nil, nil, true, false])),
                    "platform": s(pick(["google", "tripadvisor", nil])), "service": s(pick(["massage", "facial", nil])), "reviewed_at": t(instant()),
                ])
        }

        // Orders by 150 customers who buy at rates of their own and stop on a day of their own (the
        // process the customer-base models assume, so they fit fast), and contacts after some orders.
        var contacts: [Int64] = []
        var orderDays: [(customer: String, day: Int)] = []
        for number in 0..<150 {
            let rate = pick([0.02, 0.05, 0.1, 0.2])
            let lifetime = -pick([10.0, 30, 60, 200]) * log(1 - Double.random(in: 0..<1, using: &rng))
            var day = Double(Int.random(in: -5...(Self.dayCount - 1), using: &rng))
            let last = min(Double(Self.dayCount - 1), day + lifetime)
            while day <= last, orderDays.count < 900 {
                orderDays.append(("C\(number)", max(0, Int(day))))
                day += -log(1 - Double.random(in: 0..<1, using: &rng)) / rate
            }
        }
        for (i, order) in orderDays.enumerated() {
            let customer = order.customer
            let placed = instant(days: order.day...order.day)
            add(
                .orders, "O\(i)",
                [
                    "customer_id": .text(customer), "placed_at": t(placed),
                    "amount": .decimal(chance(0.05) ? 0 : Double(int(100...30_000)) / 100), "service": s(pick(["massage", "facial", nil])),
                ])
            if chance(0.3) {
                let at = placed + pick([0, 30 * Self.day, 30 * Self.day + 1, -1, int(0...(40 * Self.day))])
                add(.events, "EC\(i)", ["customer_id": .text(customer), "kind": .text("contact"), "occurred_at": t(at)])
                contacts.append(at)
            }
        }

        // MRR changes of 100 customers, some before the first day, some at the same instant.
        var change = 0
        for c in 0..<100 {
            var at = instant(days: -30...(Self.dayCount - 1))
            for step in 0..<Int.random(in: 1...5, using: &rng) {
                let mrr: Double = step == 0 ? pick([10, 20, 50, 99.9]) : pick([0, 0, 10, 20, 50, 120.5])
                add(.subscriptions, "M\(change)", ["customer_id": .text("C\(c)"), "plan": s(pick(["basic", "pro"])), "mrr": .decimal(mrr), "effective_at": t(at)])
                change += 1
                if !chance(0.1) { at += int(0...(40 * Self.day)) }
            }
        }

        for i in 0..<700 {
            let scheduled = instant()
            let requested: Int64? = chance(0.9) ? scheduled - int(0...(10 * Self.day)) : nil
            let confirmed: Int64? = requested != nil && chance(0.8) ? requested! + duration() : nil
            let status = pick(["scheduled", "completed", "completed", "completed", "cancelled", "no_show"])
            let actual: Int64? =
                status == "completed" && chance(0.9)
                ? scheduled + pick([5 * Self.minute, 5 * Self.minute + 1, int(-10 * Self.minute...30 * Self.minute)]) : nil
            let cancelled: Int64? =
                status == "cancelled" && chance(0.8)
                ? scheduled - pick([24 * Self.hour, 24 * Self.hour - 1, int(0...(5 * Self.day)), -Self.hour]) : nil
            add(
                .appointments, "A\(i)",
                [
                    "customer_id": s(customerID()), "service": s(pick(["massage", "facial", "sauna", nil])), "team": s(pick(["N1", "N2", nil])),
                    "requested_at": t(requested), "confirmed_at": t(confirmed), "scheduled_start": t(scheduled), "actual_start": t(actual),
                    "status": .text(status), "cancelled_at": t(cancelled),
                ])
        }

        for i in 0..<500 {
            var created = instant()
            if i < 6 { created = asOf - [5 * Self.minute, 5 * Self.minute + 1, Self.hour, Self.hour + 1, 30 * Self.day, 30 * Self.day - 1][i] }
            let contact: Int64? =
                chance(0.8) && i >= 4
                ? created + pick([5 * Self.minute, 5 * Self.minute + 1, 60 * Self.minute, 0, duration()]) : nil
            let handed: Int64? = chance(0.5) ? created + duration() : nil
            let converted: Int64? = chance(0.3) ? created + pick([30 * Self.day, 30 * Self.day + 1, int(0...(60 * Self.day))]) : nil
            add(
                .leads, "L\(i)",
                [
                    "customer_id": s(customerID()), "channel": s(pick(["web", "phone", "referral", nil])), "created_at": t(created),
                    "first_contact_at": t(contact), "handed_off_at": t(handed),
                    "handoff_ok": b(handed != nil ? pick([true, true, false, nil]) : pick([nil, true])), "converted_at": t(converted),
                ])
        }

        let kinds = ["contact", "onboarding_step", "onboarding_completed", "feature_use", "self_service", "chatbot_session"]
        for i in 0..<1_500 {
            let kind = pick(kinds)
            let outcome: String? =
                switch kind {
                case "self_service": pick(["success", "failure", nil])
                case "chatbot_session": pick(["escalated", "success", "failure", nil])
                default: chance(0.1) ? "success" : nil
                }
            var customer = customerID()
            var at = instant()
            if kind == "onboarding_completed", let c = customer, let created = customerCreated[c], chance(0.5) {
                at = created + pick([14 * Self.day, 14 * Self.day + 1, -Self.hour, int(0...(20 * Self.day))])
            }
            if kind == "contact", chance(0.1) { customer = nil }
            add(
                .events, "E\(i)",
                ["customer_id": s(customer), "kind": .text(kind), "name": s(pick(["article1", "article2", nil])), "occurred_at": t(at), "outcome": s(outcome)])
        }
    }

    /// Imports every kind, split over two sources (metrics read all sources).
    func importAll(into store: Store, organization: Organization) async throws {
        for kind in DataKind.allCases {
            let all = rows[kind] ?? []
            for problem in all.compactMap({ kind.layout.check($0) }) { Issue.record("generated an invalid \(kind) row: \(problem.en)") }
            for (source, part) in [("a", all.enumerated().filter { $0.offset % 2 == 0 }.map(\.element)), ("b", all.enumerated().filter { $0.offset % 2 == 1 }.map(\.element))] {
                _ = try await store.importRows(kind, source: source, into: organization, fileName: "\(kind).csv") { write in try await write(part) }
            }
        }
    }
}

/// `a` and `b` agree: both nil, or within 1e-9 relative to the largest magnitude involved.
func agree(_ a: Double?, _ b: Double?, scale: Double? = nil) -> Bool {
    switch (a, b) {
    case (nil, nil): return true
    case (let x?, let y?):
        if x == y { return true }
        return abs(x - y) <= 1e-9 * max(abs(x), abs(y), abs(scale ?? 0))
    default: return false
    }
}

func agree(_ a: MetricValue, _ b: MetricValue) -> Bool {
    a.window == b.window && a.status == b.status && a.n == b.n && agree(a.value, b.value)
        && agree(a.low, b.low, scale: a.value) && agree(a.high, b.high, scale: a.value)
}

@Suite("Metrics (SQLite and PostgreSQL)")
struct MetricTests {
    static let shapes: [(MetricPeriod, Int?)] = [(.day, nil), (.week, nil), (.month, nil), (.quarter, nil), (.week, 7), (.month, 30)]

    /// A value for each filter key, present in the generated data.
    static let filterValues = [
        "channel": "chat", "priority": "high", "team": "N1", "touchpoint": "support", "kind": "nps", "platform": "google",
        "service": "massage", "name": "article1", "segment": "vip",
    ]

    @Test("Every metric, period and rolling window matches the reference evaluator", arguments: TestDatabases.engines, [1, 2, 3] as [UInt64])
    func matchesReference(engine: EngineKind, seed: UInt64) async throws {
        let data = MetricData(seed: seed)
        try await TestDatabases.withStore(engine) { store in
            let fixture = try await Fixture.make(in: store)
            let org = fixture.organization
            try await data.importAll(into: store, organization: org)
            let asOf = Date(timeIntervalSince1970: Double(data.asOf) / 1000)
            let from = MetricData.firstDay.adding(days: -3)
            let to = MetricData.lastDay.adding(days: 3)
            var queries: [MetricQuery] = []
            for definition in MetricCatalog.all {
                // Model estimates fit Pareto/NBD once per query (slow in a debug build): one seed and two
                // shapes suffice, since their windows differ only by their last day.
                let model = definition.statistic == .modelEstimate
                if model && seed != 1 { continue }
                for (period, rolling) in Self.shapes where !model || [.week, .month].contains(period) {
                    queries.append(MetricQuery(metricID: definition.id, period: period, rollingDays: rolling, from: from, to: to, asOf: asOf))
                }
                // Every filter the metric takes, one at a time, and all at once.
                let filters = Dictionary(uniqueKeysWithValues: definition.filters.map { ($0, Self.filterValues[$0]!) })
                for (key, value) in filters {
                    queries.append(MetricQuery(metricID: definition.id, period: .month, from: from, to: to, filters: [key: value], asOf: asOf))
                }
                if filters.count > 1 {
                    queries.append(MetricQuery(metricID: definition.id, period: .quarter, from: from, to: to, filters: filters, asOf: asOf))
                }
                // The smallest samples (n = 1 and 2), and other parameters.
                var parameters: [String: Double] = ["min_sample": 1]
                for (key, value) in definition.parameters { parameters[key] = value * 2 + 1 }
                queries.append(MetricQuery(metricID: definition.id, period: model ? .week : .day, from: from, to: to, parameters: parameters, asOf: asOf))
            }
            var checked = 0
            var statuses: [MetricValue.Status: Int] = [:]
            var modelValues = 0
            var mismatches: [String] = []
            for query in queries {
                let stored = try await store.computeMetric(query, in: org)
                let expected = try ReferenceMetrics.compute(query, data: data.rows, timeZone: MetricData.zone)
                #expect(stored.count == expected.count, "\(query.metricID): \(stored.count) windows vs \(expected.count)")
                for (a, b) in zip(stored, expected) {
                    checked += 1
                    statuses[b.status, default: 0] += 1
                    if b.status == .ok, MetricCatalog.definition(query.metricID)?.statistic == .modelEstimate { modelValues += 1 }
                    if !agree(a, b) {
                        mismatches.append(
                            "\(query.metricID) \(query.period)/\(query.rollingDays.map(String.init) ?? "-") \(query.filters) \(query.parameters) \(a.window.label): store \(a) vs reference \(b)"
                        )
                    }
                }
            }
            #expect(mismatches.isEmpty, "\(mismatches.count) of \(checked) values differ, e.g.\n\(mismatches.prefix(15).joined(separator: "\n"))")
            // The data exercises every status.
            for status in [MetricValue.Status.ok, .noData, .insufficient, .immature] { #expect(statuses[status, default: 0] > 0, "no \(status) value") }
            if seed == 1 { #expect(modelValues > 20, "the customer-base models are fitted and give values") }
            #expect(checked > 10_000)
        }
    }

    static func ticket(_ id: String, created: Int64, response: Int64?, channel: String? = nil, customer: String? = nil) -> DataRow {
        DataRow(
            externalID: id,
            values: [
                customer.map(FieldValue.text), channel.map(FieldValue.text), nil, .timestamp(created), response.map(FieldValue.timestamp), nil, nil, nil, nil,
                nil, nil,
            ])
    }

    static func answer(_ id: String, kind: String, score: Int64, at: Int64) -> DataRow {
        DataRow(externalID: id, values: [nil, .text(kind), .integer(score), nil, nil, .timestamp(at), nil])
    }

    /// 2026-03-10 10:00 in Madrid (UTC+1), in epoch ms.
    static let march10: Int64 = 1_773_133_200_000

    @Test("Hand-computed values: NPS, Wilson interval of 8/10, median of an even count", arguments: TestDatabases.engines)
    func handComputed(engine: EngineKind) async throws {
        try await TestDatabases.withStore(engine) { store in
            let org = try await Fixture.make(in: store).organization
            let t0 = Self.march10
            let nps: [Int64] = [10, 10, 9, 9, 8, 7, 6, 5, 0, 10]
            let csat: [Int64] = [5, 5, 4, 4, 4, 5, 4, 4, 3, 1]
            let answers = nps.enumerated().map { Self.answer("N\($0.offset)", kind: "nps", score: $0.element, at: t0 + Int64($0.offset) * 60_000) }
                + csat.enumerated().map { Self.answer("S\($0.offset)", kind: "csat", score: $0.element, at: t0 + Int64($0.offset) * 60_000) }
            _ = try await store.importRows(.surveys, source: "s", into: org, fileName: "s.csv") { write in try await write(answers) }
            // First responses after 1…6 minutes: nearest-rank median is the 3rd value, 3 (not 3.5).
            let tickets = (1...6).map { Self.ticket("T\($0)", created: t0, response: t0 + Int64($0) * 60_000) }
            _ = try await store.importRows(.tickets, source: "t", into: org, fileName: "t.csv") { write in try await write(tickets) }
            let march = (LocalDate("2026-03-01")!, LocalDate("2026-03-31")!)
            func one(_ id: String) async throws -> MetricValue {
                let values = try await store.computeMetric(MetricQuery(metricID: id, period: .month, from: march.0, to: march.1), in: org)
                #expect(values.count == 1)
                return values[0]
            }

            let score = try await one("nps")
            #expect(score.status == .ok && score.n == 10)
            #expect(score.value == 20)  // 5 promoters, 3 detractors
            // p = 0.5, d = 0.3: var = (0.8 − 0.04) / 10 = 0.076.
            #expect(abs(score.low! - -34.033471108193666) < 1e-9 && abs(score.high! - 74.03347110819367) < 1e-9)

            let satisfied = try await one("csat")
            #expect(satisfied.value == 80 && satisfied.n == 10)
            #expect(abs(satisfied.low! - 49.01568467207233) < 1e-9 && abs(satisfied.high! - 94.33190520193067) < 1e-9)

            let meanScore = try await one("csat_mean")
            #expect(meanScore.value == 3.9)

            let median = try await one("first_response_median")
            #expect(median.value == 3 && median.n == 6)
            // Ranks round(3 − 1.96·√1.5) = 1 and round(4 + 1.96·√1.5) = 6.
            #expect(median.low == 1 && median.high == 6)
            let p90 = try await one("first_response_p90")
            #expect(p90.status == .insufficient && p90.n == 6 && p90.value == nil)
            let mean = try await one("first_response_mean")
            #expect(mean.value == 3.5)

            // February has none of these: no data, never 0.
            let february = try await store.computeMetric(
                MetricQuery(metricID: "nps", period: .month, from: LocalDate("2026-02-01")!, to: LocalDate("2026-03-31")!), in: org)
            #expect(february.map(\.status) == [.noData, .ok])
            #expect(february[0].value == nil && february[0].n == 0)
        }
    }

    @Test("Filters by column and by customer segment", arguments: TestDatabases.engines)
    func filters(engine: EngineKind) async throws {
        try await TestDatabases.withStore(engine) { store in
            let org = try await Fixture.make(in: store).organization
            let t0 = Self.march10
            // Segments live in the customers table, in any source.
            let customers = [
                DataRow(externalID: "vip1", values: [.text("Ana"), nil, .text("vip"), nil]),
                DataRow(externalID: "std1", values: [.text("Luis"), nil, .text("regular"), nil]),
            ]
            _ = try await store.importRows(.customers, source: "crm", into: org, fileName: "c.csv") { write in try await write([customers[0]]) }
            _ = try await store.importRows(.customers, source: "shop", into: org, fileName: "c.csv") { write in try await write([customers[1]]) }
            let tickets: [DataRow] = (0..<12).map { (i: Int) -> DataRow in
                let channel: String = i % 3 == 0 ? "chat" : "email"
                let customer: String? = i < 7 ? "vip1" : (i < 10 ? "std1" : nil)
                let response: Int64 = t0 + Int64(i + 1) * 60_000
                return Self.ticket("T\(i)", created: t0, response: response, channel: channel, customer: customer)
            }
            _ = try await store.importRows(.tickets, source: "t", into: org, fileName: "t.csv") { write in try await write(tickets) }
            func n(_ filters: [String: String]) async throws -> Int {
                let query = MetricQuery(
                    metricID: "first_response_mean", period: .quarter, from: LocalDate("2026-01-01")!, to: LocalDate("2026-03-31")!, filters: filters)
                let values = try await store.computeMetric(query, in: org)
                let reference = try ReferenceMetrics.compute(
                    query, data: [.tickets: tickets, .customers: customers], timeZone: TimeZone(identifier: "Europe/Madrid")!)
                #expect(values.count == 1 && agree(values[0], reference[0]))
                return values[0].n
            }
            #expect(try await n([:]) == 12)
            #expect(try await n(["channel": "chat"]) == 4)
            #expect(try await n(["segment": "vip"]) == 7)
            #expect(try await n(["segment": "regular"]) == 3)
            #expect(try await n(["segment": "vip", "channel": "chat"]) == 3)
            #expect(try await n(["segment": "nobody"]) == 0)
            // A value with SQL in it is just a value.
            #expect(try await n(["channel": "chat' OR '1'='1"]) == 0)
        }
    }

    @Test("Invalid queries are refused with a clear error", arguments: TestDatabases.engines)
    func invalidQueries(engine: EngineKind) async throws {
        try await TestDatabases.withStore(engine) { store in
            let org = try await Fixture.make(in: store).organization
            let jan = LocalDate("2026-01-01")!
            let dec = LocalDate("2026-12-31")!
            await expectError(.invalid, field: "metric") {
                _ = try await store.computeMetric(MetricQuery(metricID: "happiness", from: jan, to: dec), in: org)
            }
            await expectError(.invalid, field: "filter") {
                _ = try await store.computeMetric(MetricQuery(metricID: "nps", from: jan, to: dec, filters: ["channel": "chat"]), in: org)
            }
            await expectError(.invalid, field: "filter") {
                _ = try await store.computeMetric(MetricQuery(metricID: "nps", from: jan, to: dec, filters: ["org_id": "x"]), in: org)
            }
            await expectError(.invalid, field: "from") {
                _ = try await store.computeMetric(MetricQuery(metricID: "nps", from: dec, to: jan), in: org)
            }
            await expectError(.invalid, field: "period") {
                _ = try await store.computeMetric(MetricQuery(metricID: "nps", period: .day, from: LocalDate("2020-01-01")!, to: dec), in: org)
            }
            await expectError(.invalid, field: "period") {
                _ = try await store.computeMetric(MetricQuery(metricID: "nps", rollingDays: 0, from: jan, to: dec), in: org)
            }
            await expectError(.invalid, field: "parameters") {
                _ = try await store.computeMetric(MetricQuery(metricID: "nps", from: jan, to: dec, parameters: ["tau_minutes": 3]), in: org)
            }
            await expectError(.invalid, field: "parameters") {
                _ = try await store.computeMetric(MetricQuery(metricID: "on_time_start_rate", from: jan, to: dec, parameters: ["tau_minutes": .nan]), in: org)
            }
            do {
                _ = try await store.computeMetric(MetricQuery(metricID: "nps", from: jan, to: dec, filters: ["team": "N1"]), in: org)
            } catch let error as RumboError {
                #expect(error.messageEN.contains("touchpoint, segment") && error.messageES.contains("touchpoint, segment"))
            }
            // 1,000 windows are fine.
            let many = try await store.computeMetric(
                MetricQuery(metricID: "nps", period: .day, from: jan, to: jan.adding(days: 999)), in: org)
            #expect(many.count == 1_000 && many.allSatisfy { $0.status == .noData })
        }
    }

    /// Times the benchmark metrics over 12 monthly windows on 1,000,000 tickets and 500,000
    /// survey answers (SQLite). Run with RUMBO_METRICS_BENCH=1, in release:
    /// `RUMBO_METRICS_BENCH=1 swift test -c release -Xswiftc -enable-testing --filter MetricTests/benchmark`.
    /// RUMBO_METRICS_BENCH_DB=path keeps (and reuses) the database file.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["RUMBO_METRICS_BENCH"] == "1"))
    func benchmark() async throws {
        let environment = ProcessInfo.processInfo.environment
        let path =
            environment["RUMBO_METRICS_BENCH_DB"]
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("rumbo-metrics-bench-\(UUID().uuidString).sqlite").path
        let reuse = FileManager.default.fileExists(atPath: path)
        try await Store.withMigrated(.sqlite(path: path)) { store in
            let org: Organization
            if reuse, let existing = try await store.organizations().first {
                org = existing
            } else {
                org = try await Fixture.make(in: store, slug: "bench").organization
                let start: Int64 = 1_767_222_000_000  // 2026-01-01 00:00 Madrid
                let year: Int64 = 365 * 86_400_000
                let clock = ContinuousClock()
                let began = clock.now
                _ = try await store.importRows(.tickets, source: "bench", into: org, fileName: "tickets") { write in
                    var rng = SeededGenerator(seed: 7)
                    for batch in 0..<100 {
                        var rows: [DataRow] = []
                        rows.reserveCapacity(10_000)
                        for i in 0..<10_000 {
                            let k = batch * 10_000 + i
                            let created = start + Int64(k) * year / 1_000_000 + Int64.random(in: 0..<30_000, using: &rng)
                            let response: Int64? =
                                Double.random(in: 0..<1, using: &rng) < 0.1 ? nil : created + Int64(-log(Double.random(in: 0.0001..<1, using: &rng)) * 3_600_000)
                            let sla: FieldValue? = Double.random(in: 0..<1, using: &rng) < 0.8 ? .decimal([60, 240, 480].randomElement(using: &rng)!) : nil
                            rows.append(
                                DataRow(
                                    externalID: "T\(k)",
                                    values: [
                                        .text("C\(Int.random(in: 0..<50_000, using: &rng))"), .text(["email", "chat", "phone"].randomElement(using: &rng)!),
                                        .text("normal"), .timestamp(created), response.map(FieldValue.timestamp),
                                        response.map { .timestamp($0 + 3_600_000) }, .integer(Int64.random(in: 0...3, using: &rng)), .boolean(false),
                                        .boolean(Bool.random(using: &rng)), sla, .text(["N1", "N2"].randomElement(using: &rng)!),
                                    ]))
                        }
                        try await write(rows)
                    }
                }
                _ = try await store.importRows(.surveys, source: "bench", into: org, fileName: "surveys") { write in
                    var rng = SeededGenerator(seed: 8)
                    for batch in 0..<50 {
                        var rows: [DataRow] = []
                        rows.reserveCapacity(10_000)
                        for i in 0..<10_000 {
                            let k = batch * 10_000 + i
                            let at = start + Int64(k) * year / 500_000
                            rows.append(
                                DataRow(
                                    externalID: "S\(k)",
                                    values: [
                                        .text("C\(Int.random(in: 0..<50_000, using: &rng))"), .text(k % 5 == 0 ? "csat" : "nps"),
                                        .integer(k % 5 == 0 ? Int64.random(in: 1...5, using: &rng) : Int64.random(in: 0...10, using: &rng)),
                                        .text("support"), .timestamp(at - 3_600_000), .timestamp(at), nil,
                                    ]))
                        }
                        try await write(rows)
                    }
                }
                print("[metrics benchmark] imported 1,000,000 tickets and 500,000 surveys in \(clock.now - began)")
            }
            let clock = ContinuousClock()
            for id in ["first_response_median", "first_response_p90", "sla_attainment", "nps", "first_response_mean", "escalation_rate"] {
                let query = MetricQuery(
                    metricID: id, period: .month, from: LocalDate("2026-01-01")!, to: LocalDate("2026-12-31")!,
                    asOf: Date(timeIntervalSince1970: 1_798_758_000))
                _ = try await store.computeMetric(query, in: org)  // warm the page cache
                var best = Duration.seconds(1_000)
                var values: [MetricValue] = []
                for _ in 0..<3 {
                    let began = clock.now
                    values = try await store.computeMetric(query, in: org)
                    best = min(best, clock.now - began)
                }
                #expect(values.count == 12)
                print("[metrics benchmark] \(id): 12 monthly windows in \(best) (n of January \(values[0].n), value \(values[0].value ?? .nan))")
            }
        }
        if environment["RUMBO_METRICS_BENCH_DB"] == nil { try? FileManager.default.removeItem(atPath: path) }
    }
}
