import Foundation
import Testing

@testable import RumboCore

@Suite("Demo customer data")
struct DemoCustomerDataTests {
    static let today = LocalDate(year: 2026, month: 11, day: 25)
    static let spa = Demo.customerData(for: "spa-el-encanto", asOf: today)
    static let nimbus = Demo.customerData(for: "nimbus-support", asOf: today)
    static let madrid = TimeZone(identifier: "Europe/Madrid")!
    static let mexico = TimeZone(identifier: "America/Mexico_City")!

    // MARK: Determinism and shape

    @Test func sameSeedAndDayGiveIdenticalRows() {
        #expect(Demo.customerData(for: "spa-el-encanto", asOf: Self.today) == Self.spa)
        #expect(Demo.customerData(for: "nimbus-support", asOf: Self.today) == Self.nimbus)
    }

    @Test func anotherSeedOrDayGivesOtherRows() {
        #expect(Demo.customerData(for: "spa-el-encanto", asOf: Self.today, seed: 7) != Self.spa)
        #expect(Demo.customerData(for: "nimbus-support", asOf: Self.today.adding(days: 1)) != Self.nimbus)
    }

    @Test func knownOrganizationsAndKinds() {
        #expect(Demo.customerDataOrganizations == Demo.organizations(asOf: Self.today).map(\.organization.slug))
        #expect(Set(Self.spa.keys) == [.customers, .appointments, .orders, .surveys, .reviews, .events])
        #expect(Set(Self.nimbus.keys) == [.customers, .tickets, .surveys, .subscriptions, .events])
        #expect(Demo.customerData(for: "no-such-org", asOf: Self.today).isEmpty)
    }

    static let validityCases: [(String, LocalDate)] = [
        ("spa-el-encanto", today), ("nimbus-support", today),
        // Across the spring and autumn clock changes in Madrid, and a leap day.
        ("spa-el-encanto", LocalDate(year: 2027, month: 3, day: 29)),
        ("spa-el-encanto", LocalDate(year: 2028, month: 2, day: 29)),
        ("nimbus-support", LocalDate(year: 2027, month: 4, day: 2)),
    ]

    @Test(arguments: 0..<validityCases.count)
    func everyRowIsValid(_ index: Int) throws {
        let (slug, day) = Self.validityCases[index]
        let data = day == Self.today ? (slug == "spa-el-encanto" ? Self.spa : Self.nimbus) : Demo.customerData(for: slug, asOf: day)
        let zone = slug == "spa-el-encanto" ? Self.madrid : Self.mexico
        let now = Self.milliseconds(day.startOfDay(in: zone))
        for (kind, rows) in data {
            #expect(!rows.isEmpty, "\(kind) has rows")
            // Problems are collected and checked once: an expectation per field would take minutes.
            let layout = kind.layout
            let scheduledStart = kind == .appointments ? layout.index(of: "scheduled_start") : nil
            var problems: [String] = []
            for row in rows {
                problems += Self.problems(row, layout: layout)
                // Nothing has happened yet at the moment of the export, except appointments to come.
                for column in row.values.indices where column != scheduledStart {
                    guard let ms = row.values[column]?.epochMilliseconds, ms >= now else { continue }
                    problems.append("\(kind) \(row.externalID): \(layout.fields[column].name) is in the future")
                }
            }
            #expect(problems.isEmpty, "\(problems.count) problems, first: \(problems.prefix(5))")
            let ids = rows.map(\.externalID)
            #expect(Set(ids).count == ids.count, "\(kind) ids are unique")
        }
        // Every customer id refers to a customer.
        let customers = Set(try #require(data[.customers]).map(\.externalID))
        for (kind, rows) in data where kind != .customers {
            let column = try #require(kind.layout.index(of: "customer_id"))
            let unknown = rows.filter { row in row.values[column]?.text.map { !customers.contains($0) } ?? false }
            #expect(unknown.isEmpty, "\(kind): \(unknown.prefix(3).map(\.externalID)) refer to unknown customers")
        }
    }

    /// The checker used above catches what it should.
    @Test func brokenRowsAreCaught() throws {
        let surveys = try #require(Self.spa[.surveys])
        var answer = try #require(surveys.first { Self.value($0, .surveys, "score") != nil })
        #expect(Self.problems(answer, kind: .surveys).isEmpty)
        answer.values[DataKind.surveys.layout.index(of: "answered_at")!] = nil
        #expect(!Self.problems(answer, kind: .surveys).isEmpty)
        var appointment = try #require(Self.spa[.appointments]?.first)
        appointment.values[DataKind.appointments.layout.index(of: "status")!] = .text("done")
        #expect(!Self.problems(appointment, kind: .appointments).isEmpty)
        appointment.values[DataKind.appointments.layout.index(of: "status")!] = nil
        #expect(!Self.problems(appointment, kind: .appointments).isEmpty)
    }

    /// Only completed appointments started; only cancelled ones were cancelled, before their start;
    /// only the ones to come are still scheduled.
    @Test func appointmentStatuses() throws {
        let now = Self.now(Self.madrid)
        var problems: [String] = []
        for row in try #require(Self.spa[.appointments]) {
            let status = Self.value(row, .appointments, "status")!.text!
            let started = Self.value(row, .appointments, "actual_start") != nil
            let cancelled = Self.value(row, .appointments, "cancelled_at")?.epochMilliseconds
            if started != (status == "completed") { problems.append("\(row.externalID) \(status) started \(started)") }
            if (cancelled != nil) != (status == "cancelled") { problems.append("\(row.externalID) \(status) cancelled_at") }
            if let cancelled, cancelled >= Self.scheduled(row) { problems.append("\(row.externalID) cancelled after its start") }
            if (status == "scheduled") != (Self.scheduled(row) >= now && status != "cancelled") {
                problems.append("\(row.externalID) \(status) at \(Self.scheduled(row))")
            }
        }
        #expect(problems.isEmpty, "\(problems.prefix(5))")
    }

