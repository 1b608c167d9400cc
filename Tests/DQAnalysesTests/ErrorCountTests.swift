import Testing
import DQAnalyses
import DQLearning

/// Two classes; `wrong` of the first `n` samples carry the other class's label while the model
/// is sure of their true class.
private func confidentData(n: Int, wrong: Int) -> (given: [Int], probabilities: [Double]) {
    var given: [Int] = [], probabilities: [Double] = []
    for i in 0..<n {
        let truth = i % 2
        given.append(i < wrong ? 1 - truth : truth)
        probabilities += truth == 0 ? [0.9, 0.1] : [0.1, 0.9]
    }
    return (given, probabilities)
}

@Test func theCountIsConfidentLearningsAndItsIntervalHoldsIt() {
    let (given, probabilities) = confidentData(n: 200, wrong: 20)
    // Hand count: the 20 flipped samples give 0.1 to their label, below each class's threshold
    // (the mean self-confidence of the class, about 0.82); every other sample is above it.
    #expect(ErrorCount.count(given: given, probabilities: probabilities, classes: 2) == 20)
    let boot = ErrorCount.bootstrap(given: given, probabilities: probabilities, classes: 2, resamples: 200, seed: 7)
    #expect(boot.count == 20 && boot.low <= 20 && boot.high >= 20)
    #expect(boot.low < boot.high, "a resample holds more or fewer of the 20: \(boot)")
    // Binomial sampling of 20 in 200: the 95% interval is about 20 ± 2·√18 ≈ 12 to 28.
    #expect(boot.low >= 10 && boot.high <= 30, "\(boot)")
    #expect(ErrorCount.bootstrap(given: given, probabilities: probabilities, classes: 2, resamples: 200, seed: 7) == boot)
    // Independent resamples: 1,000 of them put the interval where the binomial one is,
    // 20 ± 1.96·√(200 · 0.1 · 0.9) ≈ 12 to 28 (resamples drawn from one shifted stream gave
    // nearly the same count each time).
    let wide = ErrorCount.bootstrap(given: given, probabilities: probabilities, classes: 2, resamples: 1000, seed: 3)
    #expect(wide.low >= 11 && wide.low <= 14 && wide.high >= 26 && wide.high <= 29, "\(wide)")
    let clean = confidentData(n: 200, wrong: 0)
    let none = ErrorCount.bootstrap(given: clean.given, probabilities: clean.probabilities, classes: 2)
    #expect(none == (0, 0, 0))
}

@Test func theCountIsDividedByTheShareOfPlantedErrorsItFinds() {
    // 1,000 samples, 2 labels, 100 counted on the given labels: e·k/(k − 1) = 0.1 · 2 = 0.2 is
    // added to each repeat's rise, for flips that land on labels already wrong.
    let response = ErrorCount.Response(clean: 100, samples: 1000, classes: 2, repeats: [(0.1, 50, 130), (0.05, 25, 110)])
    #expect(zip(response.slopes, [0.8, 0.6]).allSatisfy { abs($0 - $1) < 1e-12 } && abs(response.slope! - 0.7) < 1e-12)
    #expect(response.rates == [0.05, 0.1])
    let estimate = ErrorCount.estimate(raw: (100, 80, 120), response: response)
    // 100 / 0.7 = 142.9; the interval: 80 / 0.8 = 100 and 120 / 0.6 = 200.
    #expect(estimate.count == 143 && estimate.low == 100 && estimate.high == 200 && !estimate.tooWeakToCount)
    #expect(estimate.raw == (100, 80, 120) && abs(estimate.correction!.slope - 0.7) < 1e-12)
    // No evaluate run: the count as it is.
    let plain = ErrorCount.estimate(raw: (100, 80, 120), response: nil)
    #expect(plain.count == 100 && plain.low == 80 && plain.high == 120 && plain.correction == nil)
}

@Test func theShareFoundFollowsASimulatedCountThatFindsAKnownShare() {
    // A count that finds 70% of the errors in data of n = 5,000 with E = 1,000 errors and 4
    // labels: planting m flips adds m·(1 − 0.2·4/3) errors; the response recovers 0.7 and E.
    let (n, k, errors, a) = (5000, 4, 1000.0, 0.7)
    let clean = Int(a * errors)
    let repeats = [0.05, 0.1, 0.2].map { rate -> (Double, Int, Int) in
        let m = Double(n) * rate
        let added = m * (1 - errors / Double(n) * Double(k) / Double(k - 1))
        return (rate, Int(m), Int((a * (errors + added)).rounded()))
    }
    let response = ErrorCount.Response(clean: clean, samples: n, classes: k, repeats: repeats)
    #expect(abs(response.slope! - a) < 0.01, "\(response.slopes)")
    let estimate = ErrorCount.estimate(raw: (clean, clean, clean), response: response)
    #expect(abs(Double(estimate.count) - errors) <= 10, "\(estimate.count)")
}

@Test func aCountThatBarelyRisesWithPlantedErrorsIsMarkedTooWeak() {
    let response = ErrorCount.Response(clean: 300, samples: 10_000, classes: 3, repeats: [(0.1, 1000, 500), (0.2, 2000, 700)])
    // (500 − 300)/1000 + 0.03 · 1.5 = 0.245; (700 − 300)/2000 + 0.045 = 0.245.
    #expect(abs(response.slope! - 0.245) < 1e-12)
    let estimate = ErrorCount.estimate(raw: (300, 280, 330), response: response)
    #expect(estimate.tooWeakToCount && estimate.count == 300 && estimate.low == 280 && estimate.high == 330)
    // A share at the edge of the range is not weak, and the interval's low end uses the largest share.
    let edge = ErrorCount.estimate(raw: (50, 40, 60), response: ErrorCount.Response(clean: 50, samples: 1000, classes: 2,
                                                                                  repeats: [(0.1, 100, 95), (0.2, 200, 180)]))
    // Shares: 0.45 + 0.1 = 0.55 and 0.65 + 0.1 = 0.75; mean 0.65.
    #expect(!edge.tooWeakToCount && edge.count == Int((50 / 0.65).rounded()) && edge.low == Int((40 / 0.75).rounded(.down))
            && edge.high == Int((60 / 0.55).rounded(.up)), "\(edge)")
}

@Test func aModelThatLearnedNothingIsToldApartFromOneThatLearned() {
    let (given, probabilities) = confidentData(n: 100, wrong: 10)
    let learned = ModelStrength(given: given, probabilities: probabilities, classes: 2, pvi: given.indices.map { $0 < 10 ? -2.3 : 0.85 })
    #expect(abs(learned.accuracy - 0.9) < 1e-12 && abs(learned.priorAccuracy - 0.5) < 1e-12)
    #expect(!learned.learnedNothing && !learned.nearPrior && abs(learned.vInformation - (0.9 * 0.85 - 0.1 * 2.3)) < 1e-12)
    // PVI that averages to about 0 with spread: its interval includes 0.
    let noise = ModelStrength(given: given, probabilities: probabilities, classes: 2, pvi: given.indices.map { $0 % 2 == 0 ? 0.5 : -0.52 })
    #expect(noise.learnedNothing && noise.low < 0 && noise.high > 0)
    // A model that always predicts the commonest label is near the prior.
    let majority = ModelStrength(given: [0, 0, 0, 1], probabilities: [0.8, 0.2, 0.8, 0.2, 0.8, 0.2, 0.8, 0.2], classes: 2, pvi: [0.1, 0.1, 0.1, -1])
    #expect(majority.nearPrior && majority.accuracy == 0.75 && majority.priorAccuracy == 0.75)
}
