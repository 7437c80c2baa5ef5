import Foundation

extension Demo {
    /// Spa El Encanto's raw data: a year of customers who book, wait for a confirmation, come (or
    /// cancel, or do not show up), start on time (or not), pay, answer a survey, write a review and
    /// sometimes get a call afterwards — and who stop coming when their visits go badly.
    ///
    /// Every customer is simulated on their own random stream, visit after visit, so their rows tell
    /// one consistent story: a customer whose confirmation took two days is the one who complains
    /// about it, gives a low score and is more likely not to come back. Only cancellations, no-shows
    /// and favourable reviews are shared: they are counted out week by week (`WeeklyQuota`).
    struct SpaData {
        let today: LocalDate
        let seed: UInt64
        let stream: UInt64
        let clock: LocalClock

        /// The moment of the export: the start of `today`. Nothing happens at or after it, except
        /// appointments already booked for the next two weeks.
        let now: Double
        let firstDay: Int
        let lastBookableDay: Int
        /// Automated confirmations and pre-service guides (reception), 10 weeks before `today`.
        let automationStart: Double
        /// The therapists' common care and closing protocol, 8 weeks before.
        let protocolStart: Double
        /// Personal contact after facials, 7 weeks before; after therapies, four weeks later.
        let facialFollowUpStart: Double
        let therapyFollowUpStart: Double
        /// The semester in which the spa lost 22% of its retention: slow confirmations, late starts.
        let badSemester: ClosedRange<Double>

        init(today: LocalDate, seed: UInt64, stream: UInt64, clock: LocalClock) {
            self.today = today
            self.seed = seed
            self.stream = stream
            self.clock = clock
            let day = Demo.secondsPerDay
            now = Demo.localStart(ofDay: today.dayNumber)
            firstDay = today.dayNumber - 365
            lastBookableDay = today.dayNumber + 14
            automationStart = now - 70 * day
            protocolStart = now - 56 * day
            facialFollowUpStart = now - 49 * day
            therapyFollowUpStart = now - 21 * day
            badSemester = (now - 300 * day)...(now - 125 * day)
        }

        // MARK: Catalogue

        struct Service {
            let name: String
            let team: String
            let minutes: Double
            let prices: [Double]
            let share: Double
            /// Facials and therapies: the ones that should get a personal call afterwards.
            let aftercare: Bool
        }

        static let services: [Service] = [
            Service(name: "masaje", team: "Terapeutas", minutes: 60, prices: [54.90, 62.50, 84.00], share: 0.34, aftercare: false),
            Service(name: "facial", team: "Terapeutas", minutes: 50, prices: [49.90, 67.50, 92.00], share: 0.2, aftercare: true),
            Service(
                name: "circuito de piscinas terapéuticas", team: "Recepción", minutes: 90, prices: [45.00, 52.50], share: 0.2,
                aftercare: false),
            Service(name: "sauna", team: "Recepción", minutes: 45, prices: [38.50, 46.00], share: 0.12, aftercare: false),
            Service(name: "terapia", team: "Terapeutas", minutes: 60, prices: [72.00, 88.50, 118.00], share: 0.14, aftercare: true),
        ]
        static let serviceShares = services.map(\.share)
        static let productPrices = [12.90, 16.50, 19.95, 24.90, 29.50, 34.90, 46.50]
        static let voucherPrices = [60.00, 85.00, 120.00, 150.00]

        /// Monday through Sunday: Fridays and Saturdays are the busy days.
        static let weekdayWeights = [0.72, 0.8, 0.88, 0.98, 1.2, 1.45, 0.95]
        /// January through December: quiet in August, busy before Christmas.
        static let monthWeights = [0.9, 1.0, 1.05, 1.0, 1.05, 0.95, 0.85, 0.75, 0.95, 1.05, 1.05, 1.15]

        /// How a customer comes: vip every week or two, regular every two to six weeks, trial at a
        /// regular's pace for a few visits before dropping off, occasional a few times a year, once,
        /// or (dormant) no longer at all.
        enum Habit { case vip, regular, trial, occasional, once, dormant }
        enum Channel { case inPerson, phone, online }
        enum Status { case completed, cancelled, noShow, scheduled }

        struct Customer {
            var created: Double
            var joinedInWindow: Bool
            var habit: Habit
            /// Mean days between visits.
            var interval: Double
            var dropout: Double
            var favouriteService: Int
            var favouriteWeekday: Int
            /// Share of morning, afternoon and evening bookings.
            var bands: [Double]
            /// How generous their scores are.
            var bias: Double
            /// From 0 (always the shortest session) to 1 (always the longest): how much they spend.
            var taste: Double
            var name: String
            var email: String
        }

        /// Turns probabilities into counts week by week: every appointment adds its probability to its
        /// week's tally, and the one that takes the tally past a whole number gets the outcome. Each
        /// week then has as many cancellations as its probabilities add up to, give or take one, so
        /// a quarter's cancellation rate follows the story (17% fewer after the reminders) instead
        /// of wandering by ±8% with chance; which appointments they are still depends on each one's
        /// own probability and on the order of the customers.
        struct WeeklyQuota {
            private var owed: [Double]

            init(weeks: Int, using random: inout SplitMix64) {
                owed = []
                for _ in 0..<weeks { owed.append(random.unit()) }
            }

