import Foundation
import Testing
import DQStore
import DQTestSupport
import DQText

/// A store holding the first 400 TREC questions.
@Test func pviPrintsVInformationAndWritesEverySample() throws {
    let db = try trecStore()
    let out = scratchPath("pvi.csv")
    let result = try dq(["pvi", "--model", "bow", "--folds", "2", "--by", "fine_label", "--top", "3", "--db", db, "--out", out])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("V-information, bow, run 1"))
    #expect(result.stdout.contains("V-information by fine_label"))
    #expect(result.stdout.contains("Lowest PVI"))
    let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
    #expect(lines.first == "id,label,predicted,p_input,p_null,H_yb,H_yx,PVI,correct,fold,text")
    #expect(lines.count == 401)
    let bare = scratchPath("pvi-bare.csv")
    #expect(try dq(["pvi", "--model", "bow", "--folds", "2", "--db", db, "--out", bare, "--no-text"]).status == 0)
    #expect(try String(contentsOfFile: bare, encoding: .utf8).split(separator: "\n").first == "id,label,predicted,p_input,p_null,H_yb,H_yx,PVI,correct,fold")
    let json = try JSONValue.parse(try dq(["pvi", "--model", "bow", "--null", "prior", "--folds", "2", "--db", db, "--format", "json"]).stdout)
    #expect(json["v_information"]?[0]?["group"] == .string("all"))
}

@Test func pviRejectsBadOptionsWithTheFix() throws {
    let db = try trecStore()
    let noEval = try dq(["pvi", "--train-split", "train", "--db", db])
    #expect(noEval.status != 0 && noEval.stderr.contains("give both --train-split and --eval-split"))
    let missing = try dq(["pvi", "--train-split", "train", "--eval-split", "dev", "--db", db])
    #expect(missing.status != 0 && missing.stderr.contains("dataset trec has no split 'dev' (its splits: train)"), "\(missing.stderr)")
    let inSample = try dq(["pvi", "--train-split", "train", "--eval-split", "train", "--db", db])
    #expect(inSample.status != 0 && inSample.stderr.contains("would score PVI in sample") && inSample.stderr.contains("Cross-fit instead"))
    #expect(try dq(["runs", "--db", db, "--format", "csv"]).stdout.split(separator: "\n").count == 1)
    let slice = try dq(["pvi", "--by", "annotator", "--folds", "2", "--db", db])
    #expect(slice.status != 0 && slice.stderr.contains("no metadata column 'annotator'"))
    let weights = try dq(["pvi", "--model", "tiny-bert", "--weights", "/nonexistent", "--db", db])
    #expect(weights.status != 0 && weights.stderr.contains("/nonexistent: is not a checkpoint directory"))
}

@Test func anOutputFileThatCannotBeWrittenIsAnErrorBeforeAnyWork() throws {
    let db = try trecStore()
    let missingFolder = scratchPath("no-such-folder") + "/pvi.csv"
    let pvi = try dq(["pvi", "--model", "bow", "--folds", "2", "--db", db, "--out", missingFolder])
    #expect(pvi.status != 0 && pvi.stderr.contains("the folder") && pvi.stderr.contains("does not exist"), "\(pvi.stderr)")
    let stats = try dq(["stats", "--db", db, "--out", NSTemporaryDirectory()])
    #expect(stats.status != 0 && stats.stderr.contains("is a folder; give a file name"), "\(stats.stderr)")
    let report = try dq(["report", "--db", db, "--out", missingFolder + ".html"])
    #expect(report.status != 0 && report.stderr.contains("does not exist"))
    // Refused before any work: no run was recorded.
    #expect(try Store(path: db).database.row("SELECT count(*) FROM runs")?.int(0) == 0)
}

@Test func cartographyNeedsAModelTrainedInEpochs() throws {
    let db = try trecStore()
    let result = try dq(["cartography", "--model", "bow", "--db", db])
    #expect(result.status != 0 && result.stderr.contains("cartography needs a model trained in epochs"))
}

