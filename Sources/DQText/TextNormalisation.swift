/// Normalisation used to find texts that are the same up to trivial differences.
package enum TextNormalisation {
    /// Folds case, drops punctuation and symbols, and collapses runs of whitespace, so that
    /// "John wrote books." and "john  wrote books" normalise alike. Letters, digits and marks
    /// are kept; every other character counts as a separator.
    package static func duplicateKey(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return asciiDuplicateKey(text) }
        var out = String.UnicodeScalarView()
        var pendingSpace = false
        for scalar in text.lowercased().unicodeScalars {
            let props = scalar.properties
            if props.isAlphabetic || props.numericType != nil || props.generalCategory == .nonspacingMark {
                if pendingSpace && !out.isEmpty { out.append(" ") }
                pendingSpace = false
                out.append(scalar)
            } else {
                pendingSpace = true
            }
        }
        return String(out)
    }

    /// `duplicateKey` for ASCII text, on bytes (the Unicode property look-ups of the general
    /// path cost ten times more).
    private static func asciiDuplicateKey(_ text: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        var pendingSpace = false
        for byte in text.utf8 {
            let lower = byte | 0x20
            let isDigit = byte >= 0x30 && byte <= 0x39
            if isDigit || (lower >= 0x61 && lower <= 0x7A) {
                if pendingSpace && !out.isEmpty { out.append(0x20) }
                pendingSpace = false
                out.append(isDigit ? byte : lower)
            } else {
                pendingSpace = true
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The number of whitespace-separated tokens in `text`.
    package static func whitespaceTokenCount(_ text: String) -> Int {
        var count = 0
        var inToken = false
        for byte in text.utf8 {
            let space = byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C
            if !space && !inToken { count += 1 }
            inToken = !space
        }
        return count
    }
}

extension String {
    /// The text as one word of a POSIX shell command: as it is when it holds only characters a
    /// shell leaves alone, else in single quotes (a quote inside written `'\''`), so a hint
    /// such as `dq stats --dataset NAME` is safe to paste whatever NAME holds.
    package var shellQuoted: String {
        let plain = !isEmpty && unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("A"..."Z").contains($0) || ("0"..."9").contains($0) || "-_./:,+@%=".unicodeScalars.contains($0)
        }
        return plain ? self : "'" + replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
