import Foundation

/// What a key result's history says about its value on the due date.
///
/// The forecast lives in the core, next to the status rules, because DESIGN.md section 3 defines
/// the status *from* the forecast's probability: every summary the interfaces show needs it, and
/// it is a small piece of pure arithmetic with no dependency.
public struct Forecast: Hashable, Sendable, Codable {
    public enum Method: String, Hashable, Sendable, Codable {
        /// A local linear trend fitted to the history (enough check-ins to see a trend and its noise).
        case trend
        /// Too little history: the straight line from the baseline to the target (the pace rule).
        case pace
        /// The due date has passed: the outcome is known.
        case final
    }

    public var method: Method
    /// The expected value on the due date (trend and final only).
    public var expected: Double?
    /// The 80% forecast range on the due date (trend only).
    public var low: Double?
    public var high: Double?
    /// The probability of reaching the target by the due date (for keep-above / keep-below: of
    /// being compliant on the due date). `nil` under the pace rule, which gives no probability.
    public var probability: Double?
    /// The change per week still needed from the latest value to reach the target on the due date
    /// (increase, decrease and milestones; `nil` once due or for keep-above / keep-below).
    public var requiredPacePerWeek: Double?
    /// The trend's current slope per week (trend only), to set beside the required pace.
    public var trendPerWeek: Double?
    /// The distinct days of history the forecast was made from.
    public var observations: Int

    public init(
        method: Method, expected: Double? = nil, low: Double? = nil, high: Double? = nil, probability: Double? = nil,
        requiredPacePerWeek: Double? = nil, trendPerWeek: Double? = nil, observations: Int
    ) {
        self.method = method
        self.expected = expected
        self.low = low
        self.high = high
        self.probability = probability
        self.requiredPacePerWeek = requiredPacePerWeek
        self.trendPerWeek = trendPerWeek
        self.observations = observations
    }
}

/// A local linear trend model (level and slope that both drift as random walks, observed with
/// noise), run through a Kalman filter on check-ins at irregular days.
///
/// The noise scale is concentrated out of the likelihood and the two drift-to-noise ratios are
/// chosen by profile likelihood on a small grid, which is stable on the 4–15 points a quarter has.
/// With both ratios zero the model is an ordinary straight-line fit, whose forecast variance
/// already carries the uncertainty of the fitted slope; the drift terms widen it for histories
/// that bend (plateaus, shocks). The noise scale is estimated from few points, so the forecast is a
/// Student t with as many degrees of freedom as innovations, whose heavier tails keep a handful
/// of tidy check-ins from producing certainties.
public struct LocalTrendForecaster: Sendable {
    /// Fewer distinct days than this and the pace rule decides.
    public var minimumObservations: Int
    /// The history must also span at least this many days.
    public var minimumSpanDays: Int

    public init(minimumObservations: Int = 4, minimumSpanDays: Int = 14) {
        self.minimumObservations = minimumObservations
        self.minimumSpanDays = minimumSpanDays
    }

    static let levelRatios: [Double] = [0, 0.05, 0.25, 1]
    static let slopeRatios: [Double] = [0, 0.005, 0.05, 0.25]

    /// The forecast for `keyResult` on `day` from the check-ins known by then. Absurd magnitudes
    /// (±1e308) can overflow the arithmetic; such numbers are left out rather than shown as ∞.
    public func forecast(_ keyResult: KeyResult, history: [CheckIn], on day: LocalDate) -> Forecast {
        var forecast = unchecked(keyResult, history: history, on: day)
        for field in [\Forecast.expected, \.low, \.high, \.probability, \.requiredPacePerWeek, \.trendPerWeek] where forecast[keyPath: field]?.isFinite == false {
            forecast[keyPath: field] = nil
        }
        if forecast.method == .trend, forecast.probability == nil { forecast = Forecast(method: .pace, observations: forecast.observations) }
        return forecast
    }

