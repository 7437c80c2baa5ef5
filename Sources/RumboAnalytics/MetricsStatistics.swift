import Foundation
import RumboCore

/// One metric value for one window, with its sample size and 95% interval.
public struct MetricValue: Sendable, Hashable, Codable {
    public enum Status: String, Codable, Sendable {
        /// A value computed on at least the minimum sample.
        case ok
        /// Nothing to compute on (n = 0): never shown as 0.
        case noData = "no_data"
        /// 0 < n < minimum sample: `value` is nil, `n` tells how far.
        case insufficient
        /// A cohort that can still change (conversion within W days, follow-up within 30 days,
        /// onboarding within N days while its newest member is younger than that at `asOf`):
        /// `value`, `low` and `high` are provisional; the final value can only differ by rows
        /// that mature later.
        case immature
    }

    public let window: MetricWindow
    /// The value when the status is `ok` or `immature` (provisional); nil otherwise. Never NaN.
    public let value: Double?
    /// The sample size: the denominator of a rate, the number of values of a mean or percentile,
    /// the answers of an NPS, the customers at the start of a churn or NRR window, the tickets of
    /// the window for a count.
    public let n: Int
    /// The 95% interval, where the metric defines one (same availability as `value`).
    public let low: Double?, high: Double?
    public let status: Status

    public init(window: MetricWindow, value: Double?, n: Int, low: Double?, high: Double?, status: Status) {
        self.window = window
        self.value = value
        self.n = n
        self.low = low
        self.high = high
        self.status = status
    }

    /// The status before any value is computed: no data, insufficient, or nil when there is enough.
    static func gate(_ window: MetricWindow, n: Int, minimumSample: Int) -> MetricValue? {
        if n <= 0 { return MetricValue(window: window, value: nil, n: 0, low: nil, high: nil, status: .noData) }
        if n < minimumSample { return MetricValue(window: window, value: nil, n: n, low: nil, high: nil, status: .insufficient) }
        return nil
    }

    /// Whether a window with `n` values gets a value (the store skips the extra queries otherwise).
    public static func shows(n: Int, minimumSample: Int) -> Bool { n > 0 && n >= minimumSample }

    /// A rate in percent with its Wilson interval.
    public static func proportion(_ window: MetricWindow, successes: Int, n: Int, minimumSample: Int, immature: Bool = false) -> MetricValue {
        if let gated = gate(window, n: n, minimumSample: minimumSample) { return gated }
        let interval = MetricStatistics.wilson(successes: successes, n: n)
        return MetricValue(
            window: window, value: 100 * Double(successes) / Double(n), n: n, low: 100 * interval.low, high: 100 * interval.high,
            status: immature ? .immature : .ok)
    }

    /// A net score (NPS, eNPS) from −100 to 100 with its normal-approximation interval.
    public static func netScore(_ window: MetricWindow, promoters: Int, detractors: Int, n: Int, minimumSample: Int) -> MetricValue {
        if let gated = gate(window, n: n, minimumSample: minimumSample) { return gated }
        let score = MetricStatistics.netScore(promoters: promoters, detractors: detractors, n: n)
        return MetricValue(window: window, value: score.value, n: n, low: score.low, high: score.high, status: .ok)
    }

    /// A mean of values summing to `sum`, divided by `scale` (milliseconds per unit for
    /// durations, 1 otherwise); `squaredDeviations` is Σ(x − sum/n)² in the values' own units
    /// (nil when n < 2: no interval).
    public static func mean(_ window: MetricWindow, n: Int, sum: Double, squaredDeviations: Double?, scale: Double = 1, minimumSample: Int)
        -> MetricValue
    {
        if let gated = gate(window, n: n, minimumSample: minimumSample) { return gated }
        let mean = sum / Double(n)
        guard n >= 2, let squaredDeviations else {
            return MetricValue(window: window, value: mean / scale, n: n, low: nil, high: nil, status: .ok)
        }
        let half = MetricStatistics.meanHalfWidth(n: n, squaredDeviations: squaredDeviations)
        return MetricValue(window: window, value: mean / scale, n: n, low: (mean - half) / scale, high: (mean + half) / scale, status: .ok)
    }

    /// A percentile from the values found at `MetricStatistics.percentileRanks`, divided by `scale`.
    public static func percentile(_ window: MetricWindow, n: Int, value: Double?, low: Double?, high: Double?, scale: Double = 1, minimumSample: Int)
        -> MetricValue
    {
        if let gated = gate(window, n: n, minimumSample: minimumSample) { return gated }
        guard let value, let low, let high else { return MetricValue(window: window, value: nil, n: n, low: nil, high: nil, status: .noData) }
        return MetricValue(window: window, value: value / scale, n: n, low: low / scale, high: high / scale, status: .ok)
    }