    @Test func aboutAYearOfHistory() throws {
        let start = Self.milliseconds(Self.today.adding(days: -366).startOfDay(in: Self.madrid))
        let appointments = try #require(Self.spa[.appointments])
        let scheduled = appointments.compactMap { Self.value($0, .appointments, "scheduled_start")?.epochMilliseconds }
        #expect(scheduled.min()! >= start)
        let days = Double(Self.today.dayNumber - LocalDate(Date(timeIntervalSince1970: Double(scheduled.min()!) / 1000), in: Self.madrid).dayNumber)
        #expect(days >= 360)
        let tickets = try #require(Self.nimbus[.tickets])
        #expect(tickets.compactMap { Self.value($0, .tickets, "created_at")?.epochMilliseconds }.min()! >= start)
    }

    @Test func radixSortSorts() {
        var random = Demo.SplitMix64(seed: 42)
        for count in [0, 1, 2, 17, 5_000] {
            var keys = (0..<count).map { index -> UInt64 in
                index % 3 == 0 ? random.next() : UInt64(random.below(1_000)) << 24 | UInt64(index)
            }
            let expected = keys.sorted()
            Demo.radixSort(&keys)
            #expect(keys == expected)
        }
    }

    /// Ids count up with each kind's main timestamp.
    @Test func idsFollowTime() throws {
        for (data, kind, field) in [
            (Self.spa, DataKind.appointments, "scheduled_start"), (Self.spa, .orders, "placed_at"),
            (Self.nimbus, .tickets, "created_at"), (Self.nimbus, .subscriptions, "effective_at"),
        ] {
            let rows = try #require(data[kind])
            let times = rows.map { Self.value($0, kind, field)!.epochMilliseconds! / 1000 }
            #expect(times == times.sorted(), "\(kind)")
            #expect(rows.map(\.externalID) == rows.map(\.externalID).sorted(), "\(kind)")
        }
    }

