import Foundation

/// A cohort split into a calibration period and a holdout period, to check a model's forecasts
/// against what the customers really did afterwards (Fader, Hardie & Lee 2005, section 5).
///
/// The cohort is every customer whose first purchase is on or before the calibration end;
/// customers who first buy later are not part of it and are left out, with their purchases.
public struct HoldoutData: Sendable {
    /// The last day of the calibration period.
    public let calibrationEnd: DayNumber
    /// The last day of the holdout period.
    public let holdoutEnd: DayNumber
    /// The time unit of the summaries, the forecasts and the tracking periods.
    public let timeUnit: TimeUnit
    /// The cohort's calibration summaries, each with its ``CustomerSummary/holdoutFrequency``.
    public let summaries: [CustomerSummary]
    /// The cohort's first purchase day: tracking period 1 starts on it.
    public let cohortStart: DayNumber
    /// Repeat purchase occasions (distinct days after each customer's first) per day, from
    /// `cohortStart` to `holdoutEnd`.
    let repeatOccasionsPerDay: [Int]

    /// Summarises `transactions` for the calibration period and counts what happened after it.
    ///
    /// - Throws: the errors of ``CustomerSummaries/make(from:calibrationEnd:timeUnit:holdoutEnd:skipCustomersStartingAfterEnd:)``
    ///   (`holdoutEndBeforeCalibrationEnd` when the holdout ends before the calibration does).
    public init(transactions: [Transaction], calibrationEnd: DayNumber, holdoutEnd: DayNumber, timeUnit: TimeUnit) throws {
        let summaries = try CustomerSummaries.make(
            from: transactions, calibrationEnd: calibrationEnd, timeUnit: timeUnit, holdoutEnd: holdoutEnd,
            skipCustomersStartingAfterEnd: true)
        let firstPurchase = Dictionary(uniqueKeysWithValues: summaries.map { ($0.customerID, $0.firstPurchase.value) })
        let start = summaries.map(\.firstPurchase).min()!
        var perDay = [Int](repeating: 0, count: holdoutEnd.value - start.value + 1)
        var seen = Set<String>()
        for t in transactions {
            guard let first = firstPurchase[t.customerID], t.day.value > first, t.day <= holdoutEnd else { continue }
            // One occasion per customer and day.
            if seen.insert("\(t.customerID)\u{0}\(t.day.value)").inserted {
                perDay[t.day.value - start.value] += 1
            }
        }
        self.calibrationEnd = calibrationEnd
        self.holdoutEnd = holdoutEnd
        self.timeUnit = timeUnit
        self.summaries = summaries
        self.cohortStart = start
        self.repeatOccasionsPerDay = perDay
    }

    /// The sufficient statistics of the calibration period, to fit a model on.
    public var statistics: SufficientStatistics {
        get throws { try SufficientStatistics(summaries) }
    }

    /// The holdout length t* in the time unit.
    public var holdoutLength: Double { Double(holdoutEnd.value - calibrationEnd.value) / timeUnit.days }

    /// Compares a model fitted on the calibration period with the holdout.
    ///
    /// - Parameters:
    ///   - model: the fitted repeat-purchase model.
    ///   - frequencyCensor: calibration frequencies from this one up share the last bin (7 gives
    ///     the bins 0, 1, …, 6, 7+ of the papers).
    /// - Throws: the model's errors (`seriesDidNotConverge` for extreme horizons).
    public func compare(_ model: some RepeatPurchaseModel, frequencyCensor: Int = 7) throws -> HoldoutComparison {
        let censor = max(1, frequencyCensor)
        let horizon = holdoutLength
        var binCustomers = [Int](repeating: 0, count: censor + 1)
        var binActual = [Double](repeating: 0, count: censor + 1)
        var binPredicted = [Double](repeating: 0, count: censor + 1)
        // Customers with the same history share one conditional expectation.
        var cache: [PurchaseHistory: Double] = [:]
        for s in summaries {
            let predicted: Double
            if let cached = cache[s.history] {
                predicted = cached
            } else {
                predicted = try model.expectedPurchases(over: horizon, given: s.history)
                cache[s.history] = predicted
            }
            let bin = min(s.frequency, censor)
            binCustomers[bin] += 1
            binActual[bin] += Double(s.holdoutFrequency ?? 0)
            binPredicted[bin] += predicted
        }
        let bins = (0...censor).map { k in
            HoldoutComparison.FrequencyBin(
                frequency: k, includesHigher: k == censor, customers: binCustomers[k],
                actualMean: binCustomers[k] > 0 ? binActual[k] / Double(binCustomers[k]) : 0,
                predictedMean: binCustomers[k] > 0 ? binPredicted[k] / Double(binCustomers[k]) : 0)
        }
        return HoldoutComparison(
            modelName: type(of: model).name, calibrationEnd: calibrationEnd, holdoutEnd: holdoutEnd, timeUnit: timeUnit,
            holdoutLength: horizon, customers: summaries.count,
            actualHoldoutPurchases: Int(binActual.reduce(0, +)), predictedHoldoutPurchases: binPredicted.reduce(0, +),
            aggregateHoldoutForecast: try aggregateForecast(model), byFrequency: bins, tracking: try tracking(model))
    }

