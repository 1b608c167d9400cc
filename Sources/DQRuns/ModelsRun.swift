import DQLearning

/// `dq models fetch`: a model's weights into dq's model cache.
package enum ModelsRun {
    /// Downloads `model` (a known name such as tiny-bert, or owner/name) at `revision`; returns
    /// the repository and the folder the weights were saved to.
    package static func fetch(_ model: String, revision: String, observer: RunObserver = .silent) throws -> (repository: String, directory: String) {
        let repository = PretrainedModels.known[model] ?? model
        guard repository.contains("/") else {
            throw OptionError("unknown model '\(model)'; known: \(PretrainedModels.known.keys.sorted().joined(separator: ", ")), or give owner/name")
        }
        return (repository, try PretrainedModels.fetch(repository: repository, revision: revision) { observer.note($0) })
    }
}
