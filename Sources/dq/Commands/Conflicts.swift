import ArgumentParser
import DQAnalyses
import DQReports
import DQStore
import DQText
import Foundation

struct Conflicts: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pairs of (nearly) identical texts that carry different labels, within or across datasets.",
        discussion: """
            Exact conflicts are texts equal after folding case, punctuation and spacing. Near \
            conflicts have a Jaccard similarity of at least --threshold between their word-bigram \
            sets (found with MinHash LSH, then checked exactly). Across datasets with the same \
            labels, a conflict means the two datasets were labelled by different criteria.

            Examples:
              dq conflicts --dataset trec
              dq conflicts --datasets trec,trec_relabelled --threshold 0.7
            """
    )

    @Option(help: "The dataset. Default: the only one in the store.")
    var dataset: String?

    @Option(help: ArgumentHelp("Compare these datasets, within and across (comma-separated; they must share their labels).", valueName: "a,b"))
    var datasets: String?

    @Option(help: "The Jaccard similarity of word bigrams from which two texts count as near-duplicates.")
    var threshold = 0.8

    @Flag(name: .customLong("exact-only"), help: "Only exact (normalised) duplicates.")
    var exactOnly = false

    @OptionGroup var store: StoreOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if !(threshold > 0 && threshold <= 1) { throw ValidationError("--threshold must be in (0, 1]") }
        if dataset != nil && datasets != nil { throw ValidationError("give --dataset or --datasets, not both") }
    }

    func run() throws {
        let store = try store.open()
        let names = try datasets.map { $0.split(separator: ",").map { String($0).trimmingWhitespace() } } ?? [store.defaultDataset(dataset).name]
        let ids = try names.map { try store.requireDataset($0) }
        let labelSets = try ids.map { Set(try store.labels(dataset: $0)) }
        for (name, labels) in zip(names, labelSets).dropFirst() where labels != labelSets[0] {
            throw CommandError("datasets \(names[0]) and \(name) have different labels (\(labelSets[0].sorted().joined(separator: ", ")) vs \(labels.sorted().joined(separator: ", "))): conflicts compare datasets with the same label space")
        }
        var samples: [(dataset: String, sample: Sample)] = []
        for (name, id) in zip(names, ids) { samples += try store.samples(dataset: id).map { (name, $0) } }
        let items = samples.map { NearDuplicates.Item(text: [$0.sample.text, $0.sample.textPair].compactMap { $0 }.joined(separator: "\n"), label: $0.sample.label) }
        let parameters: JSONValue = .object([
            ("datasets", .array(names.map { .string($0) })), ("threshold", .number(threshold)), ("exact_only", .bool(exactOnly)),
            ("shingles", .string("word bigrams")), ("minhash", .string("32 bands x 4 rows")),
        ])
        let (run, pairs) = try store.recordRun(
            kind: "conflicts", dataset: ids[0], parameters: parameters, seed: nil,
            compute: { _ in NearDuplicates.conflicts(items, threshold: threshold, nearDuplicates: !exactOnly) },
            write: { run, pairs in
                try store.writeConflicts(run: run, pairs.map {
                    ConflictRow(sampleA: samples[$0.a].sample.id, sampleB: samples[$0.b].sample.id, kind: $0.exact ? "exact" : "near", similarity: $0.similarity)
                })
            })
        let many = names.count > 1
        func who(_ i: Int) -> String { many ? "\(samples[i].dataset):\(samples[i].sample.displayID)" : samples[i].sample.displayID }
        try output.emit([Table(
            name: "conflicts", title: "Near-duplicate texts with different labels, run \(run) (\(pairs.count) pairs)",
            columns: ["kind", "similarity", "id A", "label A", "id B", "label B", "text A", "text B"],
            rows: pairs.map { p in
                [.text(p.exact ? "exact" : "near"), .real(p.similarity), .text(who(p.a)), .text(samples[p.a].sample.label),
                 .text(who(p.b)), .text(samples[p.b].sample.label), .text(samples[p.a].sample.text), .text(samples[p.b].sample.text)]
            },
            note: pairs.isEmpty ? "No conflicting duplicates." : "Similarity: Jaccard of word bigrams (1 for exact duplicates after folding case, punctuation and spacing).")])
    }
}
