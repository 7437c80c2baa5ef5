import Foundation

/// How a maximum-likelihood fit ended.
public struct FitDiagnostics: Sendable, Hashable, Codable {
    /// BFGS iterations used (summed over starts).
    public var iterations: Int
    /// Objective evaluations used (summed over starts).
    public var evaluations: Int
    /// The largest absolute gradient component of the total log-likelihood with respect to the
    /// log-parameters at the optimum.
    public var gradientNorm: Double
    /// Whether the optimum was reached: the gradient test max |∂ℓ/∂log θᵢ| ≤ 1e-9 · max(1, |ℓ|) was
    /// met, or, where that asks for more than the likelihood can resolve, a Newton step predicts
    /// an improvement of at most 1e-6 in ℓ and a relative change of at most 1e-6 in every parameter.
    /// Otherwise the fit stopped for lack of progress.
    public var converged: Bool
    /// Wall-clock seconds spent fitting.
    public var seconds: Double
}

/// A minimiser for smooth functions of a few variables: BFGS with an Armijo backtracking line
/// search (safeguarded quadratic interpolation) on the inverse-Hessian approximation, restarted
/// from the identity when the curvature condition fails. Non-finite objective values are treated
/// as +∞, so the line search simply steps back into the region where the model is defined.
struct BFGSMinimizer: Sendable {
    /// Stop when max |∂f/∂xᵢ| ≤ gradientTolerance · max(1, |f|): relative, because the gradient of
    /// a total log-likelihood cannot be resolved below about 1e-12 of its value.
    var gradientTolerance = 1e-9
    /// Give up after this many iterations.
    var maxIterations = 500
    /// The largest first trial move in any coordinate (a factor e^2 on a log-parameter), which
    /// keeps the search away from far regions where the likelihood is expensive or overflows.
    var maxTrialStep = 2.0

    struct Result {
        var x: [Double]
        var value: Double
        var gradient: [Double]
        var iterations: Int
        var evaluations: Int
        var converged: Bool
    }

    /// Minimises `f`, which returns the value and gradient at a point (or nil where undefined).
    func minimize(start: [Double], _ f: ([Double]) -> (value: Double, gradient: [Double])?) -> Result? {
        let n = start.count
        var evaluations = 1
        guard var current = f(start), current.value.isFinite, current.gradient.allSatisfy(\.isFinite) else { return nil }
        var x = start
        var h = Self.identity(n)
        var iterations = 0
        var converged = false
        var stalls = 0
        while iterations < maxIterations {
            if isConverged(current) {
                converged = true
                break
            }
            iterations += 1
            var direction = Self.multiply(h, current.gradient).map { -$0 }
            var slope = Self.dot(direction, current.gradient)
            if !(slope < 0) {
                h = Self.identity(n)
                direction = current.gradient.map { -$0 }
                slope = Self.dot(direction, current.gradient)
            }
            // Keep the first trial step moderate in log-parameter space.
            let maxStep = direction.map(abs).max()!
            var step = maxStep > maxTrialStep ? maxTrialStep / maxStep : 1.0
            var accepted: (x: [Double], value: Double, gradient: [Double])?
            for _ in 0..<60 {
                let trial = zip(x, direction).map { $0 + step * $1 }
                evaluations += 1
                let r = f(trial)
                if let r, r.value.isFinite, r.gradient.allSatisfy(\.isFinite),
                    r.value <= current.value + 1e-4 * step * slope
                {
                    accepted = (trial, r.value, r.gradient)
                    break
                } else if let r, r.value.isFinite {
                    // Quadratic interpolation of the step, kept within [0.1, 0.5] of the old one.
                    let denominator = 2 * (r.value - current.value - slope * step)
                    let proposal = denominator > 0 ? -slope * step * step / denominator : step / 2
                    step = min(max(proposal, 0.1 * step), 0.5 * step)
                } else {
                    step *= 0.25
                }
            }
            guard let next = accepted else {
                // No decrease along the direction: retry once from the identity, then stop.
                if stalls == 0 && !Self.isIdentity(h) {
                    stalls += 1
                    h = Self.identity(n)
                    continue
                }
                break
            }
            stalls = 0
            let s = zip(next.x, x).map { $0 - $1 }
            let y = zip(next.gradient, current.gradient).map { $0 - $1 }
            let sy = Self.dot(s, y)
            let decrease = current.value - next.value
            x = next.x
            current = (next.value, next.gradient)
            if sy > 1e-12 * sqrt(Self.dot(s, s) * Self.dot(y, y)) {
                // H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ
                let rho = 1 / sy
                let hy = Self.multiply(h, y)
                let yhy = Self.dot(y, hy)
                for i in 0..<n {
                    for j in 0..<n {
                        h[i][j] += -rho * (hy[i] * s[j] + s[i] * hy[j]) + (rho * rho * yhy + rho) * s[i] * s[j]
                    }
                }
            } else {
                h = Self.identity(n)
            }
            if decrease <= 1e-15 * max(1, abs(current.value)) && s.map(abs).max()! < 1e-12 {
                break
            }
        }
        if isConverged(current) { converged = true }
        var result = Result(
            x: x, value: current.value, gradient: current.gradient, iterations: iterations, evaluations: evaluations,
            converged: converged)
        if !converged { polish(&result, f) }
        return result
    }

