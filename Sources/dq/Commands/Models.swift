import ArgumentParser
import DQRuns

struct Models: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List and download the pretrained BERT weights dq can use.", discussion: """
        tiny-bert looks for weights in --weights DIR, dq's model cache ($DQ_CACHE/models or ~/.cache/dq/models), then the Hugging Face \
        cache; without any, dq trains from random initialisation and says so. Fetched encoders (minilm, minilm-l3) serve --model \
        embeddings:NAME. `dq models fetch` needs internet (HF_ENDPOINT: a mirror).

        Examples:
          dq models list
          dq models fetch minilm && dq pvi --dataset trec --model embeddings:minilm
        """, subcommands: [List.self, Fetch.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show each known model and where its weights are.")
        @OptionGroup var output: OutputOptions

        func run() throws {
            try output.emit([try SummaryTables.models()])
        }
    }

    struct Fetch: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Download a model's weights into dq's model cache.")

        @Argument(help: "A model name (tiny-bert, minilm, minilm-l3) or a Hugging Face repository (owner/name).") var model: String
        @Option(help: "The repository revision (branch, tag or commit).") var revision = "main"

        func run() throws {
            let (repository, directory) = try ModelsRun.fetch(model, revision: revision, observer: Terminal.observer)
            Terminal.note("saved \(repository) to \(directory)")
        }
    }
}
