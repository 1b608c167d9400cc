import Foundation
import Testing
import DQStore
import DQTestSupport
import DQText

/// A store holding movies_long.csv: 300 reviews, four annotators of planted reliability
/// (w1 best, w4 near chance), one row per annotation.
private func moviesStore() throws -> String {
    let db = scratchPath("movies.sqlite")
    let result = try dq(["ingest", fixture("annotations/movies_long.csv"), "--dataset", "movies", "--id", "item", "--annotator", "worker",
                         "--label", "answer", "--db", db])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("annotations new"))
    return db
}

@Test func agreementPrintsTheStatisticsAndTheirIntervals() throws {
    let db = try moviesStore()
    let result = try dq(["agreement", "--db", db, "--resamples", "200", "--format", "json"])
    #expect(result.status == 0, "\(result.stderr)")
    let json = try JSONValue.parse(result.stdout)
    let rows = json["agreement"]!
    #expect(rows[0]?["statistic"] == .string("Krippendorff's α (nominal)"))
    guard case .number(let alpha)? = rows[0]?["estimate"], case .number(let low)? = rows[0]?["low_95"], case .number(let high)? = rows[0]?["high_95"] else {
        Issue.record("no alpha with an interval: \(rows)")
        return
    }
    #expect(low < alpha && alpha < high && alpha > 0.1 && alpha < 0.6)
    // w4, the near-random annotator, lowers agreement: α without it is the highest.
    let annotators = json["agreement_annotators"]!
    guard case .array(let list) = annotators else { Issue.record("no annotator table"); return }
    let without = list.compactMap { row -> (String, Double)? in
        guard case .string(let name)? = row["annotator"], case .number(let value)? = row["alpha_without"] else { return nil }
        return (name, value)
    }
    #expect(without.max { $0.1 < $1.1 }?.0 == "w4")
    #expect(json["agreement_disputed"]?[0]?["labels_given"] != nil)

    let text = try dq(["agreement", "--db", db, "--resamples", "0"])
    #expect(text.stdout.contains("Annotator × annotator Cohen's κ") && text.stdout.contains("Most disputed items"))
}

@Test func consensusRanksTheAnnotatorsAndCanBecomeTheLabels() throws {
    let db = try moviesStore()
    let ds = try dq(["consensus", "--db", db, "--format", "json", "--save-as", "movies_ds"])
    #expect(ds.status == 0, "\(ds.stderr)")
    let json = try JSONValue.parse(ds.stdout)
    #expect(json["consensus"]?[0]?["items"] == .number(300))
    // Least reliable first: the planted order.
    let order: [String] = {
        guard case .array(let rows)? = json["consensus_annotators"] else { return [] }
        return rows.compactMap { $0["annotator"]?.scalarText }
    }()
    #expect(order == ["w4", "w3", "w2", "w1"])
    // The saved dataset has the consensus labels, and every analysis runs on it.
    #expect(try dq(["datasets", "--db", db]).stdout.contains("movies_ds"))
    let pvi = try dq(["pvi", "--dataset", "movies_ds", "--model", "bow", "--folds", "2", "--db", db])
    #expect(pvi.status == 0, "\(pvi.stderr)")

    // CROWDLAB on the original labels' PVI probabilities; majority vote needs none.
    #expect(try dq(["pvi", "--dataset", "movies", "--model", "bow", "--folds", "2", "--by", "annotator", "--db", db]).stdout
        .contains("V-information by annotator"))
    let crowdlab = try dq(["consensus", "--dataset", "movies", "--method", "crowdlab", "--db", db, "--out", scratchPath("c.csv")])
    #expect(crowdlab.status == 0 && crowdlab.stdout.contains("Model probabilities: pvi run "), "\(crowdlab.stderr)")
    let majority = try dq(["consensus", "--dataset", "movies", "--method", "majority", "--db", db, "--table", "consensus_items", "--format", "csv"])
    #expect(majority.stdout.hasPrefix("id,given_label,consensus,agreement,labels_given,text"))
    let clash = try dq(["consensus", "--dataset", "movies", "--save-as", "movies_ds", "--db", db])
    #expect(clash.status != 0 && clash.stderr.contains("a dataset named 'movies_ds' exists already"))
}

