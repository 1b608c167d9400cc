import Foundation

/// Limited-memory BFGS (Nocedal, "Updating quasi-Newton matrices with limited storage", Math.
/// Comp. 1980), its direction computed in the compact form (`CompactLBFGSHistory`), equal to
/// the two-loop recursion of Nocedal & Wright, Numerical Optimization, Alg. 7.4)
/// with the strong-Wolfe line search of Moré & Thuente (`MoreThuente`), as L-BFGS-B uses it.
/// The curvature condition guarantees sᵀy > 0 and so a positive-definite update on smooth
/// convex objectives. (A weak-Wolfe search by bisection, used before, accepted steps that
/// overshot the minimum along the line and needed 1.5–1.7× the iterations of scipy's L-BFGS-B
/// to reach the same gradient tolerance on bow models; with this search the paths agree to
/// about 10⁻⁸ in the objective over the first 50 iterations.)
package struct LBFGS: Sendable {
    /// Pairs of (step, gradient change) kept, at most: fewer when `memory` pairs of the
    /// problem's size would take more than `historyBytes`.
    package var memory = 10
    /// The history's bound (pairs are kept in Float32: 8 bytes per variable each). Problems of
    /// up to 2.3M variables keep all 10 pairs; bow's 4.2M weights at a million rows keep 5,
    /// with which the fits took the same iterations and mean PVI moved by 3·10⁻⁶ bits
    /// (docs/benchmarks.md).
    package var historyBytes = 176 << 20
    /// The pairs kept for `variables` variables: `memory`, bounded by `historyBytes`, at least 3.
    package func pairs(variables: Int) -> Int {
        min(memory, max(3, historyBytes / max(8 * variables, 1)))
    }
    /// Stop when the largest gradient component is at most this.
    package var gradientTolerance = 1e-6
    /// Stop when an iteration lowers f by less than this fraction of |f| (scipy's `ftol` role).
    package var relativeDecreaseTolerance = 1e-12
    package var maxIterations = 1000
    /// Sufficient-decrease and curvature constants of the strong Wolfe conditions, and the
    /// evaluations one line search may take: L-BFGS-B's values as scikit-learn calls it
    /// (ftol 10⁻³, gtol 0.9, maxls 50).
    package var c1 = 1e-3
    package var c2 = 0.9
    package var maxLineSearchEvaluations = 50

    package init() {}

    package enum Stop: String, Sendable {
        case gradient = "gradient below tolerance"
        case decrease = "relative decrease below tolerance"
        case iterations = "iteration limit"
        case lineSearch = "line search found no better point"
        case settled = "the caller's convergence test was met"
    }

    package struct Result: Sendable {
        package var x: [Double]
        package var value: Double
        package var gradientNorm: Double
        package var iterations: Int
        package var evaluations: Int
        package var stop: Stop
    }

    /// Minimises f from `start`. `evaluate(x, &gradient)` returns f(x) and writes ∇f(x).
    package func minimize(start: [Double], evaluate: ([Double], inout [Double]) -> Double) -> Result {
        minimize(start: start, evaluate: evaluate, settled: { _ in false })
    }

    /// As `minimize(start:evaluate:)`; `settled(iteration)`, asked after each iteration (the accepted point is always the last
    /// one `evaluate` saw), may end the minimisation there with `.settled`, or throw to abandon it.
    package func minimize(start: consuming [Double], evaluate: ([Double], inout [Double]) -> Double,
                         settled: (Int) throws -> Bool) rethrows -> Result {
        let n = start.count
        var x = consume start
        var g = [Double](repeating: 0, count: n)
        var f = evaluate(x, &g)
        var evaluations = 1
        let history = CompactLBFGSHistory(size: n, memory: pairs(variables: n))
        var direction = [Double](repeating: 0, count: n)
        var xNew = x, gNew = g
        var iteration = 0
        var afterAdd = false
        // The max-norm of g, and of each new gradient in the pass that takes its slope.
        var gNorm = g.withUnsafeBufferPointer { Blocked.largestMagnitude($0.baseAddress!, count: n).largest }
        func result(_ stop: Stop) -> Result {
            Result(x: x, value: f, gradientNorm: gNorm, iterations: iteration, evaluations: evaluations, stop: stop)
        }

        while true {
            if gNorm <= gradientTolerance { return result(.gradient) }
            if iteration >= maxIterations { return result(.iterations) }
            var slope = g.withUnsafeBufferPointer { gp in
                direction.withUnsafeMutableBufferPointer {
                    history.direction(gradient: gp.baseAddress!, into: $0.baseAddress!, afterAdd: afterAdd)
                }
            }
            if slope >= 0 {
                // Not a descent direction (numerical trouble): restart from steepest descent.
                history.removeAll()
                for i in 0..<n { direction[i] = -g[i] }
                slope = -dot(g, g)
            }

            guard slope < 0 else {
                // No descent even along −g (a non-finite gradient): nothing to search.
                return result(.lineSearch)
            }
            // Strong Wolfe line search (Moré–Thuente), from a unit step.
            var search = MoreThuente(value: f, slope: slope, step: 1)
            search.ftol = c1
            search.gtol = c2
            var fNew = f, gNewNorm = gNorm
            var accepted = false
            for _ in 0..<maxLineSearchEvaluations {
                let t = search.step
                x.withUnsafeBufferPointer { xp in direction.withUnsafeBufferPointer { dp in
                    xNew.withUnsafeMutableBufferPointer { Blocked.step(from: xp.baseAddress!, by: t, along: dp.baseAddress!, into: $0.baseAddress!, count: n) }
                } }
                fNew = evaluate(xNew, &gNew)
                evaluations += 1
                let (largest, slopeNew) = gNew.withUnsafeBufferPointer { gp in direction.withUnsafeBufferPointer { dp in
                    Blocked.largestMagnitude(gp.baseAddress!, dotWith: dp.baseAddress!, count: n)
                } }
                gNewNorm = largest
                let outcome = search.next(value: fNew, slope: slopeNew)
                if outcome == .converged { accepted = true }
                if outcome != .evaluate { break }
            }
            if !accepted && !(fNew < f) { return result(.lineSearch) }
            iteration += 1
            x.withUnsafeBufferPointer { xp in xNew.withUnsafeBufferPointer { xnp in
                g.withUnsafeBufferPointer { gp in gNew.withUnsafeBufferPointer { gnp in
                    history.add(x: xp.baseAddress!, xNew: xnp.baseAddress!, g: gp.baseAddress!, gNew: gnp.baseAddress!)
                } }
            } }
            afterAdd = true
            let decrease = f - fNew
            swap(&x, &xNew)
            swap(&g, &gNew)
            f = fNew
            gNorm = gNewNorm
            if decrease <= relativeDecreaseTolerance * max(abs(f), 1) { return result(.decrease) }
            if try settled(iteration) { return result(.settled) }
        }
    }
}

/// aᵀb, in blocks split between the cores (`Blocked.dots`; its sum order is fixed, so the result
/// is deterministic).
func dot(_ a: [Double], _ b: [Double]) -> Double {
    a.withUnsafeBufferPointer { pa in
        b.withUnsafeBufferPointer { pb in
            Blocked.dots([(.double(pa.baseAddress!), .double(pb.baseAddress!))], count: pa.count)[0]
        }
    }
}
