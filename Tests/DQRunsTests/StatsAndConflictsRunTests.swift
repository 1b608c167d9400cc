import Foundation
import Testing
import DQAnalyses
@testable import DQRuns
import DQStore
import DQTestSupport

private func duplicatesStore(datasets: [String]) throws -> Store {
    let store = try Store(path: scratchPath("stats-conflicts.sqlite"))
    for name in datasets { try store.ingest(file: fixture("csv/conflicting-duplicates.csv"), options: IngestOptions(dataset: name)) }
    return store
}

@Test func statsOfOneDatasetOrSeveralPooledKeepToTheirSplits() throws {
    let store = try duplicatesStore(datasets: ["a", "b"])
    try store.ingest(file: fixture("csv/conflicting-duplicates.csv"), options: IngestOptions(dataset: "a", split: "dev"))
    let one = try StatsRun.run(store: store, dataset: DatasetSelection(name: "a", splits: ["train"]))
    #expect(one.stats.sampleCount == 6 && one.datasets == ["a"])
    #expect(try StatsRun.run(store: store, dataset: DatasetSelection(name: "a")).stats.sampleCount == 12)
    let pooled = try StatsRun.run(store: store, dataset: DatasetSelection(splits: ["train"]), pooled: ["a", "b"])
    #expect(pooled.stats.sampleCount == 12 && pooled.datasets == ["a", "b"])
    #expect(throws: RunError.unknownSplit("dev", dataset: "b", known: ["train"])) {
        try StatsRun.run(store: store, dataset: DatasetSelection(splits: ["dev"]), pooled: ["a", "b"])
    }
}

@Test func statsRefusePoolingDatasetsWithoutASharedLabel() throws {
    let store = try duplicatesStore(datasets: ["a"])
    try store.ingest(file: fixture("csv/byte-order-mark.csv"), options: IngestOptions(dataset: "b"))
    #expect(throws: DatasetStatsError.noSharedLabels(["a", "b"])) { try StatsRun.run(store: store, dataset: DatasetSelection(), pooled: ["a", "b"]) }
}

@Test func aConflictsRunStoresThePairsItReturns() throws {
    let store = try duplicatesStore(datasets: ["a"])
    let outcome = try ConflictsRun.run(store: store, options: ConflictsRun.Options(datasets: ["a"], threshold: 0.8, exactOnly: false))
    // "John wrote books." against its unacceptable twin (and the shouted copy of it): conflicts of differently labelled texts.
    #expect(!outcome.pairs.isEmpty)
    #expect(outcome.pairs.allSatisfy { outcome.samples[$0.a].sample.label != outcome.samples[$0.b].sample.label })
    let stored = try store.conflicts(run: outcome.run)
    #expect(stored.count == outcome.pairs.count)
    #expect(Set(stored.map { [$0.sampleA, $0.sampleB] }) == Set(outcome.pairs.map { [outcome.samples[$0.a].sample.id, outcome.samples[$0.b].sample.id] }))
    #expect(try store.run(outcome.run).parameters(ConflictsParameters.self).threshold == 0.8)
    #expect(throws: OptionError("{threshold} must be in (0, 1]")) {
        try ConflictsRun.run(store: store, options: ConflictsRun.Options(datasets: ["a"], threshold: 0, exactOnly: false))
    }
}
