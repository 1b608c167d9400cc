/// Labels that look like a slip for a more frequent label: the same letters and digits in
/// another case or with other punctuation (`sci-tech` beside `Sci/Tech`), or, for labels of
/// four letters or more, one edit away (two from eight letters) while ten times rarer
/// (`Sprots` beside `Sports`). Short labels one letter apart (`A`, `B`; `LOC`, `DOC`) are
/// distinct classes as often as slips, so they are left alone.
package enum LabelLookalikes {
    package struct Lookalike: Sendable, Equatable {
        package var label: String
        package var count: Int
        /// The more frequent label it looks like.
        package var like: String
        package var likeCount: Int
        /// True when only case or punctuation differ.
        package var sameLetters: Bool
    }

    /// Each label that looks like a more frequent one, with the most frequent it looks like;
    /// in order of `counts`.
    package static func find(_ counts: [(label: String, count: Int)]) -> [Lookalike] {
        let keys = counts.map { entry in String(entry.label.lowercased().filter { $0.isLetter || $0.isNumber }) }
        let lowered = counts.map { Array($0.label.lowercased()) }
        var out: [Lookalike] = []
        for (a, rare) in counts.enumerated() {
            var best: Lookalike?
            for (b, frequent) in counts.enumerated() where b != a && frequent.count >= rare.count && frequent.count > (best?.likeCount ?? 0) {
                let sameLetters = !keys[a].isEmpty && keys[a] == keys[b]
                // Of two spellings equally frequent, the later one is the lookalike.
                if frequent.count == rare.count && !(sameLetters && b < a) { continue }
                let shortest = min(keys[a].count, keys[b].count)
                let slip = shortest >= 4 && rare.count * 10 <= frequent.count
                    && distance(lowered[a], lowered[b]) <= (shortest >= 8 ? 2 : 1)
                if sameLetters || slip {
                    best = Lookalike(label: rare.label, count: rare.count, like: frequent.label, likeCount: frequent.count, sameLetters: sameLetters)
                }
            }
            if let best { out.append(best) }
        }
        return out
    }

    /// Levenshtein distance, with a transposition of two neighbours counted as one edit.
    package static func distance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
            }
        }
        return d[a.count][b.count]
    }
}