    /// A count over a population of `n` rows (no interval).
    public static func count(_ window: MetricWindow, count: Int, n: Int, minimumSample: Int) -> MetricValue {
        if let gated = gate(window, n: n, minimumSample: minimumSample) { return gated }
        return MetricValue(window: window, value: Double(count), n: n, low: nil, high: nil, status: .ok)
    }

    /// A model estimate over `n` customers (no interval); nil when the model could not be fitted.
    public static func estimate(_ window: MetricWindow, value: Double?, n: Int, minimumSample: Int) -> MetricValue {
        if let gated = gate(window, n: n, minimumSample: minimumSample) { return gated }
        guard let value, value.isFinite else { return MetricValue(window: window, value: nil, n: n, low: nil, high: nil, status: .noData) }
        return MetricValue(window: window, value: value, n: n, low: nil, high: nil, status: .ok)
    }

    /// 100 × numerator / denominator (NRR, GRR), no interval.
    public static func ratio(_ window: MetricWindow, numerator: Double, denominator: Double, n: Int, minimumSample: Int) -> MetricValue {
        if let gated = gate(window, n: n, minimumSample: minimumSample) { return gated }
        guard denominator > 0, numerator.isFinite else {
            return MetricValue(window: window, value: nil, n: n, low: nil, high: nil, status: .noData)
        }
        return MetricValue(window: window, value: 100 * numerator / denominator, n: n, low: nil, high: nil, status: .ok)
    }
}

/// The statistics behind the metric values: small, exact formulas, each stated in the catalog.
public enum MetricStatistics {
    /// The normal quantile of a two-sided 95% interval, as the definitions state it.
    public static let z = 1.96

    /// Wilson score interval of successes / n (as fractions in [0, 1]).
    public static func wilson(successes: Int, n: Int) -> (low: Double, high: Double) {
        guard n > 0 else { return (0, 1) }
        let nn = Double(n)
        let p = Double(successes) / nn
        let z2 = z * z
        let denominator = 1 + z2 / nn
        let center = (p + z2 / (2 * nn)) / denominator
        let half = z / denominator * (p * (1 - p) / nn + z2 / (4 * nn * nn)).squareRoot()
        return (max(0, center - half), min(1, center + half))
    }

    /// A net score (100 × (promoters − detractors) / n) with its normal-approximation interval:
    /// var = (p + d − (p − d)²) / n, 100 × (score ± 1.96·√var), clamped to [−100, 100].
    public static func netScore(promoters: Int, detractors: Int, n: Int) -> (value: Double, low: Double, high: Double) {
        let nn = Double(n)
        let p = Double(promoters) / nn
        let d = Double(detractors) / nn
        let score = p - d
        let variance = max(0, (p + d - score * score) / nn)
        let half = z * variance.squareRoot()
        return (100 * score, max(-100, 100 * (score - half)), min(100, 100 * (score + half)))
    }

    /// 1.96·s/√n with s² = Σ(x − mean)² / (n − 1).
    public static func meanHalfWidth(n: Int, squaredDeviations: Double) -> Double {
        guard n >= 2 else { return 0 }
        let s = (max(0, squaredDeviations) / Double(n - 1)).squareRoot()
        return z * s / Double(n).squareRoot()
    }

    /// The nearest rank of percentile p among n sorted values: ceil(p·n), at least 1.
    /// (p·n within 1e-9 of a whole number counts as that number, so 0.9 × 20 is rank 18.)
    public static func nearestRank(p: Double, n: Int) -> Int {
        guard n > 0 else { return 0 }
        let x = p * Double(n)
        let whole = x.rounded()
        let rank = abs(x - whole) < 1e-9 ? Int(whole) : Int(x.rounded(.up))
        return min(max(rank, 1), n)
    }

    /// The ranks (1-based) of the percentile and of its 95% interval among n sorted values:
    /// the nearest rank, and round(np − 1.96√(np(1−p))) and round(1 + np + 1.96√(np(1−p)))
    /// (Campbell & Gardner's distribution-free rule), clamped to [1, n].
    public static func percentileRanks(p: Double, n: Int) -> (value: Int, low: Int, high: Int) {
        guard n > 0 else { return (0, 0, 0) }
        let np = Double(n) * p
        let spread = z * (np * (1 - p)).squareRoot()
        let low = Int((np - spread).rounded(.toNearestOrAwayFromZero))
        let high = Int((1 + np + spread).rounded(.toNearestOrAwayFromZero))
        return (nearestRank(p: p, n: n), min(max(low, 1), n), min(max(high, 1), n))
    }

    /// The nearest-rank percentile of unsorted values (nil when empty).
    public static func percentile(_ values: [Double], p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        return sorted[nearestRank(p: p, n: sorted.count) - 1]
    }
}