@Test func pviImportsProbabilitiesMadeElsewhere() throws {
    let db = try trecStore()
    let labels = ["DESC", "ENTY", "ABBR", "HUM", "NUM", "LOC"]
    // Two samples: train-0 is DESC, train-1 is ENTY (see Fixtures/demo/trec/train.csv).
    var text = "id," + labels.map { "p_input:" + $0 }.joined(separator: ",") + "," + labels.map { "p_null:" + $0 }.joined(separator: ",") + "\n"
    text += "train-0,0.5,0.1,0.1,0.1,0.1,0.1,0.25,0.25,0.125,0.125,0.125,0.125\n"
    text += "train-1,0.5,0.1,0.1,0.1,0.1,0.1,0.25,0.25,0.125,0.125,0.125,0.125\n"
    let path = scratchPath("probs.csv")
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    let json = try JSONValue.parse(try dq(["pvi", "--import-probs", path, "--db", db, "--format", "json"]).stdout)
    // train-0: −log2 0.25 + log2 0.5 = 1 bit; train-1: −log2 0.25 + log2 0.1.
    let all = try #require(json["v_information"]?[0])
    #expect(all["samples"] == .number(2))
    guard case .number(let v)? = all["v_info_bits"] else { Issue.record("no V-info"); return }
    #expect(abs(v - (1 + (2 + log2(0.1))) / 2) < 1e-9)

    try text.replacingOccurrences(of: "train-1,0.5", with: "train-1,0.7").write(toFile: path, atomically: true, encoding: .utf8)
    let bad = try dq(["pvi", "--import-probs", path, "--db", db])
    #expect(bad.status != 0 && bad.stderr.contains(":3: the p_input values sum to 1.2"))
    try text.replacingOccurrences(of: "train-1,", with: "nope-1,").write(toFile: path, atomically: true, encoding: .utf8)
    let unknown = try dq(["pvi", "--import-probs", path, "--db", db])
    #expect(unknown.status != 0 && unknown.stderr.contains("1 ids are not samples of this dataset (first: nope-1)"))
}

@Test func cartographyMapsDynamicsRecordedByAllenAIsCode() throws {
    let db = try trecStore()
    let directory = scratchPath("dynamics")
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    // train-0 is learned at once, train-1 never, train-2 flips each epoch.
    let logits: [String: [[Double]]] = [
        "train-0": [[3, 0, 0, 0, 0, 0], [4, 0, 0, 0, 0, 0], [5, 0, 0, 0, 0, 0]],
        "train-1": [[0, 0, 0, 0, 0, 3], [0, 0, 0, 0, 0, 4], [0, 0, 0, 0, 0, 5]],
        "train-2": [[2, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 2], [2, 0, 0, 0, 0, 0]],
    ]
    for epoch in 0..<3 {
        let lines = logits.keys.sorted().map { id in
            "{\"guid\": \"\(id)\", \"logits_epoch_\(epoch)\": \(logits[id]![epoch]), \"gold\": 0}"
        }
        try lines.joined(separator: "\n").write(toFile: "\(directory)/dynamics_epoch_\(epoch).jsonl", atomically: true, encoding: .utf8)
    }
    let out = scratchPath("carto.csv")
    let result = try dq(["cartography", "--import", directory, "--share", "0.34", "--db", db, "--out", out])
    #expect(result.status == 0, "\(result.stderr)")
    // The sample's text ends each row (these hold no comma).
    let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",").map(String.init).dropLast() }
    #expect(rows.count == 4)
    #expect(rows[0].suffix(3) == ["easy_to_learn", "ambiguous", "hard_to_learn"])
    // Each region takes ⌊0.34 · 3⌋ + 1 = 2 samples by its own metric; train-2 (flipping) is in all three.
    let regions = Dictionary(uniqueKeysWithValues: rows.dropFirst().map { ($0[0], $0.suffix(3).joined()) })
    #expect(regions == ["train-0": "110", "train-1": "001", "train-2": "111"])

    try "{\"guid\": \"train-0\", \"logits_epoch_0\": [1, 2], \"gold\": 7}".write(toFile: "\(directory)/dynamics_epoch_0.jsonl", atomically: true, encoding: .utf8)
    let bad = try dq(["cartography", "--import", directory, "--db", db])
    #expect(bad.status != 0 && bad.stderr.contains("dynamics_epoch_0.jsonl:1: \"gold\" must index the logits"))
}

