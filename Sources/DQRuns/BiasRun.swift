import DQAnalyses
import DQReports
import DQStore
import DQText
import Foundation

/// `dq bias`: a label's rate among samples with given terms, in the data and in g′'s predictions.
package enum BiasRun {
    package struct Options: Sendable {
        /// The terms file, one term per line (`#` starts a comment line).
        package var termsFile: String
        package var label: String
        /// The `dq pvi` run for the model's rates; nil: the latest, if any.
        package var pviRun: Int64?
        /// The reference rate φ; nil: the label's overall rate.
        package var phi: Double?
        /// Sample ids listed per term.
        package var examples = 3

        package init(termsFile: String, label: String) {
            self.termsFile = termsFile
            self.label = label
        }

        package func validate() throws(OptionError) {
            try OptionError.check(examples, atLeast: 0, "examples")
            if let phi, !(phi >= 0 && phi <= 1) { throw OptionError("{phi} must be dataset or a number between 0 and 1") }
        }

        /// φ as written: "dataset" (the label's overall rate, nil) or a number.
        package static func phi(_ text: String) throws(OptionError) -> Double? {
            if text == "dataset" { return nil }
            guard let value = Double(text) else { throw OptionError("{phi} must be dataset or a number between 0 and 1") }
            return value
        }
    }

    package static func run(store: Store, dataset selection: DatasetSelection, options: Options) throws -> [Table] {
        try options.validate()
        let dataset = try store.resolve(selection)
        let terms = options.termsFile
        guard let text = try? String(contentsOfFile: terms, encoding: .utf8) else { throw RunError.cannotRead(file: terms, what: "terms file") }
        let list = text.split(whereSeparator: \.isNewline).map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        for (i, term) in list.enumerated() where WordTokens.split(term).isEmpty {
            throw InputError(file: terms, line: i + 1, message: "'\(term)' has no words to match")
        }
        guard !list.isEmpty else { throw InputError(file: terms, message: "lists no terms") }
        let label = options.label
        let labels = try store.labels(dataset: dataset.id)
        guard labels.contains(label) else { throw RunError.unknownLabel(label, dataset: dataset.name, known: labels) }
        var samples = try store.samples(dataset)
        var probabilities: [Double]?
        var source = "no `dq pvi` run: model rates left out"
        if let run = try store.chosenRun(options.pviRun, kind: .pvi, dataset: dataset) {
            let order = try run.parameters(PVIParameters.self).labels
            guard let k = order.firstIndex(of: label) else { throw RunError.unknownLabel(label, dataset: dataset.name, known: order) }
            let byID = Dictionary(uniqueKeysWithValues: try store.pviRows(run: run.id).map { ($0.sampleID, $0.probabilities[k]) })
            samples = samples.filter { byID[$0.id] != nil }
            probabilities = samples.map { byID[$0.id]! }
            source = "model rates: mean p′(\(label) | x) of \(run.described) (\(samples.count) samples it scored)"
        }
        let result = LexicalBias.analyse(
            texts: samples.map { [$0.text, $0.textPair].compactMap { $0 } }, labels: samples.map(\.label), label: label,
            terms: list, modelProbabilities: probabilities, phi: options.phi)
        return [
            Table(
                name: "terms", title: "p(\(label) | term) in \(dataset.name); φ = \(result.phi.formatted(digits: 3))",
                columns: ["term", "samples", "p(L|t) data", "p(L|t) model", "|data − φ|", "pinned AUC", "examples"],
                rows: result.terms.sorted { abs($0.dataRate - result.phi) > abs($1.dataRate - result.phi) }.map { t in
                    [.text(t.term), .int(t.samples.count), .real(t.dataRate), t.modelRate.map { .real($0) } ?? .missing,
                     .real(abs(t.dataRate - result.phi)), t.pinnedAUC.map { .real($0) } ?? .missing,
                     .text(t.samples.prefix(options.examples).map { samples[$0].displayID }.joined(separator: " "))]
                },
                note: source + (result.absent.isEmpty ? "" : "; no sample contains: \(result.absent.joined(separator: ", "))")),
            Table(
                name: "pinned_bias", title: "Rate deviation pB = Σ_t |p(L|t) − φ| / |T| over the \(result.terms.count) terms found, and pinned AUC",
                columns: ["label", "φ", "pB data", "pB model", "AUC model", "pinned AUC equality difference"],
                rows: [[.text(label), .real(result.phi), .real(result.pinnedData), result.pinnedModel.map { .real($0) } ?? .missing,
                        result.auc.map { .real($0) } ?? .missing, result.pinnedAUCEqualityDifference.map { .real($0) } ?? .missing]],
                note: "pB 0: the label is as frequent with every term as overall; larger: the terms pull toward or away from it (dq's summary, "
                    + "in the form of Dixon et al. 2018's equality differences). Pinned AUC (Dixon et al., AIES 2018): the model's AUC for the "
                    + "label on the term's samples plus as many drawn from the whole dataset; the equality difference is Σ_t |AUC − pinned AUC|, "
                    + "0 when the model ranks as well with every term as overall."),
        ]
    }
}
