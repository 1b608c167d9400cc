import Testing
@testable import DQAnalyses
import DQLearning
import DQText

/// One small BERT with a sigmoid per label, cross-fitted: the labels its cues reveal get clearly
/// positive V-information, the label no word reveals gets about none, and a sample's PVI of a
/// label it lacks is the log-ratio of the two models' probabilities of "not".
@Test func aBertWithSigmoidHeadsMeasuresEachLabelsVInformation() throws {
    var rng = SplitMix64(seed: 21)
    let cues = [["good", "great", "fine"], ["red", "blue", "green"]]
    let neutral = ["the", "movie", "was", "really", "plot", "and", "acting"]
    let samples: [Sample] = (0..<320).map { i in
        var words = (0..<4).map { _ in neutral[Int(rng.next() % UInt64(neutral.count))] }
        var labels: [String] = []
        for (k, name) in ["positive", "colour"].enumerated() where rng.next() % 2 == 0 {
            labels.append(name)
            words.insert(cues[k][Int(rng.next() % 3)], at: Int(rng.next() % UInt64(words.count + 1)))
        }
        if rng.next() % 2 == 0 { labels.append("random") }  // no word tells this one
        return Sample(id: Int64(i + 1), split: "train", sourceRow: i + 2, externalID: nil, text: words.joined(separator: " "),
                      textPair: nil, label: labels.sorted().joined(separator: ";"), metadata: nil)
    }
    let config = BertConfig(vocabSize: 0, hiddenSize: 32, numHiddenLayers: 1, numAttentionHeads: 2, intermediateSize: 64, maxPositionEmbeddings: 32)
    var training = BertTrainingOptions.fromScratch(seed: 4)
    training.epochs = 20
    training.batchSize = 16
    training.maxLength = 16
    let family = BertFamily(name: "tiny-bert", initialisation: .random(config: config, vocabularySize: 200), training: training)
    let labels = ["positive", "colour", "random"]
    let results = try MultiLabelPVIEstimation.run(samples: samples, labels: labels, family: family, folds: 2, seed: 7)
    #expect(results.count == 3 && results.allSatisfy { $0.count == samples.count })
    let vInfo = results.map { rows in rows.reduce(0) { $0 + $1.score.pvi } / Double(rows.count) }
    #expect(vInfo[0] > 0.3 && vInfo[1] > 0.3, "V-info of the cued labels: \(vInfo)")
    #expect(abs(vInfo[2]) < 0.15, "V-info of the uncued label: \(vInfo[2])")
    // Binary labels and the definition, on one row.
    let row = results[1][0]
    #expect(row.sample.label == (samples[0].label.contains("colour") ? "colour" : "not colour"))
    #expect(row.probabilities.count == 2 && abs(row.probabilities[0] + row.probabilities[1] - 1) < 1e-6)
}