@Test func suspectsHearTheAnnotators() throws {
    let db = try moviesStore()
    let before = scratchPath("before.html")
    #expect(try dq(["report", "--db", db, "--out", before]).status == 0)
    #expect(try String(contentsOfFile: before, encoding: .utf8).contains("Not run yet: dq agreement --dataset movies"))
    #expect(try dq(["consensus", "--db", db, "--method", "majority"]).status == 0)
    #expect(try dq(["agreement", "--db", db, "--resamples", "50"]).status == 0)
    let after = scratchPath("after.html")
    #expect(try dq(["report", "--db", db, "--out", after]).status == 0)
    let html = try String(contentsOfFile: after, encoding: .utf8)
    #expect(html.contains("<h2>Annotators</h2>") && html.contains("Krippendorff") && html.contains("Consensus (majority)"))
    let suspects = try dq(["suspects", "--dataset", "movies", "--db", db])
    #expect(suspects.status == 0, "\(suspects.stderr)")
    #expect(suspects.stdout.contains("annotators: "))
    #expect(suspects.stdout.contains("whose annotators' consensus (or majority) is another label"))
}

@Test func annotatorCommandsExplainWhatIsMissing() throws {
    let db = try trecStore()
    let agreement = try dq(["agreement", "--db", db])
    #expect(agreement.status != 0 && agreement.stderr.contains("has no annotations by named annotators")
            && agreement.stderr.contains("--annotator COLUMN"), "\(agreement.stderr)")
    let moviesDB = try moviesStore()
    let noRun = try dq(["consensus", "--method", "crowdlab", "--db", moviesDB])
    #expect(noRun.status != 0 && noRun.stderr.contains("has no finished `dq pvi` run"))
    let both = try dq(["consensus", "--method", "majority", "--probs", "p.csv", "--db", moviesDB])
    #expect(both.status != 0 && both.stderr.contains("--probs and --run are CROWDLAB's"))
    let format = try dq(["ingest", fixture("annotations/label_studio.json"), "--db", moviesDB])
    #expect(format.status != 0 && format.stderr.contains("label-studio"), "\(format.stderr)")
}

/// Multi-label confident learning from a file: the same flags as cleanlab (the golden case this
/// fixture was written from flags 204 of 400 with the default filter); label lists written
/// a;b or as JSON arrays; an unknown separator is an error naming line and column.
@Test func multiLabelIssuesFromAFileOfLabelListsAndProbabilities() throws {
    let db = scratchPath("ml.sqlite")
    let out = scratchPath("ml.csv")
    let result = try dq(["label-issues", "--multi-label", "--probs", fixture("annotations/multilabel_probs.csv"), "--db", db, "--out", out])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.stdout.contains("204 of 400 samples flagged"))
    // Random probabilities flag half the samples: implausible as label errors for the labels flagged most, and said so
    // (politics: 62 issues among 94 samples with it; tech 56 of 110; health 56 of 91.)
    #expect(result.stdout.contains("Warning: the issues of politics, tech, health reach half of the samples on the label's rarer side"),
            "\(result.stdout)")
    let lines = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n")
    #expect(lines.first == "id,labels,issue,in_doubt,quality" && lines.count == 401)
    #expect(lines[1].hasPrefix("doc0,tech;health,"))

    let bad = temporaryFile(Array("id,labels,a,b\nx1,a;b,0.9,0.8\nx2,a|b,0.9,0.8\n".utf8), suffix: ".csv")
    let refused = try dq(["label-issues", "--multi-label", "--probs", bad, "--db", db])
    #expect(refused.status != 0 && refused.stderr.contains(":3:2: label 'a|b' has no probability column (columns: a, b)"), "\(refused.stderr)")
    let alone = try dq(["label-issues", "--multi-label", "--db", db])
    #expect(alone.status != 0 && alone.stderr.contains("--multi-label reads a CSV"), "\(alone.stderr)")
}

