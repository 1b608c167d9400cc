import Foundation
import Testing
import DQRuns
import DQStore
import DQTestSupport
import DQText

private func reviewsStore() throws -> String {
    let db = newStorePath()
    #expect(try dq(["ingest", fixture("specs/planted-reviews.csv"), "--dataset", "reviews", "--db", db]).status == 0)
    return db
}

@Test func inconsistentFindsThePlantedLabelsAndStoresThemWithTheirEvidence() throws {
    let db = try reviewsStore()
    let result = try dq(["inconsistent", "--specs", fixture("specs/planted-reviews-specs.json"), "--top", "3", "--db", db, "--format", "json"])
    #expect(result.status == 0, "\(result.stderr)")
    guard case .array(let rows)? = try JSONValue.parse(result.stdout)["inconsistent"] else { Issue.record("no table"); return }
    let ids = Set(rows.compactMap { $0["id"]?.scalarText })
    #expect(ids.isSuperset(of: ["p01", "p02", "p03", "p04", "p05"]))
    let store = try Store(path: db)
    let run = try #require(try store.latestRun(dataset: try store.requireDataset("reviews"), kind: .inconsistent))
    let stored = try store.specificationSuspects(run: run.id)
    #expect(stored.count == rows.count)
    #expect(stored.allSatisfy { !$0.evidence.isEmpty && !$0.suggestedLabel.isEmpty })
}

@Test func aBadSpecsFileNamesTheSpecAndPathAndWritesNothing() throws {
    let db = try reviewsStore()
    let specs = scratchPath("specs.json")
    try #"{"specs": [{"name": "ok", "label": "positive", "query": "great"}, {"name": "typo", "label": "postive", "query": "good"}]}"#
        .write(toFile: specs, atomically: true, encoding: .utf8)
    let result = try dq(["inconsistent", "--specs", specs, "--db", db])
    #expect(result.status != 0)
    #expect(result.stderr.contains("\(specs): $.specs[1].label: spec \"typo\": the dataset has no label \"postive\""), "\(result.stderr)")
    let store = try Store(path: db)
    #expect(try store.runs(dataset: nil, kind: .inconsistent).isEmpty)
}

private struct Golden: Decodable {
    struct Case: Decodable {
        var classes: Int
        var labels: [Int]
        var probabilities: [[Double]]
        var issues: [String: [Int]]
    }
    var cases: [Case]
}

@Test func labelIssuesFromAProbabilitiesFileFlagWhatCleanlabFlags() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../DQAnalysesTests/Golden/confident_learning.json")
    let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url)).cases[1]
    let names = (0..<golden.classes).map { "label\($0)" }
    var data = "id,text,label\n"
    var probs = "id,label," + names.joined(separator: ",") + "\n"
    for (i, y) in golden.labels.enumerated() {
        data += "s\(i),sample \(i),\(names[y])\n"
        probs += "s\(i),\(names[y])," + golden.probabilities[i].map { "\($0)" }.joined(separator: ",") + "\n"
    }
    let dataPath = scratchPath("data.csv"), probsPath = scratchPath("probs.csv"), out = scratchPath("issues.csv")
    try data.write(toFile: dataPath, atomically: true, encoding: .utf8)
    try probs.write(toFile: probsPath, atomically: true, encoding: .utf8)
    let db = newStorePath()
    #expect(try dq(["ingest", dataPath, "--dataset", "golden", "--db", db]).status == 0)
    for (filter, rankBy) in [("prune_by_noise_rate", "self_confidence"), ("both", "normalized_margin")] {
        let result = try dq(["label-issues", "--probs", probsPath, "--filter", filter, "--rank-by", rankBy, "--db", db, "--out", out])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("Noise matrix"))
        let flagged = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").dropFirst()
            .map { Int($0.split(separator: ",")[1].dropFirst())! }
        #expect(flagged == golden.issues["\(filter)/\(rankBy)"], "\(filter) \(rankBy)")
    }
    try probs.replacingOccurrences(of: "s7,", with: "s7x,").write(toFile: probsPath, atomically: true, encoding: .utf8)
    let unknown = try dq(["label-issues", "--probs", probsPath, "--db", db])
    #expect(unknown.status != 0 && unknown.stderr.contains("1 ids are not samples of golden (first: s7x)"))
}

private struct LabelOrderGolden: Decodable {
    var issues_ranked: [String]
    var num_label_issues: Int
    var health: Double
    var issues_in_first_appearance_order: Int
}

