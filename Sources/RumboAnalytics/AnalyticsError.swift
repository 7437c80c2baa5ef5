import Foundation

/// An error raised by the customer-base analytics: bad input data, an impossible model
/// configuration, or a numerical routine that could not reach the requested accuracy.
///
/// Every error carries a stable machine-readable ``Code`` and a human-readable message, so a
/// caller (CLI, server) can map it to a clear message instead of emitting a NaN.
public struct AnalyticsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, as a stable identifier.
    public enum Code: String, Sendable, Hashable, Codable {
        /// No transactions or no customers were given.
        case emptyInput
        /// A transaction amount is negative.
        case negativeAmount
        /// A transaction amount is NaN or infinite.
        case nonFiniteAmount
        /// A transaction has an empty customer identifier.
        case emptyCustomerID
        /// Every purchase happens after the calibration end.
        case calibrationEndBeforeAllPurchases
        /// A customer's first purchase happens after the calibration end.
        case firstPurchaseAfterCalibrationEnd
        /// The holdout end lies before the calibration end.
        case holdoutEndBeforeCalibrationEnd
        /// A purchase history is inconsistent (negative frequency, recency outside [0, age], …).
        case invalidHistory
        /// A model parameter is not a positive finite number.
        case invalidParameter
        /// A forecast horizon is negative or not finite.
        case invalidHorizon
        /// The data cannot identify the model (for example Gamma-Gamma without repeat buyers).
        case insufficientData
        /// A series (the Gauss hypergeometric function) did not converge.
        case seriesDidNotConverge
        /// The maximum-likelihood optimizer found no finite likelihood or did not converge.
        case fitFailed
        /// The observed information is not positive definite, so there are no standard errors.
        case singularInformation
    }

    /// The stable error code.
    public let code: Code
    /// A human-readable explanation, naming the offending customer or value where possible.
    public let message: String

    /// Creates an error with a code and a message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
