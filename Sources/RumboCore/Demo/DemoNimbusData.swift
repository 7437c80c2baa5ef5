import Foundation

extension Demo {
    /// Nimbus Software's raw data: B2B accounts with seat-based subscriptions, the tickets they open,
    /// the surveys they answer and what they do in the product.
    ///
    /// Support gets faster all year (median first response about 3 h a year ago, 2 h at the start
    /// of the last 13 weeks, about 45 min now), escalations and churn fall and expansions grow in the
    /// last 13 weeks (macros and routing, tier-2 runbooks, guided onboarding), and relationship NPS
    /// climbs from the teens to the 30s.
    struct NimbusData {
        let today: LocalDate
        let seed: UInt64
        let stream: UInt64
        let clock: LocalClock

        /// The moment of the export: the start of `today`.
        let now: Double
        let firstDay: Int
        /// The start of the current push (the last 13 weeks).
        let pushStart: Double

        init(today: LocalDate, seed: UInt64, stream: UInt64, clock: LocalClock) {
            self.today = today
            self.seed = seed
            self.stream = stream
            self.clock = clock
            now = Demo.localStart(ofDay: today.dayNumber)
            firstDay = today.dayNumber - 365
            pushStart = now - 91 * Demo.secondsPerDay
        }

        static let segments = ["smb", "mid", "enterprise"]
        static let priorities = ["low", "normal", "high", "urgent"]
        static let slaMinutes: [Double] = [480, 240, 60, 30]
        static let channels = ["email", "chat", "phone"]
        /// How much faster than a normal ticket each priority gets its first answer.
        static let priorityPace = [1.6, 1.0, 0.3, 0.12]

        struct Account {
            var created: Double
            var segment: Int
            var name: String
            var email: String
            /// When the subscription ended (MRR 0), if it did.
            var ended: Double = .infinity
            /// How much support and product use the account generates.
            var weight: Double = 1
            /// How generous its people are in surveys.
            var bias: Double
            /// Times of tickets that went badly (late first answer, reopened), for relationship NPS.
            var badTickets: [Double] = []

            func isActive(at time: Double) -> Bool { created <= time && time < ended }
        }

        func generate() -> [DataKind: [DataRow]] {
            var accounts = makeAccounts()
            let ids = accounts.indices.map { Demo.numbered("acct", $0 + 1, width: 4) }

            var subscriptions = RowCollector(.subscriptions, columns: ["customer_id", "plan", "mrr", "effective_at"])
            for index in accounts.indices {
                var random = SplitMix64.stream(seed, stream, 2, 11, UInt64(index))
                simulateSubscription(&accounts[index], id: ids[index], using: &random, into: &subscriptions)
            }

            var tickets = RowCollector(
                .tickets,
                columns: [
                    "customer_id", "channel", "priority", "created_at", "first_response_at", "resolved_at", "agent_replies", "reopened",
                    "escalated", "sla_first_response_min", "team",
                ])
            var surveys = RowCollector(.surveys, columns: ["customer_id", "kind", "score", "touchpoint", "sent_at", "answered_at", "comment"])
            var events = RowCollector(.events, columns: ["customer_id", "kind", "name", "occurred_at", "outcome"])

            let picker = AccountPicker(accounts)
            for day in firstDay..<today.dayNumber {
                var random = SplitMix64.stream(seed, stream, 2, 12, UInt64(day - firstDay))
                addTickets(day: day, accounts: &accounts, ids: ids, picker: picker, using: &random, tickets: &tickets, surveys: &surveys)
                addSessions(day: day, accounts: accounts, ids: ids, picker: picker, using: &random, events: &events)
            }
            for index in accounts.indices {
                var random = SplitMix64.stream(seed, stream, 2, 13, UInt64(index))
                addOnboarding(accounts[index], id: ids[index], using: &random, events: &events, surveys: &surveys)
                addFeatureUse(accounts[index], id: ids[index], using: &random, events: &events)
                addRelationshipSurveys(accounts[index], id: ids[index], using: &random, surveys: &surveys)
            }

            var customers = RowCollector(.customers, columns: ["name", "email", "segment", "created_at"])
            for account in accounts {
                customers.add(
                    at: account.created,
                    [.text(account.name), .text(account.email), .text(Self.segments[account.segment]), clock.timestamp(account.created)])
            }
            return [
                .customers: customers.finished(prefix: "acct"),
                .subscriptions: subscriptions.finished(prefix: "sub"),
                .tickets: tickets.finished(prefix: "tkt"),
                .surveys: surveys.finished(prefix: "svy"),
                .events: events.finished(prefix: "evt"),
            ]
        }

