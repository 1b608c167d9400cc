import Foundation
import Testing
@testable import DQRuns
import DQAnalyses
import DQStore
import DQTestSupport

/// Fleiss's 1971 psychiatric diagnoses: 30 patients, 6 raters each.
private func diagnosesStore() throws -> Store {
    let store = try Store(path: scratchPath("agreement.sqlite"))
    var options = IngestRun.Options()
    (options.dataset, options.annotatorPrefix) = ("diagnoses", "rater_")
    _ = try IngestRun.run(store: store, files: [fixture("annotations/fleiss_diagnoses.csv")], options: options)
    return store
}

@Test func anAgreementRunGivesFleisssKappaAndRecordsItsSummaryAndParameters() throws {
    let store = try diagnosesStore()
    var options = AgreementRun.Options()
    (options.dataset, options.resamples) = ("diagnoses", 200)
    let outcome = try AgreementRun.run(store: store, options: options)
    // Fleiss (1971): κ = 0.430 on these diagnoses (R irr gives 0.430).
    let kappa = try #require(outcome.result.fleiss.estimate)
    #expect(abs(kappa - 0.4302) < 5e-4, "\(kappa)")
    let (low, high) = (try #require(outcome.result.fleiss.low), try #require(outcome.result.fleiss.high))
    #expect(low < kappa && kappa < high)
    #expect(outcome.result.items == 30 && outcome.annotators.count == 6)
    let run = try store.run(outcome.run)
    #expect(run.status == .succeeded && run.kind == .agreement)
    let parameters = try run.parameters(AgreementParameters.self)
    #expect(parameters.resamples == 200 && parameters.level == 0.95 && parameters.splits == nil)
    // The stored summary holds what the run returned.
    guard case .object(let stored)? = try store.summary(run: outcome.run)?["fleiss_kappa"],
          case .number(let storedKappa)? = stored.first(where: { $0.key == "estimate" })?.value else {
        Issue.record("no fleiss_kappa in the summary: \(String(describing: try store.summary(run: outcome.run)?.jsonText))")
        return
    }
    #expect(storedKappa == kappa)
    // The same seed gives the same intervals.
    #expect(try AgreementRun.run(store: store, options: options).result.fleiss.low == low)
}

@Test func agreementRefusesBadOptionsBeforeRecordingARun() throws {
    let store = try diagnosesStore()
    var options = AgreementRun.Options()
    options.level = 1.5
    #expect(throws: OptionError("{level} must be between 0 and 1, e.g. 0.95")) { try AgreementRun.run(store: store, options: options) }
    options = AgreementRun.Options()
    options.resamples = -1
    #expect(throws: OptionError("{resamples} must be 0 or more")) { try AgreementRun.run(store: store, options: options) }
    #expect(try store.runs(dataset: nil, kind: .agreement).isEmpty)
}

@Test func agreementOnADatasetWithoutAnnotationsSaysSo() throws {
    let store = try Store(path: scratchPath("agreement-none.sqlite"))
    try store.ingest(file: fixture("demo/trec/test.csv"), options: IngestOptions(dataset: "trec"))
    #expect(throws: RunError.noAnnotations(dataset: "trec")) { try AgreementRun.run(store: store, options: .init()) }
}

/// `--metric ordinal` reads the labels as numbers (ConvAbuse-like severities 1 … −3): the run's
/// ordered α is the coincidence-matrix α of the same annotations, first in the table, and
/// recorded; labels that are not numbers are an option error before any run is recorded.
@Test func anOrderedMetricAddsAnAlphaThatReadsLabelsAsNumbers() throws {
    let store = try Store(path: scratchPath("severity.sqlite"))
    let severities = scratchPath("severities.csv")
    var rows = ["id,text,who,label"]
    for item in 0..<40 {
        // Half the annotations are the item's severity, the others one step off (a fixed pattern).
        let truth = [1, 0, -1, -2, -3][item % 5]
        for (k, who) in ["a", "b", "c"].enumerated() { rows.append("\(item),text \(item),\(who),\(max(-3, min(1, truth + [0, 0, 1, -1][(item + k) % 4])))") }
    }
    try rows.joined(separator: "\n").write(toFile: severities, atomically: true, encoding: .utf8)
    var ingest = IngestRun.Options()
    (ingest.dataset, ingest.annotator) = ("severity", "who")
    _ = try IngestRun.run(store: store, files: [severities], options: ingest)
    var options = AgreementRun.Options()
    (options.dataset, options.resamples, options.metric) = ("severity", 100, .ordinal)
    let outcome = try AgreementRun.run(store: store, options: options)
    let scaled = try #require(outcome.result.scaledAlpha?.estimate)
    let annotations = try store.annotations(dataset: try store.requireDataset("severity"))
    let matrix = AnnotationMatrix(itemCount: annotations.sampleIDs.count, annotatorCount: annotations.annotators.count,
                                  labelCount: annotations.labels.count, item: annotations.item, annotator: annotations.annotator, label: annotations.label)
    let expected = try #require(InterAnnotatorAgreement.krippendorffAlpha(matrix, metric: .ordinal, values: annotations.labels.map { Double($0)! }))
    // Near misses cost less than far ones: the ordinal α is above the nominal one here.
    #expect(abs(scaled - expected) < 1e-12 && scaled > outcome.result.alpha.estimate!)
    #expect(outcome.tables[0].rows[0].first == .text("Krippendorff's α (ordinal)"))
    #expect(try store.run(outcome.run).parameters(AgreementParameters.self).metric == "ordinal")

    let words = scratchPath("words.csv")
    try "id,text,who,label\n1,a text,x,yes\n1,a text,y,no\n2,b text,x,no\n2,b text,y,no\n".write(toFile: words, atomically: true, encoding: .utf8)
    (ingest.dataset, ingest.annotator) = ("words", "who")
    _ = try IngestRun.run(store: store, files: [words], options: ingest)
    (options.dataset, options.metric) = ("words", .interval)
    let before = try store.runs(dataset: nil).count
    #expect(throws: OptionError("{metric} interval reads the labels as numbers, and 'yes' is not one; use nominal")) {
        try AgreementRun.run(store: store, options: options)
    }
    #expect(try store.runs(dataset: nil).count == before)
}

