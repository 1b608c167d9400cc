import DQAnalyses
import DQReports
import DQStore
import DQText

extension LabelIssuesRun.Outcome {
    /// Label health per label, the noise matrix, and the `top` flagged samples.
    package func tables(top: Int) -> [Table] {
        var counts = [Int](repeating: 0, count: labels.count), flagged = counts
        for label in given { counts[label] += 1 }
        for i in result.ranked { flagged[given[i]] += 1 }
        let summary = Table(
            name: "label_health",
            title: "Label health, run \(run): \(result.ranked.count) of \(given.count) samples flagged; "
                + "health \(result.health.formatted(digits: 3)) (cleanlab's overall_label_health_score: \(result.estimatedIssues) estimated issues)",
            columns: ["label", "samples", "flagged", "flagged share", "est. noise rate"],
            rows: shownLabels(flagged: flagged).map { k in
                let row = result.confidentJoint[k]
                let total = row.reduce(0, +)
                return [.text(labels[k]), .int(counts[k]), .int(flagged[k]), .real(counts[k] > 0 ? Double(flagged[k]) / Double(counts[k]) : 0),
                        .real(total > 0 ? 1 - Double(row[k]) / Double(total) : 0)]
            },
            note: "est. noise rate: the share of a label's samples whose true label the calibrated confident joint puts elsewhere. "
                + "Labels are in the order of the probability columns, on which confident learning depends."
                + (labels.count > Self.labelRows ? " The \(Self.labelRows) labels with the most flagged samples of \(labels.count)." : ""))
        let issues = Table(
            name: "issues", title: "Flagged samples, least likely correct first (\(result.ranked.count) in all)",
            // Probabilities judged without their texts have no text column.
            columns: ["#", "id", "given", "model prefers", "quality"] + (samples.isEmpty ? [] : ["text"]),
            rows: result.ranked.prefix(top).enumerated().map { position, i in
                let sample = sampleIDs[i].flatMap { samples[$0] }
                return [.int(position + 1), .text(displayIDs[i]), .text(labels[given[i]]),
                        .text(labels[result.suggested[i]]), .real(result.quality[i])] + (samples.isEmpty ? [] : [.text(sample?.text ?? "")])
            },
            note: result.ranked.isEmpty ? "No sample flagged." : "Every flagged sample: --out FILE. Merge with other signals: dq suspects.")
        let byAnnotator = annotatorTable.map { [$0] } ?? []
        guard labels.count <= Self.matrixColumns else { return [summary] + byAnnotator + [issues] }
        let noise = Table(
            name: "noise_matrix", title: "Noise matrix P(given label | true label): columns are true labels",
            columns: ["given \\ true"] + labels,
            rows: labels.indices.map { i in [.text(labels[i])] + labels.indices.map { j in .real(result.noiseMatrix[i][j]) } })
        return [summary] + byAnnotator + [noise, issues]
    }

    /// Label health lists every label up to this many, else those with the most flagged samples.
    static let labelRows = 50
    /// The noise matrix is printed up to this many labels.
    static let matrixColumns = 20

    func shownLabels(flagged: [Int]) -> [Int] {
        guard labels.count > Self.labelRows else { return Array(labels.indices) }
        return Array(labels.indices.sorted { flagged[$0] > flagged[$1] || (flagged[$0] == flagged[$1] && $0 < $1) }.prefix(Self.labelRows))
    }

    /// Every flagged sample, as `--out` writes them.
    package var sampleTable: Table {
        Table(
            name: "label_issues", title: "Label issues", columns: ["rank", "id", "given", "suggested", "quality"],
            rows: result.ranked.enumerated().map { position, i in
                [.int(position + 1), .text(displayIDs[i]), .text(labels[given[i]]),
                 .text(labels[result.suggested[i]]), .real(result.quality[i])]
            }).withTexts(result.ranked.map { i in sampleIDs[i].flatMap { samples[$0] } })
    }
}