            mutating func draw(_ probability: Double, week: Int) -> Bool {
                guard owed.indices.contains(week) else { return false }
                owed[week] += probability
                guard owed[week] >= 1 else { return false }
                owed[week] -= 1
                return true
            }
        }

        struct Fates {
            var cancellations: WeeklyQuota
            var noShows: WeeklyQuota
            var favourableReviews: WeeklyQuota
        }

        /// What the other rows need to know about a customer after the simulation.
        struct Tally {
            var completedLastHalfYear = 0
            var completed = 0
            var spent = 0.0
        }

        func generate() -> [DataKind: [DataRow]] {
            let customers = makeCustomers()
            let ids = customers.indices.map { Demo.numbered("cli", $0 + 1, width: 4) }

            var appointments = RowCollector(
                .appointments,
                columns: [
                    "customer_id", "service", "team", "requested_at", "confirmed_at", "scheduled_start", "actual_start", "status",
                    "cancelled_at",
                ])
            var orders = RowCollector(.orders, columns: ["customer_id", "placed_at", "amount", "service"])
            var surveys = RowCollector(.surveys, columns: ["customer_id", "kind", "score", "touchpoint", "sent_at", "answered_at", "comment"])
            var reviews = RowCollector(.reviews, columns: ["customer_id", "rating", "positive", "platform", "service", "reviewed_at", "comment"])
            var events = RowCollector(.events, columns: ["customer_id", "kind", "name", "occurred_at", "outcome"])

            var tallies = [Tally](repeating: Tally(), count: customers.count)
            var phases = SplitMix64.stream(seed, stream, 2, 3)
            let weeks = (lastBookableDay - firstDay) / 7 + 1
            var fates = Fates(
                cancellations: WeeklyQuota(weeks: weeks, using: &phases), noShows: WeeklyQuota(weeks: weeks, using: &phases),
                favourableReviews: WeeklyQuota(weeks: weeks, using: &phases))
            for index in customers.indices {
                var random = SplitMix64.stream(seed, stream, 2, 1, UInt64(index))
                simulate(
                    customers[index], id: ids[index], tally: &tallies[index], fates: &fates, using: &random,
                    appointments: &appointments,
                    orders: &orders, surveys: &surveys, reviews: &reviews, events: &events)
            }
            addVouchers(customers: customers, ids: ids, orders: &orders)

            var customerRows = RowCollector(.customers, columns: ["name", "email", "segment", "created_at"])
            let segments = self.segments(customers, tallies)
            for (index, customer) in customers.enumerated() {
                customerRows.add(
                    at: customer.created,
                    [.text(customer.name), .text(customer.email), .text(segments[index]), clock.timestamp(customer.created)])
            }
            // Customers are made in order of creation, so their ids already count up with created_at.
            let customerData = customerRows.finished(prefix: "cli")
            assert(customerData.map(\.externalID) == ids)

            return [
                .customers: customerData,
                .appointments: appointments.finished(prefix: "cita"),
                .orders: orders.finished(prefix: "venta"),
                .surveys: surveys.finished(prefix: "enc"),
                .reviews: reviews.finished(prefix: "resena"),
                .events: events.finished(prefix: "contacto"),
            ]
        }

        // MARK: Customers

        /// About 1,240 customers: some 700 who already came before the year began and some 540 who
        /// arrive during it, sorted by when they became customers.
        private func makeCustomers() -> [Customer] {
            var random = SplitMix64.stream(seed, stream, 2, 0)
            var customers: [Customer] = []
            var emails = Set<String>()
            let existing = 700
            let arriving = 540

            // Arrival days of the new customers, busier in December and at weekends.
            var dayWeights: [Double] = []
            for offset in 0..<365 { dayWeights.append(dayWeight(firstDay + offset) * (month(of: firstDay + offset) == 12 ? 1.4 : 1)) }
            var cumulative: [Double] = []
            var total = 0.0
            for weight in dayWeights {
                total += weight
                cumulative.append(total)
            }

            for number in 0..<(existing + arriving) {
                let isNew = number >= existing
                var created: Double
                if isNew {
                    let target = random.unit() * total
                    var low = 0
                    var high = cumulative.count - 1
                    while low < high {
                        let middle = (low + high) / 2
                        if cumulative[middle] > target { high = middle } else { low = middle + 1 }
                    }
                    created = Demo.localStart(ofDay: firstDay + low) + requestSecond(online: random.chance(0.7), using: &random)
                } else {
                    let day = firstDay - 1 - random.below(3 * 365)
                    created = Demo.localStart(ofDay: day) + random.uniform(10 * 3600, 20.5 * 3600)
                }
                let habit: Habit =
                    isNew
                    ? [Habit.vip, .regular, .trial, .occasional, .once][random.pick([0.03, 0.36, 0.15, 0.28, 0.18])]
                    : [Habit.vip, .regular, .trial, .occasional, .dormant][random.pick([0.1, 0.58, 0.06, 0.22, 0.04])]
                let interval: Double
                let dropout: Double
                switch habit {
                case .vip:
                    interval = random.uniform(8, 16)
                    dropout = random.uniform(0.002, 0.01)
                case .regular:
                    interval = random.uniform(11, 38)
                    dropout = random.uniform(0.002, 0.015)
                case .trial:
                    interval = random.uniform(14, 45)
                    dropout = random.uniform(0.25, 0.6)
                case .occasional:
                    interval = random.uniform(50, 140)
                    dropout = random.uniform(0.03, 0.15)
                case .once, .dormant:
                    interval = 365
                    dropout = 1
                }
                let first = random.element(Self.firstNames)
                let surname = random.element(Self.surnames)
                let second = random.element(Self.surnames)
                var email = "\(Demo.mailbox(first)).\(Demo.mailbox(surname))"
                if random.chance(0.45) { email += String(random.below(90) + 10) }
                let domain = random.element(Self.mailDomains)
                while emails.contains(email + "@" + domain) { email += String(random.below(10)) }
                emails.insert(email + "@" + domain)
                let morning = random.uniform(0.1, 1)
                let afternoon = random.uniform(0.1, 1)
                let evening = random.uniform(0.2, 1.4)
                customers.append(
                    Customer(
                        created: created, joinedInWindow: isNew, habit: habit, interval: interval, dropout: dropout,
                        favouriteService: random.pick(Self.serviceShares), favouriteWeekday: random.below(7),
                        bands: [morning, afternoon, evening], bias: 0.45 * random.normal(),
                        taste: habit == .vip ? random.uniform(0.5, 1) : random.unit(),
                        name: "\(first) \(surname) \(second)", email: email + "@" + domain))
            }
            customers.sort { $0.created < $1.created }
            return customers
        }

