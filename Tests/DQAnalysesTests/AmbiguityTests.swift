import Testing
import DQAnalyses

@Test func ambiguityIsTheClosenessOfTheTwoLeadingLabels() {
    // Rows: sure of the given label (0.9 against 0.05); torn (given 0.4 against 0.45); tied; sure
    // of another label (given 0.02 against 0.9); two other labels tied, the given one unlikely.
    let models = Ambiguity.models(probabilities: [0.9, 0.05, 0.05, 0.45, 0.4, 0.15, 0.5, 0.5, 0, 0.9, 0.08, 0.02, 0.49, 0.49, 0.02],
                                  given: [0, 1, 1, 2, 2], classes: 3)
    #expect(zip(models, [0.15, 0.95, 1.0, 0.12, 0.53]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(models)")
    // Annotators: unanimous 3, split 2–2, 3–1, one annotation.
    let annotators = Ambiguity.annotators(counts: [[3, 0], [2, 2], [3, 1], [1, 0]])
    #expect(annotators[0] == 0 && annotators[1] == 1 && annotators[2] == 0.5 && annotators[3] == nil)
    #expect(Ambiguity.dataMap(variability: [0.1, nil, 0.4]) == [0.2, nil, 0.8])
    // The mean of what each sample has.
    let combined = Ambiguity.combine([[0.2, 0.9, nil], [nil, 0.5, nil]])
    #expect(combined == [0.2, 0.7, 0])
}