        // MARK: Accounts and subscriptions

        /// 600 accounts: 420 that signed up in the three years before the window (more of them
        /// recently) and 180 during it, in order of sign-up.
        private func makeAccounts() -> [Account] {
            var random = SplitMix64.stream(seed, stream, 2, 10)
            var accounts: [Account] = []
            var names = Set<String>()
            for number in 0..<600 {
                var day: Int
                if number < 420 {
                    day = firstDay - 1 - Int(3 * 365 * pow(random.unit(), 1.5))
                } else {
                    day = firstDay + random.below(365)
                }
                if Demo.weekday(ofDay: day) >= 5 { day -= Demo.weekday(ofDay: day) - 4 }
                let created = Demo.localStart(ofDay: day) + random.uniform(8 * 3600, 19 * 3600)
                var name = "\(random.element(Self.namePrefixes)) \(random.element(Self.nameSuffixes))"
                while names.contains(name) { name = "\(random.element(Self.namePrefixes)) \(random.element(Self.nameSuffixes))" }
                names.insert(name)
                let first = random.element(Self.contactFirstNames)
                let last = random.element(Self.contactLastNames)
                let domain = Demo.mailbox(name.split(separator: " ").first.map(String.init) ?? name) + ".example"
                accounts.append(
                    Account(
                        created: created, segment: random.pick([0.64, 0.28, 0.08]), name: name,
                        email: "\(Demo.mailbox(first)).\(Demo.mailbox(last))@\(domain)", bias: random.normal()))
            }
            accounts.sort { $0.created < $1.created }
            return accounts
        }

        /// Seats × price per seat from sign-up on: every month an account may expand, contract or
        /// cancel; expansions grow and cancellations fall in the last 13 weeks.
        private func simulateSubscription(_ account: inout Account, id: String, using random: inout SplitMix64, into rows: inout RowCollector) {
            let customerID = FieldValue.text(id)
            var plan: String
            var seats: Int
            var price: Double
            switch account.segment {
            case 0:
                if random.chance(0.55) {
                    plan = "Starter"
                    seats = 2 + random.below(11)
                    price = 19
                } else {
                    plan = "Growth"
                    seats = 5 + random.below(21)
                    price = 29
                }
            case 1:
                plan = "Business"
                seats = 15 + random.below(106)
                price = 39
            default:
                plan = "Enterprise"
                seats = 80 + random.below(521)
                price = (random.uniform(31.5, 36) * 2).rounded() / 2
            }
            account.weight = [1.0, 2.2, 4.5][account.segment] * random.uniform(0.6, 1.4)
            rows.add(at: account.created, [customerID, .text(plan), Demo.cents(Double(seats) * price), clock.timestamp(account.created)])

            let churn = [0.038, 0.02, 0.009][account.segment]
            var month = 1
            while true {
                let at = workingTime(account.created + (Double(month) * 30.44 + random.uniform(-6, 6)) * Demo.secondsPerDay, using: &random)
                guard at < now else { return }
                month += 1
                let push = at >= pushStart
                let roll = random.unit()
                let cancelChance = churn * (push ? 0.72 : 1)
                let expandChance = 0.05 * (push ? 1.35 : 1)
                let contractChance = 0.012 * (push ? 0.8 : 1)
                if roll < cancelChance {
                    rows.add(at: at, [customerID, .text(plan), .decimal(0), clock.timestamp(at)])
                    account.ended = at
                    return
                } else if roll < cancelChance + expandChance {
                    seats += max(1, Int(Double(seats) * random.uniform(0.08, 0.4)))
                    if plan == "Starter" && seats > 12 {
                        plan = "Growth"
                        price = 29
                    } else if plan == "Growth" && seats > 30 {
                        plan = "Business"
                        price = 39
                    }
                } else if roll < cancelChance + expandChance + contractChance {
                    seats = max(1, seats - max(1, Int(Double(seats) * random.uniform(0.08, 0.3))))
                } else {
                    continue
                }
                rows.add(at: at, [customerID, .text(plan), Demo.cents(Double(seats) * price), clock.timestamp(at)])
            }
        }

