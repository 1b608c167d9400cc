import Foundation
import Testing
import DQTestSupport
@testable import DQStore
import DQText

private func freshStore() throws -> Store {
    try Store(path: scratchPath("store.sqlite"))
}

/// The annotations of a dataset as (sample external id, annotator, label), sorted.
private func annotationTriples(_ store: Store, _ dataset: String) throws -> [String] {
    try store.database.rows("""
        SELECT coalesce(s.external_id, s.text), n.name, a.label FROM annotations a JOIN annotators n ON n.id = a.annotator_id
        JOIN samples s ON s.id = a.sample_id JOIN datasets d ON d.id = n.dataset_id WHERE d.name = ? ORDER BY 1, 2
        """, [.text(dataset)]).map { "\(try $0.string(0)) \(try $0.string(1)) \(try $0.string(2))" }
}

@Test func longFormatGroupsRowsByIdIntoSamplesWithTheirAnnotations() throws {
    let store = try freshStore()
    let options = IngestOptions(dataset: "trec", columns: ColumnRequest(label: "answer", id: "item", annotator: "worker", annotationTime: "at"))
    let summary = try store.ingest(file: fixture("annotations/long.csv"), options: options)
    #expect(summary.rowsRead == 10)
    #expect(summary.rowsNew == 4)
    #expect(summary.annotationsNew == 9)
    #expect(summary.annotationsDuplicate == 1)  // line 11 repeats line 2
    #expect(summary.annotators == 3)
    let dataset = try store.requireDataset("trec")
    let samples = try store.samples(dataset: dataset)
    #expect(samples.map(\.externalID) == ["q1", "q2", "q3", "q4"])
    // The given label is the most frequent annotation; q3's tie goes to the label given first.
    #expect(samples.map(\.label) == ["LOC", "HUM", "NUM", "DESC"])
    #expect(try annotationTriples(store, "trec").contains("q2 ann_c ENTY"))
    #expect(try store.database.row("SELECT annotated_at FROM annotations a JOIN annotators n ON n.id = a.annotator_id WHERE n.name = 'ann_b' AND a.label = 'LOC'")?.string(0)
            == "2024-01-01T09:05:00Z")
    let stored = try store.annotations(dataset: dataset)
    #expect(stored.sampleIDs.count == 4 && stored.item.count == 9)
    #expect(try store.database.rows("PRAGMA foreign_key_check").isEmpty)

    // The same file again adds nothing; the samples are found by id.
    let again = try store.ingest(file: fixture("annotations/long.csv"), options: options)
    #expect(again.rowsNew == 0 && again.annotationsNew == 0 && again.annotationsDuplicate == 10)
    #expect(try store.sampleCount(dataset: dataset) == 4)
    #expect(try store.annotationCount(dataset: dataset) == 9)
}

@Test func annotationsWithTheSameLabelFromDifferentAnnotatorsAreNotDuplicates() throws {
    let store = try freshStore()
    try store.ingest(file: fixture("annotations/long.jsonl"), options: IngestOptions(dataset: "d", columns: ColumnRequest(annotator: "annotator")))
    #expect(try annotationTriples(store, "d") == ["q1 ann_a LOC", "q1 ann_b LOC", "q2 ann_a HUM"])
}

@Test func wideFormatTakesOneColumnPerAnnotatorAndKeepsTheGoldLabel() throws {
    let store = try freshStore()
    let summary = try store.ingest(
        file: fixture("annotations/wide.csv"), options: IngestOptions(dataset: "w", columns: ColumnRequest(label: "gold", annotatorPrefix: "rater_")))
    #expect(summary.rowsNew == 3 && summary.annotationsNew == 7 && summary.annotators == 3)
    let samples = try store.samples(dataset: try store.requireDataset("w"))
    #expect(samples.map(\.label) == ["LOC", "HUM", "NUM"])
    #expect(try annotationTriples(store, "w").filter { $0.hasPrefix("Who") } == ["Who wrote Hamlet? 1 HUM", "Who wrote Hamlet? 2 ENTY", "Who wrote Hamlet? 3 HUM"])

    // Named columns, without a label column: the majority is the given label.
    let named = try store.ingest(
        file: fixture("annotations/wide.csv"), options: IngestOptions(dataset: "n", columns: ColumnRequest(annotators: ["rater_2", "rater_3"])))
    #expect(named.annotationsNew == 4)
    #expect(try store.samples(dataset: try store.requireDataset("n")).map(\.label) == ["LOC", "ENTY", "LOC"])
}