        /// nuevo (joined in the last 90 days), vip (the top spenders who come often), habitual (three
        /// or more visits in the last half year) or ocasional.
        private func segments(_ customers: [Customer], _ tallies: [Tally]) -> [String] {
            let frequentSpend = tallies.filter { $0.completed >= 8 }.map(\.spent).sorted()
            let vipFloor = frequentSpend.isEmpty ? .infinity : frequentSpend[frequentSpend.count * 3 / 4]
            return customers.indices.map { index in
                let tally = tallies[index]
                if customers[index].created >= now - 90 * Demo.secondsPerDay { return "nuevo" }
                if tally.completed >= 8 && tally.spent >= vipFloor { return "vip" }
                if tally.completedLastHalfYear >= 3 { return "habitual" }
                return "ocasional"
            }
        }

        // MARK: One customer's year

        private func simulate(
            _ customer: Customer, id: String, tally: inout Tally, fates: inout Fates, using random: inout SplitMix64,
            appointments: inout RowCollector, orders: inout RowCollector, surveys: inout RowCollector,
            reviews: inout RowCollector, events: inout RowCollector
        ) {
            if customer.habit == .dormant { return }
            let day = Demo.secondsPerDay
            let customerID = FieldValue.text(id)
            // The first booking of a new customer is the moment they became one.
            var bookedAt: Double? = customer.joinedInWindow ? customer.created : nil
            var bookedInPerson = false
            var intentDay = customer.joinedInWindow ? 0 : firstDay + random.below(max(1, Int(customer.interval)))
            var dropout = customer.dropout
            var wonBack = false
            var visits = 0

            for _ in 0..<400 {
                // The day and time of the appointment, and when it was asked for.
                let service = random.chance(0.55) ? customer.favouriteService : random.pick(Self.serviceShares)
                let minutes = Self.services[service].minutes
                var requested: Double
                var channel: Channel
                var scheduled: Double
                if let booked = bookedAt {
                    requested = booked
                    channel = bookedInPerson ? .inPerson : (random.chance(0.3) ? .phone : .online)
                    var visitDay = customer.joinedInWindow && visits == 0 ? Demo.localDay(booked) + leadDays(using: &random) : intentDay
                    visitDay = choose(around: visitDay, favourite: customer.favouriteWeekday, using: &random)
                    scheduled = Demo.localStart(ofDay: visitDay) + slot(day: visitDay, customer: customer, minutes: minutes, using: &random)
                    while scheduled < requested + 45 * 60 || dayWeight(Demo.localDay(scheduled)) == 0 { scheduled += day }
                } else {
                    let visitDay = choose(around: intentDay, favourite: customer.favouriteWeekday, using: &random)
                    scheduled = Demo.localStart(ofDay: visitDay) + slot(day: visitDay, customer: customer, minutes: minutes, using: &random)
                    channel = random.chance(0.25) ? .phone : .online
                    requested =
                        Demo.localStart(ofDay: visitDay - leadDays(using: &random))
                        + requestSecond(online: channel == .online, using: &random)
                    if requested > scheduled - 45 * 60 { requested = scheduled - random.uniform(50, 240) * 60 }
                }
                bookedAt = nil
                bookedInPerson = false
                if Demo.localDay(scheduled) > lastBookableDay || requested >= now { return }

                let confirmed = confirmation(requested: requested, scheduled: scheduled, channel: channel, using: &random)
                let waitHours = (confirmed - requested) / 3600

                // Cancelled, no-show, completed, or still to come.
                let automation = Demo.ramp(scheduled, from: automationStart, over: 21 * day)
                let inBadSemester = badSemester.contains(scheduled)
                let cancelChance = 0.108 + (inBadSemester ? 0.005 : 0) - 0.022 * automation + (waitHours > 48 ? 0.025 : 0)
                let noShowChance = 0.05 - 0.013 * automation
                let week = (Demo.localDay(scheduled) - firstDay) / 7
                let jitter = random.uniform(0.5, 1.5)
                var status: Status =
                    fates.cancellations.draw(cancelChance * jitter, week: week)
                    ? .cancelled
                    : fates.noShows.draw(noShowChance / (1 - cancelChance) * jitter, week: week) ? .noShow : .completed
                var cancelled: Double?
                if status == .cancelled {
                    let late = random.chance(0.33 - 0.09 * automation)
                    var at =
                        late || scheduled - 24 * 3600 < requested + 3600
                        ? scheduled - random.uniform(0.5, 23.5) * 3600
                        : random.uniform(requested + 3600, scheduled - 24 * 3600)
                    if at <= requested { at = requested + (scheduled - requested) * random.uniform(0.2, 0.9) }
                    cancelled = at
                }
                if scheduled >= now {
                    // Booked for the coming days: cancelled already, or still scheduled.
                    if let at = cancelled, at >= now { cancelled = nil }
                    status = cancelled == nil ? .scheduled : .cancelled
                }
                var confirmedValue: Double? = confirmed
                if confirmed >= now || (cancelled.map { confirmed > $0 } ?? false) { confirmedValue = nil }

                var actualStart: Double?
                var lateMinutes = 0.0
                if status == .completed {
                    lateMinutes = lateness(scheduled: scheduled, team: Self.services[service].team, using: &random)
                    actualStart = scheduled + lateMinutes * 60 + random.uniform(0, 59)
                }
                appointments.add(
                    at: scheduled,
                    [
                        customerID, .text(Self.services[service].name), .text(Self.services[service].team),
                        clock.timestamp(requested), clock.timestamp(confirmedValue), clock.timestamp(scheduled),
                        clock.timestamp(actualStart), .text(Self.statusText(status)), clock.timestamp(cancelled),
                    ])
                visits += 1

                switch status {
                case .scheduled:
                    return
                case .cancelled:
                    if scheduled >= now { return }
                    let cancelDay = Demo.localDay(cancelled ?? scheduled)
                    if random.chance(0.6) {
                        intentDay = cancelDay + 2 + random.below(10)
                    } else {
                        intentDay = Demo.localDay(scheduled) + nextInterval(customer, at: scheduled, using: &random)
                    }
                    if random.chance(0.03 + (waitHours > 48 ? 0.06 : 0)) { return }
                    continue
                case .noShow:
                    intentDay =
                        random.chance(0.4)
                        ? Demo.localDay(scheduled) + 3 + random.below(12)
                        : Demo.localDay(scheduled) + nextInterval(customer, at: scheduled, using: &random)
                    if random.chance(0.06) { return }
                    continue
                case .completed:
                    break
                }

                // The visit: payment, products, after-care, survey and review.
                let start = actualStart ?? scheduled
                let end = start + minutes * 60
                let paid = end + random.uniform(3, 12) * 60
                let prices = Self.services[service].prices
                var amount =
                    random.chance(0.75)
                    ? prices[min(Int(customer.taste * Double(prices.count)), prices.count - 1)] : random.element(prices)
                if customer.habit == .vip && random.chance(0.3) { amount *= 0.9 }
                orders.add(at: paid, [customerID, clock.timestamp(paid), Demo.cents(amount), .text(Self.services[service].name)])
                tally.completed += 1
                tally.spent += amount
                if end >= now - 182 * day { tally.completedLastHalfYear += 1 }
                if random.chance(Self.services[service].name == "facial" ? 0.22 : 0.08) {
                    let price = random.element(Self.productPrices)
                    let at = paid + random.uniform(20, 90)
                    orders.add(at: at, [customerID, clock.timestamp(at), Demo.cents(price), .text("productos")])
                    tally.spent += price
                }

                var contacted = false
                if Self.services[service].aftercare {
                    let startOfCalls = Self.services[service].name == "facial" ? facialFollowUpStart : therapyFollowUpStart
                    let callChance =
                        0.14 + (Self.services[service].name == "facial" ? 0.72 : 0.64) * Demo.ramp(end, from: startOfCalls, over: 21 * day)
                    if random.chance(callChance) {
                        let at = workingTime(end + random.uniform(20, 70) * 3600, opens: 10, closes: 19.5, using: &random)
                        let reached = random.chance(0.84)
                        if at < now {
                            events.add(
                                at: at,
                                [
                                    customerID, .text("contact"), .text(random.chance(0.6) ? "llamada postservicio" : "mensaje postservicio"),
                                    clock.timestamp(at), .text(reached ? "success" : "failure"),
                                ])
                            contacted = reached
                        }
                    }
                }

                let protocolInPlace = Demo.ramp(start, from: protocolStart, over: 28 * day)
                var quality = customer.bias + 0.8 + 0.15 * protocolInPlace + 0.85 * random.normal()
                quality -= waitHours > 40 ? 1.0 : waitHours > 24 ? 0.45 : 0
                quality -= lateMinutes > 10 ? 0.9 : lateMinutes > 5 ? 0.4 : 0
                if Self.services[service].aftercare { quality += contacted ? 0.25 : -0.2 }
                let experience = Experience(
                    service: service, waitHours: waitHours, lateMinutes: lateMinutes, contacted: contacted,
                    aftercare: Self.services[service].aftercare, protocolInPlace: protocolInPlace > 0.5, quality: quality)

                var surveyed = end + random.uniform(60, 170) * 60
                if Demo.secondOfDay(surveyed) > 21.5 * 3600 {
                    surveyed = Demo.localStart(ofDay: Demo.localDay(surveyed) + 1) + random.uniform(10 * 60, 10 * 60 + 40) * 60
                }
                if surveyed < now {
                    let answerChance = 0.37 + 0.06 * Demo.ramp(surveyed, from: facialFollowUpStart, over: 28 * day)
                    var answered: Double? = nil
                    if random.chance(answerChance) {
                        let at = surveyed + (random.chance(0.62) ? random.exponential(mean: 45 * 60) : random.exponential(mean: 18 * 3600)) + 20
                        if at < now { answered = at }
                    }
                    var csat: Int64? = nil
                    var nps: Int64? = nil
                    var comment: FieldValue? = nil
                    if answered != nil {
                        let score = Self.csat(quality)
                        csat = score
                        nps = Int64(min(max((7.65 + 1.0 * quality + 0.9 * random.normal()).rounded(), 0), 10))
                        let commentChance: Double = score <= 2 ? 0.75 : score == 3 ? 0.5 : score == 4 ? 0.32 : 0.45
                        if random.chance(commentChance) { comment = .text(surveyComment(score, experience, using: &random)) }
                    }
                    surveys.add(
                        at: surveyed,
                        [
                            customerID, .text("csat"), csat.map(FieldValue.integer), .text("post_service"), clock.timestamp(surveyed),
                            clock.timestamp(answered), comment,
                        ])
                    surveys.add(
                        at: surveyed,
                        [
                            customerID, .text("nps"), nps.map(FieldValue.integer), .text("post_service"), clock.timestamp(surveyed),
                            clock.timestamp(answered), nil,
                        ])
                }

                if random.chance(0.16 + (contacted && quality > 0.5 ? 0.15 : 0)) {
                    let at = end + max(30 * 60, random.logNormal(median: 18 * 3600, sigma: 1.0))
                    if at < now {
                        // Favourable (4 or 5) with the chance the experience gives, counted out weekly.
                        let favourable = fates.favourableReviews.draw(Self.favourableChance(quality), week: (Demo.localDay(at) - firstDay) / 7)
                        let rating = Self.rating(quality + 0.45 * random.normal() + 0.2, favourable: favourable)
                        let platform = ["google", "tripadvisor", "treatwell"][random.pick([0.68, 0.2, 0.12])]
                        let comment: FieldValue? = random.chance(0.82) ? .text(reviewComment(rating, experience, using: &random)) : nil
                        reviews.add(
                            at: at,
                            [
                                customerID, .integer(rating), nil, .text(platform), .text(Self.services[service].name),
                                clock.timestamp(at), comment,
                            ])
                    }
                }

                // Will they come back?
                var leaving = dropout
                if waitHours > 40 { leaving += 0.015 }
                if lateMinutes > 10 { leaving += 0.015 }
                if Self.services[service].aftercare && !contacted { leaving += 0.01 }
                if badSemester.contains(end) { leaving += 0.02 }
                if quality < -1 { leaving += 0.025 }
                if contacted { leaving -= 0.01 }
                if random.chance(leaving) {
                    // Four months later, once the after-care team calls lapsed customers, some come back.
                    guard !wonBack else { return }
                    let earliest = max(facialFollowUpStart, end + 120 * day)
                    let call = workingTime(earliest + random.uniform(0, 25) * day, opens: 10, closes: 19.5, using: &random)
                    guard call < now, random.chance(0.3) else { return }
                    let reached = random.chance(0.7)
                    events.add(
                        at: call,
                        [
                            customerID, .text("contact"), .text("llamada de reactivación"), clock.timestamp(call),
                            .text(reached ? "success" : "failure"),
                        ])
                    guard reached, random.chance(0.45) else { return }
                    wonBack = true
                    dropout = customer.habit == .occasional ? 0.06 : 0.025
                    bookedAt = call + random.uniform(2, 9) * 60
                    bookedInPerson = true
                    intentDay = Demo.localDay(call) + 4 + random.below(15)
                    continue
                }
                intentDay = Demo.localDay(scheduled) + nextInterval(customer, at: scheduled, using: &random)
                // Regulars often book the next visit at the desk on the way out.
                if (customer.habit == .regular || customer.habit == .vip) && random.chance(0.3) {
                    bookedAt = paid + random.uniform(1, 8) * 60
                    bookedInPerson = true
                }
            }
        }

