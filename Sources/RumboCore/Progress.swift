import Foundation

/// The traffic light everyone sees.
public enum Status: String, Codable, Sendable, CaseIterable, Comparable {
    /// Green: en camino.
    case onTrack = "on_track"
    /// Yellow: en riesgo.
    case atRisk = "at_risk"
    /// Red: desviado.
    case offTrack = "off_track"

    private var severity: Int {
        switch self {
        case .onTrack: 0
        case .atRisk: 1
        case .offTrack: 2
        }
    }

    public static func < (lhs: Status, rhs: Status) -> Bool { lhs.severity < rhs.severity }
}

/// Thresholds that turn a probability or a pace ratio into a traffic light (DESIGN.md section 3).
public struct StatusRules: Codable, Hashable, Sendable {
    /// Green when the probability of reaching the target is at least this.
    public var probabilityGreen: Double
    /// Yellow when it is at least this; red below.
    public var probabilityYellow: Double
    /// Pace rule: green when actual progress is at least this share of the expected progress.
    public var paceGreen: Double
    /// Pace rule: yellow when at least this share; red below.
    public var paceYellow: Double

    public init(probabilityGreen: Double = 0.7, probabilityYellow: Double = 0.4, paceGreen: Double = 0.9, paceYellow: Double = 0.6) {
        self.probabilityGreen = probabilityGreen
        self.probabilityYellow = probabilityYellow
        self.paceGreen = paceGreen
        self.paceYellow = paceYellow
    }

    public static let standard = StatusRules()

    /// Status from the forecast's probability of reaching the target by the due date.
    public func status(probability: Double) -> Status {
        probability >= probabilityGreen ? .onTrack : probability >= probabilityYellow ? .atRisk : .offTrack
    }

    /// Status from the pace ratio: actual progress divided by the progress expected by now.
    public func status(paceRatio: Double) -> Status {
        paceRatio >= paceGreen ? .onTrack : paceRatio >= paceYellow ? .atRisk : .offTrack
    }
}

/// Commit / target / stretch marks on a key result's scale.
public struct Levels: Hashable, Sendable, Codable {
    public var commit: Double
    public var target: Double
    public var stretch: Double
}

/// A key result's computed state on a given day: what the progress bars and status lights show.
public struct KeyResultState: Hashable, Sendable, Codable {
    /// The latest value on or before the day, if any check-in exists.
    public var currentValue: Double?
    /// Progress 0…1 (for keep-above / below: the share of compliant periods).
    public var progress: Double
    /// Unclamped progress: above 1 means the target was exceeded (over-achievement).
    public var rawProgress: Double
    /// The share of the time from start to due that had passed on the latest check-in (or on the
    /// day viewed, without check-ins), 0…1: what "on pace" is measured against.
    public var expectedProgress: Double
    /// Keep-above / below: whether the current period is compliant.
    public var currentlyCompliant: Bool?
    /// Keep-above / below: periods in which the condition held, and periods with a value.
    public var compliantPeriods: Int?
    public var measuredPeriods: Int?
    public var status: Status
    /// The latest check-in's confidence, shown beside the status and never replacing it.
    public var confidence: Int?
    public var lastCheckIn: Date?
    /// The value expected on the due date, the probability of reaching the target and the pace
    /// still needed; `status` follows its probability when it has one.
    public var forecast: Forecast

    /// The key result's health on the probability scale, 0…1: the forecast's probability, or for
    /// a key result judged by pace, its pace ratio mapped so the two rules' thresholds coincide
    /// (0.9 of pace ↔ 0.7, 0.6 of pace ↔ 0.4 with the standard rules). Being on pace with too
    /// little history to see a trend stays at 0.7: the calibration benchmark found such key
    /// results reach their target about 60% of the time, not with certainty.
    public func health(rules: StatusRules = .standard, kind: KeyResult.Kind) -> Double {
        if forecast.method == .trend, let probability = forecast.probability { return probability }
        let ratio = min(kind.isThreshold ? progress : (expectedProgress <= 0 ? 1 : progress / expectedProgress), 1)
        let points = [(0.0, 0.05), (rules.paceYellow, rules.probabilityYellow), (rules.paceGreen, rules.probabilityGreen), (1.0, rules.probabilityGreen)]
        for ((x0, y0), (x1, y1)) in zip(points, points.dropFirst()) where ratio <= x1 {
            return x1 > x0 ? y0 + (ratio - x0) / (x1 - x0) * (y1 - y0) : y1
        }
        return 1
    }
}

extension KeyResult {
    /// The end of the progress range: the stretch level when set, else the target.
    public var rangeEnd: Double { stretch ?? target }

    /// The starting value on the progress scale (milestones start at 0 items done).
    public var effectiveBaseline: Double { baseline ?? 0 }

    /// Commit / target / stretch marks; `nil` unless the key result uses levels (has a stretch or a commit).
    public var levels: Levels? {
        guard !kind.isThreshold, commit != nil || stretch != nil else { return nil }
        let b = effectiveBaseline
        let end = rangeEnd
        return Levels(commit: commit ?? b + 0.3 * (end - b), target: target, stretch: end)
    }

    /// Unclamped progress of a value on the baseline → target (or stretch) range; the one formula
    /// serves increase and decrease because the sign of the range flips with the direction.
    public func rawProgress(of value: Double) -> Double {
        let b = effectiveBaseline
        let span = rangeEnd - b
        guard span != 0 else { return value == rangeEnd ? 1 : 0 }
        let progress = (value - b) / span
        // Absurd magnitudes (±1e308) can overflow; no progress is the honest answer then.
        return progress.isFinite ? progress : 0
    }