        /// Draws active accounts in proportion to their weight.
        struct AccountPicker {
            let cumulative: [Double]

            init(_ accounts: [Account]) {
                var total = 0.0
                var cumulative: [Double] = []
                for account in accounts {
                    total += account.weight
                    cumulative.append(total)
                }
                self.cumulative = cumulative
            }

            func pick(at time: Double, in accounts: [Account], using random: inout SplitMix64) -> Int? {
                for _ in 0..<40 {
                    let target = random.unit() * cumulative[cumulative.count - 1]
                    var low = 0
                    var high = cumulative.count - 1
                    while low < high {
                        let middle = (low + high) / 2
                        if cumulative[middle] > target { high = middle } else { low = middle + 1 }
                    }
                    if accounts[low].isActive(at: time) { return low }
                }
                return nil
            }
        }

        // MARK: Tickets

        /// The median first response (minutes) the team works at: about 3 h a year ago, 2 h when the
        /// current push starts, about 35 min now (the median of the last four weeks is about 45 min).
        private func medianFirstResponse(at time: Double) -> Double {
            let start = Demo.localStart(ofDay: firstDay)
            if time < pushStart { return 200 - 80 * Demo.ramp(time, from: start, over: pushStart - start) }
            return 120 - 85 * Demo.ramp(time, from: pushStart, over: now - pushStart)
        }

        private func addTickets(
            day: Int, accounts: inout [Account], ids: [String], picker: AccountPicker, using random: inout SplitMix64,
            tickets: inout RowCollector, surveys: inout RowCollector
        ) {
            let date = LocalDate(dayNumber: day)
            let weekday = Demo.weekday(ofDay: day)
            var mean = 84 * [1.18, 1.08, 1.0, 0.96, 0.84, 0.15, 0.11][weekday] * (1 + 0.14 * Double(day - firstDay) / 365)
            // A release every three weeks brings a couple of busy days.
            let sinceRelease = ((day - firstDay) % 21 + 21) % 21
            if sinceRelease == 1 || sinceRelease == 2 { mean *= 1.22 }
            if (date.month == 12 && date.day >= 24) || (date.month == 1 && date.day == 1) { mean *= 0.45 }
            if (date.month == 9 && date.day == 16) || (date.month == 11 && date.day == 2) { mean *= 0.6 }
            let count = random.poisson(mean * exp(0.07 * random.normal()))

            for _ in 0..<count {
                let created = Demo.localStart(ofDay: day) + creationSecond(weekend: weekday >= 5, using: &random)
                guard let account = picker.pick(at: created, in: accounts, using: &random) else { continue }
                let hour = Demo.secondOfDay(created) / 3600
                var channel = random.pick([0.5, 0.36, 0.14])
                if channel == 1 && (hour < 7 || hour >= 21) { channel = 0 }
                if channel == 2 && (hour < 8 || hour >= 20 || weekday >= 5) { channel = 0 }
                let priority =
                    accounts[account].segment == 2 ? random.pick([0.12, 0.5, 0.27, 0.11]) : random.pick([0.21, 0.56, 0.18, 0.05])
                let push = Demo.ramp(created, from: pushStart, over: now - pushStart)

                // First response.
                var firstResponse: Double
                if channel == 2 {
                    firstResponse = created + random.uniform(1, 9) * 60
                } else {
                    let factor = Self.priorityPace[priority] * (channel == 1 ? 0.45 : 1.2) * 1.55
                    firstResponse = created + random.logNormal(median: medianFirstResponse(at: created) * factor, sigma: 0.8) * 60
                    firstResponse = coverage(firstResponse, using: &random)
                }
                // Escalation and resolution.
                let escalated = random.chance(0.095 - 0.025 * push)
                var resolved: Double
                if escalated {
                    resolved = firstResponse + random.logNormal(median: 44 * (1 - 0.45 * push), sigma: 0.8) * 3600
                } else if channel == 2 && random.chance(0.6) {
                    resolved = firstResponse + random.uniform(3, 25) * 60
                } else {
                    resolved = firstResponse + random.logNormal(median: 240 * (1 - 0.25 * push), sigma: 1.4) * 60
                }
                resolved = coverage(resolved, using: &random)
                let reopened = random.chance(0.05)
                var replies = [1, 2, 3, 4, 5, 6][random.pick([0.48, 0.27, 0.14, 0.07, 0.03, 0.01])]
                if escalated { replies += 1 + random.below(2) }
                if reopened { replies += 1 }
                replies = min(replies, 6)

                let late = (firstResponse - created) / 60 > Self.slaMinutes[priority]
                var firstResponseValue: Double? = firstResponse
                var resolvedValue: Double? = resolved
                var reopenedValue = reopened
                if firstResponse >= now {
                    firstResponseValue = nil
                    resolvedValue = nil
                    replies = 0
                    reopenedValue = false
                } else if resolved >= now {
                    resolvedValue = nil
                    replies = min(replies, 1 + random.below(2))
                    reopenedValue = false
                }
                if let answer = firstResponseValue, reopenedValue || (answer - created) / 60 > 2 * Self.slaMinutes[priority] {
                    accounts[account].badTickets.append(created)
                }

                tickets.add(
                    at: created,
                    [
                        .text(ids[account]), .text(Self.channels[channel]), .text(Self.priorities[priority]), clock.timestamp(created),
                        clock.timestamp(firstResponseValue), clock.timestamp(resolvedValue), .integer(Int64(replies)),
                        .boolean(reopenedValue), .boolean(escalated), .decimal(Self.slaMinutes[priority]),
                        .text(escalated ? "Tier 2" : "Support"),
                    ])

                // A CSAT survey after some resolved tickets.
                guard let solvedAt = resolvedValue, random.chance(0.3) else { continue }
                let sent = solvedAt + random.uniform(30, 120) * 60
                guard sent < now else { continue }
                var answered: Double? = nil
                var score: Int64? = nil
                var comment: FieldValue? = nil
                if random.chance(0.3) {
                    let at = sent + 60 + random.exponential(mean: 5 * 3600)
                    if at < now {
                        answered = at
                        var quality = 1.6 + 0.35 * push + 0.3 * accounts[account].bias + 0.8 * random.normal()
                        if late { quality -= 0.9 }
                        if reopened { quality -= 1.1 }
                        if escalated { quality -= 0.35 }
                        if replies >= 4 { quality -= 0.3 }
                        let value = Self.csat(quality)
                        score = value
                        if random.chance(value <= 3 ? 0.6 : 0.3) {
                            comment = .text(supportComment(value, late: late, reopened: reopened, escalated: escalated, using: &random))
                        }
                    }
                }
                surveys.add(
                    at: sent,
                    [
                        .text(ids[account]), .text("csat"), score.map(FieldValue.integer), .text("support"), clock.timestamp(sent),
                        clock.timestamp(answered), comment,
                    ])
            }
        }

