import Foundation

/// The retention metrics of the catalog that come from the customer-base models (Pareto/NBD and
/// Gamma-Gamma) rather than from counting rows: the share of customers still active, the share at
/// risk, and the mean customer lifetime value.
///
/// The models are fitted once, on every order up to `fitEnd` (the query's last day or `asOf`,
/// whichever is earlier), in weeks. Each window then evaluates, with those parameters, every
/// customer whose first order is on or before the window's last day, on their history as of that
/// day (x, t_x and T counted up to it). n is the number of customers evaluated.
public enum CustomerBaseMetrics {
    public enum Measure: Sendable, Hashable {
        /// Mean P(alive), in percent.
        case activeShare
        /// The share of customers with P(alive) below the threshold, in percent.
        case atRiskShare(threshold: Double)
        /// Mean expected spend over the horizon (weeks): Gamma-Gamma spend × expected purchases.
        case meanValue(horizonWeeks: Double)
    }

    /// One value per window end (in order); nil values when the models cannot be fitted on the data
    /// (too few customers or repeat buyers). `members`, when given, restricts the customers
    /// evaluated (a segment); the fit always uses every customer.
    public static func evaluate(
        _ transactions: [Transaction], windowEnds: [DayNumber], fitEnd: DayNumber, members: Set<String>?, measure: Measure
    ) -> [(value: Double?, n: Int)] {
        // customer → sorted (day, amount summed over the day)
        var byCustomer: [String: [Int: Double]] = [:]
        for t in transactions where t.amount.isFinite && t.amount >= 0 && !t.customerID.isEmpty {
            byCustomer[t.customerID, default: [:]][t.day.value, default: 0] += t.amount
        }
        let customers = byCustomer.map { (id: $0.key, days: $0.value.sorted { $0.key < $1.key }) }.sorted { $0.id < $1.id }
        let evaluated = members.map { set in customers.filter { set.contains($0.id) } } ?? customers
        let counts = windowEnds.map { end in evaluated.reduce(0) { $0 + ($1.days[0].key <= end.value ? 1 : 0) } }
        func noValues() -> [(value: Double?, n: Int)] { counts.map { (nil, $0) } }

        let fitted = transactions.filter { $0.day <= fitEnd }
        guard !fitted.isEmpty, let summaries = try? CustomerSummaries.make(from: fitted, calibrationEnd: fitEnd, timeUnit: .weeks, skipCustomersStartingAfterEnd: true),
            let model = try? ParetoNBDModel.fit(try SufficientStatistics(summaries)).model
        else { return noValues() }
        var spend: GammaGammaModel?
        if case .meanValue = measure {
            spend = try? GammaGammaModel.fit(GammaGammaModel.observations(from: summaries).filter { $0.meanSpend > 0 }).model
            if spend == nil { return noValues() }
        }

        var cache: [PurchaseHistory: Double] = [:]
        var result: [(value: Double?, n: Int)] = []
        for (w, end) in windowEnds.enumerated() {
            var total = 0.0
            for customer in evaluated {
                let first = customer.days[0].key
                guard first <= end.value else { continue }
                var x = 0
                var last = first
                var repeatSpend = 0.0
                for (day, amount) in customer.days.dropFirst() where day <= end.value {
                    x += 1
                    last = day
                    repeatSpend += amount
                }
                let history = PurchaseHistory(frequency: x, recency: Double(last - first) / 7, age: Double(end.value - first) / 7)
                let score: Double?
                switch measure {
                case .activeShare, .atRiskShare:
                    score = cache[history] ?? (try? model.probabilityAlive(history))
                    if let score { cache[history] = score }
                case .meanValue(let horizon):
                    let purchases = cache[history] ?? (try? model.expectedPurchases(over: horizon, given: history))
                    if let purchases { cache[history] = purchases }
                    let perPurchase = try? spend!.expectedAverageSpend(frequency: x, meanSpend: x > 0 ? repeatSpend / Double(x) : 0)
                    score = purchases.flatMap { p in perPurchase.map { p * $0 } }
                }
                guard let score, score.isFinite else { return noValues() }
                switch measure {
                case .activeShare: total += score
                case .atRiskShare(let threshold): total += score < threshold ? 1 : 0
                case .meanValue: total += score
                }
            }
            let n = counts[w]
            guard n > 0 else {
                result.append((nil, 0))
                continue
            }
            switch measure {
            case .activeShare, .atRiskShare: result.append((100 * total / Double(n), n))
            case .meanValue: result.append((total / Double(n), n))
            }
        }
        return result
    }
}