extension LabelIssuesRun.Outcome {
    /// With `--by annotator`: the flagged share of each annotator's samples.
    var annotatorTable: Table? {
        guard let annotatorsOf else { return nil }
        return Table(
            name: "issues_by_annotator", title: "Label issues by annotator (the samples each annotator labelled)",
            columns: ["annotator", "samples", "flagged", "share flagged"],
            rows: AnnotatorSlices.slices(sampleIDs, members: annotatorsOf).map { slice in
                let flagged = slice.positions.filter { result.isIssue[$0] }.count
                return [.text(slice.annotator), .int(slice.positions.count), .int(flagged), .real(Double(flagged) / Double(slice.positions.count))]
            },
            note: "A sample is in the slice of every annotator who labelled it; the issue is with the sample's given label.")
    }
}

extension LabelIssuesRun.MultiLabelOutcome {
    private func listed(_ i: Int) -> String { given[i].map { labels[$0] }.joined(separator: ";") }

    /// The labels in doubt on sample i: "+c" where the model says c is missing, "−c" where it
    /// doubts a given c.
    private func doubts(_ i: Int) -> String {
        result.flaggedLabels[i].map { (given[i].contains($0) ? "−" : "+") + labels[$0] }.joined(separator: " ")
    }

    /// Labels whose issues reach `MultiLabelConfidentLearning.implausibleShare` of their rarer side.
    package var implausibleLabels: [Int] {
        MultiLabelConfidentLearning.implausibleLabels(.init(labels: given, probabilities: probabilities, classes: labels.count), result: result)
    }

    /// A warning naming the implausible labels, when there are any.
    package var implausibleWarning: String? {
        let weak = implausibleLabels
        guard !weak.isEmpty else { return nil }
        return "Warning: the issues of \(weak.map { labels[$0] }.joined(separator: ", ")) reach half of the samples on the label's rarer side "
            + "(with it or without it): its model cannot tell the label from its absence, so these flags are mostly its confusion, not label "
            + "errors (\(result.ranked.count.formatted(thousands: true)) of \(ids.count.formatted(thousands: true)) samples flagged in all). Check each label's model (dq pvi --table "
            + "v_information_labels) before reviewing, or review the top of the list only. "
    }

    package func tables(top: Int) -> [Table] {
        let n = ids.count
        let perLabel = Table(
            name: "label_issues_labels", title: "Multi-label confident learning, run \(run): \(result.ranked.count.formatted(thousands: true)) of \(n.formatted(thousands: true)) samples flagged",
            columns: ["label", "samples with it", "issues", "given no, true yes", "given yes, true no"],
            rows: labels.indices.map { k in
                let joint = result.confidentJoints[k]
                return [.text(labels[k]), .int(given.filter { $0.contains(k) }.count), .int(result.issuesPerLabel[k]),
                        .int(joint[0][1]), .int(joint[1][0])]
            },
            note: (implausibleWarning ?? "") + "One-vs-rest per label, as cleanlab's multilabel_classification.find_label_issues; the last two "
                + "columns are each label's confident joint off its diagonal.")
        let flagged = Table(
            name: "label_issues", title: "Flagged samples, least likely correct first",
            columns: ["id", "labels", "in doubt", "quality"],
            rows: result.ranked.prefix(top).map { i in [.text(ids[i]), .text(listed(i)), .text(doubts(i)), .real(result.quality[i])] },
            note: "In doubt: +label the model says is missing, −label it doubts. Quality: cleanlab's multi-label label quality score.")
        return [perLabel, flagged]
    }

    /// Every sample, as `--out` writes it.
    package var sampleTable: Table {
        Table(name: "label_issues", title: "Multi-label label issues", columns: ["id", "labels", "issue", "in_doubt", "quality"],
              rows: ids.indices.map { i in
                  [.text(ids[i]), .text(listed(i)), .int(result.isIssue[i] ? 1 : 0), .text(doubts(i)), .real(result.quality[i], digits: 6)]
              })
    }
}
