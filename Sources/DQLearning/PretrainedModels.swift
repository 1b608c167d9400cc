import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Where BERT weights come from: named models, dq's model cache, the Hugging Face cache, and
/// downloading from the Hugging Face hub.
package enum PretrainedModels {
    /// Models dq knows by name, with their Hugging Face repository: tiny-bert to fine-tune, and
    /// two sentence encoders with mean pooling for `embeddings:NAME`.
    package static let known: [String: String] = [
        "tiny-bert": "prajjwal1/bert-tiny",
        "minilm": "sentence-transformers/all-MiniLM-L6-v2",
        "minilm-l3": "sentence-transformers/paraphrase-MiniLM-L3-v2",
    ]

    /// The checkpoint directory for an encoder named by `name`: a checkpoint directory as it is;
    /// a known name (`minilm`) or a repository (`owner/name`) from dq's cache, else the Hugging
    /// Face cache. nil when it is none of these, or not downloaded yet.
    package static func encoder(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if isCheckpoint(name) { return name }
        guard let repository = known[name] ?? (name.contains("/") && !name.hasPrefix("/") && !name.hasPrefix(".") ? name : nil) else { return nil }
        let cached = cachePath(repository: repository, environment: environment)
        if isCheckpoint(cached) { return cached }
        return huggingFaceSnapshots(repository: repository, environment: environment).first(where: isCheckpoint)
    }

    /// The files a checkpoint directory needs.
    package static let files = ["config.json", "vocab.txt", "model.safetensors"]

    /// dq's model cache: `$DQ_CACHE/models`, else `~/.cache/dq/models`.
    package static func cacheDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let root = environment["DQ_CACHE"], !root.isEmpty { return root + "/models" }
        return (environment["HOME"] ?? NSHomeDirectory()) + "/.cache/dq/models"
    }

    /// Where `repository` lives in dq's cache.
    package static func cachePath(repository: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        cacheDirectory(environment: environment) + "/" + repository.replacingOccurrences(of: "/", with: "--")
    }

    /// The snapshot directories of `repository` in the Hugging Face cache
    /// (`$HF_HUB_CACHE`, else `$HF_HOME/hub`, else `~/.cache/huggingface/hub`).
    package static func huggingFaceSnapshots(repository: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        let hub = environment["HF_HUB_CACHE"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HF_HOME"].map { $0 + "/hub" } ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.cache/huggingface/hub")
        let snapshots = hub + "/models--" + repository.replacingOccurrences(of: "/", with: "--") + "/snapshots"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: snapshots)) ?? []
        return names.sorted().map { snapshots + "/" + $0 }
    }

    /// True when `directory` holds a complete checkpoint.
    package static func isCheckpoint(_ directory: String) -> Bool {
        files.allSatisfy { FileManager.default.fileExists(atPath: directory + "/" + $0) }
    }

    /// The result of looking for weights.
    package enum Resolution: Equatable, Sendable {
        /// A checkpoint directory, and where it was found.
        case checkpoint(String, origin: String)
        /// No weights: train from random initialisation. The text says where dq looked.
        case randomInitialisation(looked: [String])
    }

    /// Finds weights for `model` (a known name such as `tiny-bert`, or a checkpoint directory):
    /// `weights` if given, then dq's cache, then the Hugging Face cache.
    package static func resolve(model: String, weights: String?,
                               environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Resolution {
        if let weights {
            guard isCheckpoint(weights) else {
                throw CheckpointError.file(weights, "is not a checkpoint directory (it needs \(files.joined(separator: ", ")))")
            }
            return .checkpoint(weights, origin: "the weights folder given")
        }
        guard let repository = known[model] else {
            guard isCheckpoint(model) else {
                throw CheckpointError.file(model, "is neither a model dq knows (\(known.keys.sorted().joined(separator: ", "))) nor a checkpoint directory with \(files.joined(separator: ", "))")
            }
            return .checkpoint(model, origin: "the model folder given")
        }
        var looked: [String] = []
        let cached = cachePath(repository: repository, environment: environment)
        looked.append(cached)
        if isCheckpoint(cached) { return .checkpoint(cached, origin: "dq model cache") }
        for snapshot in huggingFaceSnapshots(repository: repository, environment: environment) {
            looked.append(snapshot)
            if isCheckpoint(snapshot) { return .checkpoint(snapshot, origin: "Hugging Face cache") }
        }
        return .randomInitialisation(looked: looked)
    }

    /// Downloads `repository`'s checkpoint files from the hub (`$HF_ENDPOINT`, default
    /// https://huggingface.co; a `file://` endpoint serves a local mirror) into dq's cache.
    /// Each file is written under a temporary name and moved into place when complete.
    package static func fetch(repository: String, revision: String = "main",
                             environment: [String: String] = ProcessInfo.processInfo.environment,
                             progress: (String) -> Void = { _ in }) throws -> String {
        let endpoint = environment["HF_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://huggingface.co"
        let target = cachePath(repository: repository, environment: environment)
        try FileManager.default.createDirectory(atPath: target, withIntermediateDirectories: true)
        for file in files {
            guard let url = URL(string: "\(endpoint)/\(repository)/resolve/\(revision)/\(file)") else {
                throw CheckpointError.file(endpoint, "is not a valid URL")
            }
            progress("downloading \(url.absoluteString)")
            let data = try download(url)
            let partial = target + "/." + file + ".partial"
            try data.write(to: URL(fileURLWithPath: partial))
            _ = try? FileManager.default.removeItem(atPath: target + "/" + file)
            try FileManager.default.moveItem(atPath: partial, toPath: target + "/" + file)
        }
        return target
    }

    private static func download(_ url: URL) throws -> Data {
        if url.isFileURL {
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw CheckpointError.file(url.path, "not found")
            }
            return data
        }
        final class Box: @unchecked Sendable { var result: Result<Data, Error>? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let task = URLSession.shared.dataTask(with: url) { data, response, error in
            if let error {
                let reason = (error as NSError).localizedDescription
                box.result = .failure(CheckpointError.file(url.absoluteString, "download failed: \(reason) (no internet? dq works offline with a checkpoint folder of its own)"))
            } else if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
                box.result = .failure(CheckpointError.file(url.absoluteString, "HTTP \(http.statusCode)"))
            } else {
                box.result = .success(data ?? Data())
            }
            done.signal()
        }
        task.resume()
        done.wait()
        return try box.result!.get()
    }
}