/// Each annotator's label rates: counts that add up to the annotator's annotations, shares with
/// Wilson's interval around them.
@Test func agreementListsHowOftenEachAnnotatorGivesEachLabel() throws {
    let store = try diagnosesStore()
    var options = AgreementRun.Options()
    (options.dataset, options.resamples) = ("diagnoses", 0)
    let outcome = try AgreementRun.run(store: store, options: options)
    let rates = try #require(outcome.tables.first { $0.name == "agreement_label_rates" })
    #expect(rates.rows.count == outcome.annotators.count * outcome.labels.count)
    #expect(outcome.labelCounts.allSatisfy { $0.reduce(0, +) == 30 })  // every rater saw all 30 patients
    for row in rates.rows {
        guard case .int(let count) = row[2], case .int(let total) = row[3], case .real(let share, _) = row[4],
              case .real(let low, _) = row[5], case .real(let high, _) = row[6] else { Issue.record("\(row)"); continue }
        #expect(abs(share - Double(count) / Double(total)) < 1e-12 && low <= share && share <= high)
    }
}

/// An ArMIS-style file (one row per annotation, a profile column describing the annotator):
/// `--annotator-meta annotator_profile` keeps the profile per annotator, not per sample, and
/// `--by annotator_profile` groups the annotators: two profiles of two annotators each get an
/// α among them, and each group its label shares.
@Test func annotatorAttributesGroupTheAnnotators() throws {
    let data = scratchPath("profiles.csv")
    var rows = ["id,text,annotator,annotator_profile,label"]
    let profiles = ["a1": "Liberal_Female", "a2": "Liberal_Female", "c1": "Conservative_Male", "c2": "Conservative_Male"]
    for item in 0..<20 {
        for who in ["a1", "a2", "c1", "c2"] {
            // The liberal pair agrees with each other on every item; the conservative pair half the time.
            let label = who.hasPrefix("a") ? (item % 3 == 0 ? "yes" : "no") : (who == "c1" || item % 2 == 0 ? "yes" : "no")
            rows.append("\(item),text \(item),\(who),\(profiles[who]!),\(label)")
        }
    }
    try rows.joined(separator: "\n").write(toFile: data, atomically: true, encoding: .utf8)
    let store = try Store(path: scratchPath("profiles.sqlite"))
    var ingest = IngestRun.Options()
    (ingest.dataset, ingest.id, ingest.annotator, ingest.annotatorMeta) = ("profiles", "id", "annotator", ["annotator_profile"])
    _ = try IngestRun.run(store: store, files: [data], options: ingest)
    let dataset = try store.requireDataset("profiles")
    #expect(try store.annotatorAttributes(dataset: dataset)["c2"] == ["annotator_profile": "Conservative_Male"])
    #expect(try store.samples(dataset: dataset).allSatisfy { $0.metadata == nil })
    var options = AgreementRun.Options()
    (options.dataset, options.resamples, options.by) = ("profiles", 0, "annotator_profile")
    let outcome = try AgreementRun.run(store: store, options: options)
    #expect(outcome.groupAlpha["Liberal_Female"] == .some(1.0))
    let conservative = try #require(outcome.groupAlpha["Conservative_Male"] ?? nil)
    #expect(conservative < 0.5)
    let table = try #require(outcome.tables.first { $0.name == "agreement_by" })
    #expect(table.rows.map { $0[0] } == [.text("Conservative_Male"), .text("Liberal_Female")])
    #expect(table.rows[0][1] == .text("c1, c2") && table.rows[0][2] == .int(40))
    #expect(try store.run(outcome.run).parameters(AgreementParameters.self).by == "annotator_profile")
    // Consensus by profile: each profile's own majority against the consensus of all four.
    let consensus = try ConsensusRun.run(store: store, options: ConsensusRun.Options(dataset: "profiles", splits: nil, method: .majority, probs: nil,
                                                                                   pviRun: nil, saveAs: nil, top: 5, by: "annotator_profile"))
    let groups = try #require(consensus.groups)
    #expect(groups.attribute == "annotator_profile" && groups.groups.map(\.value) == ["Conservative_Male", "Liberal_Female"])
    #expect(groups.groups.allSatisfy { $0.annotators == 2 && $0.items == 20 })
    // The liberal pair says yes on the 7 items whose number is a multiple of 3; the consensus agrees on those 7 and on the 7 odd others (3 of 4 say no).
    let liberal = groups.groups[1]
    #expect(consensus.labels.firstIndex(of: "yes").map { liberal.labelShares[$0] } == 0.35 && liberal.agreement >= 0.7, "\(liberal)")
    #expect(consensus.tables.contains { $0.name == "consensus_by" })
    #expect(try store.run(consensus.run).parameters(ConsensusParameters.self).by == "annotator_profile")
    options.by = "age"
    #expect(throws: OptionError("{by} age: no annotator of profiles has that attribute (known: annotator_profile)")) {
        try AgreementRun.run(store: store, options: options)
    }
}