@Test func divergenceListsLabelPairsHardestFirstAndAsAMatrix() throws {
    let db = try trecStore()
    let json = try JSONValue.parse(try dq(["divergence", "--db", db, "--format", "json", "--top-tokens", "2"]).stdout)
    guard case .array(let rows)? = json["divergence"] else { Issue.record("not an array"); return }
    #expect(rows.count == 15)  // 6 labels in the first 400 questions → 15 pairs
    // Ordered by the excess over the permutation baseline; ABBR (6 samples here) is warned of.
    let excess = rows.compactMap { row -> Double? in if case .number(let v)? = row["excess"] { return v } else { return nil } }
    #expect(excess.count == 15 && excess == excess.sorted())
    for row in rows {
        guard case .number(let jsd)? = row["JSD"], case .number(let baseline)? = row["baseline"], case .number(let e)? = row["excess"] else { continue }
        #expect(abs(jsd - baseline - e) < 1e-12)
    }
    let plain = try dq(["divergence", "--db", db, "--permutations", "0"])
    #expect(plain.status == 0 && !plain.stdout.contains("excess"))
    let text = try dq(["divergence", "--db", db]).stdout
    #expect(text.contains("Warning: ABBR has only"), "\(text)")
    let matrix = try dq(["divergence", "--db", db, "--matrix", "--log", "e"])
    #expect(matrix.status == 0 && matrix.stdout.contains("Jensen–Shannon divergence (nats)"))
    let bad = try dq(["divergence", "--db", db, "--log", "10"])
    #expect(bad.status != 0 && bad.stderr.contains("The value '10' is invalid for '--log <2|e>'. Please provide one of '2' and 'e'"), "\(bad.stderr)")
    // A misspelt split names the dataset's splits instead of selecting nothing.
    let split = try dq(["divergence", "--db", db, "--split", "tran"])
    #expect(split.status == 1 && split.stderr.contains("dataset trec has no split 'tran' (its splits: train)"), "\(split.stderr)")
}

@Test func divergenceCountsWordPieceTokensWithACheckpointsTokenizer() throws {
    let db = try trecStore()
    let result = try dq(["divergence", "--db", db, "--tokens", "wordpiece", "--tokenizer", fixture("bert/random-tiny"), "--format", "json"])
    #expect(result.status == 0, "\(result.stderr)")
    guard case .array(let rows)? = try JSONValue.parse(result.stdout)["divergence"] else { Issue.record("not an array"); return }
    // The fixture's small vocabulary cuts words into pieces: continuation tokens appear.
    #expect(rows.contains { ($0["more_in_a"]?.scalarText ?? "").contains("##") || ($0["more_in_b"]?.scalarText ?? "").contains("##") })
    let words = try JSONValue.parse(try dq(["divergence", "--db", db, "--format", "json"]).stdout)["divergence"]
    #expect(words?[0]?["tokens_a"] != rows[0]["tokens_a"])
    let missing = try dq(["divergence", "--db", db, "--tokens", "wordpiece"])
    #expect(missing.status != 0 && missing.stderr.contains("--tokens wordpiece needs --tokenizer"))
}

