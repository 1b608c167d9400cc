// dq-bench: timings of dq's numeric kernels for `make bench` (bench/run.sh compares them with
// the Python peers in the same run). Prints one JSON object per measurement.
import DQAnalyses
import DQLearning
import DQText
import Foundation

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Best time of `repeats` runs after one warm-up.
func best(_ repeats: Int, _ body: () -> Void) -> Double {
    body()
    return (0..<repeats).map { _ in seconds(body) }.min()!
}

func gemmBenchmark(sizes: [Int]) {
    var rng = SplitMix64(seed: 1)
    for n in sizes {
        let a = (0..<(n * n)).map { _ in rng.nextFloat() - 0.5 }
        let b = (0..<(n * n)).map { _ in rng.nextFloat() - 0.5 }
        var c = [Float](repeating: 0, count: n * n)
        let repeats = max(3, min(50, Int(2e9 / (2 * pow(Double(n), 3)))))
        let time = best(repeats) {
            gemm(transA: false, transB: false, m: n, n: n, k: n, alpha: 1, a: a, lda: n, b: b, ldb: n, beta: 0, c: &c, ldc: n)
        }
        let gflops = 2 * pow(Double(n), 3) / time / 1e9
        print("{\"bench\": \"gemm\", \"n\": \(n), \"threads\": \(Threading.cores), \"seconds\": \(time), \"gflops\": \(gflops)}")
    }
}

/// tiny-bert's shape (L=2, H=128, A=2, I=512, vocab 30522), batch × length random tokens:
/// tokens/s for training steps (forward, backward, clipping, AdamW) and for inference.
func bertBenchmark(batch: Int, length: Int, steps: Int) {
    let config = BertConfig.tiny()
    let model = BertClassifier(config: config, labels: 2, seed: 1)
    var rng = SplitMix64(seed: 2)
    let ids = (0..<(batch * length)).map { i in i % length == 0 ? Int32(101) : Int32(1000 + rng.next() % 20000) }
    let input = BertBatch(inputIDs: ids, tokenTypeIDs: [Int32](repeating: 0, count: ids.count),
                          attentionMask: [Int32](repeating: 1, count: ids.count), size: batch, length: length)
    let labels = (0..<batch).map { $0 % 2 }
    let optimiser = AdamW(weightDecay: 0.01)
    let parameters = model.parameters
    func trainSteps() {
        for _ in 0..<steps {
            model.zeroGradients()
            let logits = model.forward(input, training: true, rng: &rng)
            model.backward(CrossEntropy.evaluate(logits: logits, labels: labels).gradient)
            clipGradientNorm(parameters, maxNorm: 1)
            optimiser.update(parameters, learningRate: 1e-4)
        }
    }
    func inferSteps() {
        for _ in 0..<steps {
            _ = model.forward(input, training: false, rng: &rng)
            model.release()
        }
    }
    // --train-only / --infer-only: one number, for profiling one phase.
    if CommandLine.arguments.contains("--train-only") {
        print(Double(batch * length * steps) / best(5, trainSteps))
        return
    }
    if CommandLine.arguments.contains("--infer-only") {
        print(Double(batch * length * steps) / best(10, inferSteps))
        return
    }
    let train = best(3, trainSteps)
    let infer = best(3, inferSteps)
    let tokens = Double(batch * length * steps)
    print("{\"bench\": \"bert\", \"batch\": \(batch), \"length\": \(length), \"threads\": \(Threading.cores), \"train_tokens_per_s\": \(tokens / train), \"infer_tokens_per_s\": \(tokens / infer)}")
}

/// bow on a CSV of (text, label): hashed uni+bigram features (2^20) and the L-BFGS fit,
/// timed separately; prints the objective reached so it can be compared with scikit-learn's.
func bowBenchmark(path: String, gradientTolerance: Double, rows: Int?) throws {
    let (texts, labels, classes) = try readLabelledCSV(path: path, rows: rows)
    let hashing = HashedNGrams(dimension: 1 << 20, maxN: 2)
    var features: [SparseVector] = []
    let featureTime = seconds { features = texts.map { hashing.features($0) } }
    var fit: SoftmaxRegression.Fit?
    var options = SoftmaxRegression.Options()
    options.solver.gradientTolerance = gradientTolerance
    // Best of 3: this shared VM's memory bandwidth varies from run to run.
    let fitTime = (0..<3).map { _ in
        seconds {
            fit = SoftmaxRegression.fit(features: features, labels: labels, classes: classes, dimension: 1 << 20, options: options)
        }
    }.min()!
    print("{\"bench\": \"bow\", \"rows\": \(texts.count), \"feature_seconds\": \(featureTime), \"fit_seconds\": \(fitTime), \"objective\": \(fit!.objective), \"iterations\": \(fit!.iterations), \"evaluations\": \(fit!.evaluations)}")
}