@Test func labelStudioExportsBecomeAnnotationsPerUser() throws {
    let store = try freshStore()
    let summary = try store.ingest(file: fixture("annotations/label_studio.json"), options: IngestOptions(dataset: "ls", format: .labelStudio))
    #expect(summary.rowsRead == 3 && summary.rowsNew == 2 && summary.rowsRejected == 1)
    #expect(try annotationTriples(store, "ls") == ["101 bo@example.com ENTY", "101 user 1 LOC", "102 user 1 HUM"])
    #expect(try store.database.row("SELECT annotated_at FROM annotations WHERE label = 'ENTY'")?.string(0) == "2024-03-01T11:00:00Z")
}

@Test func aLabelStudioExportStartingWithAByteOrderMarkReadsTheSame() throws {
    let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: fixture("annotations/label_studio.json"))))
    let marked = temporaryFile([0xEF, 0xBB, 0xBF] + bytes, suffix: ".json")
    let store = try freshStore()
    let summary = try store.ingest(file: marked, options: IngestOptions(dataset: "ls", format: .labelStudio))
    #expect(summary.rowsNew == 2 && summary.rowsRejected == 1)
    #expect(try annotationTriples(store, "ls") == ["101 bo@example.com ENTY", "101 user 1 LOC", "102 user 1 HUM"])
}

/// Bad input: a clear message with file, line and column, and nothing stored.
@Test func badAnnotationFilesAreRefusedWholeWithWhereAndWhy() throws {
    let store = try freshStore()
    func refused(_ file: String, _ columns: ColumnRequest, format: InputFormat? = nil) throws -> InputError? {
        do {
            try store.ingest(file: fixture(file), options: IngestOptions(dataset: "bad", format: format, columns: columns))
            return nil
        } catch let error as InputError {
            return error
        }
    }
    let twoLabels = try #require(try refused("annotations/two_labels.csv", ColumnRequest(label: "answer", id: "item", annotator: "worker")))
    #expect(twoLabels.line == 4 && twoLabels.column == 4)
    #expect(twoLabels.description.contains("annotator 'ann_a' gives item 'q1' a second label: 'ENTY' here and 'LOC' on line 2"))
    let empty = try #require(try refused("annotations/no_annotator.csv", ColumnRequest(label: "answer", id: "item", annotator: "worker")))
    #expect(empty.column == 3 && empty.description.contains("the annotator column 'worker' is empty on every row"))
    let emptyWide = try #require(try refused("annotations/wide.csv", ColumnRequest(annotators: ["rater_1"], annotatorPrefix: "nothing_")))
    #expect(emptyWide.description.contains("no column name starts with 'nothing_'"))
    let unknown = try #require(try refused("annotations/wide.csv", ColumnRequest(annotators: ["rater_9"])))
    #expect(unknown.description.contains("no column named 'rater_9' for the annotator"))
    #expect(try store.datasetNames().isEmpty)
    #expect(try store.database.row("SELECT count(*) FROM annotations")?.int(0) == 0)

    // A second label against one stored by an earlier file: refused, the earlier file kept.
    try store.ingest(file: fixture("annotations/long.csv"), options: IngestOptions(dataset: "trec", columns: ColumnRequest(label: "answer", id: "item", annotator: "worker")))
    let before = try store.annotationCount(dataset: try store.requireDataset("trec"))
    let clash = try #require({ () throws -> InputError? in
        do {
            let later = temporaryFile(Array("item,text,worker,answer\nq9,A new one,ann_a,LOC\nq1,Where is the Eiffel Tower?,ann_a,ENTY\n".utf8), suffix: ".csv")
            try store.ingest(file: later, options: IngestOptions(dataset: "trec", columns: ColumnRequest(label: "answer", id: "item", annotator: "worker")))
            return nil
        } catch let error as InputError { return error }
    }())
    #expect(clash.line == 3 && clash.description.contains("already gave this item the label 'LOC'"))
    #expect(try store.sampleCount(dataset: try store.requireDataset("trec")) == 4)
    #expect(try store.annotationCount(dataset: try store.requireDataset("trec")) == before)
}

