import ArgumentParser
import DQAnalyses
import DQReports
import DQStore
import DQText
import Foundation

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one self-contained HTML report of everything dq knows about a dataset.",
        discussion: """
            The report gathers the latest run of each analysis: the dataset summary and label \
            distribution, V-information per label with a PVI histogram per label (`dq pvi`), the \
            data map (`dq cartography`), the label-pair JSD heatmap (`dq divergence`) and the \
            suspects table (`dq suspects`). Each section names the run and parameters that \
            produced it; an analysis not run yet is a one-line note saying which command to run. \
            One file: inline CSS and SVG, no script, no external assets; every text is escaped.

            Examples:
              dq report --dataset trec --out report.html
              dq report --dataset cola --out cola.html --top 100
            """
    )

    @OptionGroup var selection: DatasetOptions

    @Option(help: ArgumentHelp("The HTML file to write.", valueName: "file"))
    var out: String

    @Option(help: "Suspects shown in the table.")
    var top = 50

    @OptionGroup var store: StoreOptions

    func validate() throws {
        try AtomicFile.checkFolder(of: out, option: "--out")
    }

    func run() throws {
        let store = try store.open()
        let (datasetID, name) = try store.defaultDataset(selection.dataset)
        let samples = try store.samples(dataset: datasetID)
        let byID = Dictionary(uniqueKeysWithValues: samples.map { ($0.id, $0) })
        func provenance(_ run: RunRecord) -> String {
            "run \(run.id) · \(run.kind) · dq \(run.dqVersion) · \(run.finishedAt ?? run.startedAt) · parameters \(run.parameters.jsonText)"
        }
        func missing(_ command: String) -> String { "Not run yet: \(command) --dataset \(name)" }
        var sections: [HTMLReport.Section] = []

        let stats = try DatasetStats.compute(store: store, datasets: [name])
        let splits = try store.splits(dataset: datasetID)
        sections.append(.init(title: "Dataset", body:
            HTML.table(Table(name: "summary", title: "", columns: ["samples", "splits", "labels", "exact duplicate texts", "conflicting duplicates"],
                             rows: [[.int(stats.sampleCount), .text(splits.map { "\($0.name) \($0.count)" }.joined(separator: ", ")),
                                     .int(stats.labels.count), .int(stats.exactDuplicates.count), .int(stats.conflicts.count)]]))
            + "<h3>Label distribution</h3>\n"
            + Charts.bars(stats.labels.map { ($0.label, Double($0.count)) }) { "\(Int($0))" }
            + HTML.table(Table(name: "lengths", title: "", columns: ["label", "min", "median", "p95", "max"],
                               rows: stats.lengths.map { [.text($0.label ?? "(all)"), .int($0.min), .real($0.median, digits: 1), .real($0.p95, digits: 1), .int($0.max)] },
                               note: "Text length in whitespace tokens."))))

        if let run = try store.defaultRun(dataset: datasetID, kind: "pvi") {
            let rows = try store.pviRows(run: run.id)
            let summaries = [PointwiseVInformation.summarise(rows, group: "all")] + PointwiseVInformation.summarise(rows, by: rows.map(\.label))
            sections.append(.init(title: "V-information", provenance: provenance(run), body:
                HTML.table(Table(name: "v", title: "", columns: ["label", "samples", "V-info (bits)", "mean H(y|∅)", "mean H(y|x)", "accuracy g′"],
                                 rows: PVI.summaryRows(summaries),
                                 note: "V-information: mean PVI, the bits the input gives about the label beyond the label prior (Ethayarajh et al., ICML 2022)."))
                + "<h3>PVI per label</h3>\n<p class=\"note\">Red: the label's mean; dashed: 0 bits. Samples below 0 are more surprising to the model than the prior: likely mislabels or hard cases.</p>\n"
                + Charts.histograms(rows.groupedInOrder(by: \.label).map { ($0.key, $0.elements.map(\.pvi)) }, unit: "bits")))
        } else {
            sections.append(.init(title: "V-information", body: nil, missing: missing("dq pvi")))
        }

        if let run = try store.defaultRun(dataset: datasetID, kind: "cartography") {
            let points = try store.cartographyPoints(run: run.id)
            var regions: [String: Int] = [:]
            for p in points { regions[p.region, default: 0] += 1 }
            sections.append(.init(title: "Data map", provenance: provenance(run), body:
                DataMapSVG.render(points.map { .init(variability: $0.variability, confidence: $0.confidence, correctness: $0.correctness) },
                                  title: "Data map of \(name)")
                + HTML.table(Table(name: "regions", title: "", columns: ["region", "samples"],
                                   rows: ["easy-to-learn", "ambiguous", "hard-to-learn"].map { [.text($0), .int(regions[$0] ?? 0)] },
                                   note: "Swayamdipta et al., EMNLP 2020: hard-to-learn samples are often mislabelled; ambiguous ones help generalisation."))))
        } else {
            sections.append(.init(title: "Data map", body: nil, missing: missing("dq cartography")))
        }

        if let run = try store.defaultRun(dataset: datasetID, kind: "divergence") {
            let pairs = try store.divergences(run: run.id)
            var labels: [String] = []
            for p in pairs { for l in [p.labelA, p.labelB] where !labels.contains(l) { labels.append(l) } }
            labels.sort()
            var value: [String: Double] = [:]
            for p in pairs { value[p.labelA + "\u{0}" + p.labelB] = p.divergence; value[p.labelB + "\u{0}" + p.labelA] = p.divergence }
            func words(_ json: String) -> String {
                guard case .array(let items)? = try? JSONValue.parse(json) else { return "" }
                return items.compactMap { $0[0]?.scalarText }.joined(separator: " ")
            }
            sections.append(.init(title: "Label-pair difficulty", provenance: provenance(run), body:
                "<p class=\"note\">Jensen–Shannon divergence of the two labels' word distributions (Masud et al., KDD 2023): darker = lower = harder to tell apart.</p>\n"
                + Charts.heatmap(labels: labels) { value[labels[$0] + "\u{0}" + labels[$1]] ?? 0 }
                + HTML.table(Table(name: "pairs", title: "", columns: ["label A", "label B", "JSD", "more in A", "more in B"],
                                   rows: pairs.map { [.text($0.labelA), .text($0.labelB), .real($0.divergence, digits: 4), .text(words($0.towardA)), .text(words($0.towardB))] }))))
        } else {
            sections.append(.init(title: "Label-pair difficulty", body: nil, missing: missing("dq divergence")))
        }

        if let run = try store.defaultRun(dataset: datasetID, kind: "suspects") {
            let suspects = try store.suspects(run: run.id)
            sections.append(.init(title: "Suspects", provenance: provenance(run), body:
                HTML.table(Table(name: "suspects", title: "", columns: ["#", "id", "given", "suggested", "score", "reasons", "text"],
                                 rows: suspects.prefix(top).map { s in
                                     let sample = byID[s.sampleID]
                                     return [.int(s.position), .text(sample?.displayID ?? "#\(s.sampleID)"), .text(sample?.label ?? ""), .optional(s.suggestedLabel),
                                             .real(s.score, digits: 4), .text(Suspects.reasons(fromEvidence: s.evidence)),
                                             .text([sample?.text, sample?.textPair].compactMap { $0 }.joined(separator: " ⟂ "))]
                                 },
                                 note: "\(suspects.count) samples flagged in all; hand them to annotators with dq export suspects."))))
        } else {
            sections.append(.init(title: "Suspects", body: nil, missing: missing("dq suspects")))
        }

        let report = HTMLReport(title: "dq report: \(name)", subtitle: "\(samples.count) samples · written \(Timestamp.now()) by dq \(dqVersion)", sections: sections)
        try AtomicFile.write(report.render(), to: out)
        Terminal.note("wrote \(out) (\(sections.filter { $0.body != nil }.count) of \(sections.count) sections; open it in a browser)")
    }
}
