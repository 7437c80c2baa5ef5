import Foundation

extension Demo {
    /// The raw customer data behind a demo organization's key results (DESIGN.md sections 6 and 7),
    /// in the native layouts of `DataKind`: about a year of history up to the start of `today` in
    /// the organization's time zone, as if exported from its tools that night.
    ///
    /// - Spa El Encanto (`"spa-el-encanto"`): customers, appointments, orders (paid visits, products
    ///   and gift vouchers), post-service surveys (CSAT and NPS, Spanish comments), public reviews and
    ///   after-care contacts. Appointments scheduled in the next two weeks are included with status
    ///   `scheduled` (or `cancelled`), as a booking system would export them.
    /// - Nimbus Software (`"nimbus-support"`): accounts, tickets, subscriptions (MRR changes since each
    ///   account signed up), support / onboarding CSAT and relationship NPS, and activity events
    ///   (onboarding, feature use, self-service and chatbot sessions).
    ///
    /// The story is anchored on `today`, so every day's demo shows it: the spa's automated
    /// confirmations start 10 weeks before `today`, the therapists' protocol 8 weeks before and the
    /// after-care calls 7 weeks before; Nimbus's support improves over the last 13 weeks.
    ///
    /// Same slug, `today` and seed → identical rows. Only the kinds the organization has are present
    /// (the spa has no tickets, Nimbus no appointments; neither has leads); an unknown slug gives an
    /// empty dictionary. Rows of each kind are sorted by their main timestamp, and their ids count
    /// up in that order.
    public static func customerData(for organization: String, asOf today: LocalDate, seed: UInt64 = 2026)
        -> [DataKind: [DataRow]]
    {
        let plans = [spaElEncanto, nimbusSoftware]
        guard let index = plans.firstIndex(where: { $0.slug == organization }) else { return [:] }
        let plan = plans[index]
        let zone = TimeZone(identifier: plan.timeZone) ?? TimeZone(identifier: "UTC")!
        // Path component 2: the first two are the organization's ids and its check-ins.
        let stream = UInt64(index)
        let clock = LocalClock(zone: zone, from: today.adding(days: -5 * 365), through: today.adding(days: 60))
        switch index {
        case 0: return SpaData(today: today, seed: seed, stream: stream, clock: clock).generate()
        default: return NimbusData(today: today, seed: seed, stream: stream, clock: clock).generate()
        }
    }

    /// The slugs `customerData(for:asOf:seed:)` knows, in the order of `organizations(asOf:seed:)`.
    public static var customerDataOrganizations: [String] { [spaElEncanto.slug, nimbusSoftware.slug] }
}

// MARK: - Local time

extension Demo {
    /// Turns local wall-clock time into epoch milliseconds without a calendar call per row.
    ///
    /// The generators work in "local seconds": seconds since 1970-01-01 00:00 on the organization's
    /// wall clock (`dayNumber × 86 400 + seconds into the day`), which makes business hours and
    /// weekdays simple arithmetic. The clock keeps, per day of its period, the zone's offset at the
    /// start of the day and the daylight-saving transition within the day, if any, so 10:00 in Madrid
    /// is 10:00 on the days clocks change too. Local times that do not exist (the skipped hour in
    /// spring) map to the transition instant, and repeated ones to their first occurrence, so the
    /// mapping never goes backwards.
    final class LocalClock: Sendable {
        private let firstDay: Int
        private let zone: TimeZone
        /// Per day: the offset (seconds east of UTC) at local midnight.
        private let offsets: [Int64]
        /// Per day: the local second of a transition during the day (-1 if none) and the offset after it.
        private let changes: [Int64]
        private let offsetsAfter: [Int64]

