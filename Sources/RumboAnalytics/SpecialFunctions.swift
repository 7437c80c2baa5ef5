import Foundation

/// Special functions used by the customer-base models. Internal; exposed to tests via
/// `@testable import`.
enum SpecialFunctions {
    /// The digamma function ψ(x) = d/dx log Γ(x) for x > 0.
    ///
    /// Uses the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10, then the asymptotic expansion,
    /// accurate to about 1e-15 relative.
    static func digamma(_ x: Double) -> Double {
        precondition(x > 0, "digamma is only used for positive arguments")
        var x = x
        var result = 0.0
        while x < 10 {
            result -= 1 / x
            x += 1
        }
        let inv = 1 / x
        let inv2 = inv * inv
        // ψ(x) ≈ log x − 1/(2x) − Σ B_{2k}/(2k x^{2k})
        let series =
            inv2
            * (1.0 / 12 - inv2 * (1.0 / 120 - inv2 * (1.0 / 252 - inv2 * (1.0 / 240 - inv2 * (1.0 / 132 - inv2 * 691.0 / 32760)))))
        return result + log(x) - 0.5 * inv - series
    }

    /// log(e^x + e^y) without overflow.
    static func logAddExp(_ x: Double, _ y: Double) -> Double {
        if x == -.infinity { return y }
        if y == -.infinity { return x }
        let m = max(x, y)
        return m + log1p(exp(-abs(x - y)))
    }

    /// log(e^x − e^y) for x ≥ y; −∞ when x == y.
    static func logSubExp(_ x: Double, _ y: Double) -> Double {
        if y == -.infinity { return x }
        let d = y - x
        if d >= 0 { return -.infinity }
        return x + log(-expm1(d))
    }

    /// (e^{εL} − 1)/ε, continuous at ε = 0 (where it equals L).
    static func expm1Ratio(_ epsilon: Double, _ l: Double) -> Double {
        if epsilon == 0 { return l }
        return expm1(epsilon * l) / epsilon
    }

    /// Sums a power series Σ_{n≥0} t_n whose term ratio is t_{n+1}/t_n = ratio(n), with t_0 = first.
    ///
    /// Stops when the remaining tail is provably below `tolerance` relative to `scale` (or to the
    /// running sum when `scale` is nil), using `tailRatioBound(n)` — an upper bound on
    /// |t_{m+1}/t_m| for every m ≥ n, or nil when no bound below 1 is known yet.
    /// Returns nil when `maxTerms` terms do not suffice.
    static func sumSeries(
        first: Double,
        maxTerms: Int = 2_000_000,
        tolerance: Double = 1e-16,
        scale: Double? = nil,
        ratio: (Int) -> Double,
        tailRatioBound: (Int) -> Double?
    ) -> Double? {
        var term = first
        var sum = first
        var compensation = 0.0
        if term == 0 { return sum }
        for n in 0..<maxTerms {
            term *= ratio(n)
            // Kahan–Babuška summation: the terms may alternate in sign for a few steps.
            let t = sum + term
            if abs(sum) >= abs(term) {
                compensation += (sum - t) + term
            } else {
                compensation += (term - t) + sum
            }
            sum = t
            if term == 0 { return sum + compensation }
            if let q = tailRatioBound(n + 1), q < 1 {
                let tail = abs(term) * q / (1 - q)
                let reference = max(abs(scale ?? (sum + compensation)), Double.leastNormalMagnitude)
                if tail <= tolerance * reference { return sum + compensation }
            }
            if !sum.isFinite { return nil }
        }
        return nil
    }

    /// log ₂F₁(a, b; a + 1; z) for a > 0, b > 0 and 0 ≤ z < 1 (the form in the Pareto/NBD
    /// likelihood).
    ///
    /// Uses Euler's transformation ₂F₁(a, b; a+1; z) = (1 − z)^{1−b} ₂F₁(1, a+1−b; a+1; z): the
    /// transformed series has terms (a+1−b)_n/(a+1)_n zⁿ of modulus at most zⁿ·C, so it never
    /// overflows however large b is, and its tail is bounded rigorously. Returns nil if the series
    /// does not converge within the term budget (z extremely close to 1).
    static func log2F1ShiftedC(a: Double, b: Double, z: Double) -> Double? {
        precondition(a > 0 && b > 0 && z >= 0 && z < 1)
        if z == 0 { return 0 }
        let c1 = a + 1 - b
        let c2 = a + 1
        // Terms t_n = (c1)_n/(c2)_n zⁿ; c1 = a+1−b may be ≤ 0 for a few terms. Once c1 + n > 0 the
        // ratio (c1+n)/(c2+n)·z increases towards z, so the tail after t_n is at most t_n·z/(1−z).
        // (A hand-written loop: this is the inner loop of the Pareto/NBD fit.)
        var term = 1.0
        var sum = 1.0
        var converged = false
        let tailFactor = z / (1 - z)
        for n in 0..<2_000_000 {
            let m = Double(n)
            term *= (c1 + m) / (c2 + m) * z
            sum += term
            if term == 0 || (c1 + m + 1 > 0 && abs(term) * tailFactor <= 1e-16 * abs(sum)) {
                converged = true
                break
            }
        }
        guard converged, sum.isFinite else { return nil }
        let s = sum
        guard s > 0 else { return nil }
        return (1 - b) * log1p(-z) + log(s)
    }

