import DQText

/// Pairs of samples whose texts are (nearly) the same but whose labels differ: the "same input,
/// different labelling criteria" signal, within a dataset or across datasets.
///
/// - exact: the same text after `TextNormalisation.duplicateKey` (case, punctuation and spacing
///   folded), text pair included;
/// - near: Jaccard similarity |A ∩ B| / |A ∪ B| ≥ `threshold` (default 0.8) of the texts' shingle
///   sets, the word bigrams of the normalised text with start and end markers (so "the cat sat"
///   gives ^ the, the cat, cat sat, sat $). Candidates come from MinHash locality-sensitive
///   hashing (Broder, "On the resemblance and containment of documents", 1997; banding as in
///   Leskovec, Rajaraman & Ullman, "Mining of Massive Datasets", ch. 3): 128 hash functions in 32
///   bands of 4, so a pair with Jaccard s becomes a candidate with probability 1 − (1 − s⁴)³²
///   (0.9999 at s = 0.8, 0.99 at 0.6); every candidate's Jaccard is then computed exactly.
package enum NearDuplicates {
    package struct Item: Sendable {
        package var text: String
        package var label: String

        package init(text: String, label: String) {
            self.text = text
            self.label = label
        }
    }

    package struct Pair: Sendable, Equatable {
        /// Positions in the items, a < b.
        package var a: Int
        package var b: Int
        package var exact: Bool
        package var similarity: Double
    }

    static let bands = 32, rows = 4

    /// The shingle set of a text, as sorted distinct 64-bit hashes.
    package static func shingles(_ text: String) -> [UInt64] {
        shingles(normalised: TextNormalisation.duplicateKey(text))
    }

    /// `shingles` of a text already normalised by `TextNormalisation.duplicateKey`.
    static func shingles(normalised: String) -> [UInt64] {
        let words = ["^"] + normalised.split(separator: " ").map(String.init) + ["$"]
        var out: [UInt64] = []
        for i in 0..<(words.count - 1) {
            var hash = StableHash()
            hash.combine(words[i])
            hash.combine(words[i + 1])
            out.append(hash.finalize())
        }
        return Array(Set(out)).sorted()
    }

    /// |A ∩ B| / |A ∪ B| of two sorted distinct sets.
    package static func jaccard(_ a: [UInt64], _ b: [UInt64]) -> Double {
        var i = 0, j = 0, common = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] { common += 1; i += 1; j += 1 } else if a[i] < b[j] { i += 1 } else { j += 1 }
        }
        let union = a.count + b.count - common
        return union == 0 ? 1 : Double(common) / Double(union)
    }

    /// Every pair with different labels that is an exact duplicate or has Jaccard ≥ `threshold`;
    /// exact pairs first, then by similarity, highest first.
    package static func conflicts(_ items: [Item], threshold: Double = 0.8, nearDuplicates: Bool = true) -> [Pair] {
        var pairs: [Pair] = []
        var seen = Set<Int64>()
        func key(_ a: Int, _ b: Int) -> Int64 { Int64(a) << 32 | Int64(b) }
        // Exact: group by normalised text.
        let keys = items.map { TextNormalisation.duplicateKey($0.text) }
        var groups: [String: [Int]] = [:]
        for (i, key) in keys.enumerated() { groups[key, default: []].append(i) }
        for members in groups.values where members.count > 1 {
            for x in 0..<members.count {
                for y in (x + 1)..<members.count where items[members[x]].label != items[members[y]].label {
                    pairs.append(Pair(a: members[x], b: members[y], exact: true, similarity: 1))
                    seen.insert(key(members[x], members[y]))
                }
            }
        }
        if nearDuplicates {
            let sets = keys.map { shingles(normalised: $0) }
            var buckets: [UInt64: [Int]] = [:]
            for (i, set) in sets.enumerated() {
                let signature = minHash(set)
                for band in 0..<bands {
                    var hash = StableHash(seed: UInt64(band))
                    for r in 0..<rows { withUnsafeBytes(of: signature[band * rows + r]) { hash.combine(buffer: $0.bindMemory(to: UInt8.self)) } }
                    buckets[hash.finalize(), default: []].append(i)
                }
            }
            for members in buckets.values where members.count > 1 {
                for x in 0..<members.count {
                    for y in (x + 1)..<members.count {
                        let a = members[x], b = members[y]
                        guard items[a].label != items[b].label, seen.insert(key(a, b)).inserted else { continue }
                        let s = jaccard(sets[a], sets[b])
                        if s >= threshold { pairs.append(Pair(a: a, b: b, exact: false, similarity: s)) }
                    }
                }
            }
        }
        return pairs.sorted {
            ($0.exact && !$1.exact) || ($0.exact == $1.exact && ($0.similarity > $1.similarity
                || ($0.similarity == $1.similarity && ($0.a, $0.b) < ($1.a, $1.b))))
        }
    }

    /// The MinHash signature: for each of `bands · rows` hash functions h_k(x) = mix(x ⊕ seed_k),
    /// the minimum over the set.
    static func minHash(_ set: [UInt64]) -> [UInt64] {
        (0..<(bands * rows)).map { k in
            let seed = UInt64(k + 1) &* 0x9E37_79B9_7F4A_7C15
            return set.reduce(UInt64.max) { min($0, mix($1 ^ seed)) }
        }
    }

    /// SplitMix64's finaliser: a bijective mix of 64 bits.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