    /// Newton steps with the Hessian from central differences of the gradient, for when BFGS
    /// stalls just short of the gradient test. On a large data set the relative gradient test asks
    /// for more than the objective can resolve (a million customers put |ℓ| near 4e6, and a
    /// gradient of 1e-2 in a flat direction such as Pareto/NBD's β is worth an improvement of
    /// 1e-9 in ℓ, below its rounding). A Newton step is kept if it does not increase f; the fit
    /// counts as converged when the Newton step predicts an improvement of at most 1e-6 in ℓ and
    /// moves no parameter by more than 1e-6 relative, i.e. the optimum is found to the resolution
    /// of the likelihood itself.
    func polish(_ result: inout Result, _ f: ([Double]) -> (value: Double, gradient: [Double])?) {
        let n = result.x.count
        let h = 1e-4
        for _ in 0..<5 where !isConverged((result.value, result.gradient)) {
            var hessian = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
            for j in 0..<n {
                var up = result.x
                var down = result.x
                up[j] += h
                down[j] -= h
                result.evaluations += 2
                guard let gUp = f(up)?.gradient, let gDown = f(down)?.gradient else { return }
                for i in 0..<n { hessian[i][j] = (gUp[i] - gDown[i]) / (2 * h) }
            }
            for i in 0..<n {
                for j in 0..<i {
                    let mean = (hessian[i][j] + hessian[j][i]) / 2
                    hessian[i][j] = mean
                    hessian[j][i] = mean
                }
            }
            guard let inverse = ParameterStandardErrors.inverseOfPositiveDefinite(hessian) else { return }
            let step = Self.multiply(inverse, result.gradient).map { -$0 }
            // gᵀH⁻¹g: twice the improvement the quadratic model predicts.
            let decrement = -Self.dot(result.gradient, step)
            let trial = zip(result.x, step).map { $0 + $1 }
            result.evaluations += 1
            let next = f(trial)
            if let next, next.value.isFinite, next.gradient.allSatisfy(\.isFinite), next.value <= result.value {
                result.x = trial
                result.value = next.value
                result.gradient = next.gradient
                result.iterations += 1
            }
            if decrement <= 2e-6 && step.map(abs).max()! <= 1e-6 {
                result.converged = true
                return
            }
            if result.x != trial { return }
        }
        result.converged = isConverged((result.value, result.gradient))
    }

    private func isConverged(_ point: (value: Double, gradient: [Double])) -> Bool {
        point.gradient.map(abs).max()! <= gradientTolerance * max(1, abs(point.value))
    }

    static func identity(_ n: Int) -> [[Double]] {
        (0..<n).map { i in (0..<n).map { $0 == i ? 1 : 0 } }
    }

    static func isIdentity(_ m: [[Double]]) -> Bool {
        m == identity(m.count)
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }

    static func multiply(_ m: [[Double]], _ v: [Double]) -> [Double] {
        m.map { dot($0, v) }
    }
}

/// Fits a model by maximising its total log-likelihood over log-parameters: from the first start,
/// then from the next ones only while no start has converged, keeping the best finite optimum.
enum MaximumLikelihood {
    /// - Parameters:
    ///   - starts: starting points in parameter space (all positive).
    ///   - logLikelihoodAndGradient: total log-likelihood and its gradient with respect to the
    ///     parameters (not their logs), or nil where undefined.
    static func fit(
        starts: [[Double]],
        tolerance: Double = 1e-9,
        _ logLikelihoodAndGradient: ([Double]) -> (value: Double, gradient: [Double])?
    ) throws -> (parameters: [Double], logLikelihood: Double, diagnostics: FitDiagnostics) {
        let clock = ContinuousClock()
        let began = clock.now
        var best: BFGSMinimizer.Result?
        var iterations = 0
        var evaluations = 0
        let minimizer = BFGSMinimizer(gradientTolerance: tolerance)
        for start in starts {
            let logStart = start.map { log($0) }
            let result = minimizer.minimize(start: logStart) { u in
                let theta = u.map { exp($0) }
                guard theta.allSatisfy({ $0.isFinite && $0 > 0 }), let r = logLikelihoodAndGradient(theta) else { return nil }
                // Minimise −ℓ; ∂(−ℓ)/∂uᵢ = −θᵢ ∂ℓ/∂θᵢ.
                return (-r.value, zip(theta, r.gradient).map { -$0 * $1 })
            }
            guard let result else { continue }
            iterations += result.iterations
            evaluations += result.evaluations
            if best == nil || result.value < best!.value { best = result }
            // Further starts are a fallback for a start that did not converge.
            if best!.converged { break }
        }
        guard let best else {
            throw AnalyticsError(.fitFailed, "the likelihood is not finite at any starting point")
        }
        let elapsed = clock.now - began
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return (
            best.x.map { exp($0) }, -best.value,
            FitDiagnostics(
                iterations: iterations, evaluations: evaluations, gradientNorm: best.gradient.map(abs).max()!,
                converged: best.converged, seconds: seconds)
        )
    }
}
