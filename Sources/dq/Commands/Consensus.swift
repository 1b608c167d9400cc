import ArgumentParser
import DQRuns

extension ConsensusRun.Method: ExpressibleByArgument {}

struct ConsensusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "consensus", abstract: "One label per sample from its annotators, with the quality of each consensus and each annotator.", discussion: """
        Methods: majority (ties broken as cleanlab breaks them), dawid-skene (each annotator's confusion matrix by EM, as crowd-kit \
        fits it), crowdlab (annotators and a model's out-of-sample probabilities, as cleanlab's get_label_quality_multiannotator). The \
        default is crowdlab with --probs or --run, else dawid-skene. --save-as NAME stores a dataset whose labels are the consensus, \
        for the other analyses. More: docs/commands/consensus.md.

        Examples:
          dq consensus --dataset sentiment
          dq consensus --dataset sentiment --method majority --save-as sentiment_majority
          dq pvi --dataset sentiment --model bow && dq consensus --dataset sentiment --method crowdlab
          dq consensus --dataset sentiment --probs probs.csv --out consensus.csv
        """)

    @OptionGroup var data: DatasetOptions
    @Option(help: "majority, dawid-skene or crowdlab.") var method: ConsensusRun.Method?
    @Option(help: ArgumentHelp("CROWDLAB's out-of-sample probabilities: a CSV with id, label and one column per label (as dq label-issues --probs).", valueName: "file")) var probs: String?
    @Option(name: .customLong("run"), help: ArgumentHelp("CROWDLAB: the `dq pvi` run whose probabilities to use. Default: the dataset's latest.", valueName: "run")) var pviRun: Int64?
    @Option(help: ArgumentHelp("Save the consensus as a new dataset of this name.", valueName: "name")) var saveAs: String?
    @Option(help: "How many items to list.") var top = ConsensusRun.Options().top
    @Option(help: ArgumentHelp("Also each group of annotators' own majority, by this attribute (dq ingest --annotator-meta).", valueName: "attribute")) var by: String?
    @OptionGroup var output: SampleOutputOptions

    var options: ConsensusRun.Options {
        ConsensusRun.Options(dataset: data.dataset, splits: data.selection.splits, method: method, probs: probs, pviRun: pviRun, saveAs: saveAs, top: top, by: by)
    }

    func validate() throws { try Flags.check(options.validate) }

    func run() throws {
        let outcome = try Terminal.run { try ConsensusRun.run(store: try data.open(), options: options, observer: $0) }
        try output.emit(outcome.tables, samples: outcome.sampleTable)
        if let saved = outcome.savedAs { Terminal.note("next: dq pvi --dataset \(saved.shellQuoted) --model bow") }
    }
}