        /// Seconds after midnight at which a ticket comes in: a morning and an afternoon peak on
        /// weekdays, a thin spread at weekends and at night.
        private func creationSecond(weekend: Bool, using random: inout SplitMix64) -> Double {
            if weekend || random.chance(0.16) { return random.uniform(0, 86_399) }
            let hour = random.chance(0.55) ? 11 + 1.5 * random.normal() : 16 + 1.7 * random.normal()
            return min(max(hour, 6.5), 22) * 3600
        }

        /// Support works 7:00–21:00 on weekdays and 9:00–15:00 at weekends: work that would happen
        /// outside those hours waits for the next shift.
        private func coverage(_ time: Double, using random: inout SplitMix64) -> Double {
            var day = Demo.localDay(time)
            var second = Demo.secondOfDay(time)
            for _ in 0..<4 {
                let weekend = Demo.weekday(ofDay: day) >= 5
                let opens = (weekend ? 9.0 : 7.0) * 3600
                let closes = (weekend ? 15.0 : 21.0) * 3600
                if second < opens { return Demo.localStart(ofDay: day) + opens + random.exponential(mean: 35 * 60) }
                if second <= closes { return Demo.localStart(ofDay: day) + second }
                day += 1
                second = 0
            }
            return Demo.localStart(ofDay: day) + 7 * 3600
        }

        /// The next moment within office hours (weekdays 9:00–18:00) at or after `time`.
        private func workingTime(_ time: Double, using random: inout SplitMix64) -> Double {
            var day = Demo.localDay(time)
            var second = Demo.secondOfDay(time)
            if second < 9 * 3600 || second > 18 * 3600 {
                if second > 18 * 3600 { day += 1 }
                second = random.uniform(9 * 3600, 18 * 3600)
            }
            while Demo.weekday(ofDay: day) >= 5 { day += 1 }
            return Demo.localStart(ofDay: day) + second
        }