        // MARK: Booking

        /// Days between asking for an appointment and having it.
        private func leadDays(using random: inout SplitMix64) -> Int {
            switch random.pick([0.06, 0.11, 0.1, 0.09, 0.08, 0.08, 0.07, 0.08, 0.23, 0.1]) {
            case 8: 8 + random.below(7)
            case 9: 15 + random.below(16)
            case let days: days
            }
        }

        /// Seconds after midnight at which a request comes in: phone calls in reception hours,
        /// online requests from breakfast until late at night.
        private func requestSecond(online: Bool, using random: inout SplitMix64) -> Double {
            guard online else { return random.uniform(9 * 3600, 20.9 * 3600) }
            switch random.pick([0.25, 0.3, 0.45]) {
            case 0: return random.uniform(7 * 3600, 13 * 3600)
            case 1: return random.uniform(13 * 3600, 17 * 3600)
            default: return random.uniform(18 * 3600, 23.95 * 3600)
            }
        }

        /// When the booking was confirmed. Desk bookings and half the phone calls are confirmed on the
        /// spot; the other requests wait in reception's queue (working 9:00–21:00) for about a day and a half, until
        /// automated confirmations answer a growing share of them at once.
        private func confirmation(requested: Double, scheduled: Double, channel: Channel, using random: inout SplitMix64) -> Double {
            // Half the phone calls need a therapist's say-so, and wait like online requests.
            if channel == .inPerson || (channel == .phone && random.chance(0.5)) { return requested + random.uniform(40, 900) }
            let automation = Demo.ramp(requested, from: automationStart, over: 21 * Demo.secondsPerDay)
            if channel == .online && random.chance(0.27 * automation) { return requested + random.uniform(4, 150) }
            var median = 36.0 * (badSemester.contains(requested) ? 1.1 : 1)
            median *= 1 - 0.08 * automation
            var confirmed = requested + random.logNormal(median: median, sigma: 0.75) * 3600
            let second = Demo.secondOfDay(confirmed)
            if second < 9 * 3600 || second > 21 * 3600 {
                let day = Demo.localDay(confirmed) + (second > 21 * 3600 ? 1 : 0)
                confirmed = Demo.localStart(ofDay: day) + 9 * 3600 + random.exponential(mean: 45 * 60)
            }
            // Not confirmed in time: reception calls on the day of the appointment.
            if confirmed > scheduled - 2 * 3600 {
                confirmed = max(requested + random.uniform(120, 900), scheduled - random.uniform(1, 3) * 3600)
                if confirmed >= scheduled { confirmed = requested + (scheduled - requested) * random.uniform(0.1, 0.5) }
            }
            return confirmed
        }

