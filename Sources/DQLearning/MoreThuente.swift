/// The line search of Moré & Thuente ("Line search algorithms with guaranteed sufficient
/// decrease", ACM TOMS 20(3), 1994), as MINPACK-2's `dcsrch`/`dcstep`, the search L-BFGS-B
/// (and so scipy and scikit-learn's `lbfgs` solver) uses. It looks for a step t > 0 along a
/// descent direction satisfying the strong Wolfe conditions
///
///     φ(t) ≤ φ(0) + ftol·t·φ′(0)     and     |φ′(t)| ≤ gtol·|φ′(0)|,
///
/// keeping an interval of uncertainty [stx, sty] and choosing each trial step by cubic and
/// quadratic interpolation of φ and φ′ (`step`). Unlike a weak-Wolfe search, it never accepts a
/// step that overshoots the minimum along the line by much (φ′(t) ≫ 0), which gives L-BFGS
/// better curvature pairs and fewer iterations.
///
/// Use: `var search = MoreThuente(value: φ(0), slope: φ′(0), step: t₀)`, then evaluate φ and
/// φ′ at `search.step` and call `search.next(value:slope:)` until it returns `.converged` (or
/// `.stalled`, when rounding or the step bounds stop progress; `step` is then the best trial).
struct MoreThuente {
    var ftol = 1e-3
    var gtol = 0.9
    var xtol = 0.1
    /// The bounds on the step (the interval width starts from them, so they are fixed at init).
    let stepMin = 0.0
    let stepMax: Double

    enum Outcome: Equatable {
        case evaluate
        case converged
        case stalled
    }

    /// The step to evaluate next (or the accepted one).
    private(set) var step: Double
    private let initialValue: Double, initialSlope: Double
    private var bracketed = false
    private var stage = 1
    private var width: Double, width1: Double
    /// The best step so far (stx) and the other end of the interval (sty), with φ and φ′ there.
    private var stx = 0.0, fx: Double, gx: Double
    private var sty = 0.0, fy: Double, gy: Double
    private var lower = 0.0, upper: Double

    init(value: Double, slope: Double, step: Double, stepMax: Double = 1e10) {
        precondition(slope < 0 && step > 0, "a line search needs a descent direction and a positive step")
        self.step = min(step, stepMax)
        self.stepMax = stepMax
        initialValue = value
        initialSlope = slope
        width = stepMax - stepMin
        width1 = 2 * width
        fx = value; gx = slope
        fy = value; gy = slope
        upper = self.step * (1 + 4)
    }

    /// Takes φ(step) and φ′(step); says whether to evaluate the new `step` or stop.
    mutating func next(value f: Double, slope g: Double) -> Outcome {
        let gtest = ftol * initialSlope
        let ftest = initialValue + step * gtest
        if stage == 1 && f <= ftest && g >= 0 { stage = 2 }
        if bracketed && (step <= lower || step >= upper) { return .stalled }
        if bracketed && upper - lower <= xtol * upper { return .stalled }
        if step == stepMax && f <= ftest && g <= gtest { return .stalled }
        if step == stepMin && (f > ftest || g >= gtest) { return .stalled }
        if f <= ftest && abs(g) <= gtol * -initialSlope { return .converged }

        if stage == 1 && f <= fx && f > ftest {
            // A modified function ψ(t) = φ(t) − φ(0) − ftol·t·φ′(0) until ψ has been seen
            // to decrease with nonnegative slope (the paper's first stage).
            var (mx, mfx, mgx) = (stx, fx - stx * gtest, gx - gtest)
            var (my, mfy, mgy) = (sty, fy - sty * gtest, gy - gtest)
            step = MoreThuente.step(stx: &mx, fx: &mfx, dx: &mgx, sty: &my, fy: &mfy, dy: &mgy,
                                    stp: step, fp: f - step * gtest, dp: g - gtest,
                                    bracketed: &bracketed, lower: lower, upper: upper)
            (stx, fx, gx) = (mx, mfx + mx * gtest, mgx + gtest)
            (sty, fy, gy) = (my, mfy + my * gtest, mgy + gtest)
        } else {
            step = MoreThuente.step(stx: &stx, fx: &fx, dx: &gx, sty: &sty, fy: &fy, dy: &gy,
                                    stp: step, fp: f, dp: g, bracketed: &bracketed, lower: lower, upper: upper)
        }
        if bracketed {
            // Force a sufficient shrink of the interval, by bisection if need be.
            if abs(sty - stx) >= 0.66 * width1 { step = stx + 0.5 * (sty - stx) }
            width1 = width
            width = abs(sty - stx)
            lower = min(stx, sty)
            upper = max(stx, sty)
        } else {
            lower = step + 1.1 * (step - stx)
            upper = step + 4 * (step - stx)
        }
        step = min(max(step, stepMin), stepMax)
        if bracketed && (step <= lower || step >= upper || upper - lower <= xtol * upper) { step = stx }
        return .evaluate
    }

