import Foundation
import Testing
import DQAnalyses
import DQReports
@testable import DQRuns
import DQStore
import DQTestSupport
import DQText

@Test func suspectsExportedForAnnotatorsComeBackAsCorrections() throws {
    let store = try reviewsStore()
    var ranking = InconsistentRun.Options(specsFile: fixture("specs/planted-reviews-specs.json"))
    ranking.ranking.top = 3
    _ = try InconsistentRun.run(store: store, dataset: reviews, options: ranking)
    _ = try SuspectsRun.run(store: store, dataset: reviews, options: SuspectsRun.Options())

    // Label Studio: annotate the first task twice, the later annotation cancelled.
    let tasks = try ExportRun.suspects(store: store, dataset: reviews, run: nil, top: 2, format: .labelstudio)
    guard case .array(var list) = try JSONValue.parse(tasks.text), case .object(var first) = list[0] else { Issue.record("no tasks"); return }
    func annotation(_ label: String, cancelled: Bool) -> JSONValue {
        .object([("was_cancelled", .bool(cancelled)), ("completed_by", .object([("email", .string("ann@example.org"))])),
                 ("result", .array([.object([("value", .object([("choices", .array([.string(label)]))]))])]))])
    }
    first.append(("annotations", .array([annotation("negative", cancelled: false), annotation("positive", cancelled: true)])))
    list[0] = .object(first)
    let path = scratchPath("export.json")
    try JSONValue.array(list).jsonText.write(toFile: path, atomically: true, encoding: .utf8)
    let entries = try LabelStudio.readReviews(path: path)
    #expect(entries.count == 1 && entries[0].label == "negative" && entries[0].annotator == "ann@example.org")
    #expect(entries[0].location == "$[0].annotations[0]")

    // doccano: the first label of each line.
    let lines = try ExportRun.suspects(store: store, dataset: reviews, run: nil, top: 2, format: .doccano).text
    let doccano = scratchPath("export.jsonl")
    try lines.write(toFile: doccano, atomically: true, encoding: .utf8)
    #expect(try Doccano.readReviews(path: doccano).count == 2)

    // CSV: a spreadsheet's formula guard is undone; an unknown label applies nothing.
    let csv = scratchPath("review.csv")
    try "id,corrected_label\np01,negative\np02,'-neutral\n".write(toFile: csv, atomically: true, encoding: .utf8)
    #expect(try CorrectionsRun.readCSV(csv).map(\.label) == ["negative", "-neutral"])
    #expect(throws: InputError.self) { try CorrectionsRun.run(store: store, file: csv, dataset: reviews, annotator: "alice") }
    #expect(try store.correctionHistory(dataset: try store.requireDataset("reviews")).isEmpty)
    try "id,corrected_label\np01,negative\np02,\n".write(toFile: csv, atomically: true, encoding: .utf8)
    let outcome = try CorrectionsRun.run(store: store, file: csv, dataset: reviews, annotator: "alice")
    #expect(outcome == CorrectionsRun.Outcome(read: 1, applied: 1, kept: 0, dataset: "reviews"))
    let exported = try ExportRun.dataset(store: store, dataset: reviews)
    #expect(exported.corrected == 1 && exported.csv.contains("p01,train,It broke after two days so I want my money back,negative,positive,true"))
}