@Test func pviOnAHeldOutSplitWarnsOfTextsItSharesWithTraining() throws {
    let db = try trecStore(rows: 200)
    let lines = try String(contentsOfFile: fixture("demo/trec/train.csv"), encoding: .utf8).split(separator: "\r\n")
    // dev: 40 unseen questions, then 3 training questions again (one in other case and punctuation).
    let dev = [String(lines[0])] + lines[300..<340].map(String.init) + [
        "dev-a,How did serfdom develop in and then leave Russia ?,DESC,DESC:manner",
        "dev-b,What films featured the character Popeye Doyle ?,ENTY,ENTY:cremat",
        "dev-c,\"HOW CAN I FIND A LIST OF CELEBRITIES ' REAL NAMES??\",DESC,DESC:manner",
    ]
    let path = scratchPath("dev.csv")
    try dev.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    #expect(try dq(["ingest", path, "--dataset", "trec", "--split", "dev", "--meta", "fine_label", "--db", db]).status == 0)
    let result = try dq(["pvi", "--model", "bow", "--train-split", "train", "--eval-split", "dev", "--db", db])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stderr.contains("3 of the 43 samples of dev have the text (up to case and punctuation) of a sample of train"), "\(result.stderr)")
}

@Test func shardsWrittenByDataParallelProcessesImportAsOneFile() throws {
    let db = try trecStore()
    let labels = ["ABBR", "DESC", "ENTY", "HUM", "LOC", "NUM"]
    let header = "id," + labels.map { "p_input:" + $0 }.joined(separator: ",") + "," + labels.map { "p_null:" + $0 }.joined(separator: ",") + "\n"
    let row0 = "train-0,0.5,0.1,0.1,0.1,0.1,0.1,0.25,0.25,0.125,0.125,0.125,0.125\n"
    let row1 = "train-1,0.1,0.5,0.1,0.1,0.1,0.1,0.25,0.25,0.125,0.125,0.125,0.125\n"
    let whole = scratchPath("whole.csv"), shards = scratchPath("prob-shards")
    try FileManager.default.createDirectory(atPath: shards, withIntermediateDirectories: true)
    try (header + row0 + row1).write(toFile: whole, atomically: true, encoding: .utf8)
    try (header + row0).write(toFile: shards + "/probs.rank0.csv", atomically: true, encoding: .utf8)
    try (header + row1).write(toFile: shards + "/probs.rank1.csv", atomically: true, encoding: .utf8)
    let one = try dq(["pvi", "--import-probs", whole, "--db", db, "--format", "json"]).stdout
    let two = try dq(["pvi", "--import-probs", shards, "--db", db, "--format", "json"]).stdout
    #expect(try JSONValue.parse(one)["v_information"] == JSONValue.parse(two)["v_information"])
    // A sample in two shards is an error naming both.
    try (header + row0 + row1).write(toFile: shards + "/probs.rank1.csv", atomically: true, encoding: .utf8)
    let twice = try dq(["pvi", "--import-probs", shards, "--db", db])
    #expect(twice.status != 0 && twice.stderr.contains("id train-0 is also in probs.rank0.csv"), "\(twice.stderr)")

    // Dynamics: each epoch in two shards, as each process writes its part.
    let dynamics = scratchPath("dynamics-shards")
    try FileManager.default.createDirectory(atPath: dynamics, withIntermediateDirectories: true)
    for epoch in 0..<2 {
        for (rank, id) in ["train-0", "train-1"].enumerated() {
            try "{\"guid\": \"\(id)\", \"logits_epoch_\(epoch)\": [\(rank + epoch), 0, 0, 0, 0, 0], \"gold\": 0}"
                .write(toFile: "\(dynamics)/dynamics_epoch_\(epoch).rank\(rank).jsonl", atomically: true, encoding: .utf8)
        }
    }
    let out = scratchPath("sharded-carto.csv")
    let carto = try dq(["cartography", "--import", dynamics, "--db", db, "--out", out])
    #expect(carto.status == 0, "\(carto.stderr)")
    #expect(try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").count == 3)
}
