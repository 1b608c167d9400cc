import DQAnalyses
import DQReports
import DQStore
import DQText

/// `dq report`: one self-contained HTML report of the latest run of every analysis.
package enum ReportRun {
    /// The report of a dataset; `top` suspects are listed. With splits, the dataset section
    /// counts only those splits and the suspects listed are theirs; the analyses' sections
    /// show their runs as they are.
    package static func run(store: Store, dataset selection: DatasetSelection, top: Int) throws -> HTMLReport {
        let dataset = try store.resolve(selection)
        let samples = try store.samples(dataset)
        let byID = Dictionary(uniqueKeysWithValues: samples.map { ($0.id, $0) })
        func missing(_ kind: RunKind) -> String { "Not run yet: \(kind.command) --dataset \(dataset.name)" }
        var sections = [try datasetSection(store: store, dataset: dataset)]
        if try store.annotationCount(dataset: dataset.id) > 0 {
            sections.append(try annotatorsSection(store: store, dataset: dataset))
        }
        if try store.isMultiLabel(dataset: dataset.id) {
            sections += try multiLabelSections(store: store, dataset: dataset)
        } else {
            sections.append(try store.defaultRun(dataset: dataset.id, kind: .pvi).map { try pviSection($0, store: store) }
                ?? .init(title: "V-information", body: nil, missing: missing(.pvi)))
        }
        sections.append(try store.defaultRun(dataset: dataset.id, kind: .cartography).map { try cartographySection($0, store: store, dataset: dataset.name) }
            ?? .init(title: "Data map", body: nil, missing: missing(.cartography)))
        sections.append(try store.defaultRun(dataset: dataset.id, kind: .divergence).map { try divergenceSection($0, store: store) }
            ?? .init(title: "Label-pair difficulty", body: nil, missing: missing(.divergence)))
        if !(try store.isMultiLabel(dataset: dataset.id)), let run = try store.defaultRun(dataset: dataset.id, kind: .labelIssues),
           try run.parameters(LabelIssuesParameters.self).multiLabel != true {
            sections.append(try labelIssuesSection(run, store: store))
        }
        sections.append(try store.defaultRun(dataset: dataset.id, kind: .suspects).map { try suspectsSection($0, store: store, samples: byID, top: top) }
            ?? .init(title: "Suspects", body: nil, missing: missing(.suspects)))
        let corrections = try store.correctionHistory(dataset: dataset.id)
        if !corrections.isEmpty { sections.append(correctionsSection(corrections, samples: byID)) }
        sections.append(try store.defaultRun(dataset: dataset.id, kind: .evaluate).map { try evaluationSection($0, store: store) }
            ?? .init(title: "Finding planted errors", body: nil, missing: missing(.evaluate)))
        sections.insert(try summarySection(store: store, dataset: dataset, corrections: corrections.count), at: 0)
        let splits = dataset.splits.map { " of split \($0.joined(separator: ", "))" } ?? ""
        return HTMLReport(title: "dq report: \(dataset.name)", subtitle: "\(samples.count.formatted(thousands: true)) samples\(splits) · written \(Timestamp.now()) by dq \(dqVersion)",
                          sections: sections)
    }

    /// Which run made a section, in words, with its parameters.
    static func provenance(_ run: RunRecord) -> HTMLReport.Provenance {
        HTMLReport.Provenance(run: "\(run.described) · dq \(run.dqVersion)", parameters: run.parametersJSON)
    }

    static func datasetSection(store: Store, dataset: ResolvedDataset) throws -> HTMLReport.Section {
        let stats = try StatsRun.run(store: store, dataset: DatasetSelection(name: dataset.name, splits: dataset.splits, labels: dataset.labelVersion == nil ? .given : .current)).stats
        let splits = try store.splits(dataset: dataset.id).filter { dataset.splits?.contains($0.name) ?? true }
        return .init(title: "Dataset", body:
            HTML.table(Table(name: "summary", title: "", columns: ["samples", "splits", "labels", "exact duplicate texts", "conflicting duplicates"],
                             rows: [[.int(stats.sampleCount), .text(splits.map { "\($0.name) \($0.count)" }.joined(separator: ", ")),
                                     .int(stats.labels.count), .int(stats.exactDuplicates.count), .int(stats.conflicts.count)]]))
            + "<h3>Label distribution</h3>\n"
            + Charts.bars(stats.labels.map { ($0.label, Double($0.count)) }) { "\(Int($0))" }
            + HTML.table(Table(name: "lengths", title: "", columns: ["label", "min", "median", "p95", "max"],
                               rows: stats.lengths.map { [.text($0.label ?? "(all)"), .int($0.min), .real($0.median, digits: 1), .real($0.p95, digits: 1), .int($0.max)] },
                               note: "Text length in whitespace tokens.")))
    }

    static func pviSection(_ run: RunRecord, store: Store) throws -> HTMLReport.Section {
        let rows = try store.pviRows(run: run.id)
        let summaries = [PointwiseVInformation.summarise(rows, group: "all")] + PointwiseVInformation.summarise(rows, by: rows.map(\.label))
        return .init(title: "V-information", provenance: [provenance(run)], body:
            HTML.table(Table(name: "v", title: "", columns: ["label", "samples", "V-info (bits)", "mean H(y|∅)", "mean H(y|x)", "accuracy g′"],
                             rows: PVIRun.summaryRows(summaries),
                             note: "V-information: mean PVI, the bits the input gives about the label beyond the label prior (Ethayarajh et al., ICML 2022)."))
            + "<h3>PVI per label</h3>\n<p class=\"note\">Red: the label's mean; dashed: 0 bits. Samples below 0 are more surprising to the model than the prior: likely mislabels or hard cases.</p>\n"
            + Charts.histograms(rows.groupedInOrder(by: \.label).map { ($0.key, $0.elements.map(\.pvi)) }, unit: "bits"))
    }

    /// Agreement and consensus, from the latest run of each.
    static func annotatorsSection(store: Store, dataset: ResolvedDataset) throws -> HTMLReport.Section {
        var body = ""
        var provenances: [HTMLReport.Provenance] = []
        if let run = try store.latestRun(dataset: dataset.id, kind: .agreement), let summary = try store.summary(run: run.id) {
            provenances.append(provenance(run))
            func cells(_ value: JSONValue?) -> [Cell] {
                ["estimate", "low", "high"].map { key in
                    if case .number(let x)? = value?[key] { return .real(x) }
                    return .missing
                }
            }
            var rows: [[Cell]] = [
                [.text("Krippendorff's α (nominal)")] + cells(summary["krippendorff_alpha"]),
                [.text("Fleiss' κ")] + cells(summary["fleiss_kappa"]),
                [.text("Light's κ (mean pairwise Cohen's κ)")] + cells(summary["light_kappa"]),
            ]
            if case .array(let labels)? = summary["per_label"] {
                for label in labels {
                    rows.append([.text("α of " + (label["label"]?.scalarText ?? "?"))] + cells(label["alpha"]))
                }
            }
            body += HTML.table(Table(name: "agreement", title: "", columns: ["statistic", "estimate", "low", "high"], rows: rows,
                                     note: "Agreement beyond chance: 1 perfect, 0 chance; intervals from a bootstrap over items (dq agreement)."))
            let pairs = pairwiseKappa(summary)
            if pairs.annotators.count > 1 {
                body += "<h3>Cohen's κ of each pair of annotators</h3>\n<p class=\"note\">Darker = lower agreement; – : the pair shares no item.</p>\n"
                    + Charts.heatmap(labels: pairs.annotators) { pairs.kappa[$0][$1] }
            }
        } else {
            body += "<p class=\"note\">Not run yet: dq agreement --dataset \(HTML.escape(dataset.name))</p>\n"
        }
        if let run = try store.latestRun(dataset: dataset.id, kind: .consensus) {
            provenances.append(provenance(run))
            let method = try run.parameters(ConsensusParameters.self).method.rawValue
            let samples = try store.consensusRows(run: run.id)
            body += "<h3>Consensus (\(HTML.escape(method)))</h3>\n"
            body += HTML.table(Table(name: "consensus_annotators", title: "",
                                     columns: ["annotator", "items", "quality", "agreement with consensus", "worst label"],
                                     rows: try store.consensusAnnotators(run: run.id).map { name, row in
                                         [.text(name), .int(row.items), row.quality.map { .real($0) } ?? .missing,
                                          row.agreement.map { .real($0) } ?? .missing, .optional(row.worstLabel)]
                                     },
                                     note: "\(samples.count) items; \(samples.filter { $0.agreement == 1 }.count) unanimous. Least reliable annotators first."))
        } else {
            body += "<p class=\"note\">Not run yet: dq consensus --dataset \(HTML.escape(dataset.name))</p>\n"
        }
        return .init(title: "Annotators", provenance: provenances, body: body)
    }

    /// Multi-label data: each label's binary V-information from its latest one-vs-rest run, and
    /// the latest multi-label label issues.
    static func multiLabelSections(store: Store, dataset: ResolvedDataset) throws -> [HTMLReport.Section] {
        var latest: [String: RunRecord] = [:]
        for run in try store.runs(dataset: dataset.id, kind: .pvi) where run.status == .succeeded {
            if let label = try run.parameters(PVIParameters.self).oneVsRest, latest[label] == nil { latest[label] = run }
        }
        let labels = try store.labels(dataset: dataset.id)
        var sections: [HTMLReport.Section] = []
        if labels.allSatisfy({ latest[$0] != nil }) {
            var rows: [[Cell]] = [], histograms: [(String, [Double])] = []
            for label in labels {
                let pvi = try store.pviRows(run: latest[label]!.id)
                let summary = PointwiseVInformation.summarise(pvi, group: label)
                rows.append([.text(label), .int(pvi.filter { $0.label == label }.count), .real(summary.vInformation), .real(summary.meanHNull),
                             .real(summary.meanHInput), .real(summary.accuracy), .int(Int(latest[label]!.id))])
                histograms.append((label, pvi.map(\.pvi)))
            }
            sections.append(.init(title: "V-information of each label", provenance: labels.map { provenance(latest[$0]!) }, body:
                HTML.table(Table(name: "v_labels", title: "", columns: ["label", "samples with it", "V-info (bits)", "mean H(y|∅)", "mean H(y|x)", "accuracy g′", "run"],
                                 rows: rows, note: "Multi-label: each label a binary problem (has it or not), one sigmoid per label."))
                + "<h3>Binary PVI per label</h3>\n" + Charts.histograms(histograms, unit: "bits")))
        } else {
            sections.append(.init(title: "V-information of each label", body: nil, missing: "Not run yet: dq pvi --dataset \(dataset.name)"))
        }
        let issues = try store.runs(dataset: dataset.id, kind: .labelIssues).first { run in
            run.status == .succeeded && (try? run.parameters(LabelIssuesParameters.self))?.multiLabel == true
        }
        if let issues, let summary = try store.summary(run: issues.id), case .object(let perLabel)? = summary["issues_per_label"] {
            sections.append(.init(title: "Multi-label label issues", provenance: [provenance(issues)], body:
                HTML.table(Table(name: "ml_issues", title: "", columns: ["label", "issues"],
                                 rows: perLabel.map { [.text($0.key), $0.value.scalarText.flatMap { Int($0) }.map { .int($0) } ?? .missing] },
                                 note: "\(summary["issues"]?.scalarText ?? "?") of \(summary["samples"]?.scalarText ?? "?") samples flagged, "
                                     + "one label at a time as cleanlab's multi-label find_label_issues; the list: dq label-issues --multi-label --dataset \(dataset.name)"))))
        } else {
            sections.append(.init(title: "Multi-label label issues", body: nil, missing: "Not run yet: dq label-issues --multi-label --dataset \(dataset.name)"))
        }
        return sections
    }

    static func cartographySection(_ run: RunRecord, store: Store, dataset: String) throws -> HTMLReport.Section {
        let points = try store.cartographyPoints(run: run.id)
        let counts = CartographyRegion.allCases.map { region in points.filter { $0.regions.contains(region) }.count }
        return .init(title: "Data map", provenance: [provenance(run)], body:
            DataMapSVG.render(points.map { .init(variability: $0.variability, confidence: $0.confidence, correctness: $0.correctness) },
                              title: "Data map of \(dataset)")
            + HTML.table(Table(name: "regions", title: "", columns: ["region", "samples"],
                               rows: zip(CartographyRegion.allCases, counts).map { [.text($0.rawValue), .int($1)] },
                               note: "Swayamdipta et al., EMNLP 2020: hard-to-learn samples are often mislabelled; ambiguous ones help generalisation. "
                                   + "Each region is selected on its own, so a sample can be in two.")))
    }

    static func divergenceSection(_ run: RunRecord, store: Store) throws -> HTMLReport.Section {
        let pairs = try store.divergences(run: run.id)
        var labels: [String] = []
        for p in pairs { for l in [p.labelA, p.labelB] where !labels.contains(l) { labels.append(l) } }
        labels.sort()
        var value: [String: Double] = [:]
        for p in pairs { value[p.labelA + "\u{0}" + p.labelB] = p.divergence; value[p.labelB + "\u{0}" + p.labelA] = p.divergence }
        func words(_ list: [DivergenceRow.Contribution]) -> String { list.map(\.token).joined(separator: " ") }
        return .init(title: "Label-pair difficulty", provenance: [provenance(run)], body:
            "<p class=\"note\">Jensen–Shannon divergence of the two labels' word distributions (Masud et al., KDD 2023): darker = lower = harder to tell apart.</p>\n"
            + Charts.heatmap(labels: labels) { value[labels[$0] + "\u{0}" + labels[$1]] ?? 0 }
            + HTML.table(Table(name: "pairs", title: "", columns: ["label A", "label B", "JSD", "baseline", "excess", "samples A", "samples B", "more in A", "more in B"],
                               rows: pairs.map {
                                   [.text($0.labelA), .text($0.labelB), .real($0.divergence, digits: 4), $0.baseline.map { .real($0, digits: 4) } ?? .missing,
                                    $0.excess.map { .real($0, digits: 4) } ?? .missing, .int($0.samplesA), .int($0.samplesB),
                                    .text(words($0.towardA)), .text(words($0.towardB))]
                               },
                               note: "baseline: the JSD the same label sizes give with the labels shuffled; excess: JSD beyond it. Pairs ordered by excess.")))
    }

    static func evaluationSection(_ run: RunRecord, store: Store) throws -> HTMLReport.Section {
        let parameters = try run.parameters(EvaluateParameters.self)
        let counts = try store.evaluationCounts(run: run.id)
        let perRepeat = Dictionary(grouping: try store.plantedErrors(run: run.id), by: \.repeatIndex).sorted { $0.key < $1.key }
            .map { "\($0.value.count)" }.joined(separator: ", ")
        return .init(title: "Finding planted errors", provenance: [provenance(run)], body:
            "<p class=\"note\">\(parameters.multiLabel == true ? "Flipped label memberships" : parameters.mode.rawValue.capitalized + " label errors") planted into a copy of the labels "
            + "(\(perRepeat) in the \(parameters.repeats) repeats): "
            + "how well each signal ranks them first.</p>\n"
            + HTML.table(EvaluateRun.table(try store.evaluationMetrics(run: run.id), run: run.id, title: "", multiLabel: parameters.multiLabel == true))
            + (counts.isEmpty ? "" : HTML.table(EvaluateRun.countTable(counts, classes: parameters.labels.count, run: run.id,
                                                                       multiLabel: parameters.multiLabel == true))))
    }

    static func suspectsSection(_ run: RunRecord, store: Store, samples: [Int64: Sample], top: Int) throws -> HTMLReport.Section {
        // Only the samples of the report's splits.
        let suspects = try store.suspects(run: run.id).filter { samples[$0.sampleID] != nil }
        return .init(title: "Suspects", provenance: [provenance(run)], body:
            HTML.table(Table(name: "suspects", title: "", columns: ["#", "id", "given", "suggested", "score", "reasons", "text"],
                             rows: suspects.prefix(top).map { s in
                                 let sample = samples[s.sampleID]
                                 return [.int(s.position), .text(sample?.displayID ?? "#\(s.sampleID)"), .text(sample?.label ?? ""), .optional(s.suggestedLabel),
                                         .real(s.score, digits: 4), .text(s.reasonText),
                                         .text([sample?.text, sample?.textPair].compactMap { $0 }.joined(separator: " ⟂ "))]
                             },
                             note: "\(suspects.count) samples flagged in all; hand them to annotators with dq export suspects.")))
    }

    /// Each annotator pair's Cohen's κ from an agreement run's summary (NaN: no shared item), annotators sorted.
    static func pairwiseKappa(_ summary: JSONValue) -> (annotators: [String], kappa: [[Double]]) {
        guard case .array(let pairs)? = summary["pairs"] else { return ([], []) }
        let names = Set(pairs.flatMap { [$0["a"]?.scalarText, $0["b"]?.scalarText].compactMap { $0 } }).sorted()
        let index = Dictionary(uniqueKeysWithValues: names.enumerated().map { ($1, $0) })
        var kappa = [[Double]](repeating: [Double](repeating: .nan, count: names.count), count: names.count)
        for pair in pairs {
            guard let a = pair["a"]?.scalarText.flatMap({ index[$0] }), let b = pair["b"]?.scalarText.flatMap({ index[$0] }),
                  case .number(let value)? = pair["cohen"]?["estimate"] else { continue }
            (kappa[a][b], kappa[b][a]) = (value, value)
        }
        return (names, kappa)
    }

    /// What the report found and what to do next, from the latest runs: the estimated label
    /// errors, the hardest label pairs, the weakest annotators, and the next command.
    static func summarySection(store: Store, dataset: ResolvedDataset, corrections: Int) throws -> HTMLReport.Section {
        var rows: [[Cell]] = []
        let name = dataset.name.shellQuoted
        let suspects = try store.defaultRun(dataset: dataset.id, kind: .suspects)
        if let run = suspects {
            let parameters = try run.parameters(SuspectsParameters.self)
            let count = try store.suspects(run: run.id).count
            let estimate = parameters.estimate.map { e in "about \(e[0]) (95% interval \(e[1])–\(e[2])); " } ?? ""
            rows.append([.text("likely wrong labels"), .text(estimate + "\(count) listed under Suspects (suspects run \(run.id))")])
        }
        if let run = try store.defaultRun(dataset: dataset.id, kind: .divergence) {
            let hardest = try DivergenceRun.hardestPairs(store: store, run: run.id)
            rows.append([.text("hardest label pairs"), .text(hardest.map { "\($0.labelA)–\($0.labelB)" }.joined(separator: ", ") + " (Label-pair difficulty)")])
        }
        if let run = try store.latestRun(dataset: dataset.id, kind: .agreement), let summary = try store.summary(run: run.id) {
            let pairs = pairwiseKappa(summary)
            let means = pairs.annotators.indices.compactMap { i -> (String, Double)? in
                let values = pairs.kappa[i].filter { !$0.isNaN }
                return values.isEmpty ? nil : (pairs.annotators[i], values.reduce(0, +) / Double(values.count))
            }.sorted { $0.1 < $1.1 }.prefix(3)
            if !means.isEmpty {
                rows.append([.text("weakest annotators"), .text(means.map { "\($0.0) (mean Cohen's κ \($0.1.formatted(digits: 2)))" }.joined(separator: ", "))])
            }
        }
        let analysed = try store.defaultRun(dataset: dataset.id, kind: .pvi)
        if corrections > 0 {
            rows.append([.text("corrections"), .text("\(corrections) review decisions imported (Corrections)")])
        }
        let next: String
        if analysed == nil {
            next = "dq check FILE (or dq pvi --dataset \(name) --model bow, then dq suspects --dataset \(name))"
        } else if let analysed, dataset.labelVersion != nil, analysed.labelVersion != dataset.labelVersion {
            next = "labels were corrected after pvi run \(analysed.id): dq pvi --dataset \(name) --model bow, then dq suspects --dataset \(name), to judge the current labels"
        } else if suspects == nil {
            next = "dq suspects --dataset \(name) (after dq evaluate --dataset \(name), which sizes and calibrates the list)"
        } else {
            next = "dq export suspects --dataset \(name) --out review.csv; fill corrected_label; dq corrections import review.csv"
        }
        rows.append([.text("next"), .text(next)])
        return .init(title: "Summary", body: HTML.table(Table(name: "summary", title: "", columns: ["finding", "detail"], rows: rows)))
    }

    /// Confident learning's noise matrix as a heatmap, and each label's flags.
    static func labelIssuesSection(_ run: RunRecord, store: Store) throws -> HTMLReport.Section {
        let labels = try run.parameters(LabelIssuesParameters.self).labels
        var body = ""
        if let summary = try store.summary(run: run.id), case .array(let matrix)? = summary["noise_matrix"] {
            let noise = matrix.map { row -> [Double] in
                guard case .array(let cells) = row else { return [] }
                return cells.map { if case .number(let x) = $0 { return x } else { return .nan } }
            }
            if noise.count == labels.count, noise.allSatisfy({ $0.count == labels.count }) {
                body += "<p class=\"note\">Noise matrix P(given label | true label), rows the given label, columns the true one: how often "
                    + "confident learning finds each label given in place of another (cleanlab's noise_matrix). Darker = more.</p>\n"
                    + Charts.heatmap(labels: labels, darkerWhenLarger: true) { noise[$0][$1] }
            }
            if case .number(let issues)? = summary["issues"], case .number(let estimated)? = summary["estimated_issues"] {
                body += "<p class=\"note\">\(Int(issues)) samples flagged; cleanlab's count of label issues: \(Int(estimated)).</p>\n"
            }
        }
        return .init(title: "Confident learning", provenance: [provenance(run)], body: body.isEmpty ? nil : body,
                     missing: "Run dq label-issues again: this run kept no noise matrix")
    }

    /// The review decisions imported, latest first.
    static func correctionsSection(_ history: [CorrectionRecord], samples: [Int64: Sample]) -> HTMLReport.Section {
        .init(title: "Corrections", body: HTML.table(Table(
            name: "corrections", title: "", columns: ["id", "old label", "new label", "annotator", "file", "imported at"],
            rows: history.reversed().prefix(200).map { [.text(samples[$0.sampleID]?.displayID ?? "#\($0.sampleID)"), .text($0.oldLabel), .text($0.newLabel),
                                                        .optional($0.annotator), .text($0.file), .text($0.importedAt)] },
            note: "\(history.count) review decisions, latest first (the first 200; dq corrections list has them all). Equal old and new labels: a "
                + "reviewer kept the label.")))
    }
}
