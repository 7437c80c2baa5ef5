import Foundation
import Testing

@testable import RumboAnalytics

@Suite("Standard errors")
struct StandardErrorTests {
    /// Standard errors from second differences of the log-likelihood values alone (no gradient):
    /// an independent check of the observed information computed from the analytic gradient.
    static func fromValues(_ estimates: [Double], _ f: ([Double]) -> Double) -> [Double] {
        let n = estimates.count
        let h = estimates.map { 1e-4 * $0 }
        var information = [[Double]](repeating: [Double](repeating: 0, count: n), count: n)
        for i in 0..<n {
            for j in 0..<n {
                func at(_ di: Double, _ dj: Double) -> Double {
                    var p = estimates
                    p[i] += di * h[i]
                    p[j] += dj * h[j]
                    return f(p)
                }
                information[i][j] = -(at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h[i] * h[j])
            }
        }
        let covariance = ParameterStandardErrors.inverseOfPositiveDefinite(information)!
        return (0..<n).map { covariance[$0][$0].squareRoot() }
    }

    static func check(_ se: ParameterStandardErrors, against independent: [Double]) {
        for (i, name) in se.names.enumerated() {
            let e = se.standardErrors[i]
            #expect(e.isFinite && e > 0, "\(name)")
            // Smaller than the estimate itself: the CDNOW sample pins every parameter down.
            #expect(e < se.estimates[i], "\(name): \(e)")
            #expect(abs(e - independent[i]) < 1e-3 * e, "\(name): \(e) vs \(independent[i])")
            #expect(se.standardError(of: name) == e)
        }
        for i in 0..<se.names.count {
            for j in 0..<se.names.count { #expect(se.covariance[i][j] == se.covariance[j][i]) }
        }
    }

    @Test("BG/NBD on CDNOW: positive, finite, and equal to the second differences of the likelihood")
    func bgnbd() throws {
        let fit = try BGNBDModel.fit(CDNOW.statistics)
        let se = try fit.standardErrors(CDNOW.statistics)
        #expect(se.names == ["r", "alpha", "a", "b"])
        Self.check(se, against: Self.fromValues(se.estimates) { BGNBDModel.total($0, CDNOW.statistics, gradient: false).value })
    }

    @Test("MBG/NBD on CDNOW")
    func mbgnbd() throws {
        let fit = try MBGNBDModel.fit(CDNOW.statistics)
        let se = try fit.standardErrors(CDNOW.statistics)
        Self.check(se, against: Self.fromValues(se.estimates) { MBGNBDModel.total($0, CDNOW.statistics, gradient: false).value })
    }

    @Test("Pareto/NBD on CDNOW")
    func pareto() throws {
        let fit = try ParetoNBDModel.fit(CDNOW.statistics)
        let se = try fit.standardErrors(CDNOW.statistics)
        #expect(se.names == ["r", "alpha", "s", "beta"])
        Self.check(se, against: Self.fromValues(se.estimates) { ParetoNBDModel.total($0, CDNOW.statistics)! })
    }

    @Test("Gamma-Gamma on the 946 repeat buyers")
    func gammaGamma() throws {
        let observations = GammaGammaModel.observations(from: CDNOW.summaries)
        let fit = try GammaGammaModel.fit(observations)
        let se = try fit.standardErrors(observations)
        #expect(se.names == ["p", "q", "gamma"])
        let check = Self.fromValues(se.estimates) { p in
            observations.reduce(0) { $0 + GammaGammaModel.term(p: p[0], q: p[1], gamma: p[2], $1, gradient: false).value }
        }
        Self.check(se, against: check)
    }

    @Test("Ten times the customers, a third of the error (√10)")
    func scalesWithSampleSize() throws {
        let tenfold = try SufficientStatistics(CDNOW.statistics.groups.map { g in
            SufficientStatistics.Group(history: g.history, count: g.count * 10)
        }.flatMap { g in Array(repeating: g.history, count: g.count) })
        let fit = try BGNBDModel.fit(CDNOW.statistics)
        let one = try fit.standardErrors(CDNOW.statistics)
        let ten = try fit.standardErrors(tenfold)
        for i in 0..<4 { #expect(abs(one.standardErrors[i] / ten.standardErrors[i] - 10.0.squareRoot()) < 1e-6) }
    }

    @Test("A point that is not a maximum has no standard errors")
    func notAMaximum() {
        // An indefinite matrix (a saddle point) has no inverse covariance.
        let m = [[1.0, 2.0], [2.0, 1.0]]
        #expect(ParameterStandardErrors.inverseOfPositiveDefinite(m) == nil)
        let identity = ParameterStandardErrors.inverseOfPositiveDefinite([[4, 0], [0, 0.25]])!
        #expect(identity == [[0.25, 0], [0, 4]])
    }
}
