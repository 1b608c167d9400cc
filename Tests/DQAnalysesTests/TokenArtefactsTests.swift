import Foundation
import Testing
import DQAnalyses
import DQStore
import DQText

/// p(good | x) = 0.5 + 0.1 × (the number of "great" tokens in x), over the labels [good, bad].
private struct CountingGreat: Classifier {
    func probabilities(_ inputs: [(text: String, pair: String?)]) -> [[Double]] {
        inputs.map { input in
            let great = ([input.text] + [input.pair].compactMap { $0 }).flatMap(WordTokens.split).filter { $0 == "great" }.count
            let good = min(0.9, 0.5 + 0.1 * Double(great))
            return [good, 1 - good]
        }
    }
}

/// As the reference (kawine/dataset_difficulty, find_annotation_artefacts): each occurrence is
/// removed on its own and gives one Δ; tokens are kept when their occurrences in all labels
/// number more than min_freq; each label averages its own occurrences.
@Test func artefactsRemoveOneOccurrenceAtATimeAndThresholdOnTotalFrequency() {
    func sample(_ id: Int64, _ text: String, _ label: String) -> Sample {
        Sample(id: id, split: "train", sourceRow: Int(id), externalID: nil, text: text, textPair: nil, label: label, metadata: nil)
    }
    let samples = [sample(1, "Great great movie", "good"), sample(2, "great plot", "bad"), sample(3, "movie night", "good")]
    var accumulator = TokenArtefacts.Accumulator()
    let unchanged = accumulator.add(model: CountingGreat(), samples: samples, labels: ["good", "bad"])
    #expect(unchanged.map { $0[0] } == [0.7, 0.6, 0.5])
    // "great" occurs 3 times in all, "movie" twice, "plot" and "night" once.
    let strict = accumulator.ranked(minCount: 2)
    // good: both occurrences in sample 1 each leave one "great": log2 0.7 − log2 0.6, twice.
    #expect(strict["good"]!.map(\.token) == ["great"] && strict["good"]![0].count == 2)
    #expect(abs(strict["good"]![0].meanContribution - log2(0.7 / 0.6)) < 1e-12)
    // bad: removing "great" raises p(bad) from 0.4 to 0.5, a negative contribution.
    #expect(strict["bad"]!.map(\.token) == ["great"] && abs(strict["bad"]![0].meanContribution - log2(0.4 / 0.5)) < 1e-12)
    // With min_freq 1, "movie" (2 in all, both in good) joins good's list with Δ 0; "plot" does not.
    let loose = accumulator.ranked(minCount: 1)
    #expect(loose["good"]!.map(\.token) == ["great", "movie"] && loose["good"]![1].count == 2 && loose["good"]![1].meanContribution == 0)
    #expect(loose["bad"]!.map(\.token) == ["great"])
}

@Test func wordOccurrencesAreTheWordTokensWithTheirPlaces() {
    let text = "What's the U.S. 2nd-largest Café?"
    let found = WordTokens.occurrences(text)
    #expect(found.map(\.token) == WordTokens.split(text))
    #expect(found.map { String(text[$0.range]) } == ["What", "s", "the", "U", "S", "2nd", "largest", "Café"])
}

/// The words that pull a model from the given label to the suggested one: removing "great" from
/// "great great movie" moves log2 p(good) − log2 p(bad) from log2(0.7/0.3) to log2(0.6/0.4), so
/// "great" pulls towards good, by that difference (each word once); "movie" moves nothing and is
/// left out; towards bad, nothing pulls.
@Test func theWordsThatPullTowardTheSuggestedLabel() {
    let sample = Sample(id: 1, split: "train", sourceRow: 1, externalID: nil, text: "great great movie", textPair: nil, label: "bad", metadata: nil)
    let toward = TokenArtefacts.pulls(model: CountingGreat(), samples: [(sample, 1, 0), (sample, 0, 1)])
    #expect(toward == [["great"], []])
    #expect(log2(0.7 / 0.3) - log2(0.6 / 0.4) > 0.05, "above the threshold")
    let strict = TokenArtefacts.pulls(model: CountingGreat(), samples: [(sample, 1, 0)], minimumBits: 0.7)
    #expect(strict == [[]], "log2(0.7/0.3) − log2(0.6/0.4) = 0.637 bits is below 0.7")
}