    func unchecked(_ keyResult: KeyResult, history: [CheckIn], on day: LocalDate) -> Forecast {
        let known = history.filter { $0.day <= day }.sorted { $0.recordedAt < $1.recordedAt }
        // One value per day: the day's last word.
        var byDay: [(day: LocalDate, value: Double)] = []
        for checkIn in known where checkIn.value.isFinite {
            if byDay.last?.day == checkIn.day { byDay[byDay.count - 1].value = checkIn.value } else { byDay.append((checkIn.day, checkIn.value)) }
        }
        let current = byDay.last?.value ?? keyResult.effectiveBaseline
        let weeksLeft = Double(max(day.days(until: keyResult.due), 0)) / 7
        let required: Double? = keyResult.kind.isThreshold || weeksLeft <= 0 ? nil : (keyResult.target - current) / weeksLeft

        if day >= keyResult.due, let last = byDay.last?.value {
            return Forecast(method: .final, expected: last, probability: keyResult.meetsTarget(last) ? 1 : 0, observations: byDay.count)
        }
        let span = byDay.count < 2 ? 0 : byDay[0].day.days(until: byDay[byDay.count - 1].day)
        guard keyResult.kind != .milestone, byDay.count >= minimumObservations, span >= minimumSpanDays,
            let fit = Self.fit(times: byDay.map { Double(byDay[0].day.days(until: $0.day)) / 7 }, values: byDay.map(\.value)),
            let prediction = fit.predict(weeksAhead: Double(byDay[byDay.count - 1].day.days(until: keyResult.due)) / 7)
        else {
            return Forecast(method: .pace, requiredPacePerWeek: required, observations: byDay.count)
        }
        // To the percent people read, so the light and the number shown never disagree (0.398 is "40%", yellow).
        let probability = (keyResult.probabilityOfMeetingTarget(mean: prediction.mean, spread: prediction.spread, degreesOfFreedom: fit.degreesOfFreedom) * 100)
            .rounded() / 100
        // A percentage cannot leave 0–100, however steep the trend: the range shown stays inside.
        let bound = { (value: Double) in keyResult.unit == "%" ? min(max(value, 0), 100) : value }
        let half = StudentT.quantile(0.9, degreesOfFreedom: fit.degreesOfFreedom) * prediction.spread
        return Forecast(
            method: .trend, expected: bound(prediction.mean), low: bound(prediction.mean - half),
            high: bound(prediction.mean + half), probability: probability, requiredPacePerWeek: required,
            trendPerWeek: fit.slope * fit.scale, observations: byDay.count)
    }

    /// A fitted filter: the final state and its covariance (in units of the noise variance).
    struct Fit {
        var level: Double
        var slope: Double
        var p: (Double, Double, Double)  // P11, P12, P22, scaled by the noise variance
        var sigma2: Double
        var qLevel: Double
        var qSlope: Double
        var degreesOfFreedom: Int
        var scale: Double
        var offset: Double

        /// The value observed `h` weeks after the last check-in: the t distribution's centre and
        /// spread (its scale parameter), in the data's units.
        func predict(weeksAhead h: Double) -> (mean: Double, spread: Double)? {
            let (p11, p12, p22) = p
            // P(h) = F P F' + Q(h), F = [[1, h], [0, 1]]; the integrated slope drift adds h³/3.
            let var11 = p11 + 2 * h * p12 + h * h * p22 + qLevel * h + qSlope * h * h * h / 3
            let variance = (var11 + 1) * sigma2
            let mean = level + slope * h
            guard variance.isFinite, variance >= 0, mean.isFinite else { return nil }
            return (mean * scale + offset, variance.squareRoot() * scale)
        }
    }

    /// Fits the model on standardized values; `nil` when the data are degenerate.
    static func fit(times: [Double], values: [Double]) -> Fit? {
        let n = values.count
        guard n >= 3 else { return nil }
        let mean = values.reduce(0, +) / Double(n)
        let spread = (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(n)).squareRoot()
        let scale = spread > 0 && spread.isFinite ? spread : max(abs(mean), 1)
        let y = values.map { ($0 - mean) / scale }
        var best: (ll: Double, fit: Fit)?
        for qLevel in levelRatios {
            for qSlope in slopeRatios {
                guard let candidate = filter(times: times, y: y, qLevel: qLevel, qSlope: qSlope) else { continue }
                // Simpler models win ties, so a straight line stays a straight line.
                if best == nil || candidate.ll > best!.ll + 1e-9 { best = candidate }
            }
        }
        guard var fit = best?.fit else { return nil }
        fit.scale = scale
        fit.offset = mean
        return fit
    }