    /// log S and its partial derivatives, where S(c₁, c₂; z) = Σ_{n≥0} (c₁)ₙ/(c₂)ₙ zⁿ
    /// = ₂F₁(1, c₁; c₂; z), for 0 < c₁ < c₂ and 0 ≤ z < 1 (the Euler-transformed series of the
    /// Pareto/NBD integrals).
    ///
    /// The derivatives of each term tₙ follow the same recursion as the terms
    /// (t_{n+1} = tₙ ρₙ, ρₙ = (c₁+n)/(c₂+n) z), so all four series are summed in one loop. Every
    /// term is positive (negative for ∂/∂c₂), and from index n on every term ratio of every one of
    /// the four series is at most z(n+1)/n, which bounds each tail rigorously. Nil when 10,000
    /// terms do not suffice (z > 0.996): the fit then treats that region as outside the domain
    /// rather than spending seconds per likelihood there (data without any dropout drives the
    /// parameters that way).
    static func logShiftedSeries(c1: Double, c2: Double, z: Double) -> (value: Double, dc1: Double, dc2: Double, dz: Double)? {
        precondition(c1 > 0 && c2 > c1 && z >= 0 && z < 1)
        if z == 0 { return (0, 0, 0, c1 / c2) }
        var t = 1.0
        var (sum, sumZ, sumC1, sumC2) = (1.0, 0.0, 0.0, 0.0)
        var (u, v, w) = (0.0, 0.0, 0.0)
        for n in 0..<10_000 {
            let m = Double(n)
            let inverse = 1 / (c2 + m)
            let ratio = (c1 + m) * inverse
            let rho = ratio * z
            u = u * rho + t * ratio
            v = v * rho + t * z * inverse
            w = w * rho - t * rho * inverse
            t *= rho
            sum += t
            sumZ += u
            sumC1 += v
            sumC2 += w
            let q = z * (m + 2) / (m + 1)
            if q < 1 {
                let tail = q / (1 - q)
                if t * tail <= 1e-16 * sum && u * tail <= 1e-16 * sumZ && v * tail <= 1e-16 * sumC1
                    && -w * tail <= -1e-16 * sumC2
                {
                    guard sum.isFinite else { return nil }
                    return (log(sum), sumC1 / sum, sumC2 / sum, sumZ / sum)
                }
            }
        }
        return nil
    }

    /// The Gauss hypergeometric function ₂F₁(a, b; c; z) by its power series, for c > 0 and
    /// 0 ≤ z < 1, with a rigorous tail bound. Returns nil when the series does not converge within
    /// the term budget (z extremely close to 1). Callers that need large parameters should first
    /// transform to a series with bounded terms, as the model code does.
    static func hypergeometric2F1(a: Double, b: Double, c: Double, z: Double) -> Double? {
        precondition(c > 0 && z >= 0 && z < 1)
        if z == 0 || a == 0 || b == 0 { return 1 }
        return sumSeries(
            first: 1,
            ratio: { n in
                let m = Double(n)
                return (a + m) * (b + m) / ((c + m) * (m + 1)) * z
            },
            tailRatioBound: { n in
                let m = Double(n)
                // Past the point where a+m, b+m > 0 and c+m > 0, each factor (a+k)/(c+k) and
                // (b+k)/(1+k) is monotone in k with limit 1, so its sup over k ≥ m is max(1, value at m).
                guard a + m > 0, b + m > 0 else { return nil }
                return max(1, (a + m) / (c + m)) * max(1, (b + m) / (m + 1)) * z
            })
    }
}

/// log Γ(x) for x > 0 (the C library's lgamma, disambiguated from Glibc's tuple-returning overload).
@inline(__always)
func logGamma(_ x: Double) -> Double {
    let value: Double = lgamma(x)
    return value
}