/// Fixtures/label_order: cleanlab flags 29 samples with the file's column order and 28 with the
/// order in which the labels first appear; dq must use the file's, with or without a dataset.
/// The probabilities are twentieths, so many qualities tie: numpy's unstable argsort orders those
/// by machine, dq by position, so the sets are compared.
@Test func labelIssuesFromAProbabilitiesFileFollowTheFilesClassOrder() throws {
    let golden = try JSONDecoder().decode(LabelOrderGolden.self, from: Data(contentsOf: URL(fileURLWithPath: fixture("label_order/cleanlab.json"))))
    #expect(golden.issues_ranked.count != golden.issues_in_first_appearance_order)
    let probs = fixture("label_order/probs.csv")
    func flagged(_ arguments: [String]) throws -> [String] {
        let out = scratchPath("order-issues.csv")
        let result = try dq(["label-issues", "--probs", probs, "--out", out] + arguments)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("health 0.900 (cleanlab's overall_label_health_score: \(golden.num_label_issues) estimated issues)"), "\(result.stdout)")
        return try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[1]) }
    }
    // Labels and probabilities alone, as a cleanlab user holds them: no ingest.
    let empty = newStorePath()
    #expect(Set(try flagged(["--db", empty])) == Set(golden.issues_ranked))
    #expect(try dq(["runs", "--db", empty, "--format", "csv"]).stdout.contains("label-issues"))
    // With the texts ingested, whose labels first appear in another order.
    let db = newStorePath()
    #expect(try dq(["ingest", fixture("label_order/texts.csv"), "--dataset", "news", "--db", db]).status == 0)
    #expect(Set(try flagged(["--dataset", "news", "--db", db])) == Set(golden.issues_ranked))
    let stored = try dq(["runs", "--db", db, "--format", "json"]).stdout
    #expect(stored.contains("label-issues"))
}

