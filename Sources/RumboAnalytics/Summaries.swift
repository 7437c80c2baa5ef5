import Foundation
import RumboCore

/// The unit in which recency, age and forecast horizons are measured.
public enum TimeUnit: String, Sendable, Hashable, Codable, CaseIterable {
    /// One unit per calendar day.
    case days = "day"
    /// One unit per seven days (weeks = days / 7), the unit of the published CDNOW estimates.
    case weeks = "week"

    /// How many days one unit spans.
    public var days: Double {
        switch self {
        case .days: 1
        case .weeks: 7
        }
    }
}

/// A calendar day as a whole number of days since 1970-01-01 (proleptic Gregorian calendar).
///
/// Working in whole days keeps the summaries exact: same-day purchases collapse to one occasion
/// and equal histories compare equal, which the sufficient-statistics fit relies on.
public struct DayNumber: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public var value: Int

    /// Wraps a raw count of days since 1970-01-01.
    public init(_ value: Int) { self.value = value }

    /// The day number of a civil date (year, month 1–12, day 1–31).
    public init(year: Int, month: Int, day: Int) {
        value = LocalDate(year: year, month: month, day: day).dayNumber
    }

    /// The day on which `date` falls in `timeZone`.
    public init(_ date: Date, in timeZone: TimeZone) {
        value = LocalDate(date, in: timeZone).dayNumber
    }

    /// Parses a compact `yyyymmdd` date (as in the CDNOW files); nil if it is not a valid date.
    public init?(yyyymmdd text: some StringProtocol) {
        guard text.count == 8, text.allSatisfy(\.isNumber) else { return nil }
        let digits = Array(text)
        self.init(iso: String(digits[0..<4]) + "-" + String(digits[4..<6]) + "-" + String(digits[6..<8]))
    }

    /// Parses an ISO `yyyy-mm-dd` date; nil if it is not a valid date.
    public init?(iso text: some StringProtocol) {
        guard let day = LocalDate(String(text)) else { return nil }
        value = day.dayNumber
    }

    /// The civil date (year, month, day) of this day number.
    public var civil: (year: Int, month: Int, day: Int) {
        let day = LocalDate(dayNumber: value)
        return (day.year, day.month, day.day)
    }

    public var description: String { LocalDate(dayNumber: value).description }

    public static func < (lhs: DayNumber, rhs: DayNumber) -> Bool { lhs.value < rhs.value }
}

/// One purchase (order, visit) of one customer.
public struct Transaction: Sendable, Hashable, Codable {
    /// The customer's identifier.
    public var customerID: String
    /// The day of the purchase.
    public var day: DayNumber
    /// The amount spent (≥ 0).
    public var amount: Double

    /// Creates a transaction.
    public init(customerID: String, day: DayNumber, amount: Double) {
        self.customerID = customerID
        self.day = day
        self.amount = amount
    }

    /// Creates a transaction from an instant, taking its calendar day in `timeZone`.
    public init(customerID: String, date: Date, amount: Double, timeZone: TimeZone) {
        self.init(customerID: customerID, day: DayNumber(date, in: timeZone), amount: amount)
    }
}

/// The repeat-purchase history of one customer in the calibration period, the input of the
/// BG/NBD and Pareto/NBD models: frequency x, recency t_x and age T.
public struct PurchaseHistory: Sendable, Hashable, Codable {
    /// x: the number of repeat purchase occasions (the first purchase is not counted).
    public var frequency: Int
    /// t_x: time from the first to the last purchase (0 when x = 0).
    public var recency: Double
    /// T: time from the first purchase to the end of the calibration period.
    public var age: Double

    /// Creates a history without checking it; see ``validated()``.
    public init(frequency: Int, recency: Double, age: Double) {
        self.frequency = frequency
        self.recency = recency
        self.age = age
    }

    /// Throws ``AnalyticsError/Code/invalidHistory`` unless x ≥ 0, 0 ≤ t_x ≤ T < ∞, and
    /// t_x = 0 when x = 0.
    public func validated() throws -> PurchaseHistory {
        guard frequency >= 0, recency.isFinite, age.isFinite, recency >= 0, recency <= age,
            frequency > 0 || recency == 0
        else {
            throw AnalyticsError(
                .invalidHistory,
                "invalid purchase history x = \(frequency), t_x = \(recency), T = \(age): need x ≥ 0, 0 ≤ t_x ≤ T, and t_x = 0 when x = 0")
        }
        return self
    }
}

/// A customer's calibration-period summary, with the holdout-period count when asked for.
public struct CustomerSummary: Sendable, Hashable, Codable {
    /// The customer's identifier.
    public var customerID: String
    /// The day of the first purchase.
    public var firstPurchase: DayNumber
    /// Frequency x, recency t_x and age T in the summary's time unit.
    public var history: PurchaseHistory
    /// The mean amount of the repeat purchase occasions (first purchase excluded; same-day
    /// amounts summed); nil when the customer made no repeat purchase.
    public var meanRepeatSpend: Double?
    /// The amount of the first purchase occasion (same-day amounts summed).
    public var firstPurchaseAmount: Double
    /// Purchase occasions (distinct days) after the calibration end and on or before the holdout
    /// end; nil when no holdout end was given.
    public var holdoutFrequency: Int?

