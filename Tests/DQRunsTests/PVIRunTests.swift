import Foundation
import Testing
import DQAnalyses
import DQReports
@testable import DQRuns
import DQStore
import DQTestSupport
import DQText

@Test func aPVIRunStoresWhatItReturnsAndRecordsParametersThatReadBack() throws {
    let store = try reviewsStore()
    let outcome = try PVIRun.run(store: store, dataset: reviews, options: bowOptions())
    #expect(outcome.results.count == 25 && outcome.familyDescription == "bow")
    let rows = try store.pviRows(run: outcome.run)
    #expect(rows.map(\.sampleID) == outcome.results.map(\.sample.id))
    #expect(rows.map(\.pvi) == outcome.results.map(\.score.pvi))
    #expect(rows.map(\.probabilities) == outcome.results.map(\.probabilities))
    let parameters = try store.run(outcome.run).parameters(PVIParameters.self)
    #expect(parameters.folds == 2 && parameters.null == "prior" && parameters.labels == ["positive", "negative"])
    #expect(parameters.groupBy == "text" && parameters.model.model == "bow")
    let tables = try outcome.tables(by: "split", top: 3)
    #expect(tables.map(\.name) == ["v_information", "slices", "lowest"])
    #expect(tables[0].rows.count == 3 && tables[2].rows.count == 3)
    #expect(outcome.sampleTable.rows.count == 25)
    // A column the samples do not have is an error before any training.
    var sliced = bowOptions()
    sliced.by = "annotator"
    #expect(throws: RunError.noMetadata(column: "annotator", sample: "r01")) { try PVIRun.run(store: store, dataset: reviews, options: sliced) }
    #expect(try store.runs(dataset: nil, kind: .pvi).count == 1)
}

@Test func theDefaultPVIRunIsTheLatestOnUntransformedInputs() throws {
    let store = try reviewsStore()
    let plain = try PVIRun.run(store: store, dataset: reviews, options: bowOptions())
    var shuffled = bowOptions()
    shuffled.transform = .shuffle
    let transformed = try PVIRun.run(store: store, dataset: reviews, options: shuffled)
    #expect(try store.run(transformed.run).parameters(PVIParameters.self).transform == .shuffle)
    let dataset = try store.resolve(reviews)
    #expect(try store.defaultRun(dataset: dataset.id, kind: .pvi)?.id == plain.run)
    #expect(try store.chosenRun(transformed.run, kind: .pvi, dataset: dataset)?.id == transformed.run)
    #expect(throws: RunError.notAFinishedRun(transformed.run, .cartography, dataset: "reviews")) {
        try store.chosenRun(transformed.run, kind: .cartography, dataset: dataset)
    }
    #expect(throws: RunError.noRun(.suspects, dataset: "reviews")) { try store.requiredRun(nil, kind: .suspects, dataset: dataset) }
    #expect(throws: RunError.unknownSplit("tset", dataset: "reviews", known: ["train"])) {
        try store.resolve(DatasetSelection(name: "reviews", splits: ["tset"]))
    }
}

@Test func aSecondEmbeddingsRunReusesTheStoredEmbeddingsAndScoresTheSame() throws {
    let store = try reviewsStore()
    var messages: [String] = []
    let observer = RunObserver(note: { _ in }, progress: { messages.append($0) }, endProgress: {}, checkInterrupt: {})
    var options = bowOptions()
    options.model = ModelSettings(model: .embeddings(fixture("bert/random-tiny")))
    let first = try PVIRun.run(store: store, dataset: reviews, options: options, observer: observer)
    #expect(messages.contains { $0.contains("embedding texts") })
    let texts = Set(try store.samples(dataset: try store.requireDataset("reviews")).map(\.text))
    let key = try EmbeddingProbeFamily(directory: fixture("bert/random-tiny")).encoderKey
    #expect(try store.embeddings(encoder: key, texts: Array(texts)).count == texts.count)
    messages = []
    let second = try PVIRun.run(store: store, dataset: reviews, options: options, observer: observer)
    #expect(!messages.contains { $0.contains("embedding texts") }, "\(messages)")
    #expect(first.results.map(\.score.pvi) == second.results.map(\.score.pvi))
}