/// BM25 over a corpus file (one document per line): index build (tokenising included) and
/// top-10 retrieval for every query of the queries file; prints times and the results.
func bm25Benchmark(corpus: String, queries: String) throws {
    let documents = try String(contentsOfFile: corpus, encoding: .utf8).split(separator: "\n").map(String.init)
    let questions = try String(contentsOfFile: queries, encoding: .utf8).split(separator: "\n").map(String.init)
    var index: BM25Index!
    let build = seconds { index = BM25Index(documents: documents) }
    var results: [[(document: Int, score: Double)]] = []
    let search = seconds { results = questions.map { index.top(10, query: $0) } }
    let json = results.map { "[" + $0.map { "[\($0.document), \($0.score)]" }.joined(separator: ", ") + "]" }.joined(separator: ", ")
    print("{\"bench\": \"bm25\", \"documents\": \(documents.count), \"queries\": \(questions.count), \"index_seconds\": \(build), \"query_seconds\": \(search), \"results\": [\(json)]}")
}

/// Rank fusion of runs × documents scores per query (float64, row-major queries × runs × docs,
/// in a raw file): every method, with the top 100 of each query.
func fusionBenchmark(path: String, queries: Int, runs: Int, documents: Int, method: String) throws {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    let values = data.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
    precondition(values.count == queries * runs * documents)
    let aggregation = RankAggregation(rawValue: method)!
    var tops: [[Int]] = []
    let time = seconds {
        tops = (0..<queries).map { q in
            let scores = (0..<runs).map { r in Array(values[((q * runs + r) * documents)..<((q * runs + r + 1) * documents)]) }
            let fused = aggregation.fuse(scores: scores, ranks: scores.map(RankAggregation.ranks))
            return Array(fused.indices.sorted { fused[$0] > fused[$1] || (fused[$0] == fused[$1] && $0 < $1) }.prefix(100))
        }
    }
    print("{\"bench\": \"fusion\", \"method\": \"\(method)\", \"seconds\": \(time), \"top\": \(tops)}")
}