@Test func suspectsGoToAnnotatorsAndTheirCorrectionsComeBackAudited() throws {
    let db = try reviewsStore()
    #expect(try dq(["inconsistent", "--specs", fixture("specs/planted-reviews-specs.json"), "--top", "3", "--db", db]).status == 0)
    #expect(try dq(["conflicts", "--db", db]).status == 0)
    let suspects = try dq(["suspects", "--db", db])
    #expect(suspects.status == 0, "\(suspects.stderr)")
    #expect(suspects.stdout.contains("Not run yet: pvi, cartography."))

    // CSV: parsed back, with an empty corrected_label column.
    let csv = scratchPath("review.csv")
    #expect(try dq(["export", "suspects", "--format", "csv", "--out", csv, "--db", db]).status == 0)
    let reader = try CSVReader(path: csv)
    var record = CSVRecord()
    var rows: [[String]] = []
    while try reader.read(into: &record) { rows.append((0..<record.count).map { record.field($0) ?? "" }) }
    #expect(rows[0] == ["id", "text", "text_pair", "given_label", "suggested_label", "reasons", "score", "corrected_label"])
    #expect(rows.count == 7 && rows.dropFirst().allSatisfy { $0[7].isEmpty && $0[3] != $0[4] })

    // Label Studio and doccano: valid JSON with the text and the suggestion.
    let tasks = scratchPath("tasks.json"), lines = scratchPath("tasks.jsonl")
    #expect(try dq(["export", "suspects", "--format", "labelstudio", "--out", tasks, "--db", db]).status == 0)
    #expect(try dq(["export", "suspects", "--format", "doccano", "--out", lines, "--db", db]).status == 0)
    let exported = try JSONValue.parse(try String(contentsOfFile: tasks, encoding: .utf8))
    #expect(exported[0]?["data"]?["text"]?.scalarText == rows[1][1])
    #expect(exported[0]?["predictions"]?[0]?["result"]?[0]?["value"]?["choices"]?[0]?.scalarText == rows[1][4])
    let firstLine = try String(contentsOfFile: lines, encoding: .utf8).split(separator: "\n")[0]
    #expect(try JSONValue.parse(String(firstLine))["suggested_label"]?.scalarText == rows[1][4])

    // A file with an unknown label applies nothing.
    var filled = rows
    filled[1][7] = rows[1][4]
    filled[2][7] = "neutral"
    func write(_ rows: [[String]]) throws {
        try rows.map { $0.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }.joined(separator: ",") }
            .joined(separator: "\n").write(toFile: csv, atomically: true, encoding: .utf8)
    }
    try write(filled)
    let bad = try dq(["corrections", "import", csv, "--annotator", "alice", "--db", db])
    #expect(bad.status != 0 && bad.stderr.contains("line 3: 'neutral' is not a label of reviews"), "\(bad.stderr)")
    let store = try Store(path: db)
    let dataset = try store.requireDataset("reviews")
    #expect(try store.correctionHistory(dataset: dataset).isEmpty)

    filled[2][7] = rows[2][4]
    try write(filled)
    let good = try dq(["corrections", "import", csv, "--annotator", "alice", "--db", db])
    #expect(good.status == 0, "\(good.stderr)")
    let history = try store.correctionHistory(dataset: dataset)
    #expect(history.map(\.oldLabel) == [rows[1][3], rows[2][3]])
    #expect(history.map(\.newLabel) == [rows[1][4], rows[2][4]])
    #expect(history.allSatisfy { $0.annotator == "alice" && $0.file == csv })

    // A Label Studio export: the latest non-cancelled annotation wins, over the CSV's.
    guard case .array(var list) = exported, case .object(var task) = list[0] else { Issue.record("no tasks"); return }
    func annotation(_ label: String, cancelled: Bool) -> JSONValue {
        .object([("was_cancelled", .bool(cancelled)), ("completed_by", .object([("email", .string("bob@example.org"))])),
                 ("result", .array([.object([("type", .string("choices")), ("value", .object([("choices", .array([.string(label)]))]))])]))])
    }
    task.append(("annotations", .array([annotation(rows[1][3], cancelled: false), annotation(rows[1][4], cancelled: true)])))
    list[0] = .object(task)
    try JSONValue.array(list).jsonText.write(toFile: tasks, atomically: true, encoding: .utf8)
    #expect(try dq(["corrections", "import", tasks, "--db", db]).status == 0)
    let latest = try store.correctionHistory(dataset: dataset).last
    #expect(latest?.oldLabel == rows[1][4] && latest?.newLabel == rows[1][3] && latest?.annotator == "bob@example.org")

    // The corrected dataset keeps the ingested label beside the current one.
    let clean = scratchPath("clean.csv")
    #expect(try dq(["export", "dataset", "--labels", "current", "--out", clean, "--db", db]).status == 0)
    let cleanRows = try String(contentsOfFile: clean, encoding: .utf8).split(separator: "\n")
    #expect(cleanRows[0] == "id,split,text,label,given_label,corrected")
    #expect(cleanRows.count == 26)
    // Two samples were corrected, and bob's Label Studio review put the first back to its given
    // label: one label differs from the given one now.
    let changed = cleanRows.filter { $0.hasSuffix(",true") }
    #expect(changed.count == 1)
}

@Test func theReportIsOneEscapedFileWithEverySectionOrItsNote() throws {
    let db = newStorePath()
    #expect(try dq(["ingest", fixture("csv/markup-in-text.csv"), "--dataset", "markup", "--db", db]).status == 0)
    let out = scratchPath("report.html")
    #expect(try dq(["report", "--out", out, "--db", db]).status == 0)
    var html = try String(contentsOfFile: out, encoding: .utf8)
    #expect(html.contains("Not run yet: dq pvi --dataset markup"))
    #expect(html.contains("Not run yet: dq suspects --dataset markup"))
    for command in [["pvi", "--model", "bow", "--folds", "2"], ["divergence"], ["conflicts"], ["suspects"]] {
        let result = try dq(command + ["--db", db])
        #expect(result.status == 0, "\(command): \(result.stderr)")
    }
    #expect(try dq(["report", "--out", out, "--db", db]).status == 0)
    html = try String(contentsOfFile: out, encoding: .utf8)
    #expect(!html.contains("<script") && !html.contains("<img") && !html.contains("<b>") && !html.contains("<i>"))
    #expect(!html.contains("Not run yet: dq pvi") && html.contains("Not run yet: dq cartography --dataset markup"))
    #expect(html.contains("<summary>pvi run 1 (bow; every split; started "))
    #expect(html.contains("Label-pair difficulty") && html.contains("0.") && html.contains("<svg"))
    // The label "<i>neg</i>" is in every section (distribution, V-information, heatmap, pairs).
    #expect(html.components(separatedBy: "&lt;i&gt;neg&lt;/i&gt;").count > 5)
}