@Test func aDerivedDatasetCopiesSamplesWithNewLabelsAndTheirAnnotations() throws {
    let store = try freshStore()
    try store.ingest(file: fixture("annotations/long.csv"), options: IngestOptions(dataset: "trec", columns: ColumnRequest(label: "answer", id: "item", annotator: "worker")))
    let source = try store.requireDataset("trec")
    let samples = try store.samples(dataset: source)
    try store.deriveDataset("trec_consensus", from: source, samples: samples.map(\.id), labels: [samples[2].id: "LOC"], origin: "test")
    let derived = try store.samples(dataset: try store.requireDataset("trec_consensus"))
    #expect(derived.map(\.label) == ["LOC", "HUM", "LOC", "DESC"])
    #expect(derived.map(\.text) == samples.map(\.text))
    #expect(try store.annotationCount(dataset: try store.requireDataset("trec_consensus")) == 9)
    #expect(throws: StoreError.datasetExists("trec_consensus")) {
        try store.deriveDataset("trec_consensus", from: source, samples: [], labels: [:], origin: "test")
    }
}

/// doccano writes one file per annotator; ingested one after the other, the second file's
/// annotations join the samples the first made (by id), and a document nobody labelled is
/// rejected, not stored.
@Test func doccanoExportsOneFilePerAnnotatorJoinBySampleID() throws {
    let store = try freshStore()
    let options = IngestOptions(dataset: "d", format: .doccano)
    let admin = try store.ingest(file: fixture("annotations/doccano/admin.jsonl"), options: options)
    #expect(admin.rowsNew == 2 && admin.rowsRejected == 1 && admin.annotationsNew == 2)
    let alice = try store.ingest(file: fixture("annotations/doccano/alice.jsonl"), options: options)
    #expect(alice.rowsNew == 1 && alice.rowsDuplicate == 2 && alice.annotationsNew == 3)
    #expect(try annotationTriples(store, "d") == ["1 admin LOC", "1 alice LOC", "2 admin HUM", "2 alice ENTY", "3 alice NUM"])
    let twoLabels = temporaryFile(Array(#"{"id": 9, "text": "x", "label": ["A", "B"]}"#.utf8), suffix: ".jsonl")
    #expect(throws: InputError.self) { try store.ingest(file: twoLabels, options: options) }
}

/// Rows read the slow way (a padded annotator name leaves the byte path) get the same given
/// label as plain ones: the majority of the annotations, not the first row's.
@Test func theGivenLabelIsTheMajorityWhicheverWayRowsAreRead() throws {
    let store = try freshStore()
    let file = temporaryFile(Array("""
        id,text,who,label
        1,Où est la tour Eiffel ?, a ,HUM
        1,Où est la tour Eiffel ?,b,LOC
        1,Où est la tour Eiffel ?,c,LOC
        2,Where is Paris?,a,HUM
        2,Where is Paris?,b,LOC
        2,Where is Paris?,c,LOC

        """.utf8), suffix: ".csv")
    try store.ingest(file: file, options: IngestOptions(dataset: "d", columns: ColumnRequest(annotator: "who")))
    #expect(try store.samples(dataset: try store.requireDataset("d")).map(\.label) == ["LOC", "LOC"])
}
