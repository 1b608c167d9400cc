import Foundation

/// A WordPiece vocabulary: one token per line of `vocab.txt`, its id the line number (from 0).
package struct Vocabulary: Sendable {
    package let tokens: [String]
    private let ids: [String: Int32]

    package init(tokens: [String]) {
        self.tokens = tokens
        var ids: [String: Int32] = [:]
        ids.reserveCapacity(tokens.count)
        // The first occurrence wins, as in Hugging Face's loader.
        for (i, token) in tokens.enumerated() where ids[token] == nil { ids[token] = Int32(i) }
        self.ids = ids
    }

    /// Reads `vocab.txt` (UTF-8, one token per line; trailing line breaks are not part of tokens).
    package init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw InputError(file: path, message: "cannot read the vocabulary file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw InputError(file: path, message: "the vocabulary is not valid UTF-8")
        }
        var lines = text.components(separatedBy: "\n").map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
        if lines.last == "" { lines.removeLast() }
        self.init(tokens: lines)
    }

    package var count: Int { tokens.count }

    package func id(_ token: String) -> Int32? { ids[token] }

    /// Writes the vocabulary in `vocab.txt` form.
    package func write(to path: String) throws {
        try Data((tokens.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
    }
}
