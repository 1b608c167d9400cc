import DQAnalyses
import DQReports
import DQStore
import DQText
import Foundation

extension AgreementRun.Outcome {
    private func interval(_ s: InterAnnotatorAgreement.Statistic) -> [Cell] {
        [s.estimate.map { .real($0) } ?? .missing, s.low.map { .real($0) } ?? .missing, s.high.map { .real($0) } ?? .missing]
    }

    /// With `--by`: each attribute value's annotators, their labels' shares, the α among them and
    /// their mean Cohen's κ with the annotators of other values.
    func groupTable(_ groups: (attribute: String, values: [String?])) -> Table {
        let values = Set(groups.values.compactMap { $0 }).sorted()
        return Table(
            name: "agreement_by", title: "Annotators by \(groups.attribute)",
            columns: [groups.attribute, "annotators", "annotations"] + labels.map { "share \($0)" } + ["α within", "mean κ with others"],
            rows: values.map { value in
                let members = groups.values.indices.filter { groups.values[$0] == value }
                let counts = labels.indices.map { c in members.reduce(0) { $0 + labelCounts[$1][c] } }
                let total = counts.reduce(0, +)
                let across = result.pairs.filter { (members.contains($0.a) != members.contains($0.b)) }.compactMap(\.cohen.estimate)
                return [.text(value), .text(members.map { annotators[$0] }.joined(separator: ", ")), .int(total)]
                    + counts.map { .real(total == 0 ? .nan : Double($0) / Double(total)) }
                    + [(groupAlpha[value] ?? nil).map { .real($0) } ?? .missing,
                       across.isEmpty ? .missing : .real(across.reduce(0, +) / Double(across.count))]
            },
            note: "α within: Krippendorff's α (nominal) among the group's annotators (– with one annotator); mean κ with others: "
                + "the mean Cohen's κ of each pair of one annotator of the group and one of another group. Annotators without the attribute are left out.")
    }

    /// Label positions in reading order: by value when every label is a number (an ordinal
    /// scale such as 1, 0, −1, −2, −3 reads −3 … 1), else alphabetically.
    var labelOrder: [Int] {
        let values = labels.map { Double($0.trimmingWhitespace()) }
        if values.allSatisfy({ $0 != nil }) { return labels.indices.sorted { (values[$0]!, $0) < (values[$1]!, $1) } }
        return labels.indices.sorted { (labels[$0], $0) < (labels[$1], $1) }
    }

    /// Annotator positions by name, numbers in names compared as numbers (Ann2 before Ann10).
    var annotatorOrder: [Int] {
        annotators.indices.sorted { annotators[$0].localizedStandardCompare(annotators[$1]) == .orderedAscending
            || (annotators[$0] == annotators[$1] && $0 < $1) }
    }

