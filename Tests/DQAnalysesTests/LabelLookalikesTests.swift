import Testing
@testable import DQAnalyses

/// Hand-made cases: a slip is a rare label one edit from a frequent one (two from eight
/// letters), or the same letters in another case or punctuation; short labels and labels of
/// similar frequency one letter apart are classes, not slips.
@Test func labelsThatLookLikeASlipForAMoreFrequentOneAreFound() {
    let agNews = [("Sports", 1_900), ("World", 1_900), ("Business", 1_900), ("Sci/Tech", 1_900),
                  ("Sprots", 3), ("world", 2), ("Sci-Tech", 1), ("Busines", 4)]
    let found = LabelLookalikes.find(agNews.map { ($0.0, $0.1) })
    #expect(found.map(\.label) == ["Sprots", "world", "Sci-Tech", "Busines"])
    #expect(found.map(\.like) == ["Sports", "World", "Sci/Tech", "Business"])
    #expect(found.map(\.sameLetters) == [false, true, true, false])
    // TREC's classes, short labels one letter apart, and two frequent labels one letter apart.
    #expect(LabelLookalikes.find([("ABBR", 86), ("DESC", 1_162), ("ENTY", 1_250), ("HUM", 1_223), ("LOC", 835), ("NUM", 896)]).isEmpty)
    #expect(LabelLookalikes.find([("A", 100), ("B", 1), ("LOC", 500), ("DOC", 2)]).isEmpty)
    #expect(LabelLookalikes.find([("contradiction", 3_000), ("contradictions", 400)]).isEmpty)  // not ten times rarer
    // Two spellings of one label as frequent as each other: the later one is the lookalike.
    #expect(LabelLookalikes.find([("Positive", 50), ("positive", 50)]).map(\.label) == ["positive"])
    #expect(LabelLookalikes.distance(Array("sports"), Array("sprots")) == 1 && LabelLookalikes.distance(Array("kitten"), Array("sitting")) == 3)
}
