import DQAnalyses
import DQReports
import DQStore
import DQText

extension ConsensusRun.Outcome {
    private var methodName: String {
        switch method {
        case .majority: "majority vote"
        case .dawidSkene: "Dawid–Skene"
        case .crowdlab: "CROWDLAB"
        }
    }

    /// Item i's labels as given, "pos ×2, neg ×1".
    func given(_ i: Int) -> String { annotations.describeCounts(annotations.matrix.labelCounts(i)) }

    /// Items with two or more annotators, all of one label, whose consensus is another label.
    package var overturnedUnanimous: [Int] {
        samples.indices.filter { i in
            let counts = annotations.matrix.labelCounts(i)
            return counts.count == 1 && counts[0].count >= 2 && counts[0].label != result.label[i]
        }
    }

    /// CROWDLAB: the model's weight against the annotators', and a warning when the model
    /// overturned unanimous annotators.
    private var modelNote: String {
        guard method == .crowdlab, let model = result.modelWeight else { return "" }
        let weights = result.annotatorWeights ?? []
        let mean = weights.isEmpty ? 0 : weights.reduce(0, +) / Double(weights.count)
        var note = "CROWDLAB weighed the model \(model.formatted(digits: 3)) and an annotator \(mean.formatted(digits: 3)) on average "
            + "(cleanlab's model_weight and annotator weights). "
        let overturned = overturnedUnanimous
        if let first = overturned.first {
            note = "Warning: the model overturned \(overturned.count) item\(overturned.count == 1 ? "" : "s") whose annotators were unanimous "
                + "(\(samples[first].displayID): \(given(first)), consensus \(labels[result.label[first]])). A model too weak for the task "
                + "outweighs them; check its accuracy (dq pvi) or use --method dawid-skene. " + note
        }
        return note
    }

    package var tables: [Table] {
        let changed = samples.indices.filter { labels[result.label[$0]] != samples[$0].label }
        let qualityName = method == .crowdlab ? "consensus quality" : method == .dawidSkene ? "posterior" : "agreement"
        let summary = Table(
            name: "consensus", title: "Consensus of \(annotators.count) annotators on \(dataset) by \(methodName), run \(run)",
            columns: ["items", "annotations", "consensus ≠ given label", "mean \(qualityName)", "unanimous"],
            rows: [[.int(samples.count), .int(result.annotations.reduce(0, +)), .int(changed.count),
                    .real(result.quality.reduce(0, +) / Double(max(result.quality.count, 1))),
                    .int(result.agreement.filter { $0 == 1 }.count)]],
            note: modelNote + (probabilitiesFrom.map { "Model probabilities: \($0). " } ?? "")
                + (savedAs.map { "Saved as dataset \($0): its labels are the consensus; analyse it with --dataset \($0.shellQuoted). " }
                    ?? "To analyse the consensus labels: dq consensus --save-as NAME, then --dataset NAME."))
        let order = result.annotators.indices.sorted {
            let (a, b) = (result.annotators[$0], result.annotators[$1])
            if (a.quality ?? .infinity) != (b.quality ?? .infinity) { return (a.quality ?? .infinity) < (b.quality ?? .infinity) }
            return (a.agreement ?? .infinity) < (b.agreement ?? .infinity)
        }
        let annotatorTable = Table(
            name: "consensus_annotators", title: "Annotators, least reliable first",
            columns: ["annotator", "items", "quality", "agreement with consensus", "worst label"],
            rows: order.map { k in
                let a = result.annotators[k]
                return [.text(annotators[a.annotator]), .int(a.items), a.quality.map { .real($0) } ?? .missing,
                        a.agreement.map { .real($0) } ?? .missing, .optional(a.worstLabel.map { labels[$0] })]
            },
            note: method == .crowdlab ? "Quality: cleanlab's annotator_quality (the model-weighted quality of their labels and their agreement with the consensus)."
                : method == .dawidSkene ? "Quality: the annotator's estimated accuracy, Σ prior(c) · P(says c | truth c)."
                : "Quality: agreement with the consensus on items with two or more annotators.")
        let shown = (changed + samples.indices.filter { labels[result.label[$0]] == samples[$0].label }.sorted { result.quality[$0] < result.quality[$1] })
            .prefix(top)
        let items = Table(
            name: "consensus_items", title: "Items whose consensus differs from the given label, then the least certain",
            columns: ["id", "given label", "consensus"] + (method == .majority ? [] : [qualityName]) + ["agreement", "labels given", "text"],
            rows: shown.map { i in
                [.text(samples[i].displayID), .text(samples[i].label), .text(labels[result.label[i]])]
                    + (method == .majority ? [] : [.real(result.quality[i])])
                    + [.real(result.agreement[i]), .text(given(i)), .text(samples[i].text)]
            })
        return [summary, annotatorTable] + (groupTable.map { [$0] } ?? []) + [items]
    }

    /// With `--by`: each group's own majority, its label shares, and how often it is the consensus.
    private var groupTable: Table? {
        guard let groups else { return nil }
        return Table(
            name: "consensus_by", title: "Each \(groups.attribute)'s majority",
            columns: [groups.attribute, "annotators", "items", "majority = consensus"] + labels.map { "share \($0)" },
            rows: groups.groups.map { g in
                [.text(g.value), .int(g.annotators), .int(g.items), g.agreement.isNaN ? .missing : .real(g.agreement, digits: 3)]
                    + g.labelShares.map { .real($0, digits: 3) }
            },
            note: "A group's majority: the label most of its annotators gave an item (ties broken as cleanlab breaks them), on the items "
                + "it labelled; majority = consensus: the share of those items where it is the \(methodName) consensus of all annotators. "
                + "Groups whose majorities differ label the same items differently; on a subjective task that can be a difference "
                + "of perspective rather than of care.")
    }

    /// Every annotated sample, as `--out` writes it.
    package var sampleTable: Table {
        Table(name: "consensus_samples", title: "Consensus",
              columns: ["id", "given_label", "consensus", "quality", "agreement", "annotations", "labels_given"],
              rows: samples.indices.map { i in
                  [.text(samples[i].displayID), .text(samples[i].label), .text(labels[result.label[i]]), .real(result.quality[i], digits: 6),
                   .real(result.agreement[i], digits: 6), .int(result.annotations[i]), .text(given(i))]
              })
    }
}