    func aggregateForecast(_ model: some RepeatPurchaseModel) throws -> Double {
        var total = 0.0
        for (first, count) in firstPurchaseDays() {
            let untilHoldoutEnd = try model.expectedPurchases(over: Double(holdoutEnd.value - first) / timeUnit.days)
            let untilCalibrationEnd = try model.expectedPurchases(over: Double(calibrationEnd.value - first) / timeUnit.days)
            total += Double(count) * (untilHoldoutEnd - untilCalibrationEnd)
        }
        return total
    }

    /// Customers per first-purchase day, in day order.
    func firstPurchaseDays() -> [(day: Int, customers: Int)] {
        var counts: [Int: Int] = [:]
        for s in summaries { counts[s.firstPurchase.value, default: 0] += 1 }
        return counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    /// The cumulative repeat purchases of the cohort at the end of each period of one time unit
    /// from `cohortStart`, actual and expected: a customer who first bought on day d contributes
    /// E[X((e − d)/unit)] at a period ending on day e ≥ d (the unconditional expectation, so the
    /// holdout part is a true forecast from the calibration parameters alone).
    func tracking(_ model: some RepeatPurchaseModel) throws -> [HoldoutComparison.TrackingPoint] {
        let unitDays = timeUnit.days
        let span = holdoutEnd.value - cohortStart.value + 1
        let periods = Int((Double(span) / unitDays).rounded(.up))
        let starts = firstPurchaseDays()
        // E[X(k days)] depends on the day difference only: one evaluation per difference.
        var expectedAfterDays = [Double?](repeating: nil, count: span)
        func expected(afterDays k: Int) throws -> Double {
            if let known = expectedAfterDays[k] { return known }
            let value = try model.expectedPurchases(over: Double(k) / unitDays)
            expectedAfterDays[k] = value
            return value
        }
        var points: [HoldoutComparison.TrackingPoint] = []
        var actual = 0
        var day = cohortStart.value
        for period in 1...periods {
            let end = min(cohortStart.value + Int((Double(period) * unitDays).rounded(.down)) - 1, holdoutEnd.value)
            while day <= end {
                actual += repeatOccasionsPerDay[day - cohortStart.value]
                day += 1
            }
            var expectedTotal = 0.0
            for (first, count) in starts where first <= end {
                expectedTotal += Double(count) * (try expected(afterDays: end - first))
            }
            points.append(
                HoldoutComparison.TrackingPoint(
                    period: period, end: DayNumber(end), actualCumulative: actual, expectedCumulative: expectedTotal,
                    inHoldout: end > calibrationEnd.value))
        }
        return points
    }
}

/// How a model's forecasts compare with a holdout period.
public struct HoldoutComparison: Sendable, Hashable {
    /// Customers grouped by their calibration frequency x.
    public struct FrequencyBin: Sendable, Hashable {
        /// x of the bin (the lowest x when `includesHigher`).
        public let frequency: Int
        /// Whether the bin holds every x from `frequency` up (the censored "7+" bin).
        public let includesHigher: Bool
        /// Customers in the bin.
        public let customers: Int
        /// Their mean number of repeat purchases in the holdout.
        public let actualMean: Double
        /// Their mean conditional expectation E[Y(t*) | x, t_x, T].
        public let predictedMean: Double
    }

    /// The cohort's cumulative repeat purchases at the end of one tracking period.
    public struct TrackingPoint: Sendable, Hashable {
        /// 1-based period number (week 1, 2, … with weeks as the time unit).
        public let period: Int
        /// The last day of the period.
        public let end: DayNumber
        /// Actual repeat purchase occasions from the cohort start to `end`.
        public let actualCumulative: Int
        /// The model's expected cumulative repeat purchases (unconditional, per first-purchase day).
        public let expectedCumulative: Double
        /// Whether the period ends after the calibration end.
        public let inHoldout: Bool
    }

    /// The model's name, e.g. "BG/NBD".
    public let modelName: String
    /// The last day of the calibration period.
    public let calibrationEnd: DayNumber
    /// The last day of the holdout period.
    public let holdoutEnd: DayNumber
    /// The time unit.
    public let timeUnit: TimeUnit
    /// t*, the holdout length in the time unit.
    public let holdoutLength: Double
    /// Customers in the cohort.
    public let customers: Int
    /// Repeat purchase occasions in the holdout, summed over customers.
    public let actualHoldoutPurchases: Int
    /// Σ E[Y(t*) | x, t_x, T] over customers: the conditional forecast of `actualHoldoutPurchases`.
    public let predictedHoldoutPurchases: Double
    /// The unconditional aggregate forecast of `actualHoldoutPurchases`:
    /// Σ_customers E[X(holdout end − first purchase)] − E[X(calibration end − first purchase)],
    /// what the tracking plot forecasts from the parameters alone, without any customer's history.
    public let aggregateHoldoutForecast: Double
    /// Actual and predicted holdout purchases per calibration frequency.
    public let byFrequency: [FrequencyBin]
    /// Cumulative repeat purchases per period from the cohort start to the holdout end.
    public let tracking: [TrackingPoint]
}