        // MARK: Product activity

        /// Help-center and chatbot sessions of the day: self-service succeeds more often as the help
        /// center grows; the chatbot hands fewer sessions to a human in the last 13 weeks.
        private func addSessions(
            day: Int, accounts: [Account], ids: [String], picker: AccountPicker, using random: inout SplitMix64,
            events: inout RowCollector
        ) {
            let weekend = Demo.weekday(ofDay: day) >= 5
            let growth = 1 + 0.2 * Double(day - firstDay) / 365
            for _ in 0..<random.poisson((weekend ? 4.5 : 15) * growth) {
                let at = Demo.localStart(ofDay: day) + creationSecond(weekend: weekend, using: &random)
                let push = Demo.ramp(at, from: pushStart, over: now - pushStart)
                let success = random.chance(0.31 + 0.1 * Double(day - firstDay) / 365 + 0.04 * push)
                let account = random.chance(0.85) ? picker.pick(at: at, in: accounts, using: &random) : nil
                events.add(
                    at: at,
                    [
                        account.map { .text(ids[$0]) }, .text("self_service"), .text(random.element(Self.articles)),
                        clock.timestamp(at), .text(success ? "success" : "failure"),
                    ])
            }
            for _ in 0..<random.poisson((weekend ? 3.5 : 11) * growth) {
                let at = Demo.localStart(ofDay: day) + creationSecond(weekend: weekend, using: &random)
                let push = Demo.ramp(at, from: pushStart, over: now - pushStart)
                let roll = random.unit()
                let success = 0.54 + 0.1 * push
                let outcome = roll < success ? "success" : roll < success + 0.05 ? "failure" : "escalated"
                let account = random.chance(0.9) ? picker.pick(at: at, in: accounts, using: &random) : nil
                events.add(
                    at: at,
                    [
                        account.map { .text(ids[$0]) }, .text("chatbot_session"), .text(random.element(Self.chatbotIntents)),
                        clock.timestamp(at), .text(outcome),
                    ])
            }
        }

        /// The onboarding steps of an account that signed up during the window, an onboarding CSAT
        /// when it completes. The guided program (last 13 weeks) halves the time to first value and
        /// fewer accounts stall.
        private func addOnboarding(
            _ account: Account, id: String, using random: inout SplitMix64, events: inout RowCollector, surveys: inout RowCollector
        ) {
            guard account.created >= Demo.localStart(ofDay: firstDay) else { return }
            let guided = Demo.ramp(account.created, from: pushStart - 14 * Demo.secondsPerDay, over: 28 * Demo.secondsPerDay)
            let stall = 0.12 - 0.075 * guided
            let pace = 1 - 0.5 * guided
            var at = account.created + random.uniform(5, 60) * 60
            let steps = ["workspace_created", "teammates_invited", "integration_connected", "data_imported", "first_dashboard"]
            let medians = [0.0, 1.6, 2.6, 2.2, 2.4]
            for (index, step) in steps.enumerated() {
                if index > 0 {
                    if random.chance(stall) || at >= account.ended { return }
                    at = workingTime(at + random.logNormal(median: medians[index] * pace, sigma: 0.7) * Demo.secondsPerDay, using: &random)
                }
                guard at < now else { return }
                events.add(at: at, [.text(id), .text("onboarding_step"), .text(step), clock.timestamp(at), .text("success")])
            }
            let completed = at + random.uniform(1, 15) * 60
            guard completed < now else { return }
            events.add(at: completed, [.text(id), .text("onboarding_completed"), .text("first_dashboard"), clock.timestamp(completed), nil])

            let sent = workingTime(completed + Demo.secondsPerDay, using: &random)
            guard sent < now else { return }
            var answered: Double? = nil
            var score: Int64? = nil
            var comment: FieldValue? = nil
            if random.chance(0.45) {
                let time = sent + 120 + random.exponential(mean: 8 * 3600)
                if time < now {
                    answered = time
                    let days = (completed - account.created) / Demo.secondsPerDay
                    let value = Self.csat(1.2 + 0.4 * guided - (days > 21 ? 0.7 : 0) + 0.3 * account.bias + 0.8 * random.normal())
                    score = value
                    if random.chance(0.4) { comment = .text(random.element(value >= 4 ? Self.onboardingPraise : Self.onboardingComplaints)) }
                }
            }
            surveys.add(
                at: sent,
                [
                    .text(id), .text("csat"), score.map(FieldValue.integer), .text("onboarding"), clock.timestamp(sent),
                    clock.timestamp(answered), comment,
                ])
        }