    package var tables: [Table] {
        let level = Int((result.level * 100).rounded())
        let (labelRank, annotatorRank) = (Dictionary(uniqueKeysWithValues: labelOrder.enumerated().map { ($1, $0) }),
                                          Dictionary(uniqueKeysWithValues: annotatorOrder.enumerated().map { ($1, $0) }))
        let intervalColumns = ["estimate", "\(level)% low", "\(level)% high"]
        let summary = Table(
            name: "agreement", title: "Agreement of \(annotators.count) annotators on \(dataset), run \(run)",
            columns: ["statistic"] + intervalColumns,
            rows: (result.scaledAlpha.map { [[.text("Krippendorff's α (\(metric))")] + interval($0)] } ?? []) + [
                [.text("Krippendorff's α (nominal)")] + interval(result.alpha),
                [.text("Fleiss' κ")] + interval(result.fleiss),
                [.text("Light's κ (mean pairwise Cohen's κ)")] + interval(result.meanCohen),
                [.text("observed pair agreement"), result.observedAgreement.map { .real($0) } ?? .missing, .missing, .missing],
            ],
            note: "\(result.annotations.formatted(thousands: true)) annotations of \(result.items.formatted(thousands: true)) items; "
                + "\(result.pairableItems.formatted(thousands: true)) items have two or more and are measured. "
                + (result.resamples > 0 ? "Intervals: percentile bootstrap over items, \(result.resamples) resamples. " : "")
                + (result.scaledAlpha == nil ? "" : "The \(metric) α reads the labels as numbers: a disagreement between near labels costs less "
                    + "than one between far ones; the κ statistics, the per-label table and α without an annotator are nominal. ")
                + "1 is perfect agreement, 0 what chance gives; α ≥ 0.8 is Krippendorff's bar for relying on the labels, 0.667 for tentative conclusions.")
        let perLabel = Table(
            name: "agreement_labels", title: "Agreement per label (that label against the rest)",
            columns: ["label", "annotations", "α", "α low", "α high", "Fleiss κ", "κ low", "κ high"],
            rows: result.perLabel.sorted { labelRank[$0.label]! < labelRank[$1.label]! }
                .map { [.text(labels[$0.label]), .int($0.annotations)] + interval($0.alpha) + interval($0.fleiss) })
        let perAnnotator = Table(
            name: "agreement_annotators", title: "Agreement per annotator",
            columns: ["annotator", "annotations", "shared items", "mean Cohen κ", "κ low", "κ high", "pair agreement", "α without"],
            rows: result.perAnnotator.sorted { annotatorRank[$0.annotator]! < annotatorRank[$1.annotator]! }.map {
                [.text(annotators[$0.annotator]), .int($0.annotations), .int($0.sharedItems)] + interval($0.meanCohen)
                    + [$0.pairAgreement.map { .real($0) } ?? .missing, $0.alphaWithout.map { .real($0) } ?? .missing]
            },
            note: "α without: Krippendorff's α of the rest; above the overall α, this annotator lowers agreement.")
        let pairs = Table(
            name: "agreement_pairs", title: "Cohen's κ of each pair of annotators",
            columns: ["annotator A", "annotator B", "shared items", "observed", "Cohen κ", "κ low", "κ high"],
            rows: result.pairs.map {
                [.text(annotators[$0.a]), .text(annotators[$0.b]), .int($0.overlap), .real($0.observed)] + interval($0.cohen)
            })
        // Who gives which label how often: each annotator's share of each label, with Wilson's interval.
        let rates = Table(
            name: "agreement_label_rates", title: "How often each annotator gives each label",
            columns: ["annotator", "label", "count", "annotations", "share", "\(level)% low", "\(level)% high"],
            rows: annotatorOrder.flatMap { a in
                let total = labelCounts[a].reduce(0, +)
                return labelOrder.map { c -> [Cell] in
                    let interval = Proportion.wilson(labelCounts[a][c], of: total, level: result.level)
                    return [.text(annotators[a]), .text(labels[c]), .int(labelCounts[a][c]), .int(total),
                            .real(total == 0 ? .nan : Double(labelCounts[a][c]) / Double(total)),
                            interval.map { .real($0.low) } ?? .missing, interval.map { .real($0.high) } ?? .missing]
                }
            },
            note: "Share: the annotator's annotations with that label; interval: Wilson's score interval. Annotators see different items, "
                + "so a share that differs may be the items as much as the annotator.")
        var tables = [summary, perLabel, perAnnotator, rates, pairs]
        if let groups { tables.insert(groupTable(groups), at: 3) }
        if annotators.count <= 12 && annotators.count > 1 {
            var kappa: [Int: Double] = [:]
            for pair in result.pairs { if let k = pair.cohen.estimate { kappa[pair.a * annotators.count + pair.b] = k } }
            tables.append(Table(
                name: "agreement_matrix", title: "Annotator × annotator Cohen's κ",
                columns: [""] + annotators,
                rows: annotators.indices.map { a in
                    [.text(annotators[a])] + annotators.indices.map { b in
                        if a == b { return .text("–") }
                        return kappa[min(a, b) * annotators.count + max(a, b)].map { .real($0) } ?? .missing
                    }
                }))
        }
        tables.append(Table(
            name: "agreement_disputed", title: "Most disputed items",
            columns: ["id", "disagreement", "labels given", "label", "text"],
            rows: zip(result.disputed, disputed).map { item, shown in
                [.text(shown.sample.displayID), .real(item.disagreement), .text(shown.labels), .text(shown.sample.label),
                 .text(shown.sample.text + (shown.sample.textPair.map { " ‖ " + $0 } ?? ""))]
            },
            note: result.disputed.isEmpty ? "Every annotator agrees on every item." : "Disagreement: the share of annotator pairs on the item that gave different labels."))
        return tables
    }
}