        init(zone: TimeZone, from first: LocalDate, through last: LocalDate) {
            self.zone = zone
            firstDay = first.dayNumber
            let start = first.startOfDay(in: zone)
            let end = last.adding(days: 1).startOfDay(in: zone)
            var transitions: [(at: Int64, offset: Int64)] = []
            var cursor = start.addingTimeInterval(-2 * 86_400)
            while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next < end, transitions.count < 1000 {
                transitions.append(
                    (Int64(next.timeIntervalSince1970.rounded()), Int64(zone.secondsFromGMT(for: next.addingTimeInterval(1)))))
                cursor = next.addingTimeInterval(1)
            }
            var offset = Int64(zone.secondsFromGMT(for: start.addingTimeInterval(-2 * 86_400)))
            var next = 0
            var offsets: [Int64] = []
            var changes: [Int64] = []
            var offsetsAfter: [Int64] = []
            for day in first.dayNumber...last.dayNumber {
                let midnight = Int64(day) * 86_400
                while next < transitions.count && transitions[next].at <= midnight - offset {
                    offset = transitions[next].offset
                    next += 1
                }
                offsets.append(offset)
                if next < transitions.count && transitions[next].at < midnight + 86_400 - offset {
                    changes.append(transitions[next].at + offset - midnight)
                    offsetsAfter.append(transitions[next].offset)
                } else {
                    changes.append(-1)
                    offsetsAfter.append(offset)
                }
            }
            self.offsets = offsets
            self.changes = changes
            self.offsetsAfter = offsetsAfter
        }

        /// Epoch milliseconds of a local time, to the whole second.
        func milliseconds(_ local: Double) -> Int64 {
            let seconds = Int64(local.rounded(.down))
            let day = Int(seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400)
            let index = day - firstDay
            guard index >= 0 && index < offsets.count else {
                // Outside the prepared period: ask the calendar.
                let date = LocalDate(dayNumber: day).startOfDay(in: zone)
                return (Int64(date.timeIntervalSince1970.rounded()) + seconds - Int64(day) * 86_400) * 1000
            }
            let midnight = Int64(day) * 86_400
            let offset = offsets[index]
            let change = changes[index]
            if change >= 0 && seconds - midnight >= change {
                return max(seconds - offsetsAfter[index], midnight + change - offset) * 1000
            }
            return (seconds - offset) * 1000
        }

        func timestamp(_ local: Double) -> FieldValue { .timestamp(milliseconds(local)) }
        func timestamp(_ local: Double?) -> FieldValue? {
            guard let local else { return nil }
            return .timestamp(milliseconds(local))
        }
    }

    static let secondsPerDay = 86_400.0

    /// Local seconds at the start of a day given by its day number.
    static func localStart(ofDay day: Int) -> Double { Double(day) * secondsPerDay }

    /// The local day number of local seconds.
    static func localDay(_ local: Double) -> Int { Int((local / secondsPerDay).rounded(.down)) }

    /// Seconds since local midnight.
    static func secondOfDay(_ local: Double) -> Double { local - localStart(ofDay: localDay(local)) }

    /// 0 for Monday through 6 for Sunday, from a day number.
    static func weekday(ofDay day: Int) -> Int { ((day + 3) % 7 + 7) % 7 }

    /// 0 before `start`, 1 after `start + length`, linear in between.
    static func ramp(_ time: Double, from start: Double, over length: Double) -> Double {
        min(max((time - start) / length, 0), 1)
    }
}

// MARK: - Random draws

extension Demo.SplitMix64 {
    /// Uniform in [0, 1), from the top 53 bits.
    mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

    mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * unit() }

    /// 0..<count (the modulo bias is far below anything the demo could show).
    mutating func below(_ count: Int) -> Int { Int(next() % UInt64(count)) }

    mutating func chance(_ probability: Double) -> Bool { unit() < probability }

    /// Standard normal (Box–Muller).
    mutating func normal() -> Double {
        let u = 1 - unit()
        return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * unit())
    }

    mutating func logNormal(median: Double, sigma: Double) -> Double { median * exp(sigma * normal()) }

    mutating func exponential(mean: Double) -> Double { -mean * log(1 - unit()) }

    /// A Poisson count; a rounded normal for large means.
    mutating func poisson(_ mean: Double) -> Int {
        if mean > 30 { return max(0, Int((mean + mean.squareRoot() * normal()).rounded())) }
        let limit = exp(-mean)
        var product = unit()
        var count = 0
        while product > limit {
            product *= unit()
            count += 1
        }
        return count
    }

    /// An index drawn with the given weights.
    mutating func pick(_ weights: [Double]) -> Int {
        var total = 0.0
        var index = 0
        while index < weights.count {
            total += weights[index]
            index += 1
        }
        var target = unit() * total
        index = 0
        while index < weights.count - 1 {
            target -= weights[index]
            if target < 0 { return index }
            index += 1
        }
        return weights.count - 1
    }

    /// One of `words`, uniformly.
    mutating func element(_ words: [String]) -> String { words[below(words.count)] }

    mutating func element(_ numbers: [Double]) -> Double { numbers[below(numbers.count)] }
}

// MARK: - Rows

