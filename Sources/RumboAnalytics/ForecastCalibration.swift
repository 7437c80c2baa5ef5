import Foundation
import RumboCore

/// How well the status's probabilities match what happened: the Brier score and a reliability
/// table of Rumbo's forecast against the straight-line pace rule today's OKR tools use, on
/// simulated key-result histories and on any recorded history whose due dates have passed.
public enum ForecastCalibration {
    /// A key result with its whole history, up to and including its due date.
    public struct History: Sendable {
        public var keyResult: KeyResult
        public var checkIns: [CheckIn]
        /// The shape it was simulated from (`trend`, `plateau`, …), or where it came from.
        public var shape: String

        public init(keyResult: KeyResult, checkIns: [CheckIn], shape: String) {
            self.keyResult = keyResult
            self.checkIns = checkIns
            self.shape = shape
        }
    }

    /// The probabilities each method gave at one check-in, and what happened on the due date.
    public struct Prediction: Sendable {
        public var forecast: Double
        /// The pace ratio (actual over expected progress), clamped to 0…1, read as a probability.
        public var paceRatio: Double
        /// The pace rule's light read as the middle of its band (green 0.85, yellow 0.55, red 0.2).
        public var paceLight: Double
        /// Whether the forecast had enough history to fit a trend at this point.
        public var usedTrend: Bool
        public var reached: Bool
    }

    public struct Bin: Sendable, Codable {
        public var lower: Double
        public var upper: Double
        public var count: Int
        public var meanPredicted: Double
        public var observedRate: Double
    }

    public struct Score: Sendable, Codable {
        public var method: String
        public var brier: Double
        public var reliability: [Bin]
    }

    public struct Report: Sendable, Codable {
        public var histories: Int
        public var predictions: Int
        /// The predictions made where the forecast had fitted a trend (the others fall back to pace).
        public var trendPredictions: Int
        public var baseRate: Double
        public var scores: [Score]
        /// The same scores restricted to the predictions made with a fitted trend.
        public var trendScores: [Score]
    }

    /// Every prediction the two methods make on `history`: at each check-in from the second week
    /// up to the week before the due date, from what was known that day.
    public static func predictions(_ history: History, rules: StatusRules = .standard) -> [Prediction] {
        let kr = history.keyResult
        let sorted = history.checkIns.sorted { $0.recordedAt < $1.recordedAt }
        guard let final = sorted.last(where: { $0.day <= kr.due }), final.day >= kr.due.adding(days: -7) else { return [] }
        let reached = kr.meetsTarget(final.value)
        let days = Set(sorted.map(\.day)).filter { $0 >= kr.start.adding(days: 7) && $0 < kr.due.adding(days: -6) }.sorted()
        return days.map { day in
            let withTrend = kr.state(history: sorted, on: day, rules: rules)
            let paceOnly = kr.state(history: sorted, on: day, rules: rules, forecaster: LocalTrendForecaster(minimumObservations: .max))
            let ratio = kr.kind.isThreshold ? paceOnly.progress : kr.paceRatio(progress: paceOnly.progress, expected: paceOnly.expectedProgress)
            let light: Double =
                switch paceOnly.status {
                case .onTrack: 0.85
                case .atRisk: 0.55
                case .offTrack: 0.2
                }
            return Prediction(
                forecast: withTrend.health(rules: rules, kind: kr.kind), paceRatio: min(max(ratio, 0), 1), paceLight: light,
                usedTrend: withTrend.forecast.method == .trend, reached: reached)
        }
    }

    /// Scores the methods over all histories.
    public static func evaluate(_ histories: [History], rules: StatusRules = .standard, bins: Int = 10) -> Report {
        let all = histories.flatMap { predictions($0, rules: rules) }
        let trend = all.filter(\.usedTrend)
        func scores(_ predictions: [Prediction]) -> [Score] {
            [
                score("forecast", predictions.map { ($0.forecast, $0.reached) }, bins: bins),
                score("pace_ratio", predictions.map { ($0.paceRatio, $0.reached) }, bins: bins),
                score("pace_light", predictions.map { ($0.paceLight, $0.reached) }, bins: bins),
            ]
        }
        return Report(
            histories: histories.count, predictions: all.count, trendPredictions: trend.count,
            baseRate: all.isEmpty ? 0 : Double(all.filter(\.reached).count) / Double(all.count), scores: scores(all), trendScores: scores(trend))
    }

