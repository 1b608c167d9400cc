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
