import Foundation
import Testing
import DQRuns
import DQStore
import DQTestSupport
import DQText

/// A store holding the first 400 TREC questions and one bow PVI run on them.
private func trecWithPVI() throws -> String {
    let db = newStorePath()
    let rows = try String(contentsOfFile: fixture("demo/trec/train.csv"), encoding: .utf8).split(separator: "\r\n", omittingEmptySubsequences: false)
    let path = scratchPath("trec.csv")
    try rows.prefix(401).joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    #expect(try dq(["ingest", path, "--dataset", "trec", "--db", db]).status == 0)
    #expect(try dq(["pvi", "--model", "bow", "--folds", "2", "--db", db]).status == 0)
    return db
}

@Test func transformedRunsAreComparedWithIntervalsAndPairedDifferences() throws {
    let db = try trecWithPVI()
    let shuffled = try dq(["pvi", "--model", "bow", "--folds", "2", "--transform", "shuffle", "--db", db])
    #expect(shuffled.status == 0 && shuffled.stdout.contains("V-information, bow, shuffle inputs, run 2"), "\(shuffled.stderr)")
    let length = try dq(["pvi", "--model", "bow", "--folds", "2", "--transform", "length", "--db", db])
    #expect(length.status == 0)
    let pairOnly = try dq(["pvi", "--transform", "pair-only", "--db", db])
    #expect(pairOnly.status != 0 && pairOnly.stderr.contains("needs text pairs"))
    let noFile = try dq(["pvi", "--transform", "drop-tokens", "--db", db])
    #expect(noFile.status != 0 && noFile.stderr.contains("needs --tokens-file"))

    let result = try dq(["vinfo", "compare", "--db", db, "--format", "json", "--bootstrap", "200"])
    #expect(result.status == 0, "\(result.stderr)")
    let json = try JSONValue.parse(result.stdout)
    guard case .array(let rows)? = json["v_information"], case .array(let differences)? = json["differences"] else {
        Issue.record("missing tables: \(result.stdout)")
        return
    }
    #expect(rows.compactMap { $0["input"]?.scalarText } == ["original", "shuffle", "length"])
    for row in rows {
        guard case .number(let v)? = row["v_info"], case .number(let low)? = row["low_95"], case .number(let high)? = row["high_95"] else {
            Issue.record("no interval")
            continue
        }
        #expect(low <= v && v <= high)
    }
    #expect(differences.allSatisfy { $0["bootstrap"]?.scalarText == "paired" })
    // Length alone carries much less about TREC's answer types than the words.
    guard case .number(let drop)? = differences.last?["delta_v_info"], case .number(let high)? = differences.last?["high_95"] else {
        Issue.record("no difference")
        return
    }
    #expect(drop < 0 && high < 0)
    #expect(differences.allSatisfy { $0["different?"] == nil })
    // Analyses that build on a pvi run take the untransformed one.
    let issues = try dq(["label-issues", "--db", db])
    #expect(issues.status == 0)
    let store = try Store(path: db)
    let run = try #require(try store.latestRun(dataset: try store.requireDataset("trec"), kind: .labelIssues))
    #expect(try run.parameters(LabelIssuesParameters.self).pviRun == 1)
    // A run set up unlike the first is named, with what differs.
    #expect(try dq(["pvi", "--model", "bow", "--folds", "3", "--null", "prior", "--db", db]).status == 0)
    let mixed = try dq(["vinfo", "compare", "--runs", "1,5", "--db", db, "--bootstrap", "100"])
    #expect(mixed.stdout.contains("Warning: run 5 differs from run 1 in null model (trained vs prior), folds (2 vs 3)"), "\(mixed.stdout)")
    #expect(mixed.stdout.contains("leave out training variance"))
    // Run ids go in a comma list, as everywhere; a word among them is an error that says so.
    let word = try dq(["vinfo", "compare", "--runs", "1,five", "--db", db])
    #expect(word.status != 0 && word.stderr.contains("--runs takes run ids, comma-separated; 'five' is not one"), "\(word.stderr)")
}

@Test func biasReportsTermRatesAndThePinnedBias() throws {
    let db = try trecWithPVI()
    let terms = scratchPath("terms.txt")
    try "who\nhow many\n# a comment\nzebra crossing\n".write(toFile: terms, atomically: true, encoding: .utf8)
    let result = try dq(["bias", "--terms", terms, "--label", "HUM", "--db", db, "--format", "json"])
    #expect(result.status == 0, "\(result.stderr)")
    let json = try JSONValue.parse(result.stdout)
    guard case .array(let rows)? = json["terms"] else { Issue.record("no terms table"); return }
    #expect(rows.compactMap { $0["term"]?.scalarText } == ["who", "how many"])
    // Nearly every "who" question is HUM; no "how many" question is.
    guard case .number(let who)? = rows[0]["p_l_t_data"], case .number(let howMany)? = rows[1]["p_l_t_data"] else { Issue.record("no rates"); return }
    #expect(who > 0.9 && howMany == 0)
    #expect(json["pinned_bias"]?[0]?["pb_model"] != .null)
    let bad = try dq(["bias", "--terms", terms, "--label", "PERSON", "--db", db])
    #expect(bad.status != 0 && bad.stderr.contains("has no label 'PERSON'"))
}