        /// Minutes after the scheduled start at which the session really started (negative: early).
        /// Delays build up from mid-morning and on Monday mornings; the therapists' protocol, with five
        /// minutes to prepare the cabin between sessions, fixes most of them.
        private func lateness(scheduled: Double, team: String, using random: inout SplitMix64) -> Double {
            let protocolInPlace = Demo.ramp(scheduled, from: protocolStart, over: 28 * Demo.secondsPerDay)
            let hour = Demo.secondOfDay(scheduled) / 3600
            let monday = Demo.weekday(ofDay: Demo.localDay(scheduled)) == 0
            var onTime = 0.685 + 0.14 * protocolInPlace
            if hour < 11 { onTime += monday ? -0.08 : 0.06 }
            if hour >= 17 { onTime -= 0.05 }
            onTime += team == "Recepción" ? 0.07 : -0.035
            if random.chance(min(max(onTime, 0.05), 0.97)) { return random.uniform(-3, 4.8) }
            return min(5.2 + random.exponential(mean: 8 - 2 * protocolInPlace), 45)
        }

        /// A day near `intent`, and not before the year of history, on which the customer comes: busy
        /// days and their favourite weekday are likelier; the spa is closed on Christmas Day and New
        /// Year's Day.
        private func choose(around intent: Int, favourite: Int, using random: inout SplitMix64) -> Int {
            for _ in 0..<12 {
                let candidate = max(intent + random.below(7) - 3, firstDay)
                let weight = dayWeight(candidate) * (Demo.weekday(ofDay: candidate) == favourite ? 1.6 : 1)
                if random.unit() * 2.4 < weight { return candidate }
            }
            var day = intent
            while dayWeight(day) == 0 { day += 1 }
            return day
        }