@Test func correctionsRefuseAnIdThatNamesSeveralSamplesOrAppearsTwice() throws {
    let store = try Store(path: scratchPath("dup.sqlite"))
    let data = scratchPath("dup.csv")
    try "id,text,label\na1,first text,x\na1,another text,y\nb2,third,x\n".write(toFile: data, atomically: true, encoding: .utf8)
    try store.ingest(file: data, options: IngestOptions(dataset: "d"))
    let samples = try store.samples(dataset: try store.requireDataset("d"))
    #expect(samples.count == 3)
    let csv = scratchPath("fix.csv")
    try "id,corrected_label\na1,y\nb2,y\nb2,x\n".write(toFile: csv, atomically: true, encoding: .utf8)
    do {
        _ = try CorrectionsRun.run(store: store, file: csv, dataset: DatasetSelection(name: "d"), annotator: nil)
        Issue.record("expected an error")
    } catch let error as InputError {
        #expect(error.message.contains("line 2: id a1 names 2 samples of d (#\(samples[0].id), #\(samples[1].id)); write one of those ids instead"), "\(error)")
        #expect(error.message.contains("line 4: sample b2 is corrected twice in this file (also at line 3)"), "\(error)")
    }
    #expect(try store.correctionHistory(dataset: try store.requireDataset("d")).isEmpty)
    try "id,corrected_label\n#\(samples[1].id),x\n".write(toFile: csv, atomically: true, encoding: .utf8)
    #expect(try CorrectionsRun.run(store: store, file: csv, dataset: DatasetSelection(name: "d"), annotator: nil).applied == 1)
    #expect(try store.currentLabel(sample: samples[1].id) == "x" && store.currentLabel(sample: samples[0].id) == "x")
}

@Test func anExportedDatasetIngestsBackAsItWas() throws {
    let store = try Store(path: scratchPath("faithful.sqlite"))
    let data = scratchPath("signs.csv")
    try "id,text,label\nt1,-5 degrees outside,-1\nt2,=SUM(A1:A2) is a formula,+1\nt3,\"@mention, with a comma\",0\n"
        .write(toFile: data, atomically: true, encoding: .utf8)
    try store.ingest(file: data, options: IngestOptions(dataset: "signs"))
    let exported = try ExportRun.dataset(store: store, dataset: DatasetSelection(name: "signs", labels: .given))
    let path = scratchPath("exported.csv")
    try exported.csv.write(toFile: path, atomically: true, encoding: .utf8)
    let summary = try store.ingest(file: path, options: IngestOptions(dataset: "again"))
    #expect(summary.rowsNew == 3 && summary.rowsRejected == 0)
    let before = try store.samples(dataset: try store.requireDataset("signs")).map { [$0.externalID, $0.text, $0.label] }
    let after = try store.samples(dataset: try store.requireDataset("again")).map { [$0.externalID, $0.text, $0.label] }
    #expect(before == after)
}

/// Several reviewers of one sample: both decisions are kept, an import names the samples another
/// reviewer decided otherwise, and `dq agreement --reviews` measures the reviewers as annotators
/// (each one's latest decision per sample).
@Test func severalReviewersAreKeptShownAndMeasured() throws {
    let store = try reviewsStore()
    let bob = scratchPath("bob.csv"), alice = scratchPath("alice.csv")
    try "id,corrected_label\nr01,negative\nr02,positive\nr03,positive\nr04,negative\n".write(toFile: bob, atomically: true, encoding: .utf8)
    try "id,corrected_label\nr01,positive\nr02,positive\nr03,negative\nr04,negative\n".write(toFile: alice, atomically: true, encoding: .utf8)
    #expect(try CorrectionsRun.run(store: store, file: bob, dataset: reviews, annotator: "bob").disagreements.isEmpty)
    let second = try CorrectionsRun.run(store: store, file: alice, dataset: reviews, annotator: "alice")
    #expect(second.disagreements == ["r01 (bob: negative; alice: positive)", "r03 (bob: positive; alice: negative)"])
    #expect(second.summary(file: "alice.csv")[1].hasPrefix("2 of them another reviewer had decided otherwise: r01 (bob: negative; alice: positive)"))
    #expect(try store.correctionHistory(dataset: try store.requireDataset("reviews")).count == 8, "both reviewers' decisions are kept")

    var options = AgreementRun.Options()
    (options.dataset, options.resamples, options.reviews) = ("reviews", 0, true)
    let outcome = try AgreementRun.run(store: store, options: options)
    #expect(outcome.annotators == ["alice", "bob"])
    // 4 items, 2 agree: observed agreement 0.5; both give 2 × negative and 2 × positive, so chance is 0.5 and Cohen's κ is 0.
    let kappa = try #require(outcome.result.meanCohen.estimate)
    #expect(abs(kappa) < 1e-12, "\(kappa)")
    #expect(try store.latestRun(dataset: try store.requireDataset("reviews"), kind: .agreement)?.parametersJSON.contains("\"reviews\":true") == true)
    options.by = "profile"
    #expect(throws: OptionError("{by} groups ingested annotators; reviewers have no attributes")) { try AgreementRun.run(store: store, options: options) }
    let fresh = try reviewsStore()
    #expect(throws: OptionError("{reviews}: reviews has no review decisions yet; import them with dq corrections import FILE")) {
        try AgreementRun.run(store: fresh, options: AgreementRun.Options(dataset: "reviews", splits: nil, resamples: 0, level: 0.95, seed: 1, top: 5, reviews: true))
    }
}

