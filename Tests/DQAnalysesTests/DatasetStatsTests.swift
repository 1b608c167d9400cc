import Foundation
import Testing
import DQTestSupport
import DQAnalyses
import DQStore

/// Each fixture file ingested as a dataset of that name, and its samples.
private func datasets(_ files: [(String, String)]) throws -> [(name: String, samples: any SampleSource)] {
    let store = try Store(path: scratchPath("stats.sqlite"))
    return try files.map { file, dataset in
        try store.ingest(file: fixture(file), options: IngestOptions(dataset: dataset))
        return (dataset, try store.samples(dataset: try store.requireDataset(dataset)))
    }
}

@Test func labelSharesAndLengthsAreComputed() throws {
    let stats = try DatasetStats.compute(try datasets([("csv/conflicting-duplicates.csv", "d")]), multiLabel: false)
    #expect(stats.sampleCount == 6)
    #expect(stats.labels.map(\.label) == ["acceptable", "unacceptable"])
    #expect(stats.labels.map(\.count) == [4, 2])
    #expect(abs(stats.labels[0].share - 4.0 / 6.0) < 1e-12)
    // acceptable lengths: 3, 3, 3, 3 tokens; unacceptable: 3, 3.
    let all = try #require(stats.lengths.last)
    #expect(all.label == nil)
    #expect(all.min == 3 && all.max == 3)
}

@Test func exactDuplicatesAndConflictsAreGrouped() throws {
    let stats = try DatasetStats.compute(try datasets([("csv/conflicting-duplicates.csv", "d")]), multiLabel: false)
    #expect(stats.exactDuplicates.count == 1)
    #expect(stats.exactDuplicates[0].text == "The cat sat.")
    #expect(stats.exactDuplicates[0].members.map(\.id) == ["3", "4"])
    #expect(stats.conflicts.count == 1)
    #expect(stats.conflicts[0].members.map(\.id) == ["1", "2", "6"])
    #expect(stats.conflicts[0].labels == ["acceptable", "unacceptable"])
}

@Test func conflictsAcrossDatasetsAreFound() throws {
    let stats = try DatasetStats.compute(try datasets([("csv/conflicting-duplicates.csv", "a"), ("csv/conflicting-duplicates.csv", "b")]),
                                         multiLabel: false)
    #expect(stats.sampleCount == 12)
    // "The cat sat." now repeats across datasets; "A different sentence" too, with one label.
    #expect(stats.conflicts.count == 1)
    #expect(stats.conflicts[0].datasets == ["a", "b"])
    #expect(stats.conflicts[0].members.count == 6)
}

@Test func quantilesInterpolateLikeNumpy() {
    // numpy.quantile([1, 2, 3, 4], [0.5, 0.95]) == [2.5, 3.85]
    #expect(Quantile.linear([1, 2, 3, 4], 0.5) == 2.5)
    #expect(abs(Quantile.linear([1, 2, 3, 4], 0.95) - 3.85) < 1e-12)
    #expect(Quantile.linear([7], 0.95) == 7)
    #expect(Quantile.linear([Double](), 0.5).isNaN)
}