        /// Seconds after midnight of a start on a quarter hour within the customer's usual part of the day.
        private func slot(day: Int, customer: Customer, minutes: Double, using random: inout SplitMix64) -> Double {
            var band = random.pick(customer.bands)
            if band == 2 && Demo.weekday(ofDay: day) >= 5 && random.chance(0.5) { band = 1 }
            let latest = 21 * 60 - minutes
            let (from, to): (Double, Double) =
                switch band {
                case 0: (9 * 60, 12 * 60 + 45)
                case 1: (13 * 60, 16 * 60 + 45)
                default: (17 * 60, latest)
                }
            let quarters = Int((to - from) / 15) + 1
            return (from + Double(random.below(quarters)) * 15) * 60
        }

        private func nextInterval(_ customer: Customer, at time: Double, using random: inout SplitMix64) -> Int {
            // Erlang-3 around the customer's own rhythm, a little shorter in busy months.
            let mean = customer.interval / 3
            let days = random.exponential(mean: mean) + random.exponential(mean: mean) + random.exponential(mean: mean)
            let season = Self.monthWeights[month(of: Demo.localDay(time)) - 1]
            return max(5, Int((days / season).rounded()))
        }

        /// A weekday-and-season weight; 0 on the days the spa is closed.
        private func dayWeight(_ day: Int) -> Double {
            let date = LocalDate(dayNumber: day)
            if (date.month == 12 && date.day == 25) || (date.month == 1 && date.day == 1) { return 0 }
            return Self.weekdayWeights[Demo.weekday(ofDay: day)] * Self.monthWeights[date.month - 1]
        }

        private func month(of day: Int) -> Int { LocalDate(dayNumber: day).month }