@Test func selectWritesTheSubsetAndRecordsTheRule() throws {
    let db = try trecWithPVI()
    let out = scratchPath("select.csv")
    let result = try dq(["select", "--drop-lowest", "10%", "--out", out, "--db", db])
    #expect(result.status == 0, "\(result.stderr)")
    let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
    #expect(lines[0] == "id,split,text,label" && lines.count == 1 + 360)
    let store = try Store(path: db)
    let dataset = try store.requireDataset("trec")
    let run = try #require(try store.latestRun(dataset: dataset, kind: .selection))
    #expect(try run.parameters(SelectionParameters.self).rule == "drop the 40 lowest-PVI samples (10%)")
    let kept = Set(try store.selection(run: run.id))
    let dropped = try store.pviRows(run: 1).sorted { $0.pvi < $1.pvi }.prefix(40).map(\.sampleID)
    #expect(kept.count == 360 && kept.isDisjoint(with: dropped))
    let hardest = try dq(["select", "--keep-hardest", "5", "--out", out, "--db", db])
    #expect(hardest.status == 0)
    #expect(try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").count == 6)
    let noRule = try dq(["select", "--out", out, "--db", db])
    #expect(noRule.status != 0 && noRule.stderr.contains("give exactly one rule"))
    let noMap = try dq(["select", "--region", "ambiguous", "--out", out, "--db", db])
    #expect(noMap.status != 0 && noMap.stderr.contains("dataset trec has no finished `dq cartography` run; run `dq cartography --dataset trec` first"), "\(noMap.stderr)")
}

/// 240 texts of shared filler words; "zork" is planted in 90% of label A's texts.
private func plantedStore() throws -> String {
    let filler = ["the", "a", "cat", "dog", "runs", "sits", "blue", "green", "big", "small", "on", "under", "table", "chair", "today", "again"]
    var state: UInt64 = 99
    func next(_ n: Int) -> Int {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Int((state >> 33) % UInt64(n))
    }
    var csv = "id,text,label\n"
    for i in 0..<240 {
        let label = i % 2 == 0 ? "A" : "B"
        var words = (0..<(6 + next(5))).map { _ in filler[next(filler.count)] }
        if label == "A" && next(10) < 9 { words.insert("zork", at: next(words.count + 1)) }
        csv += "s\(i),\(words.joined(separator: " ")),\(label)\n"
    }
    let path = scratchPath("planted.csv")
    try csv.write(toFile: path, atomically: true, encoding: .utf8)
    let db = newStorePath()
    #expect(try dq(["ingest", path, "--dataset", "planted", "--db", db]).status == 0)
    return db
}

@Test func aTokenPlantedInMostOfOneLabelIsItsTopArtefact() throws {
    let db = try plantedStore()
    #expect(try dq(["pvi", "--model", "bow", "--folds", "2", "--db", db]).status == 0)
    let specs = scratchPath("draft.json")
    let result = try dq(["artefacts", "--label", "A", "--format", "json", "--as-specs", specs, "--db", db])
    #expect(result.status == 0, "\(result.stderr)")
    let json = try JSONValue.parse(result.stdout)["artefacts_A"]
    #expect(json?[0]?["token"]?.scalarText == "zork", "\(result.stdout)")
    guard case .number(let delta)? = json?[0]?["mean_delta_pvi_bits"] else { Issue.record("no Δ"); return }
    #expect(delta > 0.5)
    let draft = try JSONValue.parse(try String(contentsOfFile: specs, encoding: .utf8))
    #expect(draft["specs"]?[0]?["query"]?.scalarText?.hasPrefix("zork") == true)
    // A store whose data changed since the run cannot reproduce it, and says so.
    let more = scratchPath("more.csv")
    try "id,text,label\nx1,zork zork,B\n".write(toFile: more, atomically: true, encoding: .utf8)
    #expect(try dq(["ingest", more, "--dataset", "planted", "--db", db]).status == 0)
    let stale = try dq(["artefacts", "--db", db])
    #expect(stale.status != 0 && stale.stderr.contains("could not reproduce run 1"), "\(stale.stderr)")
}

@Test func aBertRunIsRefittedExactlyForItsArtefacts() throws {
    let db = try plantedStore()
    let pvi = try dq(["pvi", "--model", "tiny-bert", "--folds", "2", "--epochs", "1", "--max-length", "12", "--batch-size", "32", "--null", "prior", "--db", db])
    #expect(pvi.status == 0, "\(pvi.stderr)")
    let result = try dq(["artefacts", "--label", "A", "--min-count", "20", "--format", "json", "--db", db])
    #expect(result.status == 0, "\(result.stderr)")
    guard case .array(let rows)? = try JSONValue.parse(result.stdout)["artefacts_A"] else { Issue.record("no rows"); return }
    #expect(!rows.isEmpty)
}