/// Multi-label end to end: label lists in (a;b and JSON arrays), one binary PVI run per label,
/// and multi-label confident learning on those runs' probabilities finding the planted
/// membership flips of topics.csv (make_topics.py).
@Test func multiLabelDatasetsGetPerLabelVInformationAndLabelIssues() throws {
    let db = scratchPath("topics.sqlite")
    let ingest = try dq(["ingest", fixture("annotations/topics.csv"), "--multi-label", "--dataset", "topics", "--db", db])
    #expect(ingest.status == 0, "\(ingest.stderr)")
    #expect(try dq(["datasets", "--db", db]).stdout.contains("5 (multi-label): "))
    let stats = try JSONValue.parse(try dq(["stats", "--db", db, "--format", "json"]).stdout)
    // Single labels, counted in every sample that carries them (topics.csv: 147 carry arts).
    guard case .array(let labelRows)? = stats["labels"] else { Issue.record("no labels table"); return }
    #expect(labelRows.first { $0["label"] == .string("arts") }?["count"] == .number(147))
    let pvi = try dq(["pvi", "--model", "bow", "--folds", "3", "--db", db, "--out", scratchPath("pvi.csv")])
    #expect(pvi.status == 0 && pvi.stdout.contains("V-information of each label"), "\(pvi.stderr)")
    let single = try dq(["label-issues", "--db", db])
    #expect(single.status != 0 && single.stderr.contains("is multi-label") && single.stderr.contains("add --multi-label"))
    let out = scratchPath("issues.csv")
    let issues = try dq(["label-issues", "--multi-label", "--dataset", "topics", "--db", db, "--out", out])
    #expect(issues.status == 0, "\(issues.stderr)")
    #expect(!issues.stdout.contains("Warning:"), "a plausible share of flips gets no warning: \(issues.stdout)")
    let plantedLines = try String(contentsOfFile: fixture("annotations/planted_topics.csv"), encoding: .utf8).split(separator: "\n").dropFirst()
    let planted = Set(plantedLines.map { line -> String in String(line.split(separator: ",")[0]) })
    var flagged: [String] = []
    for line in try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").dropFirst() {
        // id,labels,issue,…: the labels hold no comma (a;b), so the third field is the issue flag.
        let fields = line.split(separator: ",", omittingEmptySubsequences: false)
        if fields[2] == "1" { flagged.append(String(fields[0])) }
    }
    let hits = flagged.filter(planted.contains).count
    #expect(flagged.count > 50 && Double(hits) / Double(flagged.count) > 0.7, "\(hits) of \(flagged.count) flagged were planted")

    // Suspects draw on every label's run: the flagged samples, each with its doubted labels
    // added or removed; the planted flips among them are undone by the suggestion.
    let suspectsOut = scratchPath("topics-suspects.csv")
    let suspects = try dq(["suspects", "--db", db, "--out", suspectsOut])
    #expect(suspects.status == 0 && suspects.stdout.contains("Runs used (the latest of each label)"), "\(suspects.stderr)")
    #expect(["arts", "tech", "health", "sports", "politics"].allSatisfy { suspects.stdout.contains(" for \($0)") }, "\(suspects.stdout)")
    let suggested = Dictionary(uniqueKeysWithValues: try String(contentsOfFile: suspectsOut, encoding: .utf8).split(separator: "\n").dropFirst().map { line in
        let fields = line.split(separator: ",", omittingEmptySubsequences: false)  // rank,id,given,suggested,…
        return (String(fields[1]), (given: Set(fields[2].split(separator: ";").map(String.init)), suggested: Set(fields[3].split(separator: ";").map(String.init))))
    })
    #expect(Set(suggested.keys) == Set(flagged), "the list is the samples confident learning flags")
    var undone = 0, listed = 0
    for line in plantedLines {
        let f = line.split(separator: ",").map(String.init)
        guard let s = suggested[f[0]] else { continue }
        listed += 1
        if s.given.contains(f[1]) == (f[2] == "1") && s.suggested.contains(f[1]) != (f[2] == "1") { undone += 1 }
    }
    #expect(listed > 50 && Double(undone) / Double(listed) > 0.7, "\(undone) of the \(listed) planted flips listed are undone by the suggestion")
    // Ordered by the lowest label PVI: the planted flips crowd the top half (97% against 74% below).
    let order = try String(contentsOfFile: suspectsOut, encoding: .utf8).split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[1]) }
    let plantedIDs = Set(plantedLines.map { String($0.split(separator: ",")[0]) })
    let share = { (ids: ArraySlice<String>) in Double(ids.filter(plantedIDs.contains).count) / Double(ids.count) }
    #expect(share(order.prefix(order.count / 2)) > share(order.dropFirst(order.count / 2)) + 0.1)
    #expect(suspects.stdout.contains("ordered and scored by minus the lowest of their labels' PVI"))
    // Reviewed through a file: a list of labels per sample, and the next list leaves them out.
    let review = scratchPath("topics-review.csv")
    #expect(try dq(["export", "suspects", "--top", "5", "--out", review, "--db", db]).status == 0)
    let rows = try String(contentsOfFile: review, encoding: .utf8).split(separator: "\n")
    let filled = [rows[0]] + rows.dropFirst().map { row in row.hasSuffix(",") ? row + "politics;arts" : row }
    try filled.joined(separator: "\n").write(toFile: review, atomically: true, encoding: .utf8)
    let imported = try dq(["corrections", "import", review, "--annotator", "alice", "--db", db])
    #expect(imported.status == 0 && imported.stderr.contains("5 applied"), "\(imported.stderr)")
    let clean = scratchPath("topics-clean.csv")
    #expect(try dq(["export", "dataset", "--out", clean, "--db", db]).status == 0)
    #expect(try String(contentsOfFile: clean, encoding: .utf8).contains(",arts;politics,"), "stored sorted, as ingest stores lists")
    let reviewedIDs = rows.dropFirst().map { String($0.split(separator: ",")[0]) }
    let againOut = scratchPath("topics-suspects-again.csv")
    let again = try dq(["suspects", "--all", "--show", "0", "--out", againOut, "--db", db])
    let relisted = try String(contentsOfFile: againOut, encoding: .utf8).split(separator: "\n").dropFirst().map { String($0.split(separator: ",")[1]) }
    #expect(relisted.count == 400 - 5 && Set(relisted).isDisjoint(with: reviewedIDs), "\(reviewedIDs)")
    #expect(again.stdout.contains("5 samples a review already decided on"), "\(again.stdout.suffix(600))")
    let wrong = temporaryFile(Array("id,corrected_label\nt0,arts;poetry\n".utf8), suffix: ".csv")
    let refusedList = try dq(["corrections", "import", wrong, "--db", db])
    #expect(refusedList.status != 0 && refusedList.stderr.contains("'poetry' is not a label of topics"), "\(refusedList.stderr)")

    let report = scratchPath("topics.html")
    #expect(try dq(["report", "--db", db, "--out", report]).status == 0)
    let html = try String(contentsOfFile: report, encoding: .utf8)
    #expect(html.contains("<h2>V-information of each label</h2>") && html.contains("<h2>Multi-label label issues</h2>"))
    #expect(html.contains("remove?") && html.contains("add?"), "the suspects section lists items with their doubted labels")
    #expect(!html.contains("Not run yet: dq pvi") && !html.contains("Not run yet: dq label-issues"))

    let bad = temporaryFile(Array("id,text,labels\n1,x y,a\n2,y z,b\n3,z w,a|b\n".utf8), suffix: ".csv")
    let refused = try dq(["ingest", bad, "--multi-label", "--dataset", "bad", "--db", db])
    #expect(refused.status != 0 && refused.stderr.contains(":4:3: label 'a|b' looks like a list of a, b separated by '|'"), "\(refused.stderr)")
    #expect(!(try dq(["datasets", "--db", db]).stdout.contains("bad")))
    let mixed = try dq(["ingest", bad, "--dataset", "topics", "--db", db])
    #expect(mixed.status != 0 && mixed.stderr.contains("holds multi-label samples"))
    let annotated = try dq(["ingest", fixture("annotations/long.csv"), "--dataset", "topics", "--id", "item", "--annotator", "worker",
                            "--label", "answer", "--db", db])
    #expect(annotated.status != 0 && annotated.stderr.contains("holds multi-label samples"), "\(annotated.stderr)")
}