        /// The next moment within working hours (Monday to Saturday) at or after `time`.
        private func workingTime(_ time: Double, opens: Double, closes: Double, using random: inout SplitMix64) -> Double {
            var day = Demo.localDay(time)
            var second = Demo.secondOfDay(time)
            if second > closes * 3600 {
                day += 1
                second = opens * 3600 + random.exponential(mean: 50 * 60)
            } else if second < opens * 3600 {
                second = opens * 3600 + random.exponential(mean: 50 * 60)
            }
            if Demo.weekday(ofDay: day) == 6 {
                day += 1
                second = opens * 3600 + random.exponential(mean: 50 * 60)
            }
            return Demo.localStart(ofDay: day) + min(second, closes * 3600)
        }

        // MARK: Gift vouchers

        /// Gift vouchers sold at the desk and on the web: a few a week, many before Christmas, Valentine's
        /// Day and Mother's Day (the first Sunday of May in Spain).
        private func addVouchers(customers: [Customer], ids: [String], orders: inout RowCollector) {
            var random = SplitMix64.stream(seed, stream, 2, 2)
            for day in firstDay..<today.dayNumber where dayWeight(day) > 0 {
                let date = LocalDate(dayNumber: day)
                var rate = 0.28
                if date.month == 12 && date.day <= 24 { rate = 1.7 }
                if date.month == 2 && date.day <= 14 { rate = 0.9 }
                if (date.month == 4 && date.day >= 20) || (date.month == 5 && date.day <= 7) { rate = 0.75 }
                for _ in 0..<random.poisson(rate) {
                    let at = Demo.localStart(ofDay: day) + random.uniform(9.5 * 3600, 22.5 * 3600)
                    var buyers = 0
                    while buyers < customers.count && customers[buyers].created <= at { buyers += 1 }
                    guard buyers > 0 else { continue }
                    let buyer = random.below(buyers)
                    orders.add(
                        at: at,
                        [.text(ids[buyer]), clock.timestamp(at), Demo.cents(random.element(Self.voucherPrices)), .text("bono regalo")])
                }
            }
        }

        // MARK: Scores and words

        /// What a customer's comment can refer to.
        struct Experience {
            var service: Int
            var waitHours: Double
            var lateMinutes: Double
            var contacted: Bool
            var aftercare: Bool
            var protocolInPlace: Bool
            var quality: Double
        }

        static func statusText(_ status: Status) -> String {
            switch status {
            case .completed: "completed"
            case .cancelled: "cancelled"
            case .noShow: "no_show"
            case .scheduled: "scheduled"
            }
        }

        static func csat(_ quality: Double) -> Int64 {
            quality < -2.0 ? 1 : quality < -1.15 ? 2 : quality < -0.4 ? 3 : quality < 0.85 ? 4 : 5
        }

        /// The chance that a review after a visit of this quality gives 4 or 5 stars: about the chance
        /// that `quality + 0.2`, blurred by a normal of 0.45, reaches 0.05 (a logistic stand-in).
        static func favourableChance(_ quality: Double) -> Double {
            1 / (1 + exp(-1.7 * (quality + 0.15) / 0.45))
        }

        static func rating(_ quality: Double, favourable: Bool) -> Int64 {
            favourable ? (quality < 0.9 ? 4 : 5) : (quality < -1.3 ? 1 : quality < -0.6 ? 2 : 3)
        }

        private func surveyComment(_ score: Int64, _ experience: Experience, using random: inout SplitMix64) -> String {
            if score <= 3 {
                if experience.waitHours > 30 && random.chance(0.8) { return random.element(Self.waitComments) }
                if experience.lateMinutes > 7 && random.chance(0.8) { return random.element(Self.lateComments) }
                if experience.aftercare && !experience.contacted && random.chance(0.6) { return random.element(Self.noFollowUpComments) }
                return score == 3 ? random.element(Self.neutralComments) : random.element(Self.negativeComments)
            }
            if experience.contacted && random.chance(0.5) { return random.element(Self.followUpComments) }
            if experience.waitHours < 0.1 && random.chance(0.3) { return "Me confirmaron la cita al momento, así da gusto." }
            if experience.protocolInPlace && random.chance(0.3) { return random.element(Self.protocolComments) }
            if score == 4 && random.chance(0.4) { return random.element(Self.mildComments) }
            return random.element(Self.praise[experience.service])
        }

        private func reviewComment(_ rating: Int64, _ experience: Experience, using random: inout SplitMix64) -> String {
            if rating <= 2 && random.chance(0.4) { return random.element(Self.angryReviews) }
            return surveyComment(rating, experience, using: &random)
        }

