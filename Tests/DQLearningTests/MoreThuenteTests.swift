import Foundation
import Testing
@testable import DQLearning

private struct Golden: Decodable {
    struct Case: Decodable {
        var function: String
        var ftol: Double
        var gtol: Double
        var start: Double
        var trials: [Double]
        var task: String
    }
    var cases: [Case]
}

/// φ and φ′ of Moré & Thuente's test functions (5.1)–(5.3), as the golden script defines them.
private func testFunction(_ name: String, _ a: Double) -> (Double, Double) {
    switch name {
    case "5.1":
        return (-a / (a * a + 2), (a * a - 2) / ((a * a + 2) * (a * a + 2)))
    case "5.2":
        let b = a + 0.004
        return (pow(b, 5) - 2 * pow(b, 4), 5 * pow(b, 4) - 8 * pow(b, 3))
    default:
        let beta = 0.01, k = 39 * Double.pi / 2
        let phi0 = a <= 1 - beta ? 1 - a : (a >= 1 + beta ? a - 1 : (a - 1) * (a - 1) / (2 * beta) + beta / 2)
        let d0 = a <= 1 - beta ? -1.0 : (a >= 1 + beta ? 1.0 : (a - 1) / beta)
        return (phi0 + 2 * (1 - beta) / (39 * Double.pi) * sin(k * a), d0 + (1 - beta) * cos(k * a))
    }
}

@Test func moreThuenteTriesTheStepsOfMINPACKsDcsrch() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/more_thuente_golden.json")
    let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
    #expect(golden.cases.count == 12)
    for c in golden.cases {
        let (f0, g0) = testFunction(c.function, 0)
        var search = MoreThuente(value: f0, slope: g0, step: c.start)
        search.ftol = c.ftol
        search.gtol = c.gtol
        var trials: [Double] = []
        var outcome = MoreThuente.Outcome.evaluate
        while outcome == .evaluate && trials.count < 100 {
            trials.append(search.step)
            let (f, g) = testFunction(c.function, search.step)
            outcome = search.next(value: f, slope: g)
        }
        #expect(trials.count == c.trials.count, "\(c.function) from \(c.start)")
        for (mine, theirs) in zip(trials, c.trials) {
            #expect(abs(mine - theirs) <= 1e-12 * max(1, abs(theirs)), "\(c.function) from \(c.start): \(trials) vs \(c.trials)")
        }
        #expect((outcome == .converged) == c.task.hasPrefix("CONV"), "\(c.function) from \(c.start)")
        if outcome == .converged {
            // The accepted step satisfies the strong Wolfe conditions.
            let (f, g) = testFunction(c.function, search.step)
            #expect(f <= f0 + c.ftol * search.step * g0 && abs(g) <= c.gtol * abs(g0))
        }
    }
}