/// `--by annotator` on the other per-sample analyses: confident learning's flags and the
/// cartography regions over each annotator's samples.
@Test func labelIssuesAndCartographySliceByAnnotator() throws {
    let db = try moviesStore()
    #expect(try dq(["pvi", "--model", "bow", "--folds", "2", "--db", db]).status == 0)
    let issues = try JSONValue.parse(try dq(["label-issues", "--by", "annotator", "--db", db, "--format", "json"]).stdout)
    guard case .array(let rows)? = issues["issues_by_annotator"] else { Issue.record("no table: \(issues)"); return }
    #expect(rows.compactMap { $0["annotator"]?.scalarText } == ["w1", "w2", "w3", "w4"])
    #expect(rows.compactMap { $0["samples"]?.scalarText } == ["221", "228", "245", "236"])

    // Three samples' dynamics, in allenai's format, mapped by annotator.
    let directory = scratchPath("dynamics")
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for epoch in 0..<3 {
        let lines = ["m0", "m1", "m2"].map { id in "{\"guid\": \"\(id)\", \"logits_epoch_\(epoch)\": [\(epoch), 0], \"gold\": 0}" }
        try lines.joined(separator: "\n").write(toFile: "\(directory)/dynamics_epoch_\(epoch).jsonl", atomically: true, encoding: .utf8)
    }
    let carto = try dq(["cartography", "--import", directory, "--by", "annotator", "--db", db])
    #expect(carto.status == 0 && carto.stdout.contains("Cartography regions by annotator"), "\(carto.stderr)")
    let bad = try dq(["cartography", "--import", directory, "--by", "worker", "--db", db])
    #expect(bad.status != 0 && bad.stderr.contains("The value 'worker' is invalid for '--by <annotator>'"), "\(bad.stderr)")
}