        static let waitComments = [
            "La espera para confirmar la cita fue demasiado larga.",
            "Tardaron casi dos días en confirmarme la reserva.",
            "Pedí cita por WhatsApp y nadie me contestó hasta el día siguiente.",
            "No supe si tenía la cita confirmada hasta el último momento.",
            "Reservar es un suplicio: mandas la solicitud y no sabes nada en horas.",
            "Tuve que llamar yo para confirmar la cita porque nadie respondía al correo.",
        ]
        static let lateComments = [
            "Empezamos con más de diez minutos de retraso.",
            "Me hicieron esperar en recepción y la sesión se acortó.",
            "El masaje bien, pero empezó tarde y nadie me explicó por qué.",
            "Llegué puntual y esperé un cuarto de hora a que la cabina estuviera lista.",
            "La sesión empezó tarde y terminó a la hora, así que pagué por menos tiempo.",
        ]
        static let noFollowUpComments = [
            "Después del facial nadie me llamó para ver cómo tenía la piel.",
            "Me hubiera gustado algún seguimiento después de la terapia.",
            "Tuve una pequeña reacción tras el facial y no sabía a quién preguntar.",
            "Buen tratamiento, pero después ni un mensaje para saber cómo seguía.",
        ]
        static let neutralComments = [
            "Bien, aunque el vestuario estaba algo desordenado.",
            "Correcto, sin más. El precio es algo elevado para lo que es.",
            "La sesión bien, pero la música estaba demasiado alta.",
            "Agradable, aunque esperaba un poco más de la terapia.",
            "Las toallas podrían ser más grandes.",
            "Bien en general, pero había mucha gente en el circuito.",
        ]
        static let negativeComments = [
            "El agua de la piscina estaba fría.",
            "La cabina olía a humedad y se oía el ruido del pasillo.",
            "Demasiada gente en el circuito, no se podía disfrutar.",
            "No me explicaron bien el tratamiento y salí con dudas.",
            "Para el precio que tiene, esperaba bastante más.",
        ]
        static let followUpComments = [
            "Me llamaron al día siguiente del facial para preguntar cómo estaba. Un detalle.",
            "Qué bien que os preocupéis después del tratamiento, gracias por la llamada.",
            "La llamada de seguimiento me resolvió las dudas sobre los cuidados en casa.",
        ]
        static let protocolComments = [
            "La terapeuta me dio recomendaciones para casa, muy útil.",
            "Excelente masaje, muy puntuales.",
            "Todo a su hora y con mucho mimo, de principio a fin.",
            "Me explicaron el tratamiento antes de empezar y cómo cuidarme después.",
        ]
        static let mildComments = [
            "Muy bien, repetiré.",
            "Buena experiencia, aunque el aparcamiento es complicado.",
            "Todo correcto y el personal muy amable.",
            "Me gustó mucho, quizá un poco caro.",
        ]
        /// Praise per service, in the order of `services`.
        static let praise: [[String]] = [
            [
                "Excelente masaje, muy puntuales.", "Salí nueva. La terapeuta tiene unas manos estupendas.",
                "El mejor masaje que me han dado en años.",
            ],
            [
                "El facial me dejó la piel increíble.", "Muy profesionales, el ambiente muy relajante.",
                "Tratamiento facial muy completo y bien explicado.",
            ],
            [
                "El circuito de piscinas es una maravilla, volveré pronto.", "Las piscinas a la temperatura perfecta y todo muy limpio.",
                "Una tarde de circuito para desconectar de todo.",
            ],
            ["La sauna limpia y a buena temperatura.", "Sauna y ducha de contraste, justo lo que necesitaba.", "Todo muy limpio y tranquilo."],
            [
                "La terapia me ha quitado el dolor de espalda, gracias.", "Se nota que saben lo que hacen, muy recomendable.",
                "Después de la terapia me muevo mucho mejor.",
            ],
        ]
        static let angryReviews = [
            "No vuelvo. Ni confirman las citas ni empiezan a su hora.",
            "Mucho spa de lujo pero la organización es un desastre.",
            "Cancelaron y cambiaron mi cita dos veces. Una pena, el sitio es bonito.",
        ]

        static let firstNames = [
            "Lucía", "María", "Carmen", "Ana", "Laura", "Marta", "Paula", "Elena", "Sara", "Cristina", "Isabel", "Pilar",
            "Raquel", "Beatriz", "Nuria", "Silvia", "Patricia", "Rocío", "Alba", "Irene", "Claudia", "Andrea", "Sofía",
            "Julia", "Noelia", "Mercedes", "Teresa", "Rosa", "Inés", "Lorena", "Marina", "Eva", "Montserrat", "Alicia",
            "Natalia", "Begoña", "Lourdes", "Verónica", "Gloria", "Esther", "Javier", "David", "Carlos", "Miguel",
            "Alejandro", "Daniel", "Pablo", "Sergio", "Jorge", "Manuel", "Antonio", "José", "Francisco", "Luis", "Álvaro",
            "Adrián", "Diego", "Rubén", "Iván", "Óscar", "Raúl", "Alberto", "Fernando", "Enrique", "Ignacio", "Andrés",
        ]
        static let surnames = [
            "García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez", "Martín",
            "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Alonso", "Gutiérrez",
            "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos", "Gil", "Ramírez", "Serrano", "Blanco", "Molina",
            "Morales", "Suárez", "Ortega", "Delgado", "Castro", "Ortiz", "Rubio", "Marín", "Sanz", "Núñez", "Iglesias",
            "Medina", "Garrido", "Cortés", "Castillo", "Santos", "Lozano", "Guerrero", "Cano", "Prieto", "Méndez",
            "Cruz", "Calvo", "Gallego", "Vidal", "León", "Márquez", "Herrera", "Peña", "Flores", "Cabrera", "Campos",
        ]
        static let mailDomains = ["correo.example", "mail.example", "buzon.example", "webmail.example"]
    }
}