@Test func examplesCanBeMatchedByEmbeddingsOfACheckpoint() throws {
    let db = try reviewsStore()
    let result = try dq(["inconsistent", "--specs", fixture("specs/planted-reviews-specs.json"), "--embed-model", fixture("bert/random-tiny"),
                         "--top", "3", "--db", db, "--format", "json"])
    #expect(result.status == 0, "\(result.stderr)")
    let store = try Store(path: db)
    let run = try #require(try store.latestRun(dataset: try store.requireDataset("reviews"), kind: .inconsistent))
    #expect(try run.parameters(InconsistentParameters.self).embedModel == fixture("bert/random-tiny"))
    // The query and pattern specifications do not use embeddings: their suspects stay.
    guard case .array(let rows)? = try JSONValue.parse(result.stdout)["inconsistent"] else { Issue.record("no rows"); return }
    #expect(rows.contains { $0["id"]?.scalarText == "p04" })
    let missing = try dq(["inconsistent", "--specs", fixture("specs/planted-reviews-specs.json"), "--embed-model", "/nonexistent", "--db", db])
    #expect(missing.status != 0)
}

@Test func conflictsAcrossDatasetsNeedTheSameLabels() throws {
    let db = newStorePath()
    let a = scratchPath("a.csv"), b = scratchPath("b.csv")
    try "id,text,label\na1,The service was great,pos\na2,Broken on arrival,neg\n".write(toFile: a, atomically: true, encoding: .utf8)
    try "id,text,label\nb1,the service was GREAT!,neg\nb2,Lovely screen,pos\n".write(toFile: b, atomically: true, encoding: .utf8)
    #expect(try dq(["ingest", a, "--dataset", "a", "--db", db]).status == 0)
    #expect(try dq(["ingest", b, "--dataset", "b", "--db", db]).status == 0)
    let result = try dq(["conflicts", "--datasets", "a,b", "--db", db, "--format", "csv"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("exact,1.0,a:a1,pos,b:b1,neg"))
    let c = scratchPath("c.csv")
    try "id,text,label\nc1,The service was great,good\nc2,bad,bad\n".write(toFile: c, atomically: true, encoding: .utf8)
    #expect(try dq(["ingest", c, "--dataset", "c", "--db", db]).status == 0)
    let mismatch = try dq(["conflicts", "--datasets", "a,c", "--db", db])
    #expect(mismatch.status != 0 && mismatch.stderr.contains("have different labels"))
}

@Test func evaluatePlantsErrorsScoresEverySignalAndStoresTheRun() throws {
    let db = try trecStore()
    let planted = scratchPath("planted.csv")
    let result = try dq(["evaluate", "--repeats", "2", "--folds", "3", "--specs", fixture("demo/trec-specs.json"), "--out", planted,
                         "--db", db, "--format", "json"])
    #expect(result.status == 0, "\(result.stderr)")
    guard case .array(let rows)? = try JSONValue.parse(result.stdout)["evaluation"] else { Issue.record("no table: \(result.stdout)"); return }
    #expect(rows.compactMap { $0["signal"]?.scalarText } == ["bow PVI", "confident learning (bow)", "specifications", "conflicting duplicates",
                                                             "merged (rank average)", "merged (calibrated)"])
    // 10% of 400, then 5%; the store's labels are untouched.
    let lines = try String(contentsOfFile: planted, encoding: .utf8).split(separator: "\n")
    #expect(lines.first == "repeat,id,given_label,planted_label" && lines.count == 61)
    #expect(lines.dropFirst().allSatisfy { let f = $0.split(separator: ","); return f[2] != f[3] })
    let store = try Store(path: db)
    let run = try #require(try store.latestRun(dataset: try store.requireDataset("trec"), kind: .evaluate))
    #expect(try store.evaluationMetrics(run: run.id).count == 12)
    #expect(try store.plantedErrors(run: run.id).count == 60)
    #expect(try store.evaluationCounts(run: run.id).map(\.planted) == [0, 40, 20])
    let stored = try store.samples(dataset: try store.requireDataset("trec")).map(\.label)
    #expect(stored == (try trecLabels(400)))
    // bow on 400 TREC questions finds planted errors far better than chance.
    guard case .string(let auroc)? = rows[1]["AUROC"], let mean = Double(auroc.split(separator: " ")[0]) else { Issue.record("no AUROC"); return }
    #expect(mean > 0.8)
    // Bad input: nothing is stored.
    let rate = try dq(["evaluate", "--rate", "0.7", "--db", db])
    #expect(rate.status != 0 && rate.stderr.contains("--rate must be in (0, 0.5]"))
    let folder = scratchPath("not-a-checkpoint")
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let encoder = try dq(["evaluate", "--embed-model", folder, "--db", db])
    #expect(encoder.status != 0 && encoder.stderr.contains(folder) && encoder.stderr.contains("config.json"), "\(encoder.stderr)")
    let model = try dq(["pvi", "--model", "embeddings:", "--db", db])
    #expect(model.status != 0 && model.stderr.contains("needs the checkpoint directory"), "\(model.stderr)")
    // A known encoder not downloaded yet: the command that fetches it.
    let empty = ["DQ_CACHE": scratchPath("empty-cache"), "HF_HUB_CACHE": scratchPath("empty-hub")]
    let unfetched = try dq(["pvi", "--model", "embeddings:minilm", "--db", db], environment: empty)
    #expect(unfetched.status != 0 && unfetched.stderr.contains("minilm: is not downloaded yet: run `dq models fetch minilm`"), "\(unfetched.stderr)")
    let cartography = try dq(["evaluate", "--cartography", "bow", "--db", db])
    #expect(cartography.status != 0 && cartography.stderr.contains("--cartography needs a model trained in epochs"), "\(cartography.stderr)")
    let epochs = try dq(["evaluate", "--epochs", "3", "--db", db])
    #expect(epochs.status != 0 && epochs.stderr.contains("apply to --cartography's model"), "\(epochs.stderr)")
    #expect(try store.runs(dataset: try store.requireDataset("trec"), kind: .evaluate).count == 1)
}