    /// Progress of a value, clamped to 0…1 (values past the target grade at 1).
    public func progress(of value: Double) -> Double { min(max(rawProgress(of: value), 0), 1) }

    /// Keep-above / keep-below: whether a value meets the threshold.
    public func isCompliant(_ value: Double) -> Bool {
        switch kind {
        case .keepBelow: value <= target
        default: value >= target
        }
    }

    /// The share of time from start to due that has passed on `day`, 0…1.
    public func expectedProgress(on day: LocalDate) -> Double {
        let total = start.days(until: due)
        guard total > 0 else { return day >= due ? 1 : 0 }
        return min(max(Double(start.days(until: day)) / Double(total), 0), 1)
    }

    /// Keep-above / below: (compliant periods, periods with a value) over the weeks from the start up
    /// to the week containing `day`. A week's value is the last one known at its end (carried
    /// forward); weeks before the first check-in are not counted.
    public func compliance(history: [CheckIn], on day: LocalDate, periodDays: Int = 7) -> (compliant: Int, measured: Int) {
        let sorted = history.sorted { $0.recordedAt < $1.recordedAt }
        let lastDay = min(day, due)
        guard lastDay >= start else { return (0, 0) }
        let weeks = start.days(until: lastDay) / periodDays + 1
        var compliant = 0
        var measured = 0
        var index = 0
        var latest: Double?
        for week in 0..<weeks {
            let weekEnd = min(start.adding(days: week * periodDays + periodDays - 1), lastDay)
            while index < sorted.count, sorted[index].day <= weekEnd {
                latest = sorted[index].value
                index += 1
            }
            guard let value = latest else { continue }
            measured += 1
            if isCompliant(value) { compliant += 1 }
        }
        return (compliant, measured)
    }

    /// Everything the interfaces show about this key result on `day`, from its check-in history.
    /// Status follows the forecast's probability of reaching the target where the history allows a
    /// trend; otherwise it is the pace rule, judged on the day of the latest value: a team that
    /// checks in weekly and was on pace on Monday is still on pace on Sunday (staleness is the
    /// coach's job).
    public func state(
        history: [CheckIn], on day: LocalDate, rules: StatusRules = .standard, forecaster: LocalTrendForecaster = LocalTrendForecaster()
    ) -> KeyResultState {
        let known = history.filter { $0.day <= day }.sorted { $0.recordedAt < $1.recordedAt }
        let latest = known.last
        let expected = expectedProgress(on: latest?.day ?? day)
        var state = KeyResultState(
            currentValue: latest?.value, progress: 0, rawProgress: 0, expectedProgress: expected,
            currentlyCompliant: nil, compliantPeriods: nil, measuredPeriods: nil, status: .onTrack, confidence: latest?.confidence,
            lastCheckIn: latest?.recordedAt, forecast: forecaster.forecast(self, history: known, on: day))
        if kind.isThreshold {
            let (compliant, measured) = compliance(history: known, on: day)
            let share = measured == 0 ? 0 : Double(compliant) / Double(measured)
            state.progress = share
            state.rawProgress = share
            state.currentlyCompliant = latest.map { isCompliant($0.value) }
            state.compliantPeriods = compliant
            state.measuredPeriods = measured
            // Nothing measured yet: fine in the first week, off track after.
            let ratio = measured == 0 ? (start.days(until: day) < 7 ? 1 : 0) : share
            state.status = rules.status(paceRatio: ratio)
        } else {
            let value = latest?.value ?? effectiveBaseline
            state.rawProgress = rawProgress(of: value)
            state.progress = progress(of: value)
            state.status = rules.status(paceRatio: paceRatio(progress: state.progress, expected: expected))
        }
        if state.forecast.method == .trend, let probability = state.forecast.probability {
            state.status = rules.status(probability: probability)
        }
        return state
    }

    /// Actual over expected progress; at the very start nothing is expected yet, so the pace is fine.
    public func paceRatio(progress: Double, expected: Double) -> Double {
        expected <= 0 ? 1 : progress / expected
    }
}

extension Objective {
    /// Weighted mean of the key results' progress; 0 without key results.
    public static func progress(of keyResults: [(weight: Double, progress: Double)]) -> Double {
        let totalWeight = keyResults.reduce(0) { $0 + $1.weight }
        guard totalWeight > 0 else { return 0 }
        return keyResults.reduce(0) { $0 + $1.weight * $1.progress } / totalWeight
    }

    /// The objective's light: the weighted mean of its key results' health (the probability of
    /// reaching the target, or the pace ratio on the same scale), each capped at 1 so one
    /// over-achiever cannot hide a red, through the probability thresholds.
    public static func status(of keyResults: [(weight: Double, state: KeyResultState, kind: KeyResult.Kind)], rules: StatusRules = .standard) -> Status {
        let totalWeight = keyResults.reduce(0) { $0 + $1.weight }
        guard totalWeight > 0 else { return .onTrack }
        let health = keyResults.reduce(0.0) { $0 + $1.weight * $1.state.health(rules: rules, kind: $1.kind) } / totalWeight
        return rules.status(probability: health)
    }
}

/// Grades at the close of a cycle: the progress at the end, 0.0–1.0.
public enum Grade {
    /// The grade of a key result: its progress on the cycle's last day.
    public static func of(_ keyResult: KeyResult, history: [CheckIn], cycleEnd: LocalDate) -> Double {
        keyResult.state(history: history, on: min(cycleEnd, keyResult.due)).progress
    }
}