    /// One pass of the filter with an approximately diffuse start; the first two observations
    /// only initialize the level and slope, the rest enter the concentrated likelihood.
    static func filter(times: [Double], y: [Double], qLevel: Double, qSlope: Double) -> (ll: Double, fit: Fit)? {
        let kappa = 1e7
        var a = (y[0], 0.0)
        var p = (kappa, 0.0, kappa)
        var previous = times[0]
        var sumSquares = 0.0, sumLogF = 0.0
        var m = 0
        for (i, value) in y.enumerated() {
            let h = times[i] - previous
            previous = times[i]
            if i > 0 {
                a = (a.0 + h * a.1, a.1)
                p = (
                    p.0 + 2 * h * p.1 + h * h * p.2 + qLevel * h + qSlope * h * h * h / 3,
                    p.1 + h * p.2 + qSlope * h * h / 2,
                    p.2 + qSlope * h
                )
            }
            let f = p.0 + 1
            let v = value - a.0
            if i >= 2 {
                sumSquares += v * v / f
                sumLogF += log(f)
                m += 1
            }
            let k = (p.0 / f, p.1 / f)
            a = (a.0 + k.0 * v, a.1 + k.1 * v)
            p = (p.0 - k.0 * p.0, p.1 - k.0 * p.1, p.2 - k.1 * p.1)
        }
        guard m > 0 else { return nil }
        let sigma2 = max(sumSquares / Double(m), 1e-12)
        let ll = -0.5 * (sumLogF + Double(m) * log(sigma2))
        guard ll.isFinite else { return nil }
        return (ll, Fit(level: a.0, slope: a.1, p: p, sigma2: sigma2, qLevel: qLevel, qSlope: qSlope, degreesOfFreedom: m, scale: 1, offset: 0))
    }
}

extension KeyResult {
    /// Whether a value on the due date counts as reaching the target (for keep-above / below:
    /// as compliant).
    public func meetsTarget(_ value: Double) -> Bool {
        switch kind {
        case .decrease: value <= target
        case .keepAbove, .keepBelow: isCompliant(value)
        case .increase, .milestone: value >= target
        }
    }

    /// P(value on the due date reaches the target) for a t forecast.
    func probabilityOfMeetingTarget(mean: Double, spread: Double, degreesOfFreedom: Int) -> Double {
        let below: Bool = kind == .decrease || kind == .keepBelow
        guard spread > 0 else { return meetsTarget(mean) ? 1 : 0 }
        let t = (target - mean) / spread
        let p = below ? StudentT.cdf(t, degreesOfFreedom: degreesOfFreedom) : 1 - StudentT.cdf(t, degreesOfFreedom: degreesOfFreedom)
        return min(max(p, 0), 1)
    }
}

/// Student's t distribution for whole degrees of freedom, by the finite sums of Abramowitz &
/// Stegun 26.7.3–26.7.4 (exact, no special functions needed).
enum StudentT {
    static func cdf(_ t: Double, degreesOfFreedom: Int) -> Double {
        let nu = max(degreesOfFreedom, 1)
        guard t.isFinite else { return t > 0 ? 1 : 0 }
        let theta = atan(t / Double(nu).squareRoot())
        let c2 = cos(theta) * cos(theta)
        var sum = 0.0
        if nu % 2 == 1 {
            var term = 1.0
            if nu > 1 {
                sum = 1
                for k in stride(from: 3, through: nu - 2, by: 2) {
                    term *= Double(k - 1) / Double(k) * c2
                    sum += term
                }
            }
            let a = (theta + (nu > 1 ? sin(theta) * cos(theta) * sum : 0)) * 2 / .pi
            return 0.5 + a / 2
        }
        var term = 1.0
        sum = 1
        for k in stride(from: 2, through: nu - 2, by: 2) {
            term *= Double(k - 1) / Double(k) * c2
            sum += term
        }
        return 0.5 + sin(theta) * sum / 2
    }

    /// The p-quantile, by bisection (60 steps reach double precision on any sensible range).
    static func quantile(_ p: Double, degreesOfFreedom: Int) -> Double {
        var low = -1e3, high = 1e3
        for _ in 0..<60 {
            let mid = (low + high) / 2
            if cdf(mid, degreesOfFreedom: degreesOfFreedom) < p { low = mid } else { high = mid }
        }
        return (low + high) / 2
    }
}

extension CheckIn {
    /// Whether the move from `previous` to this value is within the noise of the data: the
    /// previous value lies inside this check-in's 95% interval. `nil` when there is no interval.
    public func isWithinNoise(of previous: CheckIn) -> Bool? {
        guard let low = provenance?.low, let high = provenance?.high else { return nil }
        return previous.value >= low && previous.value <= high
    }
}
