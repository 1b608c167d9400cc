/// The word tokens dq uses outside BERT (label divergence, BM25 retrieval): maximal runs of
/// letters and digits, lower-cased. "What's the U.S. 2nd-largest city?" gives
/// what, s, the, u, s, 2nd, largest, city.
package enum WordTokens {
    /// Word tokens: maximal runs of letters and digits, lower-cased.
    package static func split(_ text: String) -> [String] {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return asciiSplit(text) }
        var out: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.lowercased().unicodeScalars {
            let props = scalar.properties
            if props.isAlphabetic || props.numericType != nil {
                current.append(scalar)
            } else if !current.isEmpty {
                out.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { out.append(String(current)) }
        return out
    }

    /// Each word token of `text` with its place in `text` (the same tokens as `split`).
    package static func occurrences(_ text: String) -> [(token: String, range: Range<String.Index>)] {
        var out: [(token: String, range: Range<String.Index>)] = []
        var start: String.Index?
        let scalars = text.unicodeScalars
        var i = scalars.startIndex
        while i < scalars.endIndex {
            let props = scalars[i].properties
            let isWord = props.isAlphabetic || props.numericType != nil
            if isWord, start == nil { start = i }
            if !isWord, let s = start {
                out.append((String(text[s..<i]).lowercased(), s..<i))
                start = nil
            }
            i = scalars.index(after: i)
        }
        if let s = start { out.append((String(text[s...]).lowercased(), s..<text.endIndex)) }
        return out
    }

    /// `split` for ASCII text, on bytes: the Unicode property look-ups of the general path cost
    /// ten times more.
    static func asciiSplit(_ text: String) -> [String] {
        var out: [String] = []
        var current: [UInt8] = []
        for byte in text.utf8 {
            let lower = byte | 0x20
            if (byte >= 0x30 && byte <= 0x39) || (lower >= 0x61 && lower <= 0x7A) {
                current.append(byte >= 0x30 && byte <= 0x39 ? byte : lower)
            } else if !current.isEmpty {
                out.append(String(decoding: current, as: UTF8.self))
                current.removeAll(keepingCapacity: true)
            }
        }
        if !current.isEmpty { out.append(String(decoding: current, as: UTF8.self)) }
        return out
    }
}