/// `dq export annotations` writes every annotation with the annotators' attributes and each
/// annotation's own fields, and the command it prints reads the file back as the same
/// annotations: exported again, the copy is the same file, byte for byte.
@Test func annotationsGoOutAndComeBackTheSame() throws {
    let data = temporaryFile(Array("""
        id,text,annotator,profile,abuse_types,severity
        t1,"you are useless, really",A,moderate,insult,-1
        t1,"you are useless, really",B,liberal,insult;ableism,-2
        t2,=1+1,A,moderate,,1
        t2,=1+1,C,conservative,,0

        """.utf8), suffix: ".csv")
    let db = scratchPath("export-annotations.sqlite")
    let ingest = try dq(["ingest", data, "--dataset", "conv", "--id", "id", "--annotator", "annotator", "--label", "severity",
                         "--annotator-meta", "profile", "--annotation-meta", "abuse_types", "--db", db])
    #expect(ingest.status == 0, "\(ingest.stderr)")
    let out = scratchPath("annotations-out.csv")
    let exported = try dq(["export", "annotations", "--dataset", "conv", "--out", out, "--db", db])
    #expect(exported.status == 0, "\(exported.stderr)")
    let text = try String(contentsOfFile: out, encoding: .utf8)
    #expect(text.hasPrefix("id,split,text,annotator,label,profile,abuse_types\n"), "\(text)")
    #expect(text.contains("t1,train,\"you are useless, really\",B,-2,liberal,insult;ableism\n") && text.contains("t2,train,=1+1,C,0,conservative,\n"), "\(text)")
    // The command the note prints, into another dataset of the same store.
    let command = try #require(exported.stderr.firstMatch(of: /read them back with: dq (.*)\n/)?.1)
    let back = try dq(command.split(separator: " ").map { String($0).replacingOccurrences(of: "'", with: "") } + ["--dataset", "copy", "--db", db])
    #expect(back.status == 0, "\(back.stderr)")
    let again = scratchPath("annotations-again.csv")
    #expect(try dq(["export", "annotations", "--dataset", "copy", "--out", again, "--db", db]).status == 0)
    #expect(try String(contentsOfFile: again, encoding: .utf8) == text)
    // A dataset without annotations is an error naming how to add them.
    let plain = temporaryFile(Array("text,label\na,x\nb,y\n".utf8), suffix: ".csv")
    _ = try dq(["ingest", plain, "--dataset", "plain", "--db", db])
    let none = try dq(["export", "annotations", "--dataset", "plain", "--out", scratchPath("none.csv"), "--db", db])
    #expect(none.status != 0 && none.stderr.contains("--annotator COLUMN"), "\(none.stderr)")
}
