import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText
import Foundation

extension PVIRun.Outcome {
    /// The summary tables: V-information overall and per label, per `by` slice if asked, and
    /// the `top` lowest-PVI samples.
    package func tables(by: String?, top: Int) throws -> [Table] {
        if let perLabel { return perLabelTables(perLabel, top: top) }
        let scores = results.map(\.score)
        let columns = ["group", "samples", "V-info (bits)", "mean H(y|∅)", "mean H(y|x)", "accuracy g′"]
        var tables = [Table(
            name: "v_information", title: "V-information, \(familyDescription), run \(run) (mean PVI in bits; higher = the input tells more about the label)",
            columns: columns,
            rows: PVIRun.summaryRows([PointwiseVInformation.summarise(scores, group: "all")] + PointwiseVInformation.summarise(scores, by: results.map(\.sample.label))))]
        if by == "annotator", let annotatorsOf {
            // Overlapping slices: each annotator's samples, scored against the samples' labels.
            var slices: [String: [PVIEstimation.Result]] = [:]
            var order: [String] = []
            for result in results {
                for name in annotatorsOf[result.sample.id] ?? [] {
                    if slices[name] == nil { order.append(name) }
                    slices[name, default: []].append(result)
                }
            }
            tables.append(Table(
                name: "slices", title: "V-information by annotator (the samples each annotator labelled)", columns: columns,
                rows: PVIRun.summaryRows(order.sorted().map { PointwiseVInformation.summarise(slices[$0]!.map(\.score), group: $0) }),
                note: "A sample is in the slice of every annotator who labelled it; PVI is of the sample's label."))
        } else if let by {
            let keys = try results.map { try PVIRun.sliceKey($0.sample, column: by) }
            tables.append(Table(name: "slices", title: "V-information by \(by)", columns: columns,
                                rows: PVIRun.summaryRows(PointwiseVInformation.summarise(scores, by: keys))))
        }
        let lowest = results.sorted { $0.score.pvi < $1.score.pvi || ($0.score.pvi == $1.score.pvi && $0.sample.id < $1.sample.id) }.prefix(top)
        tables.append(Table(
            name: "lowest", title: "Lowest PVI: the likeliest mislabels or hardest cases",
            columns: ["id", "label", "g′ predicts", "PVI", "p′(y|x)", "text"],
            rows: lowest.map { r in
                [.text(r.sample.displayID), .text(r.sample.label), .text(labels[r.score.predicted]), .real(r.score.pvi, digits: 2),
                 .real(r.score.inputProbability, digits: 3), .text(r.sample.displayText)]
            }))
        return tables
    }

    /// Multi-label data: the binary V-information of each label, and the lowest (sample, label) PVIs.
    func perLabelTables(_ parts: [PVIRun.LabelPart], top: Int) -> [Table] {
        let columns = ["label", "samples with it", "V-info (bits)", "mean H(y|∅)", "mean H(y|x)", "accuracy g′", "run"]
        let rows: [[Cell]] = parts.map { part in
            let summary = PointwiseVInformation.summarise(part.results.map(\.score), group: part.label)
            return [.text(part.label), .int(part.results.filter { $0.sample.label == part.label }.count), .real(summary.vInformation),
                    .real(summary.meanHNull), .real(summary.meanHInput), .real(summary.accuracy), .int(Int(part.run))]
        }
        var pairs: [(label: String, result: PVIEstimation.Result)] = []
        for part in parts { for result in part.results { pairs.append((part.label, result)) } }
        pairs.sort { a, b in
            a.result.score.pvi != b.result.score.pvi ? a.result.score.pvi < b.result.score.pvi : a.result.sample.id < b.result.sample.id
        }
        let lowest = pairs.prefix(top)
        return [
            Table(name: "v_information_labels", title: "V-information of each label, \(familyDescription) (binary: has it or not; bits)",
                  columns: columns, rows: rows,
                  note: "Each label is its own binary problem (one sigmoid per label); V-info is the mean PVI over all samples of whether they carry it."),
            Table(name: "lowest", title: "Lowest PVI: the (sample, label) memberships likeliest wrong",
                  columns: ["id", "label", "given", "PVI", "p′(given|x)", "text"],
                  rows: lowest.map { pair -> [Cell] in
                      let r = pair.result
                      let given: Cell = .text(r.sample.label == pair.label ? "has it" : "has it not")
                      return [.text(r.sample.displayID), .text(pair.label), given, .real(r.score.pvi, digits: 2),
                              .real(r.score.inputProbability, digits: 3), .text(r.sample.displayText)]
                  }),
        ]
    }

    /// Every sample's scores, as `--out` writes them.
    package var sampleTable: Table {
        if let perLabel {
            return Table(
                name: "samples", title: "PVI per sample and label",
                columns: ["id", "label", "has_label", "p_input", "p_null", "H_yb", "H_yx", "PVI", "correct", "fold"],
                rows: perLabel.flatMap { part in part.results.map { r in
                    [.text(r.sample.displayID), .text(part.label), .int(r.sample.label == part.label ? 1 : 0), .real(r.score.inputProbability, digits: 6),
                     .real(r.score.nullProbability, digits: 6), .real(r.score.hNull, digits: 6), .real(r.score.hInput, digits: 6),
                     .real(r.score.pvi, digits: 6), .int(r.score.correct ? 1 : 0), .int(r.fold)]
                } }).withTexts(perLabel.flatMap { $0.results.map { Optional($0.sample) } })
        }
        return singleLabelSampleTable
    }

    private var singleLabelSampleTable: Table {
        Table(
            name: "samples", title: "PVI per sample",
            columns: ["id", "label", "predicted", "p_input", "p_null", "H_yb", "H_yx", "PVI", "correct", "fold"],
            rows: results.map { r in
                [.text(r.sample.displayID), .text(r.sample.label), .text(labels[r.score.predicted]),
                 .real(r.score.inputProbability), .real(r.score.nullProbability), .real(r.score.hNull), .real(r.score.hInput),
                 .real(r.score.pvi), .text(r.score.correct ? "true" : "false"), .int(r.fold)]
            }).withTexts(results.lazy.map { Optional($0.sample) })
    }
}
