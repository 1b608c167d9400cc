import Foundation
import Testing
@testable import DQRuns
import DQStore
import DQTestSupport

/// Movie reviews, each labelled by four workers of planted reliability (long format).
private func moviesStore() throws -> Store {
    let store = try Store(path: scratchPath("consensus.sqlite"))
    var options = IngestRun.Options()
    (options.dataset, options.id, options.annotator, options.label) = ("movies", "item", "worker", "answer")
    _ = try IngestRun.run(store: store, files: [fixture("annotations/movies_long.csv")], options: options)
    return store
}

@Test func aConsensusRunStoresWhatItReturnsForEverySampleAndAnnotator() throws {
    let store = try moviesStore()
    for method in [ConsensusRun.Method.majority, .dawidSkene] {
        var options = ConsensusRun.Options()
        (options.dataset, options.method) = ("movies", method)
        let outcome = try ConsensusRun.run(store: store, options: options)
        let rows = try store.consensusRows(run: outcome.run)
        #expect(rows.count == outcome.samples.count && !rows.isEmpty)
        for (i, sample) in outcome.samples.enumerated() {
            let row = try #require(rows.first { $0.sampleID == sample.id })
            #expect(row.label == outcome.labels[outcome.result.label[i]] && row.quality == outcome.result.quality[i])
        }
        #expect(try store.consensusAnnotators(run: outcome.run).count == outcome.annotators.count)
        #expect(try store.run(outcome.run).parameters(ConsensusParameters.self).method == method)
    }
}

@Test func aConsensusSavedAsADatasetCarriesTheConsensusLabels() throws {
    let store = try moviesStore()
    var options = ConsensusRun.Options()
    (options.dataset, options.method, options.saveAs) = ("movies", .majority, "movies_majority")
    let outcome = try ConsensusRun.run(store: store, options: options)
    let saved = try store.samples(dataset: try store.requireDataset("movies_majority"))
    #expect(saved.count == outcome.samples.count)
    let consensus = Dictionary(uniqueKeysWithValues: try store.consensusRows(run: outcome.run).map { ($0.sampleID, $0.label) })
    let original = try store.samples(dataset: try store.requireDataset("movies"))
    for (copy, sample) in zip(saved, original) {
        #expect(copy.text == sample.text && copy.label == consensus[sample.id])
    }
    // A second save under the same name is refused, and records nothing.
    let before = try store.runs(dataset: nil, kind: .consensus).count
    #expect(throws: StoreError.datasetExists("movies_majority")) { try ConsensusRun.run(store: store, options: options) }
    #expect(try store.runs(dataset: nil, kind: .consensus).count == before)
}

@Test func crowdlabTakesTheLatestPVIRunsProbabilities() throws {
    let store = try moviesStore()
    var pvi = PVIRun.Options()
    (pvi.scheme, pvi.null) = (.crossFit(folds: 2), .prior)
    let pviRun = try PVIRun.run(store: store, dataset: DatasetSelection(name: "movies"), options: pvi).run
    var options = ConsensusRun.Options()
    (options.dataset, options.method) = ("movies", .crowdlab)
    let outcome = try ConsensusRun.run(store: store, options: options)
    #expect(outcome.probabilitiesFrom?.hasPrefix("pvi run \(pviRun) (bow; every split; started ") == true, "\(outcome.probabilitiesFrom ?? "")")
    #expect(try store.run(outcome.run).parameters(ConsensusParameters.self).pviRun == pviRun)
    #expect(outcome.result.modelWeight != nil)
}

@Test func consensusRefusesContradictoryOptionsBeforeRecordingARun() throws {
    let store = try moviesStore()
    var options = ConsensusRun.Options()
    (options.dataset, options.probs, options.pviRun) = ("movies", "p.csv", 1)
    #expect(throws: OptionError("give {probs} or {pviRun}, not both")) { try ConsensusRun.run(store: store, options: options) }
    (options.probs, options.method) = (nil, .majority)
    #expect(throws: OptionError("{probs} and {pviRun} are CROWDLAB's; leave them out with {method} majority")) {
        try ConsensusRun.run(store: store, options: options)
    }
    #expect(try store.runs(dataset: nil, kind: .consensus).isEmpty)
}

@Test func oneAnnotationPerItemRefusesCROWDLABAndWarnsThatDawidSkeneSaysNothing() throws {
    let store = try Store(path: scratchPath("one-annotation.sqlite"))
    let file = scratchPath("one-annotation.csv")
    try ("item,text,worker,answer\n" + (1...40).map { "\($0),text number \($0) word\($0 % 4),w\($0 % 3),l\($0 % 2)" }.joined(separator: "\n"))
        .write(toFile: file, atomically: true, encoding: .utf8)
    var ingest = IngestRun.Options()
    (ingest.dataset, ingest.id, ingest.annotator, ingest.label) = ("one", "item", "worker", "answer")
    _ = try IngestRun.run(store: store, files: [file], options: ingest)
    var pvi = PVIRun.Options()
    (pvi.scheme, pvi.null) = (.crossFit(folds: 2), .prior)
    _ = try PVIRun.run(store: store, dataset: DatasetSelection(name: "one"), options: pvi)
    var options = ConsensusRun.Options()
    (options.dataset, options.method) = ("one", .crowdlab)
    #expect(throws: RunError.oneAnnotationPerItem(dataset: "one", method: "CROWDLAB")) { try ConsensusRun.run(store: store, options: options) }
    #expect(try store.runs(dataset: nil, kind: .consensus).isEmpty)
    var notes: [String] = []
    var observer = RunObserver.silent
    observer.note = { notes.append($0) }
    options.method = .dawidSkene
    _ = try ConsensusRun.run(store: store, options: options, observer: observer)
    #expect(notes.contains { $0.hasPrefix("every item has one annotation: Dawid–Skene cannot tell") }, "\(notes)")
}

@Test func crowdlabSaysHowMuchItWeighedTheModelAndWhichUnanimousItemsItOverturned() throws {
    let store = try moviesStore()
    var pvi = PVIRun.Options()
    (pvi.scheme, pvi.null) = (.crossFit(folds: 2), .prior)
    _ = try PVIRun.run(store: store, dataset: DatasetSelection(name: "movies"), options: pvi)
    var options = ConsensusRun.Options()
    (options.dataset, options.method) = ("movies", .crowdlab)
    let outcome = try ConsensusRun.run(store: store, options: options)
    let note = try #require(outcome.tables[0].note)
    let weight = try #require(outcome.result.modelWeight)
    #expect(note.contains("CROWDLAB weighed the model \(weight.formatted(digits: 3))"), "\(note)")
    // Overturned unanimous items, counted from the stored annotations.
    let annotations = try store.annotations(dataset: try store.requireDataset("movies"))
    let consensus = Dictionary(uniqueKeysWithValues: try store.consensusRows(run: outcome.run).map { ($0.sampleID, $0.label) })
    var byItem: [Int64: Set<String>] = [:], votes: [Int64: Int] = [:]
    for (k, item) in annotations.item.enumerated() {
        let sample = annotations.sampleIDs[Int(item)]
        byItem[sample, default: []].insert(annotations.labels[Int(annotations.label[k])])
        votes[sample, default: 0] += 1
    }
    let overturned = byItem.filter { sample, labels in labels.count == 1 && votes[sample]! >= 2 && consensus[sample] != labels.first }.count
    #expect(outcome.overturnedUnanimous.count == overturned)
    #expect(note.hasPrefix("Warning: the model overturned") == (overturned > 0), "\(overturned) \(note)")
}
