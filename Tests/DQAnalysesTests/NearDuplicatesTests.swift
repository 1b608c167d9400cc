import Foundation
import Testing
import DQTestSupport
import DQAnalyses
import DQText

@Test func shinglesAreWordBigramsWithMarkersAndJaccardIsExact() {
    // "The cat sat." → ^ the, the cat, cat sat, sat $; "the cat sat down" → … sat down, down $.
    let a = NearDuplicates.shingles("The cat sat.")
    let b = NearDuplicates.shingles("the cat sat down")
    #expect(a.count == 4 && b.count == 5)
    #expect(NearDuplicates.jaccard(a, b) == 3.0 / 6.0)
    #expect(NearDuplicates.jaccard(a, NearDuplicates.shingles("THE  cat, sat")) == 1)
}

@Test func exactAndNearConflictsNeedDifferentLabels() {
    let items = [
        NearDuplicates.Item(text: "John wrote books.", label: "acceptable"),
        NearDuplicates.Item(text: "john  wrote books", label: "unacceptable"),
        NearDuplicates.Item(text: "The cat sat on the mat today", label: "a"),
        NearDuplicates.Item(text: "The cat sat on the mat today!", label: "a"),
        NearDuplicates.Item(text: "the cat sat on the mat today ok", label: "b"),
    ]
    // Exact: 0–1. Near: 2–4 and 3–4, 7 bigrams shared of 10; 2–3 are exact but share a label.
    #expect(NearDuplicates.conflicts(items, threshold: 0.71).map { [$0.a, $0.b] } == [[0, 1]])
    let pairs = NearDuplicates.conflicts(items, threshold: 0.7)
    #expect(pairs.map { [$0.a, $0.b] } == [[0, 1], [2, 4], [3, 4]])
    #expect(pairs[0].exact && pairs[0].similarity == 1)
    #expect(abs(pairs[1].similarity - 0.7) < 1e-12 && !pairs[1].exact)
    #expect(NearDuplicates.conflicts(items, nearDuplicates: false).map { [$0.a, $0.b] } == [[0, 1]])
}

@Test func minHashFindsEveryPairABruteForceFindsOnRealQuestions() throws {
    let lines = try String(contentsOfFile: fixture("demo/trec/train.csv"), encoding: .utf8).split(whereSeparator: \.isNewline).dropFirst().prefix(1000)
    // Labels by position make most pairs cross-label, so the search has many to find.
    let items = lines.enumerated().map { i, line in
        NearDuplicates.Item(text: String(line.split(separator: ",").dropFirst().dropLast(2).joined(separator: ",")), label: "\(i % 7)")
    }
    let sets = items.map { NearDuplicates.shingles($0.text) }
    var brute: Set<[Int]> = []
    for a in 0..<items.count {
        for b in (a + 1)..<items.count where items[a].label != items[b].label
            && (NearDuplicates.jaccard(sets[a], sets[b]) >= 0.5 || TextNormalisation.duplicateKey(items[a].text) == TextNormalisation.duplicateKey(items[b].text)) {
            brute.insert([a, b])
        }
    }
    let found = Set(NearDuplicates.conflicts(items, threshold: 0.5).map { [$0.a, $0.b] })
    #expect(brute.count >= 10, "\(brute.count) pairs")
    // Each pair at s ≥ 0.5 is found with probability ≥ 1 − (1 − 0.5⁴)³² ≈ 0.87; most are far above.
    #expect(found.isSubset(of: brute))
    #expect(Double(found.count) >= 0.8 * Double(brute.count), "found \(found.count) of \(brute.count)")
}
