import Testing
import DQAnalyses

@Test func suspectsFlaggedBySeveralSignalsComeFirstWithTheMajoritySuggestion() {
    let pvi = SuspectMerging.Signal(name: "pvi", flags: [
        .init(sampleID: 7, suggestedLabel: "b", reason: "PVI -2"),
        .init(sampleID: 3, suggestedLabel: "c", reason: "PVI -1"),
    ])
    let cl = SuspectMerging.Signal(name: "confident learning", flags: [
        .init(sampleID: 3, suggestedLabel: "b", reason: "prefers b"),
        .init(sampleID: 9, suggestedLabel: "a", reason: "prefers a"),
        .init(sampleID: 3, suggestedLabel: "a", reason: "listed twice: ignored"),
    ])
    let specs = SuspectMerging.Signal(name: "specifications", flags: [.init(sampleID: 3, suggestedLabel: "b", reason: "matches b")])
    let merged = SuspectMerging.merge([pvi, cl, specs])
    // 3: 1/62 + 1/61 + 1/61; 7: 1/61; 9: 1/62.
    #expect(merged.map(\.sampleID) == [3, 7, 9])
    #expect(abs(merged[0].score - (1.0 / 62 + 2.0 / 61)) < 1e-15)
    #expect(merged[0].suggestedLabel == "b")
    #expect(merged[0].signals == ["pvi", "confident learning", "specifications"])
    #expect(merged[0].reasons == ["PVI -1", "prefers b", "matches b"])
    #expect(SuspectMerging.merge([pvi, cl, specs], minSignals: 2).map(\.sampleID) == [3])
    // A tie in votes goes to the earlier signal's label.
    let tie = SuspectMerging.merge([pvi, SuspectMerging.Signal(name: "x", flags: [.init(sampleID: 7, suggestedLabel: "z", reason: "")])])
    #expect(tie.first { $0.sampleID == 7 }?.suggestedLabel == "b")
}
