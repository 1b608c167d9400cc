import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText

extension ArtefactsRun.Outcome {
    /// One table per label: its `top` tokens.
    package func tables(top: Int) -> [Table] {
        ranked.map { label, tokens in
            Table(name: "artefacts_\(label)", title: "Tokens that carry \(label) for g′ (run \(pviRun))",
                  columns: ["token", "occurrences", "mean Δ PVI (bits)"],
                  rows: tokens.prefix(top).map { [.text($0.token), .int($0.count), .real($0.meanContribution)] },
                  note: "Δ: how much PVI drops when the token is removed, g′ fixed; tokens occurring more than \(minCount) times in all; count: occurrences in the label's samples, each removed once.")
        }
    }

    /// A specs.json draft for `dq inconsistent`: each label's five strongest tokens as a query.
    package var specsDraft: String {
        let specs: [JSONValue] = ranked.compactMap { label, tokens in
            let words = tokens.prefix(5).map(\.token)
            guard !words.isEmpty else { return nil }
            return .object([("name", .string("artefacts-\(label)")), ("label", .string(label)), ("query", .string(words.joined(separator: " ")))])
        }
        return JSONValue.object([("specs", .array(specs))]).jsonText + "\n"
    }
}