extension Demo {
    /// Collects the rows of one kind, checking once that the generator writes the layout's columns.
    /// Rows wait for their ids: they are sorted by time (then by the order in which they were made)
    /// and numbered in that order.
    struct RowCollector {
        let kind: DataKind
        private var times: [Double] = []
        private var rows: [[FieldValue?]] = []

        var count: Int { rows.count }

        init(_ kind: DataKind, columns: [String]) {
            precondition(
                kind.layout.fields.map(\.name) == columns,
                "The demo writes \(kind) columns \(columns), but the layout has \(kind.layout.fields.map(\.name))")
            self.kind = kind
        }

        mutating func add(at time: Double, _ values: [FieldValue?]) {
            times.append(time)
            rows.append(values)
        }

        /// The rows in time order with ids `prefix-0001`, `prefix-0002`, …
        func finished(prefix: String) -> [DataRow] {
            // One integer key per row, the whole second above the row's position; rows of the same
            // second keep the order in which they were made.
            precondition(rows.count < 1 << 24)
            var keys: [UInt64] = []
            keys.reserveCapacity(rows.count)
            var index = 0
            while index < times.count {
                keys.append(UInt64(max(0, times[index])) << 24 | UInt64(index))
                index += 1
            }
            Demo.radixSort(&keys)
            let width = max(4, String(keys.count).count)
            var result: [DataRow] = []
            result.reserveCapacity(keys.count)
            var number = 1
            for key in keys {
                result.append(DataRow(externalID: Demo.numbered(prefix, number, width: width), values: rows[Int(key & 0xFF_FFFF)]))
                number += 1
            }
            return result
        }
    }

    /// Sorts in passes of 11 bits (passes in which every key has the same digit are skipped). The
    /// demo loads at every `rumbo serve --demo`, often from a debug build, where the standard
    /// library's generic sort costs a fifth of the whole generation.
    static func radixSort(_ keys: inout [UInt64]) {
        let count = keys.count
        guard count > 1 else { return }
        var other = [UInt64](repeating: 0, count: count)
        var buckets = [Int](repeating: 0, count: 1 << 11)
        var sortedIntoOther = false
        var shift: UInt64 = 0
        while shift < 64 {
            keys.withUnsafeMutableBufferPointer { keys in
                other.withUnsafeMutableBufferPointer { other in
                    buckets.withUnsafeMutableBufferPointer { buckets in
                        let (source, target) = sortedIntoOther ? (other, keys) : (keys, other)
                        var index = 0
                        while index < buckets.count {
                            buckets[index] = 0
                            index += 1
                        }
                        index = 0
                        while index < count {
                            buckets[Int(truncatingIfNeeded: source[index] >> shift) & 0x7FF] += 1
                            index += 1
                        }
                        // A pass in which every key has the same digit changes nothing.
                        if buckets[Int(truncatingIfNeeded: source[0] >> shift) & 0x7FF] == count { return }
                        var total = 0
                        index = 0
                        while index < buckets.count {
                            let size = buckets[index]
                            buckets[index] = total
                            total += size
                            index += 1
                        }
                        index = 0
                        while index < count {
                            let key = source[index]
                            let digit = Int(truncatingIfNeeded: key >> shift) & 0x7FF
                            target[buckets[digit]] = key
                            buckets[digit] += 1
                            index += 1
                        }
                        sortedIntoOther.toggle()
                    }
                }
            }
            shift += 11
        }
        if sortedIntoOther { keys = other }
    }

    static func numbered(_ prefix: String, _ number: Int, width: Int) -> String {
        let digits = String(number)
        return prefix + "-" + String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private static let unaccented: [Character: String] = [
        "á": "a", "à": "a", "ä": "a", "é": "e", "è": "e", "ë": "e", "í": "i", "ï": "i", "ó": "o", "ö": "o",
        "ú": "u", "ü": "u", "ñ": "n", "ç": "c",
    ]

    /// A decimal amount rounded to cents.
    static func cents(_ amount: Double) -> FieldValue { .decimal((amount * 100).rounded() / 100) }

    /// Lower-case ASCII for e-mail addresses: drops accents and anything but letters and digits.
    static func mailbox(_ text: String) -> String {
        var result = ""
        for character in text.lowercased() {
            if let replacement = unaccented[character] {
                result += replacement
            } else if character.isASCII, character.isLetter || character.isNumber {
                result.append(character)
            }
        }
        return result
    }
}