    /// Local wall-clock times become the right instants, on the days the clocks change too.
    @Test func localClockMatchesTheCalendar() {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.madrid
        let clock = Demo.LocalClock(zone: Self.madrid, from: LocalDate(year: 2025, month: 1, day: 1), through: LocalDate(year: 2028, month: 1, day: 1))
        let days = ["2026-03-29", "2026-10-25", "2026-07-14", "2027-03-28", "2027-10-31", "2027-01-05"].map { LocalDate($0)! }
        for day in days {
            for minute in stride(from: 0, to: 1440, by: 17) where !(day.month == 3 && (120..<180).contains(minute)) {
                let expected = calendar.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: minute / 60, minute: minute % 60))!
                let local = Demo.localStart(ofDay: day.dayNumber) + Double(minute * 60)
                #expect(clock.milliseconds(local) == Self.milliseconds(expected), "\(day) \(minute / 60):\(minute % 60)")
            }
        }
        // Never backwards, not even through the skipped and the repeated hour.
        var previous = Int64.min
        for day in days {
            for second in stride(from: 0.0, to: 86_400, by: 61) {
                let ms = clock.milliseconds(Demo.localStart(ofDay: day.dayNumber) + second)
                if second > 0 { #expect(ms >= previous) }
                previous = ms
            }
        }
    }

    // MARK: The spa's story

    @Test func spaVolumes() throws {
        let customers = try #require(Self.spa[.customers])
        #expect((1_100...1_300).contains(customers.count))
        #expect(Set(customers.compactMap { Self.value($0, .customers, "segment")?.text }) == ["nuevo", "habitual", "ocasional", "vip"])
        let appointments = try #require(Self.spa[.appointments])
        let past = appointments.filter { Self.value($0, .appointments, "status")?.text != "scheduled" && Self.scheduled($0) < Self.now(Self.madrid) }
        let perDay = Double(past.count) / 365
        #expect((25...40).contains(perDay), "\(perDay) appointments a day")
        #expect(appointments.contains { Self.value($0, .appointments, "status")?.text == "scheduled" })
        // Opening hours, in Madrid time.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.madrid
        for row in appointments {
            let hour = calendar.component(.hour, from: Date(timeIntervalSince1970: Double(Self.scheduled(row)) / 1000))
            #expect((9..<21).contains(hour))
        }
    }

    @Test func confirmationsGetFaster() throws {
        let appointments = try #require(Self.spa[.appointments])
        func meanHours(weeksAgo: Int) -> Double {
            let rows = Self.rows(appointments, scheduledIn: weeksAgo, zone: Self.madrid)
            let hours = rows.compactMap { row -> Double? in
                guard let requested = Self.value(row, .appointments, "requested_at")?.epochMilliseconds,
                    let confirmed = Self.value(row, .appointments, "confirmed_at")?.epochMilliseconds
                else { return nil }
                return Double(confirmed - requested) / 3_600_000
            }
            return hours.reduce(0, +) / Double(hours.count)
        }
        let before = meanHours(weeksAgo: 17)
        let year = meanHours(weeksAgo: 52)
        let recent = meanHours(weeksAgo: 4)
        #expect((25...35).contains(before), "\(before) h three months earlier")
        #expect((25...35).contains(year), "\(year) h a year ago")
        #expect((15...22).contains(recent), "\(recent) h in the last four weeks")
    }

    @Test func sessionsStartOnTimeMoreOften() throws {
        let appointments = try #require(Self.spa[.appointments])
        func onTime(weeksAgo: Int) -> Double {
            let held = Self.rows(appointments, scheduledIn: weeksAgo, zone: Self.madrid).filter {
                Self.value($0, .appointments, "status")?.text == "completed"
            }
            let punctual = held.filter { row in
                let delay = Self.value(row, .appointments, "actual_start")!.epochMilliseconds! - Self.scheduled(row)
                return abs(delay) <= 5 * 60_000
            }
            return Double(punctual.count) / Double(held.count)
        }
        let before = onTime(weeksAgo: 17)
        let recent = onTime(weeksAgo: 4)
        #expect((0.58...0.72).contains(before), "\(before) on time three months earlier")
        #expect((0.72...0.85).contains(recent), "\(recent) on time in the last four weeks")
        #expect(recent > before + 0.06)
    }

    @Test func cancellationsFall() throws {
        let appointments = try #require(Self.spa[.appointments])
        func cancelled(from: Int, to: Int) -> Double {
            let start = Self.milliseconds(Self.today.adding(days: -from).startOfDay(in: Self.madrid))
            let end = Self.milliseconds(Self.today.adding(days: -to).startOfDay(in: Self.madrid))
            let rows = appointments.filter { (start..<end).contains(Self.scheduled($0)) }
            return Double(rows.filter { Self.value($0, .appointments, "status")?.text == "cancelled" }.count) / Double(rows.count)
        }
        let previous = cancelled(from: 182, to: 91)
        let last = cancelled(from: 91, to: 0)
        let change = last / previous - 1
        #expect((-0.32 ... -0.06).contains(change), "cancellations \(previous) → \(last)")
        // Some of them at the last minute.
        let late = appointments.filter { row in
            guard let at = Self.value(row, .appointments, "cancelled_at")?.epochMilliseconds else { return false }
            return Self.scheduled(row) - at < 24 * 3_600_000
        }
        #expect(late.count > 100)
    }

    @Test func reviewsAndSurveysImprove() throws {
        let reviews = try #require(Self.spa[.reviews])
        func favourable(from: Int, to: Int) -> Double {
            let rows = Self.rows(reviews, .reviews, "reviewed_at", from: from, to: to, zone: Self.madrid)
            return Double(rows.filter { Self.value($0, .reviews, "rating")!.number! >= 4 }.count) / Double(rows.count)
        }
        let before = favourable(from: 365, to: 70)
        let recent = favourable(from: 42, to: 0)
        #expect((0.56...0.68).contains(before), "favourable reviews \(before) before")
        #expect((0.7...0.86).contains(recent), "favourable reviews \(recent) recently")

        let surveys = try #require(Self.spa[.surveys])
        let nps = surveys.filter { Self.value($0, .surveys, "kind")?.text == "nps" }
        let answered = nps.filter { Self.value($0, .surveys, "score") != nil }
        let rate = Double(answered.count) / Double(nps.count)
        #expect((0.33...0.47).contains(rate), "response rate \(rate)")
        let early = Self.nps(Self.rows(answered, .surveys, "answered_at", from: 365, to: 182, zone: Self.madrid))
        let late = Self.nps(Self.rows(answered, .surveys, "answered_at", from: 42, to: 0, zone: Self.madrid))
        #expect(late > early + 8, "post-service NPS \(early) → \(late)")
        let comments = Set(surveys.compactMap { Self.value($0, .surveys, "comment")?.text })
        #expect(comments.contains("La espera para confirmar la cita fue demasiado larga."))
        #expect(comments.contains("Excelente masaje, muy puntuales."))
    }

    @Test func afterCareCallsStart() throws {
        let events = try #require(Self.spa[.events])
        let calls = events.filter { Self.value($0, .events, "name")?.text?.hasSuffix("postservicio") == true }
        let before = Self.rows(calls, .events, "occurred_at", from: 140, to: 70, zone: Self.madrid).count
        let after = Self.rows(calls, .events, "occurred_at", from: 35, to: 0, zone: Self.madrid).count
        #expect(Double(after) / 35 > 3 * Double(before) / 70, "after-care calls \(before) → \(after)")
        #expect(events.contains { Self.value($0, .events, "name")?.text == "llamada de reactivación" })
    }

    /// Heterogeneous visit frequencies, as the retention models expect: regulars, occasional
    /// visitors, one-time buyers, and customers who stopped coming during the year.
    @Test func visitPatternsForTheRetentionModels() throws {
        let orders = try #require(Self.spa[.orders])
        var visits: [String: [Int64]] = [:]
        for row in orders where Self.value(row, .orders, "service")?.text != "bono regalo" {
            visits[Self.value(row, .orders, "customer_id")!.text!, default: []].append(Self.value(row, .orders, "placed_at")!.epochMilliseconds!)
        }
        let now = Self.milliseconds(Self.today.startOfDay(in: Self.madrid))
        let counts = visits.values.map(\.count)
        #expect(counts.filter { $0 >= 15 }.count > 50)
        #expect(counts.filter { $0 == 1 }.count > 80)
        let lapsed = visits.values.filter { $0.count >= 4 && now - $0.max()! > 120 * 86_400_000 }
        #expect(lapsed.count > 60, "\(lapsed.count) regulars stopped coming")
        let amounts = orders.compactMap { Self.value($0, .orders, "amount")?.number }
        #expect(amounts.allSatisfy { $0 > 0 && $0 < 200 })
    }

    // MARK: Nimbus's story

    @Test func ticketsGetFasterAnswers() throws {
        let tickets = try #require(Self.nimbus[.tickets])
        func medianMinutes(weeksAgo: Int) -> Double {
            let rows = Self.rows(tickets, .tickets, "created_at", from: 7 * weeksAgo, to: 7 * weeksAgo - 28, zone: Self.mexico)
            let minutes = rows.compactMap { row -> Double? in
                guard let first = Self.value(row, .tickets, "first_response_at")?.epochMilliseconds else { return nil }
                return Double(first - Self.value(row, .tickets, "created_at")!.epochMilliseconds!) / 60_000
            }.sorted()
            return minutes[minutes.count / 2]
        }
        let quarterStart = medianMinutes(weeksAgo: 13)
        let recent = medianMinutes(weeksAgo: 4)
        let yearAgo = medianMinutes(weeksAgo: 52)
        #expect((80...160).contains(quarterStart), "median first response \(quarterStart) min 13 weeks ago")
        #expect((30...60).contains(recent), "median first response \(recent) min in the last four weeks")
        #expect(yearAgo > quarterStart + 40, "median first response \(yearAgo) min a year ago")

        // 60–120 tickets on an ordinary weekday (the last eight weeks).
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = Self.mexico
        var perDay: [LocalDate: Int] = [:]
        for row in Self.rows(tickets, .tickets, "created_at", from: 56, to: 0, zone: Self.mexico) {
            let day = LocalDate(Date(timeIntervalSince1970: Double(Self.value(row, .tickets, "created_at")!.epochMilliseconds!) / 1000), in: Self.mexico)
            if Demo.weekday(of: day) < 5 { perDay[day, default: 0] += 1 }
        }
        let weekdayMean = Double(perDay.values.reduce(0, +)) / Double(perDay.count)
        #expect(perDay.count == 40 && (60...120).contains(weekdayMean), "\(weekdayMean) tickets a weekday")
        #expect(tickets.count > 20_000 && tickets.count < 30_000)
        let open = tickets.filter { Self.value($0, .tickets, "resolved_at") == nil }
        #expect(open.count > 5 && open.count < 600)
        #expect(tickets.contains { Self.value($0, .tickets, "first_response_at") == nil })
        func share(_ field: String) -> Double {
            Double(tickets.filter { Self.value($0, .tickets, field)?.bool == true }.count) / Double(tickets.count)
        }
        #expect((0.035...0.065).contains(share("reopened")))
        #expect((0.065...0.1).contains(share("escalated")))
        #expect(Set(tickets.compactMap { Self.value($0, .tickets, "team")?.text }) == ["Support", "Tier 2"])
    }

    @Test func npsRisesAndChurnStaysLow() throws {
        let surveys = try #require(Self.nimbus[.surveys])
        let relationship = surveys.filter {
            Self.value($0, .surveys, "touchpoint")?.text == "relationship" && Self.value($0, .surveys, "score") != nil
        }
        let early = Self.nps(Self.rows(relationship, .surveys, "answered_at", from: 365, to: 182, zone: Self.mexico))
        let recent = Self.nps(Self.rows(relationship, .surveys, "answered_at", from: 91, to: 0, zone: Self.mexico))
        #expect((5...24).contains(early), "NPS \(early) in the first half of the year")
        #expect((28...45).contains(recent), "NPS \(recent) in the last 13 weeks")
        #expect(Set(surveys.compactMap { Self.value($0, .surveys, "touchpoint")?.text }) == ["support", "onboarding", "relationship"])

        // Monthly logo churn over the year: cancellations / accounts active at the month's start.
        let subscriptions = try #require(Self.nimbus[.subscriptions])
        var changes: [String: [(Int64, Double)]] = [:]
        for row in subscriptions {
            changes[Self.value(row, .subscriptions, "customer_id")!.text!, default: []].append(
                (Self.value(row, .subscriptions, "effective_at")!.epochMilliseconds!, Self.value(row, .subscriptions, "mrr")!.number!))
        }
        var rates: [Double] = []
        for month in 1...12 {
            let start = Self.milliseconds(Self.today.adding(days: -30 * month).startOfDay(in: Self.mexico))
            let end = start + 30 * 86_400_000
            let active = changes.values.filter { history in
                history.first!.0 < start && !history.contains { $0.1 == 0 && $0.0 < start }
            }
            let cancelled = active.filter { history in history.contains { $0.1 == 0 && (start..<end).contains($0.0) } }
            rates.append(Double(cancelled.count) / Double(active.count))
        }
        let mean = rates.reduce(0, +) / Double(rates.count)
        #expect((0.015...0.032).contains(mean), "monthly churn \(mean)")
    }

    @Test func productEvents() throws {
        let events = try #require(Self.nimbus[.events])
        let kinds = Set(events.compactMap { Self.value($0, .events, "kind")?.text })
        #expect(kinds == ["onboarding_step", "onboarding_completed", "feature_use", "self_service", "chatbot_session"])
        let outcomes = Set(events.filter { Self.value($0, .events, "kind")?.text == "chatbot_session" }.compactMap { Self.value($0, .events, "outcome")?.text })
        #expect(outcomes == ["success", "failure", "escalated"])
    }

    // MARK: Helpers

    /// What breaks the layout's rules for every field (type, range, required), then its cross-field rules.
    static func problems(_ row: DataRow, kind: DataKind) -> [String] { problems(row, layout: kind.layout) }

    static func problems(_ row: DataRow, layout: DataLayout) -> [String] {
        var name: String { "\(layout.kind) \(row.externalID)" }
        guard row.values.count == layout.fields.count else { return ["\(name) has \(row.values.count) values"] }
        var problems: [String] = []
        if row.externalID.isEmpty { problems.append("\(name): no id") }
        for column in layout.fields.indices {
            let field = layout.fields[column]
            guard let value = row.values[column] else {
                if field.required { problems.append("\(name): \(field.name) is required") }
                continue
            }
            let ok: Bool
            switch (field.type, value) {
            case (.text, .text(let text)):
                ok = !text.isEmpty && !text.first!.isWhitespace && !text.last!.isWhitespace
            case (.choice(let words), .text(let text)): ok = words.contains(text)
            case (.integer(let range), .integer(let number)): ok = range.contains(number)
            case (.decimal(let range), .decimal(let number)): ok = number.isFinite && range.contains(number)
            case (.timestamp, .timestamp(let ms)): ok = ms > 1_500_000_000_000 && ms < 2_000_000_000_000
            case (.boolean, .boolean): ok = true
            default: ok = false
            }
            if !ok { problems.append("\(name): \(field.name) = \(value) does not fit \(field.type)") }
        }
        if let problem = layout.check(row) { problems.append("\(name): \(problem.en)") }
        return problems
    }

    static func value(_ row: DataRow, _ kind: DataKind, _ field: String) -> FieldValue? {
        row.values[kind.layout.index(of: field)!]
    }

    static func scheduled(_ row: DataRow) -> Int64 { value(row, .appointments, "scheduled_start")!.epochMilliseconds! }

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    static func now(_ zone: TimeZone) -> Int64 { milliseconds(today.startOfDay(in: zone)) }

    /// Rows whose `field` falls from `from` days before `today` up to `to` days before it.
    static func rows(_ rows: [DataRow], _ kind: DataKind, _ field: String, from: Int, to: Int, zone: TimeZone) -> [DataRow] {
        let start = milliseconds(today.adding(days: -from).startOfDay(in: zone))
        let end = milliseconds(today.adding(days: -to).startOfDay(in: zone))
        return rows.filter { row in value(row, kind, field)?.epochMilliseconds.map { (start..<end).contains($0) } ?? false }
    }

    /// Appointments scheduled in the four weeks that ended `weeksAgo - 4` weeks before `today`.
    static func rows(_ appointments: [DataRow], scheduledIn weeksAgo: Int, zone: TimeZone) -> [DataRow] {
        rows(appointments, .appointments, "scheduled_start", from: 7 * weeksAgo, to: 7 * weeksAgo - 28, zone: zone)
    }

    static func nps(_ answers: [DataRow]) -> Double {
        let scores = answers.compactMap { value($0, .surveys, "score")?.number }
        let promoters = Double(scores.filter { $0 >= 9 }.count)
        let detractors = Double(scores.filter { $0 <= 6 }.count)
        return 100 * (promoters - detractors) / Double(scores.count)
    }
}
