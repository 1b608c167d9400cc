import ArgumentParser
import DQRuns

struct LabelIssues: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "label-issues", abstract: "Confident learning: the samples whose given label the out-of-sample model confidently contradicts.", discussion: """
        Confident learning (Northcutt et al., JAIR 2021), flagging what cleanlab's find_label_issues flags with the same settings, on \
        out-of-sample probabilities: a `dq pvi` run's, a CSV from elsewhere (id, label, one column per class), or an n × K .npy with \
        --given-labels, streamed. Printed: each label's estimated noise, the noise matrix and the flagged samples, least likely correct \
        first. --multi-label judges one label at a time, as cleanlab's multilabel_classification does. More: docs/commands/label-issues.md.

        Examples:
          dq pvi --model bow --dataset trec && dq label-issues --dataset trec
          dq label-issues --run 3 --filter both --out issues.csv
          dq label-issues --probs cross_val_probs.csv --dataset reviews
          dq label-issues --probs pred_probs.npy --given-labels labels.npy --out issues.csv
          dq label-issues --multi-label --probs multilabel_probs.csv --out issues.csv
          dq pvi --dataset topics --model bow && dq label-issues --dataset topics --multi-label
        """)

    @OptionGroup var selection: DatasetOptions
    @Option(name: .customLong("run"), help: "The `dq pvi` run whose out-of-sample probabilities to use. Default: the dataset's latest on untransformed inputs.") var pviRun: Int64?
    @Option(help: ArgumentHelp("Read probabilities from this CSV instead (columns: id, label, one per label), or stream them from an n × K .npy.", valueName: "file")) var probs: String?
    @Option(help: ArgumentHelp("With --probs FILE.npy: the given labels, a .npy of integers 0..K-1 or a CSV or Parquet file with a label column.", valueName: "file")) var givenLabels: String?
    @Option(help: "prune_by_noise_rate, prune_by_class, both or confident_learning (cleanlab's filter_by).") var filter = LabelIssuesRun.Options().filter
    @Option(help: "Order of the flagged samples: self_confidence or normalized_margin.") var rankBy = LabelIssuesRun.Options().rankBy
    @Option(help: "Labels with this many samples or fewer are not pruned.") var minExamplesPerClass = LabelIssuesRun.Options().minExamplesPerClass
    @Option(help: "How many flagged samples to print.") var top = 20
    @Flag(help: "Multi-label data: --probs is a CSV of id, labels (a;b) and one probability per label.") var multiLabel = false
    @Option(help: ArgumentHelp("Also count the issues over each annotator's samples: annotator (datasets ingested with annotators).", valueName: "annotator")) var by: Slices?
    @OptionGroup var output: SampleOutputOptions

    var options: LabelIssuesRun.Options {
        var o = LabelIssuesRun.Options(pviRun: pviRun, probabilities: probs, filter: filter, rankBy: rankBy, minExamplesPerClass: minExamplesPerClass)
        (o.labelsFile, o.byAnnotator, o.multiLabel) = (givenLabels, by == .annotator, multiLabel)
        return o
    }

    func validate() throws {
        if top < 0 { throw ValidationError("--top must be 0 or more") }
        try Flags.check(renamed: ["pviRun": "--run"]) { try options.validate(dataset: selection.dataset) }
    }

    func run() throws {
        let store = try selection.open()
        if multiLabel {
            let outcome = try LabelIssuesRun.multiLabel(probs, store: store, dataset: selection.selection, options: options)
            return try output.emit(outcome.tables(top: top), samples: outcome.sampleTable)
        }
        let outcome = try LabelIssuesRun.run(store: store, dataset: selection.selection, options: options, observer: Terminal.observer)
        try output.emit(outcome.tables(top: top), samples: outcome.sampleTable)
    }
}

extension LabelIssuesRun.Filter: ExpressibleByArgument {}
extension LabelIssuesRun.RankBy: ExpressibleByArgument {}
