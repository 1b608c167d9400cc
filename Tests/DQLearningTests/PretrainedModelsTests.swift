import Foundation
import Testing
import DQTestSupport
import DQLearning

private func sandbox() -> [String: String] {
    let root = scratchPath("models")
    return ["DQ_CACHE": root + "/dq", "HF_HUB_CACHE": root + "/hf", "HOME": root]
}

@Test func withoutWeightsTinyBertFallsBackToRandomInitialisationAndSaysWhereItLooked() throws {
    let env = sandbox()
    guard case .randomInitialisation(let looked) = try PretrainedModels.resolve(model: "tiny-bert", weights: nil, environment: env) else {
        Issue.record("expected random initialisation"); return
    }
    #expect(looked == [env["DQ_CACHE"]! + "/models/prajjwal1--bert-tiny"])
}

@Test func fetchFillsDqsCacheAndResolveFindsIt() throws {
    var env = sandbox()
    // A local mirror laid out like the hub: <endpoint>/<repo>/resolve/<revision>/<file>.
    let mirror = env["HOME"]! + "/mirror"
    let files = mirror + "/prajjwal1/bert-tiny/resolve/main"
    try FileManager.default.createDirectory(atPath: files, withIntermediateDirectories: true)
    for name in PretrainedModels.files {
        try FileManager.default.copyItem(atPath: fixture("bert/random-tiny/" + name), toPath: files + "/" + name)
    }
    env["HF_ENDPOINT"] = URL(fileURLWithPath: mirror).absoluteString
    let directory = try PretrainedModels.fetch(repository: "prajjwal1/bert-tiny", environment: env)
    #expect(try PretrainedModels.resolve(model: "tiny-bert", weights: nil, environment: env) == .checkpoint(directory, origin: "dq model cache"))
}

@Test func theHuggingFaceCacheIsUsedWhenDqsIsEmpty() throws {
    let env = sandbox()
    let snapshot = env["HF_HUB_CACHE"]! + "/models--prajjwal1--bert-tiny/snapshots/abc123"
    try FileManager.default.createDirectory(atPath: snapshot, withIntermediateDirectories: true)
    for name in PretrainedModels.files {
        try FileManager.default.copyItem(atPath: fixture("bert/random-tiny/" + name), toPath: snapshot + "/" + name)
    }
    #expect(try PretrainedModels.resolve(model: "tiny-bert", weights: nil, environment: env) == .checkpoint(snapshot, origin: "Hugging Face cache"))
}

@Test func aWeightsDirectoryWithoutCheckpointFilesIsAnError() {
    #expect(throws: CheckpointError.self) { try PretrainedModels.resolve(model: "tiny-bert", weights: "/nonexistent", environment: sandbox()) }
    #expect(throws: CheckpointError.self) { try PretrainedModels.resolve(model: "no-such-model", weights: nil, environment: sandbox()) }
}

@Test func anEncoderIsFoundByItsNameOnceFetchedAndNotBefore() throws {
    let env = sandbox()
    #expect(PretrainedModels.encoder("minilm", environment: env) == nil)
    #expect(PretrainedModels.encoder("no-such-encoder", environment: env) == nil && PretrainedModels.encoder("./nowhere", environment: env) == nil)
    let cached = PretrainedModels.cachePath(repository: "sentence-transformers/all-MiniLM-L6-v2", environment: env)
    #expect(cached.hasSuffix("/models/sentence-transformers--all-MiniLM-L6-v2"))
    try FileManager.default.createDirectory(atPath: cached, withIntermediateDirectories: true)
    for name in PretrainedModels.files {
        try FileManager.default.copyItem(atPath: fixture("bert/random-tiny/" + name), toPath: cached + "/" + name)
    }
    #expect(PretrainedModels.encoder("minilm", environment: env) == cached)
    #expect(PretrainedModels.encoder("sentence-transformers/all-MiniLM-L6-v2", environment: env) == cached)
    // A checkpoint directory is itself.
    #expect(PretrainedModels.encoder(fixture("bert/random-tiny"), environment: env) == fixture("bert/random-tiny"))
}