        /// A few product features used each month while the account is active; automations catch on.
        private func addFeatureUse(_ account: Account, id: String, using random: inout SplitMix64, events: inout RowCollector) {
            let start = max(account.created, Demo.localStart(ofDay: firstDay))
            let end = min(account.ended, now)
            guard start < end else { return }
            let perDay = [0.8, 1.5, 2.4][account.segment] / 30.44
            let count = random.poisson((end - start) / Demo.secondsPerDay * perDay)
            for _ in 0..<count {
                let at = workingTime(random.uniform(start, end), using: &random)
                guard at < end else { continue }
                let adoption = Demo.ramp(at, from: Demo.localStart(ofDay: firstDay), over: now - Demo.localStart(ofDay: firstDay))
                let feature = Self.features[random.pick([1.0, 0.8, 0.25 + 0.45 * adoption, 0.3, 0.4, 0.35, 0.2])]
                events.add(at: at, [.text(id), .text("feature_use"), .text(feature), clock.timestamp(at), nil])
            }
        }

        /// Relationship NPS every quarter per active account. The score follows the company-wide
        /// trend (about 13 a year ago, 20 when the push starts, 30s now) and each account's own
        /// recent support: bad tickets in the 30 days before make detractors.
        private func addRelationshipSurveys(_ account: Account, id: String, using random: inout SplitMix64, surveys: inout RowCollector) {
            let windowStart = Demo.localStart(ofDay: firstDay)
            var sent = account.created + (30 + random.uniform(0, 91)) * Demo.secondsPerDay
            while sent < windowStart { sent += 91 * Demo.secondsPerDay }
            while sent < min(now, account.ended) {
                let at = workingTime(sent, using: &random)
                sent += (91 + random.uniform(-5, 5)) * Demo.secondsPerDay
                guard at < min(now, account.ended) else { break }
                var answered: Double? = nil
                var score: Int64? = nil
                var comment: FieldValue? = nil
                if random.chance(0.45) {
                    let time = at + 300 + random.exponential(mean: 20 * 3600)
                    if time < now {
                        answered = time
                        let trend =
                            at < pushStart
                            ? 22 + 6 * Demo.ramp(at, from: windowStart, over: pushStart - windowStart)
                            : 28 + 16 * Demo.ramp(at, from: pushStart, over: now - pushStart)
                        let recentBad = account.badTickets.filter { $0 < at && $0 >= at - 30 * Demo.secondsPerDay }.count
                        var net = trend + [-3.0, 2, 6][account.segment] + 12 * account.bias - 6 * Double(min(recentBad, 2))
                        net = min(max(net, -60), 65) / 100
                        let promoter = (0.7 + net) / 2
                        let roll = random.unit()
                        let value: Int64 =
                            roll < promoter
                            ? (random.chance(0.55) ? 10 : 9)
                            : roll < promoter + 0.3
                                ? (random.chance(0.45) ? 7 : 8) : 6 - Int64(random.pick(Self.detractorScoreWeights))
                        score = value
                        if random.chance(0.4) {
                            comment = .text(
                                random.element(value >= 9 ? Self.promoterComments : value >= 7 ? Self.passiveComments : Self.detractorComments))
                        }
                    }
                }
                surveys.add(
                    at: at,
                    [
                        .text(id), .text("nps"), score.map(FieldValue.integer), .text("relationship"), clock.timestamp(at),
                        clock.timestamp(answered), comment,
                    ])
            }
        }

        // MARK: Words

        /// How often a detractor answers 6, 5, 4, … 0.
        static let detractorScoreWeights = [0.3, 0.25, 0.15, 0.1, 0.08, 0.06, 0.06]

        static func csat(_ quality: Double) -> Int64 {
            quality < -1.3 ? 1 : quality < -0.6 ? 2 : quality < 0.0 ? 3 : quality < 1.0 ? 4 : 5
        }