/// Confident learning on n × K probabilities (float64) and labels (int64) in raw files; writes
/// the flagged indices, ranked, one per line.
func labelIssuesBenchmark(probabilities: String, labels: String, classes: Int, out: String) throws {
    let p = try Data(contentsOf: URL(fileURLWithPath: probabilities)).withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
    let y = try Data(contentsOf: URL(fileURLWithPath: labels)).withUnsafeBytes { Array($0.bindMemory(to: Int64.self)) }.map { Int($0) }
    let input = ConfidentLearning.Input(labels: y, probabilities: p, classes: classes)
    var result: ConfidentLearning.Result!
    let time = seconds { result = ConfidentLearning.findLabelIssues(input) }
    try result.ranked.map(String.init).joined(separator: "\n").write(toFile: out, atomically: true, encoding: .utf8)
    print("{\"bench\": \"label-issues\", \"samples\": \(y.count), \"classes\": \(classes), \"seconds\": \(time), \"issues\": \(result.ranked.count)}")
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "bert":
    let numbers = arguments.dropFirst().compactMap { Int($0) }
    bertBenchmark(batch: numbers.first ?? 32, length: numbers.dropFirst().first ?? 64, steps: 5)
case "bow":
    // dq-bench bow CSV [GRADIENT-TOLERANCE [ROWS]]: defaults 1e-4 and every row.
    let rest = Array(arguments.dropFirst())
    try bowBenchmark(path: rest.first ?? "rows.csv", gradientTolerance: rest.count > 1 ? Double(rest[1])! : 1e-4,
                     rows: rest.count > 2 ? Int(rest[2]) : nil)
case "bow-path":
    // dq-bench bow-path CSV [ROWS [GRADIENT-TOLERANCE]]: see `bowPathBenchmark`.
    let rest = Array(arguments.dropFirst())
    try bowPathBenchmark(path: rest[0], rows: rest.count > 1 ? Int(rest[1]) : nil,
                         tolerance: rest.count > 2 ? Double(rest[2])! : 1e-8)
case "hidden":
    // dq-bench hidden DIR TEXT: the checkpoint's last hidden state for TEXT (first token and
    // mean over tokens), for bench/check_checkpoints.py to compare with transformers.
    let rest = Array(arguments.dropFirst())
    let checkpoint = try BertCheckpoint.load(directory: rest[0], labels: 2, seed: 0)
    let encoding = checkpoint.tokenizer.encode(rest[1])
    let batch = BertBatch(inputIDs: encoding.inputIDs, tokenTypeIDs: encoding.tokenTypeIDs,
                          attentionMask: encoding.attentionMask, size: 1, length: encoding.inputIDs.count)
    var rng = SplitMix64(seed: 0)
    let hidden = checkpoint.model.encode(batch, training: false, rng: &rng)
    let width = hidden.columns
    let mean = (0..<width).map { j in (0..<hidden.rows).reduce(Float(0)) { $0 + hidden[$1, j] } / Float(hidden.rows) }
    print("{\"ids\": \(encoding.inputIDs), \"first\": \((0..<width).map { hidden[0, $0] }), \"mean\": \(mean)}")
case "save":
    // dq-bench save SRC DEST: load a checkpoint and save it with dq's writer.
    let rest = Array(arguments.dropFirst())
    let checkpoint = try BertCheckpoint.load(directory: rest[0], labels: 3, seed: 0)
    try BertCheckpoint.save(checkpoint.model, tokenizer: checkpoint.tokenizer, labelNames: ["a", "b", "c"], to: rest[1])
case "bm25":
    let rest = Array(arguments.dropFirst())
    try bm25Benchmark(corpus: rest[0], queries: rest[1])
case "fusion":
    let rest = Array(arguments.dropFirst())
    try fusionBenchmark(path: rest[0], queries: Int(rest[1])!, runs: Int(rest[2])!, documents: Int(rest[3])!, method: rest[4])
case "label-issues":
    let rest = Array(arguments.dropFirst())
    try labelIssuesBenchmark(probabilities: rest[0], labels: rest[1], classes: Int(rest[2])!, out: rest[3])
case "gemm-shape":
    let v = arguments.dropFirst().compactMap { Int($0) }
    let (m, n, k) = (v[0], v[1], v[2])
    var rng = SplitMix64(seed: 1)
    let a = (0..<(m * k)).map { _ in rng.nextFloat() }, b = (0..<(n * k)).map { _ in rng.nextFloat() }
    var c = [Float](repeating: 0, count: m * n)
    // DQ_BENCH_TRANS_A: op(A) = Aᵀ with A stored k×m, as a layer's weight gradient dyᵀ·x.
    let transA = ProcessInfo.processInfo.environment["DQ_BENCH_TRANS_A"] != nil
    let t = best(20) {
        gemm(transA: transA, transB: !transA, m: m, n: n, k: k, alpha: 1, a: a, lda: transA ? m : k, b: b, ldb: transA ? n : k,
             beta: 0, c: &c, ldc: n)
    }
    print("gemm \(m)x\(n)x\(k) \(transA ? "transA" : "transB"): \(2 * Double(m * n * k) / t / 1e9) GFLOP/s")
case "fuzz":
    // dq-bench fuzz [INPUTS [SEED [FINDINGS [TARGETS]]]]: mutated fixtures through dq's readers;
    // TARGETS a comma list (csv,tsv,jsonl,specs,safetensors,parquet,arrow,feather,hf), default all.
    let rest = Array(arguments.dropFirst())
    try fuzz(inputs: rest.first.flatMap { Int($0) } ?? 1_000_000, seed: rest.count > 1 ? UInt64(rest[1])! : 1,
             fixtures: "Fixtures", findings: rest.count > 2 ? rest[2] : "fuzz-findings",
             only: rest.count > 3 ? Set(rest[3].split(separator: ",").map(String.init)) : nil)
case "gemm":
    gemmBenchmark(sizes: arguments.dropFirst().compactMap { Int($0) }.isEmpty
        ? [64, 128, 256, 512, 1024, 2048] : arguments.dropFirst().compactMap { Int($0) })
default:
    FileHandle.standardError.write(Data("usage: dq-bench gemm [sizes…] | bert [batch length] | bow FILE.csv\n".utf8))
    exit(2)
}