/// The labels of the first `rows` questions of the demo's TREC training file.
private func trecLabels(_ rows: Int) throws -> [String] {
    try String(contentsOfFile: fixture("demo/trec/train.csv"), encoding: .utf8).split(separator: "\r\n").dropFirst().prefix(rows)
        .map { line in String(line.split(separator: ",").dropLast().last!) }
}

@Test func labelIssuesStreamANumPyArrayAndFlagWhatCleanlabFlags() throws {
    struct Golden: Decodable { var results: [String: [Int]] }
    let golden = try JSONDecoder().decode(Golden.self, from: Data(contentsOf: URL(fileURLWithPath: fixture("npy/golden.json"))))
    let db = newStorePath(), out = scratchPath("npy-issues.csv")
    let result = try dq(["label-issues", "--probs", fixture("npy/probs32.npy"), "--given-labels", fixture("npy/labels.npy"), "--out", out, "--db", db])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("cleanlab's overall_label_health_score: \(golden.results["float32/num_label_issues"]![0]) estimated issues"))
    let rows = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").dropFirst()
    #expect(rows.map { Int($0.split(separator: ",")[1])! } == golden.results["float32/prune_by_noise_rate"]!)
    #expect(try dq(["runs", "--db", db, "--format", "csv"]).stdout.contains("label-issues"))
    // Bad input: a clear message, nothing stored.
    let bad = newStorePath()
    let noLabels = try dq(["label-issues", "--probs", fixture("npy/probs64.npy"), "--db", bad])
    #expect(noLabels.status != 0 && noLabels.stderr.contains("probs64.npy") && noLabels.stderr.contains("--given-labels"), "\(noLabels.stderr)")
    let wrongCount = scratchPath("three-labels.csv")
    try "label\n0\n1\n2\n".write(toFile: wrongCount, atomically: true, encoding: .utf8)
    let mismatch = try dq(["label-issues", "--probs", fixture("npy/probs64.npy"), "--given-labels", wrongCount, "--db", bad])
    #expect(mismatch.status != 0 && mismatch.stderr.contains("3 labels for 400 rows"), "\(mismatch.stderr)")
    let fortran = try dq(["label-issues", "--probs", fixture("npy/probs_fortran.npy"), "--given-labels", fixture("npy/labels.npy"), "--db", bad])
    #expect(fortran.status != 0 && fortran.stderr.contains("Fortran order"), "\(fortran.stderr)")
    let labelsAsProbs = try dq(["label-issues", "--probs", fixture("npy/labels.npy"), "--given-labels", fixture("npy/labels.npy"), "--db", bad])
    #expect(labelsAsProbs.status != 0 && labelsAsProbs.stderr.contains("expected a 2-d float32 or float64 array"), "\(labelsAsProbs.stderr)")
    #expect(try dq(["runs", "--db", bad, "--format", "csv"]).stdout.contains("label-issues") == false)
}