        private func supportComment(_ score: Int64, late: Bool, reopened: Bool, escalated: Bool, using random: inout SplitMix64) -> String {
            if score >= 4 { return random.element(Self.supportPraise) }
            if reopened { return random.element(Self.reopenedComments) }
            if late { return random.element(Self.slowComments) }
            if escalated { return "Escalated to tier 2 and then nothing for days." }
            return random.element(Self.mehComments)
        }

        static let supportPraise = [
            "Quick and clear answer, thanks!", "Solved on the first reply.", "Super helpful, thank you.",
            "Great support as always.", "Fast, friendly and it works now.", "The macro answer had exactly the link I needed.",
        ]
        static let slowComments = [
            "Took far too long to get a first answer.", "Waited most of the day for a reply to an urgent issue.",
            "Nobody answered until the next morning.", "Slow response, the fix itself was fine.",
        ]
        static let reopenedComments = [
            "The fix didn't work and I had to reopen the ticket.", "Had to explain the issue three times.",
            "Closed before it was actually solved.",
        ]
        static let mehComments = [
            "OK, but the answer was a bit generic.", "Solved, eventually.", "Had to chase for an update.",
        ]
        static let promoterComments = [
            "The support team is fast and knows the product.", "Reporting saves us hours every week.",
            "Answers are much faster than last year.", "Great product, great people.", "Our team lives in the dashboards.",
        ]
        static let passiveComments = [
            "Good product, pricing is getting steep.", "Solid, but integrations could be better.",
            "Works well, the mobile app needs love.", "Fine overall; release notes could be clearer.",
        ]
        static let detractorComments = [
            "Waiting days for answers to simple questions.", "Too many bugs after each release.",
            "Onboarding was confusing and nobody followed up.", "We keep hitting API limits and support can't help.",
            "Price went up, value didn't.",
        ]
        static let onboardingPraise = [
            "The onboarding call in week two helped a lot.", "Clear plan, we were live in a week.",
            "Our onboarding manager was great.",
        ]
        static let onboardingComplaints = [
            "Setup took longer than expected.", "The data import kept failing.", "Not sure what to do after the first steps.",
        ]

        static let articles = [
            "reset-password", "download-invoice", "user-roles", "sso-setup", "api-rate-limits", "export-data",
            "connect-slack", "schedule-reports", "custom-fields", "billing-change-plan", "import-csv", "two-factor-auth",
        ]
        static let chatbotIntents = ["billing", "login", "integrations", "reports", "account", "bug_report"]
        static let features = ["dashboards", "reports", "automations", "api", "integrations", "alerts", "mobile_app"]
        static let namePrefixes = [
            "Northwind", "Bluepeak", "Cedar", "Ironleaf", "Brightwave", "Silverline", "Redwood", "Lakeshore", "Summit",
            "Harbor", "Granite", "Maple", "Pioneer", "Quantum", "Vertex", "Atlas", "Beacon", "Cobalt", "Evergreen", "Falcon",
            "Horizon", "Juniper", "Keystone", "Lumen", "Meridian", "Nova", "Orchid", "Polaris", "Riverbend", "Sierra",
            "Tidewater", "Union", "Vista", "Willow", "Zenith", "Aurora", "Copper", "Driftwood", "Emberly", "Foxglove",
        ]
        static let nameSuffixes = [
            "Logistics", "Analytics", "Health", "Retail", "Foods", "Labs", "Capital", "Energy", "Media", "Travel",
            "Dental", "Legal", "Studios", "Freight", "Insurance", "Robotics", "Apparel", "Clinics", "Realty", "Systems",
            "Academy", "Brewing", "Motors", "Pharma", "Outdoors", "Consulting", "Security", "Hotels", "Farms", "Partners",
        ]
        static let contactFirstNames = [
            "Emma", "Liam", "Olivia", "Noah", "Ava", "Ethan", "Mia", "Lucas", "Grace", "Mateo", "Chloe", "Diego",
            "Hannah", "Omar", "Zoe", "Ryan", "Lena", "Kai", "Sara", "Jonas", "Valeria", "Arjun", "Mei", "Samuel",
        ]
        static let contactLastNames = [
            "Smith", "Johnson", "Garcia", "Brown", "Miller", "Davis", "Lopez", "Wilson", "Anderson", "Thomas", "Moore",
            "Martin", "Lee", "Walker", "Hall", "Young", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson",
        ]
    }
}
