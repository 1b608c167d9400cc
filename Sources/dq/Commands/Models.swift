import ArgumentParser
import DQRuns

struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List and download the pretrained BERT weights dq can use.",
        discussion: """
            `--model tiny-bert` (prajjwal1/bert-tiny: 2 layers, H=128) looks for weights in this order: --weights DIR, dq's model cache \
            ($DQ_CACHE/models or ~/.cache/dq/models), the Hugging Face cache ($HF_HUB_CACHE, $HF_HOME/hub or ~/.cache/huggingface/hub). Without \
            weights, dq trains from random initialisation and says so. `dq models fetch` needs internet; HF_ENDPOINT selects a mirror.

            Examples:
              dq models list
              dq models fetch tiny-bert
            """,
        subcommands: [List.self, Fetch.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show each known model and where its weights are.")
        @OptionGroup var output: OutputOptions

        func run() throws {
            try output.emit([try SummaryTables.models()])
        }
    }

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Download a model's weights into dq's model cache.")

        @Argument(help: "A model name (tiny-bert) or a Hugging Face repository (owner/name).") var model: String
        @Option(help: "The repository revision (branch, tag or commit).") var revision = "main"

        func run() throws {
            let (repository, directory) = try ModelsRun.fetch(model, revision: revision, observer: Terminal.observer)
            Terminal.note("saved \(repository) to \(directory)")
        }
    }
}