    /// The Brier score (mean squared error of the probability against the 0/1 outcome) and the
    /// reliability table: in each probability band, the mean prediction beside the observed rate.
    static func score(_ method: String, _ pairs: [(p: Double, reached: Bool)], bins: Int) -> Score {
        let brier = pairs.isEmpty ? 0 : pairs.reduce(0.0) { $0 + ($1.p - ($1.reached ? 1 : 0)) * ($1.p - ($1.reached ? 1 : 0)) } / Double(pairs.count)
        let grouped = Dictionary(grouping: pairs) { min(Int($0.p * Double(bins)), bins - 1) }
        let table = (0..<bins).compactMap { index -> Bin? in
            guard let members = grouped[index], !members.isEmpty else { return nil }
            return Bin(
                lower: Double(index) / Double(bins), upper: Double(index + 1) / Double(bins), count: members.count,
                meanPredicted: members.reduce(0) { $0 + $1.p } / Double(members.count),
                observedRate: Double(members.filter(\.reached).count) / Double(members.count))
        }
        return Score(method: method, brier: brier, reliability: table)
    }

    // MARK: Simulated corpus

    /// The shapes key results take in practice.
    public static let shapes = ["trend", "plateau", "late_start", "shock", "random_walk", "keep_above"]

    /// `count` simulated quarters (13 weeks, a check-in every week and one on the due date), the
    /// shapes in turn, every number drawn from `seed`. The latent path moves at a random fraction
    /// of the pace the target needs, and each check-in adds measurement noise.
    public static func simulatedCorpus(count: Int, seed: UInt64 = 2026) -> [History] {
        let start = LocalDate(year: 2026, month: 1, day: 5)
        let due = start.adding(days: 91)
        return (0..<count).map { index in
            var random = Demo.SplitMix64(seed: seed &+ UInt64(index) &* 0x9E37_79B9)
            let shape = shapes[index % shapes.count]
            let baseline = 50.0
            let span = (random.uniform(5, 30)) * (random.uniform(0, 1) < 0.5 ? -1 : 1)
            let noise = abs(span) * random.uniform(0.02, 0.25)
            let rate = random.uniform(0.2, 1.6)
            let breakWeek = random.uniform(3, 10)
            let jump = span * random.uniform(-0.7, 0.7)
            var walk = 0.0
            func latent(_ week: Double) -> Double {
                let steady = span * rate * week / 13
                switch shape {
                case "plateau": return baseline + span * rate * min(week, breakWeek) / 13
                case "late_start": return baseline + span * 1.4 * rate * max(week - breakWeek, 0) / 13
                case "shock": return baseline + steady + (week >= breakWeek ? jump : 0)
                default: return baseline + steady
                }
            }
            let kind: KeyResult.Kind = shape == "keep_above" ? .keepAbove : span > 0 ? .increase : .decrease
            let target = kind == .keepAbove ? baseline - abs(span) * random.uniform(0.1, 0.8) : baseline + span
            let keyResult = KeyResult(
                id: "sim-\(index)", objectiveID: "sim", title: shape, kind: kind, baseline: kind == .keepAbove ? nil : baseline, target: target,
                start: start, due: due)
            let checkIns = (0...13).map { week -> CheckIn in
                let day = week == 13 ? due : start.adding(days: week * 7)
                var level = latent(Double(week))
                if shape == "random_walk" || shape == "keep_above" {
                    if week > 0 { walk += span * rate / 13 * (shape == "keep_above" ? -0.3 : 1) + random.normal() * abs(span) * 0.12 }
                    level = baseline + walk
                }
                return CheckIn(
                    id: "sim-\(index)-\(week)", keyResultID: keyResult.id, value: level + random.normal() * noise,
                    recordedAt: day.startOfDay(in: TimeZone(identifier: "UTC")!).addingTimeInterval(9 * 3600), day: day)
            }
            return History(keyResult: keyResult, checkIns: checkIns, shape: shape)
        }
    }
}

extension RandomNumberGenerator {
    mutating func uniform(_ low: Double, _ high: Double) -> Double {
        low + (high - low) * Double(next() >> 11) / Double(1 << 53)
    }

    /// A standard normal draw (Box–Muller).
    mutating func normal() -> Double {
        let u = max(uniform(0, 1), 1e-300)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * uniform(0, 1))
    }
}