    /// `dcstep`: a safeguarded trial step from the interval ends (stx, sty), the current trial
    /// stp and the values and derivatives there, and the updated interval. The four cases of
    /// Moré & Thuente §4: a higher value (the minimum is bracketed: cubic or quadratic between
    /// stx and stp); derivatives of opposite sign (bracketed: cubic or secant); a smaller
    /// derivative of the same sign (cubic extrapolation, safeguarded); a larger one (cubic
    /// within the bracket, or a step to the bound).
    private static func step(stx: inout Double, fx: inout Double, dx: inout Double,
                             sty: inout Double, fy: inout Double, dy: inout Double,
                             stp: Double, fp: Double, dp: Double,
                             bracketed: inout Bool, lower: Double, upper: Double) -> Double {
        let sgnd = dp * (dx / abs(dx))
        var next: Double
        if fp > fx {
            let theta = 3 * (fx - fp) / (stp - stx) + dx + dp
            let s = max(abs(theta), abs(dx), abs(dp))
            var gamma = s * ((theta / s) * (theta / s) - (dx / s) * (dp / s)).squareRoot()
            if stp < stx { gamma = -gamma }
            let p = (gamma - dx) + theta, q = ((gamma - dx) + gamma) + dp
            let cubic = stx + p / q * (stp - stx)
            let quadratic = stx + dx / ((fx - fp) / (stp - stx) + dx) / 2 * (stp - stx)
            next = abs(cubic - stx) <= abs(quadratic - stx) ? cubic : cubic + (quadratic - cubic) / 2
            bracketed = true
        } else if sgnd < 0 {
            let theta = 3 * (fx - fp) / (stp - stx) + dx + dp
            let s = max(abs(theta), abs(dx), abs(dp))
            var gamma = s * ((theta / s) * (theta / s) - (dx / s) * (dp / s)).squareRoot()
            if stp > stx { gamma = -gamma }
            let p = (gamma - dp) + theta, q = ((gamma - dp) + gamma) + dx
            let cubic = stp + p / q * (stx - stp)
            let secant = stp + dp / (dp - dx) * (stx - stp)
            next = abs(cubic - stp) > abs(secant - stp) ? cubic : secant
            bracketed = true
        } else if abs(dp) < abs(dx) {
            let theta = 3 * (fx - fp) / (stp - stx) + dx + dp
            let s = max(abs(theta), abs(dx), abs(dp))
            var gamma = s * max(0, (theta / s) * (theta / s) - (dx / s) * (dp / s)).squareRoot()
            if stp > stx { gamma = -gamma }
            let p = (gamma - dp) + theta, q = (gamma + (dx - dp)) + gamma
            let r = p / q
            let cubic = r < 0 && gamma != 0 ? stp + r * (stx - stp) : (stp > stx ? upper : lower)
            let secant = stp + dp / (dp - dx) * (stx - stp)
            if bracketed {
                next = abs(cubic - stp) < abs(secant - stp) ? cubic : secant
                next = stp > stx ? min(stp + 0.66 * (sty - stp), next) : max(stp + 0.66 * (sty - stp), next)
            } else {
                next = abs(cubic - stp) > abs(secant - stp) ? cubic : secant
                next = max(lower, min(upper, next))
            }
        } else if bracketed {
            let theta = 3 * (fp - fy) / (sty - stp) + dy + dp
            let s = max(abs(theta), abs(dy), abs(dp))
            var gamma = s * ((theta / s) * (theta / s) - (dy / s) * (dp / s)).squareRoot()
            if stp > sty { gamma = -gamma }
            let p = (gamma - dp) + theta, q = ((gamma - dp) + gamma) + dy
            next = stp + p / q * (sty - stp)
        } else {
            next = stp > stx ? upper : lower
        }
        if fp > fx {
            (sty, fy, dy) = (stp, fp, dp)
        } else {
            if sgnd < 0 { (sty, fy, dy) = (stx, fx, dx) }
            (stx, fx, dx) = (stp, fp, dp)
        }
        return next
    }
}
