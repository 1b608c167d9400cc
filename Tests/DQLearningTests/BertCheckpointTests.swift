import Foundation
import Testing
import DQTestSupport
import DQLearning
import DQText

private struct Golden: Decodable {
    var input_ids: [[Int32]]
    var token_type_ids: [[Int32]]
    var attention_mask: [[Int32]]
    var logits: [[Float]]
    var texts: [[String?]]

    static func load(file: String = #filePath) throws -> Golden {
        let url = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Golden/bert_golden.json")
        return try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
    }

    var batch: BertBatch {
        BertBatch(inputIDs: input_ids.flatMap { $0 }, tokenTypeIDs: token_type_ids.flatMap { $0 },
                  attentionMask: attention_mask.flatMap { $0 }, size: input_ids.count, length: input_ids[0].count)
    }
}

@Test func aTransformersCheckpointGivesTheSameLogitsInDq() throws {
    let golden = try Golden.load()
    let checkpoint = try BertCheckpoint.load(directory: fixture("bert/random-tiny"), labels: 3, seed: 0)
    #expect(checkpoint.initialisedRandomly.isEmpty)
    var rng = SplitMix64(seed: 0)
    let logits = checkpoint.model.forward(golden.batch, training: false, rng: &rng)
    for (b, row) in golden.logits.enumerated() {
        for (j, want) in row.enumerated() { #expect(abs(logits[b, j] - want) < 1e-4, "row \(b) label \(j)") }
    }
    // dq's tokenizer gives the ids the golden batch was made from.
    for (b, text) in golden.texts.enumerated() {
        let encoding = checkpoint.tokenizer.encode(text[0]!, pair: text[1], padTo: golden.input_ids[b].count)
        #expect(encoding.inputIDs == golden.input_ids[b])
    }
}

@Test func savedCheckpointsLoadBackIdentically() throws {
    let original = try BertCheckpoint.load(directory: fixture("bert/random-tiny"), labels: 3, seed: 0)
    let directory = scratchPath("checkpoint")
    try BertCheckpoint.save(original.model, tokenizer: original.tokenizer, labelNames: ["a", "b", "c"], to: directory)
    let reloaded = try BertCheckpoint.load(directory: directory, labels: 3, seed: 1)
    for (p, q) in zip(original.model.parameters, reloaded.model.parameters) {
        #expect(p.name == q.name && p.value.values == q.value.values)
    }
}

@Test func anEncoderOnlyCheckpointGetsANewClassifierAndSaysSo() throws {
    let checkpoint = try BertCheckpoint.load(directory: fixture("bert/random-tiny"), labels: 5, seed: 0)
    #expect(checkpoint.initialisedRandomly == ["classifier.weight", "classifier.bias"])
    // The new head is the one a model initialised in full with the same seed has: the
    // loaded tensors' draws are skipped, not left out of the stream.
    let fresh = BertClassifier(config: checkpoint.model.config, labels: 5, seed: 0)
    let head = { (model: BertClassifier) in model.parameters.first { $0.name == "classifier.weight" }! }
    let values = { (p: Parameter) in Array(UnsafeBufferPointer(start: p.value.data, count: p.count)) }
    let same = values(head(checkpoint.model)) == values(head(fresh))
    #expect(same)
    #expect(values(head(fresh)).contains { $0 != 0 })
}

@Test func missingAndMisshapenTensorsAreErrorsThatNameThem() throws {
    let directory = scratchPath("broken")
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for name in ["config.json", "vocab.txt"] {
        try FileManager.default.copyItem(atPath: fixture("bert/random-tiny/" + name), toPath: directory + "/" + name)
    }
    let source = try SafeTensorsFile(path: fixture("bert/random-tiny/model.safetensors"))
    var tensors = try source.tensors.keys.sorted().map { (name: $0, shape: source.tensors[$0]!.shape, values: try source.floats($0)) }
    tensors.removeAll { $0.name == "bert.encoder.layer.1.output.dense.bias" }
    try SafeTensorsFile.write(tensors, to: directory + "/model.safetensors")
    #expect(throws: CheckpointError.missingTensor(directory + "/model.safetensors", "bert.encoder.layer.1.output.dense.bias")) {
        try BertCheckpoint.load(directory: directory, labels: 3, seed: 0)
    }
    let index = tensors.firstIndex { $0.name == "bert.pooler.dense.weight" }!
    tensors[index].shape = [16, 64]
    tensors.append((name: "bert.encoder.layer.1.output.dense.bias", shape: [32], values: [Float](repeating: 0, count: 32)))
    try SafeTensorsFile.write(tensors, to: directory + "/model.safetensors")
    #expect(throws: CheckpointError.shapeMismatch(directory + "/model.safetensors", "bert.pooler.dense.weight", expected: [32, 32], found: [16, 64])) {
        try BertCheckpoint.load(directory: directory, labels: 3, seed: 0)
    }
}

@Test func aBadConfigIsAnErrorNamingTheKey() throws {
    let directory = scratchPath("config")
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    try #"{"vocab_size": 60, "hidden_size": "big", "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 64}"#
        .write(toFile: directory + "/config.json", atomically: true, encoding: .utf8)
    do {
        _ = try BertCheckpoint.load(directory: directory, labels: 2, seed: 0)
        Issue.record("loaded a bad config")
    } catch let error as CheckpointError {
        #expect(error.description.contains("config.json: key hidden_size: expected Int"))
    }
}

@Test func halfPrecisionTensorsAreWidenedToFloat() throws {
    // 1.5 as F16 is 0x3E00; as BF16 0x3FC0. −2 as F16 is 0xC000; as BF16 0xC000.
    var bytes = [UInt8]()
    let header = Array(#"{"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]}}"#.utf8)
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { bytes.append(contentsOf: $0) }
    bytes += header
    bytes += [0x00, 0x3E, 0x00, 0xC0, 0xC0, 0x3F, 0x00, 0xC0]
    let path = scratchPath("half.safetensors")
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
    let file = try SafeTensorsFile(path: path)
    #expect(try file.floats("h") == [1.5, -2])
    #expect(try file.floats("b") == [1.5, -2])
}

@Test func damagedSafetensorsHeadersAreErrorsNotTraps() {
    for name in ["header-length-overflow", "shape-overflow", "offset-not-an-int"] {
        #expect(throws: CheckpointError.self, "\(name)") { try SafeTensorsFile(path: fixture("fuzz/\(name).safetensors")) }
    }
}