    /// x, for convenience.
    public var frequency: Int { history.frequency }
    /// t_x, for convenience.
    public var recency: Double { history.recency }
    /// T, for convenience.
    public var age: Double { history.age }
}

/// Builds per-customer calibration summaries from raw transactions.
public enum CustomerSummaries {
    /// Summarises transactions per customer for a calibration period ending on
    /// `calibrationEnd` (inclusive).
    ///
    /// - Purchases on the same day are one occasion, their amounts summed.
    /// - x counts the occasions after the first on or before `calibrationEnd`; t_x is the last
    ///   of them minus the first purchase; T is `calibrationEnd` minus the first purchase; all in
    ///   `timeUnit` (weeks = days / 7). This is the convention of the published CDNOW estimates.
    /// - Purchases after `calibrationEnd` are ignored, except that when `holdoutEnd` is given the
    ///   occasions in (calibrationEnd, holdoutEnd] are counted in ``CustomerSummary/holdoutFrequency``.
    /// - Customers whose first purchase is after `calibrationEnd` are an error unless
    ///   `skipCustomersStartingAfterEnd` is true, in which case they are left out.
    ///
    /// The result is sorted by customer identifier.
    ///
    /// - Throws: ``AnalyticsError`` with code `emptyInput`, `emptyCustomerID`, `negativeAmount`,
    ///   `nonFiniteAmount`, `calibrationEndBeforeAllPurchases`, `firstPurchaseAfterCalibrationEnd`
    ///   or `holdoutEndBeforeCalibrationEnd`.
    public static func make(
        from transactions: [Transaction],
        calibrationEnd: DayNumber,
        timeUnit: TimeUnit,
        holdoutEnd: DayNumber? = nil,
        skipCustomersStartingAfterEnd: Bool = false
    ) throws -> [CustomerSummary] {
        guard !transactions.isEmpty else { throw AnalyticsError(.emptyInput, "no transactions") }
        if let holdoutEnd, holdoutEnd < calibrationEnd {
            throw AnalyticsError(
                .holdoutEndBeforeCalibrationEnd, "holdout end \(holdoutEnd) is before the calibration end \(calibrationEnd)")
        }
        // customer → day → summed amount
        var byCustomer: [String: [Int: Double]] = [:]
        for t in transactions {
            guard !t.customerID.isEmpty else {
                throw AnalyticsError(.emptyCustomerID, "a transaction on \(t.day) has an empty customer id")
            }
            guard t.amount.isFinite else {
                throw AnalyticsError(.nonFiniteAmount, "customer \(t.customerID) on \(t.day): amount \(t.amount) is not a finite number")
            }
            guard t.amount >= 0 else {
                throw AnalyticsError(.negativeAmount, "customer \(t.customerID) on \(t.day): negative amount \(t.amount)")
            }
            byCustomer[t.customerID, default: [:]][t.day.value, default: 0] += t.amount
        }
        let earliest = transactions.map(\.day).min()!
        guard earliest <= calibrationEnd else {
            throw AnalyticsError(
                .calibrationEndBeforeAllPurchases,
                "the calibration end \(calibrationEnd) is before every purchase (the first is on \(earliest))")
        }
        let unit = timeUnit.days
        var result: [CustomerSummary] = []
        result.reserveCapacity(byCustomer.count)
        for (id, days) in byCustomer {
            let sortedDays = days.keys.sorted()
            let first = sortedDays[0]
            guard first <= calibrationEnd.value else {
                if skipCustomersStartingAfterEnd { continue }
                throw AnalyticsError(
                    .firstPurchaseAfterCalibrationEnd,
                    "customer \(id) first buys on \(DayNumber(first)), after the calibration end \(calibrationEnd)")
            }
            var x = 0
            var last = first
            var repeatTotal = 0.0
            var holdout = 0
            for d in sortedDays.dropFirst() {
                if d <= calibrationEnd.value {
                    x += 1
                    last = d
                    repeatTotal += days[d]!
                } else if let holdoutEnd, d <= holdoutEnd.value {
                    holdout += 1
                }
            }
            let history = PurchaseHistory(
                frequency: x,
                recency: Double(last - first) / unit,
                age: Double(calibrationEnd.value - first) / unit)
            result.append(
                CustomerSummary(
                    customerID: id,
                    firstPurchase: DayNumber(first),
                    history: history,
                    meanRepeatSpend: x > 0 ? repeatTotal / Double(x) : nil,
                    firstPurchaseAmount: days[first]!,
                    holdoutFrequency: holdoutEnd == nil ? nil : holdout))
        }
        guard !result.isEmpty else {
            throw AnalyticsError(.emptyInput, "no customer made a purchase on or before the calibration end \(calibrationEnd)")
        }
        result.sort { $0.customerID < $1.customerID }
        return result
    }
}