/// The tables list labels in reading order (a numeric scale by value, ConvAbuse's 1, 0, −1 …
/// as −1, 0, 1) and annotators by name with numbers as numbers (Ann2 before Ann10), whatever
/// order the file gave them in.
@Test func agreementTablesListLabelsAndAnnotatorsInReadingOrder() throws {
    let data = scratchPath("reading-order.csv")
    var rows = ["id,text,annotator,severity"]
    for item in 0..<12 {
        for (k, who) in ["Ann10", "Ann2", "Ann1"].enumerated() { rows.append("\(item),text \(item),\(who),\(["1", "0", "-1"][(item + k) % 3])") }
    }
    try rows.joined(separator: "\n").write(toFile: data, atomically: true, encoding: .utf8)
    let store = try Store(path: scratchPath("reading-order.sqlite"))
    var ingest = IngestRun.Options()
    (ingest.dataset, ingest.id, ingest.annotator, ingest.label) = ("order", "id", "annotator", "severity")
    _ = try IngestRun.run(store: store, files: [data], options: ingest)
    var options = AgreementRun.Options()
    (options.dataset, options.resamples) = ("order", 0)
    let tables = try AgreementRun.run(store: store, options: options).tables
    let column = { (name: String, index: Int) in tables.first { $0.name == name }!.rows.map { $0[index] } }
    #expect(column("agreement_labels", 0) == [.text("-1"), .text("0"), .text("1")])
    #expect(column("agreement_annotators", 0) == [.text("Ann1"), .text("Ann2"), .text("Ann10")])
    #expect(Array(column("agreement_label_rates", 0).prefix(4)) == [.text("Ann1"), .text("Ann1"), .text("Ann1"), .text("Ann2")])
    #expect(Array(column("agreement_label_rates", 1).prefix(3)) == [.text("-1"), .text("0"), .text("1")])
}
