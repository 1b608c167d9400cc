import Testing
import DQAnalyses

@Test func pinnedBiasEqualsAHandComputedCase() {
    // Six samples, label "toxic" on 3 → φ = 0.5. "gay": samples 0, 1, 2 (toxic, toxic, not) →
    // 2/3; "muslim woman" (two words in a row): samples 3, 4 (not, toxic) → 1/2; "woman" alone
    // also matches sample 5 → 3, 4, 5 (not, toxic, not) → 1/3; "jewish" nowhere.
    let texts = [["you are gay"], ["Gay!"], ["gay pride"], ["a muslim woman"], ["Muslim  woman, there"], ["a woman muslim"]]
    let labels = ["toxic", "toxic", "ok", "ok", "toxic", "ok"]
    let model = [0.9, 0.8, 0.7, 0.2, 0.6, 0.1]
    let result = LexicalBias.analyse(texts: texts, labels: labels, label: "toxic", terms: ["gay", "muslim woman", "woman", "jewish"],
                                     modelProbabilities: model, phi: nil)
    #expect(result.phi == 0.5)
    #expect(result.terms.map(\.term) == ["gay", "muslim woman", "woman"])
    #expect(result.terms.map(\.samples) == [[0, 1, 2], [3, 4], [3, 4, 5]])
    #expect(result.absent == ["jewish"])
    // pB(data) = (|2/3 − ½| + |½ − ½| + |⅓ − ½|) / 3 = (⅙ + 0 + ⅙) / 3 = 1/9.
    #expect(abs(result.pinnedData - 1.0 / 9) < 1e-12)
    // Model rates: gay (0.9 + 0.8 + 0.7)/3 = 0.8; muslim woman 0.4; woman 0.3 → (0.3 + 0.1 + 0.2)/3 = 0.2.
    #expect(abs(result.terms[0].modelRate! - 0.8) < 1e-12)
    #expect(abs(result.pinnedModel! - 0.2) < 1e-12)
    // φ = 0.5 by choice gives the same here; φ = 0.25 does not.
    let fixed = LexicalBias.analyse(texts: texts, labels: labels, label: "toxic", terms: ["gay"], modelProbabilities: nil, phi: 0.25)
    #expect(abs(fixed.pinnedData - (2.0 / 3 - 0.25)) < 1e-12 && fixed.pinnedModel == nil)
}

@Test func aucAndPinnedAUCEqualHandComputedValues() {
    // Positives score 0.9, 0.8, 0.6; negatives 0.7, 0.2, 0.1: 3 + 3 + 2 of the 9 pairs are ordered → 8/9.
    let scores: [Double] = [0.9, 0.8, 0.7, 0.2, 0.6, 0.1]
    let positive: [Bool] = [true, true, false, false, true, false]
    #expect(LexicalBias.auc(scores: scores, positive: positive) == 8.0 / 9)
    // A tie between a positive and a negative counts one half: (½ + 1) / 2.
    #expect(LexicalBias.auc(scores: [0.5, 0.5, 0.2], positive: [true, false, false]) == 0.75)
    #expect(LexicalBias.auc(scores: [0.5, 0.4], positive: [true, true]) == nil)
    // A term in every sample: its pinned set is the dataset twice over, whose AUC is the dataset's,
    // so the equality difference is 0. A term with samples of one label only and a draw of
    // others still has both classes.
    let texts = [["x gay"], ["x gay"], ["x"], ["x"], ["x"], ["x"]]
    let labels = ["toxic", "toxic", "ok", "ok", "toxic", "ok"]
    let model = [0.9, 0.8, 0.7, 0.2, 0.6, 0.1]
    let result = LexicalBias.analyse(texts: texts, labels: labels, label: "toxic", terms: ["x", "gay"], modelProbabilities: model, phi: nil)
    #expect(result.auc == 8.0 / 9)
    #expect(result.terms[0].pinnedAUC == 8.0 / 9)
    let gay = result.terms[1].pinnedAUC
    // "gay" holds samples 0 and 1, plus two drawn from all six: its pinned AUC is that of one of
    // the 15 possible pinned sets.
    var possible: Set<Double?> = []
    for i in 0..<6 { for j in (i + 1)..<6 {
        let set = [0, 1, i, j]
        let setScores: [Double] = set.map { model[$0] }
        let setPositive: [Bool] = set.map { labels[$0] == "toxic" }
        possible.insert(LexicalBias.auc(scores: setScores, positive: setPositive))
    } }
    #expect(possible.contains(gay) && possible.count > 2)
    let expected: Double = gay.map { abs(8.0 / 9 - $0) } ?? 0
    #expect(result.pinnedAUCEqualityDifference == expected)
    #expect(LexicalBias.analyse(texts: texts, labels: labels, label: "toxic", terms: ["x"], modelProbabilities: nil, phi: nil).auc == nil)
}
