import Foundation

/// Standard errors of maximum-likelihood estimates from the observed information: the inverse
/// of the Hessian of the negative total log-likelihood at the optimum is the asymptotic
/// covariance of the estimates, and the square roots of its diagonal are the standard errors.
public struct ParameterStandardErrors: Sendable, Hashable {
    /// The parameter names, in the model's order (for example r, alpha, a, b).
    public let names: [String]
    /// The estimates the errors belong to.
    public let estimates: [Double]
    /// One standard error per parameter, in the order of `names`.
    public let standardErrors: [Double]
    /// The asymptotic covariance matrix of the estimates.
    public let covariance: [[Double]]

    /// The standard error of the parameter called `name`, or nil for an unknown name.
    public func standardError(of name: String) -> Double? {
        names.firstIndex(of: name).map { standardErrors[$0] }
    }

    /// Computes the observed information at `estimates` by central differences of the analytic
    /// gradient (relative step 1e-5, symmetrised), and inverts it by Cholesky factorisation.
    ///
    /// - Parameters:
    ///   - objective: the total log-likelihood and its gradient with respect to the parameters.
    /// - Throws: `singularInformation` when the information is not positive definite (the
    ///   point is not a strict maximum, or the data cannot identify every parameter), and
    ///   `fitFailed` when the gradient is not finite next to the estimates.
    static func observedInformation(
        names: [String], estimates: [Double], _ objective: ([Double]) -> (value: Double, gradient: [Double])?
    ) throws -> ParameterStandardErrors {
        let n = estimates.count
        var hessian = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for j in 0..<n {
            let h = 1e-5 * estimates[j]
            var up = estimates
            var down = estimates
            up[j] += h
            down[j] -= h
            guard let gUp = objective(up)?.gradient, let gDown = objective(down)?.gradient else {
                throw AnalyticsError(.fitFailed, "the log-likelihood is not finite next to the estimates")
            }
            for i in 0..<n { hessian[i][j] = (gUp[i] - gDown[i]) / (2 * h) }
        }
        // Information = −Hessian of the log-likelihood, symmetrised.
        var information = hessian
        for i in 0..<n {
            for j in 0..<n { information[i][j] = -(hessian[i][j] + hessian[j][i]) / 2 }
        }
        guard let covariance = Self.inverseOfPositiveDefinite(information) else {
            throw AnalyticsError(
                .singularInformation,
                "the observed information is not positive definite at the estimates: the data do not pin down every parameter")
        }
        let errors = (0..<n).map { covariance[$0][$0].squareRoot() }
        return ParameterStandardErrors(names: names, estimates: estimates, standardErrors: errors, covariance: covariance)
    }

    /// The inverse of a symmetric positive definite matrix by Cholesky factorisation, with the
    /// matrix first scaled to unit diagonal (parameters of very different sizes otherwise make a
    /// well-posed matrix look badly conditioned); nil if it is not positive definite.
    static func inverseOfPositiveDefinite(_ m: [[Double]]) -> [[Double]]? {
        let n = m.count
        guard (0..<n).allSatisfy({ m[$0][$0] > 0 && m[$0][$0].isFinite }) else { return nil }
        let scale = (0..<n).map { 1 / m[$0][$0].squareRoot() }
        var a = m
        for i in 0..<n {
            for j in 0..<n { a[i][j] *= scale[i] * scale[j] }
        }
        // A = L Lᵀ
        var l = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for j in 0..<n {
            var d = a[j][j]
            for k in 0..<j { d -= l[j][k] * l[j][k] }
            guard d > 1e-12 else { return nil }
            l[j][j] = d.squareRoot()
            for i in (j + 1)..<n {
                var v = a[i][j]
                for k in 0..<j { v -= l[i][k] * l[j][k] }
                l[i][j] = v / l[j][j]
            }
        }
        // Solve L Lᵀ X = I column by column.
        var inverse = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for column in 0..<n {
            var y = [Double](repeating: 0, count: n)
            for i in 0..<n {
                var v = i == column ? 1.0 : 0
                for k in 0..<i { v -= l[i][k] * y[k] }
                y[i] = v / l[i][i]
            }
            var x = [Double](repeating: 0, count: n)
            for i in stride(from: n - 1, through: 0, by: -1) {
                var v = y[i]
                for k in (i + 1)..<n { v -= l[k][i] * x[k] }
                x[i] = v / l[i][i]
            }
            for i in 0..<n { inverse[i][column] = x[i] * scale[i] * scale[column] }
        }
        // Exactly symmetric, whatever the rounding of the two triangular solves.
        for i in 0..<n {
            for j in 0..<i {
                let mean = (inverse[i][j] + inverse[j][i]) / 2
                inverse[i][j] = mean
                inverse[j][i] = mean
            }
        }
        return inverse
    }
}

extension BGNBDFit {
    /// Standard errors of r, alpha, a, b from the observed information on `data`, which must be
    /// the data the model was fitted on.
    ///
    /// - Throws: `singularInformation` when the information is not positive definite.
    public func standardErrors(_ data: SufficientStatistics) throws -> ParameterStandardErrors {
        let m = model
        return try .observedInformation(
            names: ["r", "alpha", "a", "b"], estimates: [m.r, m.alpha, m.a, m.b],
            BetaGeometricNBD.objective(IndexedHistories(data), dropoutAtStart: false))
    }
}

extension MBGNBDFit {
    /// Standard errors of r, alpha, a, b from the observed information on `data`, which must be
    /// the data the model was fitted on.
    ///
    /// - Throws: `singularInformation` when the information is not positive definite.
    public func standardErrors(_ data: SufficientStatistics) throws -> ParameterStandardErrors {
        let m = model
        return try .observedInformation(
            names: ["r", "alpha", "a", "b"], estimates: [m.r, m.alpha, m.a, m.b],
            BetaGeometricNBD.objective(IndexedHistories(data), dropoutAtStart: true))
    }
}

extension ParetoNBDFit {
    /// Standard errors of r, alpha, s, beta from the observed information on `data`, which must
    /// be the data the model was fitted on.
    ///
    /// - Throws: `singularInformation` when the information is not positive definite.
    public func standardErrors(_ data: SufficientStatistics) throws -> ParameterStandardErrors {
        let m = model
        return try .observedInformation(
            names: ["r", "alpha", "s", "beta"], estimates: [m.r, m.alpha, m.s, m.beta],
            ParetoNBDModel.objective(IndexedHistories(data)))
    }
}

extension GammaGammaFit {
    /// Standard errors of p, q, gamma from the observed information on `observations`, which
    /// must be the repeat buyers the model was fitted on.
    ///
    /// - Throws: `singularInformation` when the information is not positive definite;
    ///   `invalidHistory` for an invalid observation.
    public func standardErrors(_ observations: [GammaGammaModel.Observation]) throws -> ParameterStandardErrors {
        let m = model
        return try .observedInformation(
            names: ["p", "q", "gamma"], estimates: [m.p, m.q, m.gamma],
            GammaGammaModel.objective(try GammaGammaModel.grouped(observations)))
    }
}
