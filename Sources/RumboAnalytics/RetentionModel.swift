import Foundation

/// What every repeat-purchase model of a non-contractual customer base answers for one customer
/// (BG/NBD, MBG/NBD and Pareto/NBD), so that CLV and the holdout diagnostics work with any of them.
///
/// Time is in the unit of the histories the model was fitted on.
public protocol RepeatPurchaseModel: Sendable {
    /// A short name for reports, such as "BG/NBD".
    static var name: String { get }
    /// P(alive | x, t_x, T): the probability the customer is still active at the end of the
    /// calibration period.
    func probabilityAlive(_ history: PurchaseHistory) throws -> Double
    /// E[Y(t) | x, t_x, T]: the expected number of purchases in the next `horizon` units.
    func expectedPurchases(over horizon: Double, given history: PurchaseHistory) throws -> Double
    /// E[X(t)]: the expected repeat purchases of a new customer in their first `horizon` units.
    func expectedPurchases(over horizon: Double) throws -> Double
    /// The probability of at least one purchase in the next `horizon` units.
    func probabilityOfPurchase(over horizon: Double, given history: PurchaseHistory) throws -> Double
}

extension BGNBDModel: RepeatPurchaseModel {
    public static var name: String { "BG/NBD" }
}

extension MBGNBDModel: RepeatPurchaseModel {
    public static var name: String { "MBG/NBD" }
}

extension ParetoNBDModel: RepeatPurchaseModel {
    public static var name: String { "Pareto/NBD" }
}