/// Customers grouped by identical (x, t_x, T): the sufficient statistics of the BG/NBD and
/// Pareto/NBD likelihoods. Each group contributes `count` × its log-likelihood term, so the fit
/// costs one term per distinct history rather than one per customer.
public struct SufficientStatistics: Sendable, Hashable {
    /// One distinct history and how many customers share it.
    public struct Group: Sendable, Hashable {
        /// The shared history.
        public var history: PurchaseHistory
        /// The number of customers with this history.
        public var count: Int
    }

    /// The distinct histories, sorted by (x, t_x, T).
    public let groups: [Group]
    /// The total number of customers.
    public var customerCount: Int { groups.reduce(0) { $0 + $1.count } }

    /// Groups validated histories.
    ///
    /// - Throws: `emptyInput` for no histories, `invalidHistory` for an inconsistent one.
    public init(_ histories: some Sequence<PurchaseHistory>) throws {
        var counts: [PurchaseHistory: Int] = [:]
        for h in histories {
            counts[try h.validated(), default: 0] += 1
        }
        guard !counts.isEmpty else { throw AnalyticsError(.emptyInput, "no customers") }
        groups = counts.map { Group(history: $0.key, count: $0.value) }.sorted {
            ($0.history.frequency, $0.history.recency, $0.history.age)
                < ($1.history.frequency, $1.history.recency, $1.history.age)
        }
    }

    /// Groups the histories of customer summaries.
    public init(_ summaries: [CustomerSummary]) throws {
        try self.init(summaries.lazy.map(\.history))
    }
}

/// The groups of ``SufficientStatistics`` laid out for fast likelihood evaluation: every distinct
/// time (recency or age) and every distinct frequency gets an index, so that a likelihood
/// evaluation computes log(α + τ), log Γ(r + x) and the like once per distinct value rather than
/// once per group. On a million customers in whole days there are a few hundred distinct times
/// and a few dozen frequencies, against up to hundreds of thousands of groups.
struct IndexedHistories: Sendable {
    /// The distinct values of t_x and T, ascending.
    let times: [Double]
    /// The distinct frequencies, ascending.
    let frequencies: [Int]
    /// Customers per distinct frequency.
    let customersPerFrequency: [Double]
    /// Per group: index into `frequencies`.
    let frequencyIndex: [Int32]
    /// Per group: index into `times` of t_x.
    let recencyIndex: [Int32]
    /// Per group: index into `times` of T.
    let ageIndex: [Int32]
    /// Per group: the number of customers.
    let counts: [Double]
    /// The distinct (frequency index, time index) pairs that the groups use, for the Pareto/NBD
    /// terms that depend on x and one time only.
    let pairs: [(frequency: Int32, time: Int32)]
    /// Per group: index into `pairs` of (x, t_x) and of (x, T).
    let recencyPair: [Int32]
    let agePair: [Int32]

    init(_ data: SufficientStatistics) {
        var timeSet = Set<Double>()
        var frequencySet = Set<Int>()
        for g in data.groups {
            timeSet.insert(g.history.recency)
            timeSet.insert(g.history.age)
            frequencySet.insert(g.history.frequency)
        }
        times = timeSet.sorted()
        frequencies = frequencySet.sorted()
        let timeIndex = Dictionary(uniqueKeysWithValues: times.enumerated().map { ($1, Int32($0)) })
        let frequencyIndexOf = Dictionary(uniqueKeysWithValues: frequencies.enumerated().map { ($1, Int32($0)) })
        var perFrequency = [Double](repeating: 0, count: frequencies.count)
        var fi: [Int32] = []
        var ri: [Int32] = []
        var ai: [Int32] = []
        var c: [Double] = []
        var pairIndex: [Int64: Int32] = [:]
        var pairList: [(frequency: Int32, time: Int32)] = []
        var rp: [Int32] = []
        var ap: [Int32] = []
        let n = data.groups.count
        fi.reserveCapacity(n)
        ri.reserveCapacity(n)
        ai.reserveCapacity(n)
        c.reserveCapacity(n)
        rp.reserveCapacity(n)
        ap.reserveCapacity(n)
        func pair(_ f: Int32, _ t: Int32) -> Int32 {
            let key = Int64(f) << 32 | Int64(t)
            if let i = pairIndex[key] { return i }
            let i = Int32(pairList.count)
            pairList.append((f, t))
            pairIndex[key] = i
            return i
        }
        for g in data.groups {
            let f = frequencyIndexOf[g.history.frequency]!
            let r = timeIndex[g.history.recency]!
            let a = timeIndex[g.history.age]!
            fi.append(f)
            ri.append(r)
            ai.append(a)
            c.append(Double(g.count))
            perFrequency[Int(f)] += Double(g.count)
            rp.append(pair(f, r))
            ap.append(pair(f, a))
        }
        customersPerFrequency = perFrequency
        frequencyIndex = fi
        recencyIndex = ri
        ageIndex = ai
        counts = c
        pairs = pairList
        recencyPair = rp
        agePair = ap
    }
}
