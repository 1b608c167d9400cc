import Foundation
import Testing
import DQAnalyses
import DQLearning
@testable import DQRuns
import DQStore
import DQTestSupport

private func decode<P: RunParameters>(_ type: P.Type, _ json: String) throws -> P {
    let decoder = JSONDecoder()
    decoder.keyDecodingStrategy = .convertFromSnakeCase
    return try decoder.decode(P.self, from: Data(json.utf8))
}

@Test func modelParametersRebuildTheFamilyTheyRecord() throws {
    var bow = ModelSettings(model: .bow)
    bow.l2 = 0.01
    let (bowFamily, bowParameters) = try bow.family(observer: .silent, onStep: nil)
    #expect(bowParameters.model == "bow" && bowParameters.l2 == 0.01)
    let refitted = try #require(try bowParameters.family(seed: 1, run: 1) as? BowFamily)
    #expect(refitted.options.l2 == (bowFamily as? BowFamily)?.options.l2)
    #expect(refitted.features.pairNamespace && bowParameters.features?.hasSuffix("text pair in its own namespace") == true)

    var bert = ModelSettings(model: .tinyBert)
    bert.weights = fixture("bert/random-tiny")
    bert.epochs = 2
    bert.learningRate = 3e-4
    bert.maxLength = 16
    let (made, parameters) = try bert.family(observer: .silent, onStep: nil)
    #expect(parameters.initialisation == "checkpoint" && parameters.checkpoint == fixture("bert/random-tiny"))
    let original = try #require(made as? BertFamily)
    let rebuilt = try #require(try parameters.family(seed: 13, run: 1) as? BertFamily)
    #expect(rebuilt.initialisation == original.initialisation)
    #expect(rebuilt.training == original.training)

    // Written as a run writes it and read back, the parameters are the same.
    let stored = PVIParameters(labels: ["a", "b"], model: parameters)
    #expect(try decode(PVIParameters.self, stored.jsonText).model == parameters)
}

@Test func runsRecordedByTheEarlierDqStillDecode() throws {
    // The parameters of a bow and a random-initialisation BERT run as dq 0.1.0 stored them.
    let bow = try decode(PVIParameters.self, #"""
        {"model":"bow","null":"trained","labels":["DESC","ENTY"],"folds":5,"group_by":"text",
         "features":"hashed word 1..2-grams, dimension 262144, signed, l2","l2":"1/n","gradient_tolerance":1e-06}
        """#)
    #expect(bow.folds == 5 && bow.model.l2 == nil && bow.groupBy == "text")
    // Its text pairs were hashed into one bag, and a refit does the same.
    #expect(try #require(try bow.model.family(seed: 13, run: 1) as? BowFamily).features.pairNamespace == false)
    let bert = try decode(PVIParameters.self, #"""
        {"model":"tiny-bert","null":"prior","labels":["a","b"],"train_split":"train","eval_split":"dev",
         "initialisation":"random (L=2, H=128, A=2, I=512), vocabulary of 8000 built from the training texts",
         "epochs":3,"batch_size":32,"learning_rate":0.0010000000474974513,"warmup":0.10000000149011612,"weight_decay":0.009999999776482582,"max_length":64}
        """#)
    #expect(try bert.scheme(run: 1) == .split(train: ["train"], evaluate: ["dev"]))
    let family = try #require(try bert.model.family(seed: 13, run: 1) as? BertFamily)
    #expect(family.initialisation == .randomTiny && family.training.epochs == 3 && family.training.learningRate == 1e-3)
    // An older checkpoint run recorded the path inside a sentence: it is not guessed at.
    let checkpoint = try decode(PVIParameters.self, #"""
        {"model":"tiny-bert","labels":["a"],"folds":2,"initialisation":"checkpoint /m","epochs":1,"batch_size":1,"learning_rate":1,"warmup":0,"weight_decay":0,"max_length":8}
        """#)
    #expect(throws: RunError.self) { try checkpoint.model.family(seed: 1, run: 7) }
}

@Test func libraryErrorsSayWhatIsWrongWithoutNamingFlags() {
    let errors: [any Error] = [
        RunError.unknownSplit("tset", dataset: "d", known: ["train"]), RunError.noSamples(dataset: "d", splits: ["x"]),
        RunError.tooFewSamples(dataset: "d", count: 1), RunError.tooFewLabels(dataset: "d"), RunError.noRun(.pvi, dataset: "d"),
        RunError.notAFinishedRun(3, .cartography, dataset: "d"), RunError.cannotRead(file: "f", what: "terms file"),
        RunError.emptyList(file: "f", what: "words"), RunError.unknownLabel("x", dataset: "d", known: ["a"]),
        RunError.noMetadata(column: "c", sample: "s"), RunError.needsTextPairs(transform: "text-only", dataset: "d"),
        RunError.notRefittable(run: 1, reason: "r"), RunError.irreproducible(run: 1, largestDifference: 0.1),
        RunError.differentLabels("a", "b", ["x"], ["y"]), RunError.nothingToMerge(dataset: "d"),
        RunError.noSamplesInFile(file: "f", dataset: "d"), RunError.needsEpochs(model: "bow"),
        StoreError.unknownDataset("x", known: []), StoreError.noDatasetChosen(known: ["a", "b"]),
        StoreError.fromNewerVersion(path: "p", storeVersion: 9, knownVersion: 6),
        PVIEstimation.EstimationError.tooFewSamples(3, folds: 5), TrainingError.nonFiniteLoss(epoch: 1, step: 2, loss: .nan),
    ]
    for error in errors {
        let text = "\(error)"
        #expect(!text.contains("--") && !text.contains("dq ingest"), "\(text)")
    }
}

@Test func amountsAreSharesOrCounts() {
    #expect(SelectRun.Amount("10%") == .share(0.1) && SelectRun.Amount("10%")?.of(545) == 55)
    #expect(SelectRun.Amount("500")?.of(300) == 300)
    #expect(SelectRun.Amount("12.5%")?.description == "12.50%")
    #expect(SelectRun.Amount("10%")?.description == "10%")
    #expect(SelectRun.Amount("-1") == nil && SelectRun.Amount("101%") == nil && SelectRun.Amount("ten") == nil)
}

@Test func modelChoicesAreBowTinyBertOrADirectory() {
    #expect(ModelChoice("bow") == .bow && ModelChoice("tiny-bert") == .tinyBert)
    #expect(ModelChoice("./models/x") == .directory("./models/x") && ModelChoice("./models/x").description == "./models/x")
    #expect(!ModelChoice.bow.trainsInEpochs && ModelChoice.tinyBert.trainsInEpochs)
}