/// Argilla: dq's records are what Argilla's own `Record.from_dict` read to make
/// Fixtures/argilla/reviewed.json (make_reviewed.py, argilla 2.8.0), and that export's responses
/// come back as one review per user: alice's and bob's, bob's disagreement on the second record
/// named, both kept, and the reviewers measurable.
@Test func argillaRecordsGoOutAndEveryUsersResponseComesBack() throws {
    let store = try reviewsStore()
    _ = try PVIRun.run(store: store, dataset: reviews, options: bowOptions())
    _ = try SuspectsRun.run(store: store, dataset: reviews, options: SuspectsRun.Options(top: 4, all: false))
    let exported = try JSONValue.parse(try ExportRun.suspects(store: store, dataset: reviews, run: nil, top: nil, format: .argilla).text)
    let written = try JSONValue.parse(try String(contentsOfFile: fixture("argilla/records.json"), encoding: .utf8))
    func summary(_ records: JSONValue) -> [String] {
        guard case .array(let list) = records else { return [] }
        return list.map { r in
            [r["id"], r["fields"]?["text"], r["metadata"]?["dq_id"], r["metadata"]?["given_label"], r["suggestions"]?["label"]?["value"]]
                .map { $0?.scalarText ?? "-" }.joined(separator: "|")
        }
    }
    #expect(summary(exported) == summary(written) && summary(exported).count == 4, "regenerate Fixtures/argilla (README) when the export changes")

    let outcome = try CorrectionsRun.run(store: store, file: fixture("argilla/reviewed.json"), dataset: reviews, annotator: nil)
    #expect(outcome.read == 8)
    let (alice, bob) = ("5a1ce000-0000-4000-8000-000000000001", "b0b00000-0000-4000-8000-000000000002")
    guard case .array(let reviewed) = try JSONValue.parse(try String(contentsOfFile: fixture("argilla/reviewed.json"), encoding: .utf8)) else { return }
    let second = reviewed[1]
    let (id, given, suggested) = (second["metadata"]!["dq_id"]!.scalarText!, second["metadata"]!["given_label"]!.scalarText!,
                                  second["suggestions"]!["label"]!["value"]!.scalarText!)
    #expect(outcome.disagreements == ["\(id) (\(alice): \(suggested); \(bob): \(given))"])
    let history = try store.correctionHistory(dataset: try store.requireDataset("reviews"))
    #expect(history.count == 8 && Set(history.compactMap(\.annotator)) == [alice, bob])
    var options = AgreementRun.Options()
    (options.dataset, options.resamples, options.reviews) = ("reviews", 0, true)
    #expect(try AgreementRun.run(store: store, options: options).annotators == [alice, bob])

    // A response whose label the dataset lacks: its JSON path, nothing applied.
    let bad = scratchPath("argilla-bad.json")
    try ##"[{"id": "#1", "fields": {"text": "x"}, "responses": {"label": [{"value": "neutral", "user_id": "u"}]}}]"##
        .write(toFile: bad, atomically: true, encoding: .utf8)
    do {
        _ = try CorrectionsRun.run(store: store, file: bad, dataset: reviews, annotator: nil)
        Issue.record("an unknown label was applied")
    } catch let error as InputError {
        #expect("\(error)".contains("$[0].responses.label[0]: 'neutral' is not a label of reviews"), "\(error)")
    }
}
