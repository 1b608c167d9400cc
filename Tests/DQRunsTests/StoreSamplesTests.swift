import Foundation
import Testing
import DQAnalyses
@testable import DQRuns
import DQStore
import DQTestSupport
import DQText

@Test func internedWordCountsEqualStringCountsWithPairsStopwordsAndNonASCII() throws {
    let store = try Store(path: scratchPath("jsd.sqlite"))
    try store.ingest(file: fixture("demo/trec/train.csv"), options: IngestOptions(dataset: "trec"))
    try store.ingest(file: fixture("csv/sentence-pairs.csv"), options: IngestOptions(dataset: "pairs"))
    // A second trec ingest after another dataset's: trec's store ids come in two ranges.
    try store.ingest(file: fixture("demo/trec/test.csv"), options: IngestOptions(dataset: "trec", split: "test"))
    let path = scratchPath("accents.csv")
    try "text,label\nCafé déjà vu,a\nNAÏVE café,b\nplain words,a\n".write(toFile: path, atomically: true, encoding: .utf8)
    try store.ingest(file: path, options: IngestOptions(dataset: "accents"))
    for name in ["trec", "pairs", "accents"] {
        for field in LabelDivergence.Field.allCases {
            var options = LabelDivergence.Options()
            options.field = field
            options.stopwords = ["the", "what", "café"]
            let dataset = try store.requireDataset(name)
            for splits in [nil, ["test"]] {
                let samples = StoreSamples(store: store, dataset: dataset, splits: splits)
                let strings = try LabelDivergence.count(samples, options: options, tokenize: WordTokens.split)
                // One thread, and two threads each reading half of the samples.
                for parallelFrom in [Int.max, 2] {
                    options.parallelFrom = parallelFrom
                    let interned = try LabelDivergence.count(samples, options: options)
                    #expect(interned.labels == strings.labels && interned.samples == strings.samples, "\(name) \(field)")
                    #expect(interned.tokens == strings.tokens, "\(name) \(field)")
                }
            }
        }
    }
}

@Test func idRangesAreCutByCountInOrder() {
    #expect(StoreSamples.cut([1...10], into: 2) == [[1...5], [6...10]])
    #expect(StoreSamples.cut([1...3, 20...22, 40...41], into: 2) == [[1...3, 20...20], [21...22, 40...41]])
    #expect(StoreSamples.cut([1...4, 9...12], into: 2) == [[1...4], [9...12]])
    #expect(StoreSamples.cut([7...7], into: 2) == [[], [7...7]])
}

@Test func idRangesAreCutIntoSeveralParts() {
    #expect(StoreSamples.cut([1...10], into: 3) == [[1...3], [4...6], [7...10]])
    #expect(StoreSamples.cut([1...2, 5...6], into: 4) == [[1...1], [2...2], [5...5], [6...6]])
    #expect(StoreSamples.cut([], into: 2) == [[], []])
}

@Test func aShareReadsTheSamplesOfItsRanges() throws {
    let store = try Store(path: scratchPath("shares.sqlite"))
    try store.ingest(file: fixture("demo/trec/test.csv"), options: IngestOptions(dataset: "trec", split: "test"))
    let all = StoreSamples(store: store, dataset: try store.requireDataset("trec"), splits: nil)
    var whole: [Sample] = [], shared: [Sample] = []
    try all.forEachSample { whole.append($0) }
    for share in try all.shares(3) { try share.forEachSample { shared.append($0) } }
    #expect(whole.count == 500 && shared == whole)
    #expect(try all.shares(3).map { try $0.count() } == [166, 167, 167])
}
