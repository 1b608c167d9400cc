import Foundation
import Testing
import DQText

/// A store holding the first 400 TREC questions.
private func trecStore() throws -> String {
    let db = newStorePath()
    let rows = try String(contentsOfFile: fixture("demo/trec/train.csv"), encoding: .utf8).split(separator: "\r\n", omittingEmptySubsequences: false)
    let path = NSTemporaryDirectory() + "dq-trec-\(UUID().uuidString).csv"
    try rows.prefix(401).joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    #expect(try dq(["ingest", path, "--dataset", "trec", "--meta", "fine_label", "--db", db]).status == 0)
    return db
}

@Test func pviPrintsVInformationAndWritesEverySample() throws {
    let db = try trecStore()
    let out = NSTemporaryDirectory() + "dq-pvi-\(UUID().uuidString).csv"
    let result = try dq(["pvi", "--model", "bow", "--folds", "2", "--by", "fine_label", "--top", "3", "--db", db, "--out", out])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("V-information, bow, run 1"))
    #expect(result.stdout.contains("V-information by fine_label"))
    #expect(result.stdout.contains("Lowest PVI"))
    let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
    #expect(lines.first == "id,label,predicted,p_input,p_null,H_yb,H_yx,PVI,correct,fold")
    #expect(lines.count == 401)
    let json = try JSONValue.parse(try dq(["pvi", "--model", "bow", "--null", "prior", "--folds", "2", "--db", db, "--format", "json"]).stdout)
    #expect(json["v_information"]?[0]?["group"] == .string("all"))
}

@Test func pviRejectsBadOptionsWithTheFix() throws {
    let db = try trecStore()
    let noEval = try dq(["pvi", "--train-split", "train", "--db", db])
    #expect(noEval.status != 0 && noEval.stderr.contains("give both --train-split and --eval-split"))
    let missing = try dq(["pvi", "--train-split", "train", "--eval-split", "dev", "--db", db])
    #expect(missing.status != 0 && missing.stderr.contains("no samples"))
    let slice = try dq(["pvi", "--by", "annotator", "--folds", "2", "--db", db])
    #expect(slice.status != 0 && slice.stderr.contains("no metadata column 'annotator'"))
    let weights = try dq(["pvi", "--model", "tiny-bert", "--weights", "/nonexistent", "--db", db])
    #expect(weights.status != 0 && weights.stderr.contains("/nonexistent: is not a checkpoint directory"))
}

@Test func cartographyNeedsAModelTrainedInEpochs() throws {
    let db = try trecStore()
    let result = try dq(["cartography", "--model", "bow", "--db", db])
    #expect(result.status != 0 && result.stderr.contains("cartography needs a model trained in epochs"))
}
