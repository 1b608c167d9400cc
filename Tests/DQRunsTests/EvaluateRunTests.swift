import Foundation
import Testing
import DQAnalyses
import DQReports
@testable import DQRuns
import DQStore
import DQTestSupport
import DQText

@Test func evaluateScoresCartographyOnEachNoisyCopyAndSuspectsWeighItOnlyWithACartographyRun() throws {
    let store = try reviewsStore()
    _ = try PVIRun.run(store: store, dataset: reviews, options: bowOptions())
    var bert = ModelSettings(model: .tinyBert, weights: fixture("bert/random-tiny"), epochs: 2, maxLength: 16)
    bert.learningRate = 3e-4
    var evaluate = EvaluateRun.Options()
    (evaluate.repeats, evaluate.folds, evaluate.cartography) = (2, 2, bert)
    let evaluation = try EvaluateRun.run(store: store, dataset: reviews, options: evaluate)
    #expect(evaluation.metrics.filter { $0.signal == "cartography" }.count == 2)
    let recorded = try store.run(evaluation.run).parameters(EvaluateParameters.self)
    #expect(recorded.cartography?.checkpoint == fixture("bert/random-tiny") && recorded.cartography?.epochs == 2)
    let fusion = try store.fusion(run: evaluation.run)
    #expect(fusion.map(\.feature) == ["intercept"] + Array(repeating: ["rank", "tail"], count: 4).flatMap { $0 })
    #expect(fusion.map { $0.signal ?? "-" } == ["-", "pvi", "pvi", "confident-learning", "confident-learning", "cartography", "cartography",
                                                 "conflicts", "conflicts"])
    #expect(fusion.map { $0.model ?? "-" } == ["-", "bow", "bow", "bow", "bow", "-", "-", "-", "-"])
    // No data map yet: the calibration cannot be used, and the output says which signal is missing.
    let before = try SuspectsRun.run(store: store, dataset: reviews, options: SuspectsRun.Options())
    #expect(before.calibratedBy == nil && before.calibrationUnusable?.missing == ["cartography", "conflicting duplicates"])
    _ = try ConflictsRun.run(store: store, options: ConflictsRun.Options())
    _ = try CartographyRun.run(store: store, dataset: reviews, options: CartographyRun.Options(model: bert))
    // bow on 25 reviews learns nothing usable, so the default list would be empty: rank them all.
    let after = try SuspectsRun.run(store: store, dataset: reviews, options: SuspectsRun.Options(top: nil, all: true))
    #expect(after.calibratedBy == evaluation.run && after.suspects.count == 25)
    #expect(after.suspects.first?.reasons.map(\.signal) == ["bow PVI", "confident learning (bow)", "cartography", "conflicting duplicates"])
}

@Test func evaluateRefusesACartographyModelThatDoesNotTrainInEpochs() throws {
    let store = try reviewsStore()
    var evaluate = EvaluateRun.Options()
    evaluate.cartography = ModelSettings(model: .bow)
    #expect(throws: OptionError("{cartography} needs a model trained in epochs: tiny-bert or a BERT checkpoint directory, not bow")) {
        try EvaluateRun.run(store: store, dataset: reviews, options: evaluate)
    }
    #expect(try store.runs(dataset: nil).isEmpty)
}

@Test func evaluateRefusesARateThatPlantsNothing() throws {
    let store = try reviewsStore()
    var options = EvaluateRun.Options()
    // 2% of 25 plants one error, but the repeats also plant at half the rate, which plants none.
    options.rate = 0.02
    #expect(throws: RunError.plantsNothing(rate: 0.01, samples: 25)) { try EvaluateRun.run(store: store, dataset: reviews, options: options) }
    #expect(try store.runs(dataset: nil).isEmpty)
}

@Test func hardPlantingPutsFlipsWhereBowIsTornAndIsHarderToFind() throws {
    let store = try questionsStore()
    var options = EvaluateRun.Options()
    (options.repeats, options.folds) = (2, 3)
    let uniform = try EvaluateRun.run(store: store, dataset: questions, options: options)
    options.mode = .hard
    let hard = try EvaluateRun.run(store: store, dataset: questions, options: options)
    #expect(try store.run(hard.run).parameters(EvaluateParameters.self).mode == .hard)
    #expect(hard.planted.map(\.count) == uniform.planted.map(\.count))
    // Errors on texts bow is torn over are harder for bow's confident learning to find.
    func meanAP(_ outcome: EvaluateRun.Outcome) -> Double {
        let rows = outcome.metrics.filter { $0.signal == "confident learning (bow)" }
        return rows.map(\.averagePrecision).reduce(0, +) / Double(rows.count)
    }
    #expect(meanAP(hard) < meanAP(uniform), "hard \(meanAP(hard)), uniform \(meanAP(uniform))")
}
