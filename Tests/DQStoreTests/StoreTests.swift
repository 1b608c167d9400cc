import Foundation
import Testing
import DQTestSupport
@testable import DQStore
import DQText

private func freshStore() throws -> Store {
    try Store(path: scratchPath("store.sqlite"))
}

@Test func aNewStoreHasEveryMigrationAndWALJournal() throws {
    let store = try freshStore()
    #expect(try store.schemaVersion() == Migrations.all.last!.version && Migrations.all.last!.version == 19)
    let tables = ["pvi_scores", "cartography_points", "label_divergence", "spec_suspects", "label_issues", "conflicts", "suspects", "corrections", "selections", "embeddings"]
    #expect(try store.database.rows("SELECT name FROM sqlite_master WHERE type = 'table'").map { try $0.string(0) }.filter(tables.contains).count == tables.count)
    #expect(try store.database.row("PRAGMA journal_mode")?.string(0) == "wal")
    #expect(try store.database.row("PRAGMA foreign_keys")?.int(0) == 1)
}

@Test func aStoreFromANewerDqIsRefused() throws {
    let path = scratchPath("future.sqlite")
    let store = try Store(path: path)
    try store.database.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from the future', 'x')")
    do {
        _ = try Store(path: path)
        Issue.record("a store from the future was opened")
    } catch let error as StoreError {
        #expect(error.description.contains("written by a newer dq"))
        #expect(error.description.contains("schema version 99"))
    }
}

@Test func ingestStoresRowsLabelsAndMetadata() throws {
    let store = try freshStore()
    let summary = try store.ingest(
        file: fixture("csv/quoted-fields-crlf.csv"),
        options: IngestOptions(dataset: "reviews", columns: ColumnRequest(meta: ["annotator"])))
    #expect(summary.rowsRead == 4)
    #expect(summary.rowsNew == 4)
    let dataset = try store.requireDataset("reviews")
    #expect(try store.labels(dataset: dataset) == ["positive", "negative"])
    let samples = try store.samples(dataset: dataset)
    #expect(samples.map(\.externalID) == ["1", "2", "3", "4"])
    #expect(samples[2].text == "First line\r\nsecond line")
    #expect(samples[2].sourceRow == 4)
    #expect(samples[0].metadata == #"{"annotator":"ann1"}"#)
    #expect(samples.allSatisfy { $0.split == "train" })
    // Ingest changes the journal, the page cache and foreign-key checks for its bulk insert;
    // the store's own settings are back after it, and the references it wrote hold.
    #expect(try store.database.row("PRAGMA journal_mode")?.string(0) == "wal")
    #expect(try store.database.row("PRAGMA cache_size")?.int(0) == -65536)
    #expect(try store.database.row("PRAGMA foreign_keys")?.int(0) == 1)
    #expect(try store.database.rows("PRAGMA foreign_key_check").isEmpty)
}

@Test func ingestingTheSameFileTwiceAddsNothing() throws {
    let store = try freshStore()
    let file = fixture("csv/ragged-rows.csv")
    let first = try store.ingest(file: file)
    let second = try store.ingest(file: file)
    #expect(first.rowsNew == 2)
    #expect(first.rowsRejected == 2)
    #expect(second.rowsNew == 0)
    #expect(second.rowsDuplicate == 2)
    #expect(try store.sampleCount(dataset: store.requireDataset("ragged-rows")) == 2)
    // The same rows under another split are other samples.
    let dev = try store.ingest(file: file, options: IngestOptions(split: "dev"))
    #expect(dev.rowsNew == 2)
}

@Test func rejectedRowsAreStoredWithLineReasonAndContent() throws {
    let store = try freshStore()
    try store.ingest(file: fixture("csv/ragged-rows.csv"))
    let rows = try store.database.rows("SELECT line, reason, raw FROM rejected_rows ORDER BY line")
    #expect(try rows.map { try $0.int(0) } == [3, 4])
    #expect(try rows[0].string(1) == "expected 3 fields, found 2")
    #expect(try rows[1].string(2) == "3,four,fields,b")
    let report = try store.database.row("SELECT rows_read, rows_new, rows_rejected, columns FROM ingests")
    #expect(try report?.int(0) == 4)
    #expect(try report?.int(2) == 2)
    #expect(try report?.string(3) == #"{"text":"text","label":"label","id":"id","meta":[]}"#)
}

@Test func strictModeStoresNothingFromAFileWithABadRow() throws {
    let store = try freshStore()
    #expect(throws: IngestError.self) {
        try store.ingest(file: fixture("csv/ragged-rows.csv"), options: IngestOptions(strict: true))
    }
    #expect(try store.datasetNames().isEmpty)
    #expect(try store.database.row("SELECT count(*) FROM ingests")?.int(0) == 0)
}

private struct InjectedFailure: Error {}

@Test func aFailureHalfWayThroughAFileLeavesTheStoreAsItWas() throws {
    let store = try freshStore()
    let demo = fixture("demo/trec/train.csv")
    try store.ingest(file: fixture("csv/byte-order-mark.csv"), options: IngestOptions(dataset: "trec"))
    var calls = 0
    #expect(throws: InjectedFailure.self) {
        try store.ingest(file: demo, options: IngestOptions(dataset: "trec")) { progress in
            calls += 1
            if progress.rowsRead >= 4096 { throw InjectedFailure() }
        }
    }
    #expect(calls == 1)
    let trec = try store.requireDataset("trec")
    #expect(try store.sampleCount(dataset: trec) == 2)
    #expect(try store.labels(dataset: trec) == ["a", "b"])
    #expect(try store.database.row("SELECT count(*) FROM ingests")?.int(0) == 1)
    #expect(try store.database.row("PRAGMA foreign_keys")?.int(0) == 1)
    #expect(try store.database.row("PRAGMA journal_mode")?.string(0) == "wal")
    #expect(try store.database.row("PRAGMA cache_size")?.int(0) == -65536)
    // After the failure the same file goes in whole.
    #expect(try store.ingest(file: demo, options: IngestOptions(dataset: "trec")).rowsNew == 5452)
}

@Test func aFileLevelErrorChangesNothing() throws {
    let store = try freshStore()
    #expect(throws: InputError.self) {
        try store.ingest(file: fixture("csv/custom-columns.tsv"), options: IngestOptions(dataset: "x"))
    }
    #expect(try store.datasetNames().isEmpty)
}

@Test func namesThatLookLikeSQLAreStoredAsData() throws {
    let store = try freshStore()
    let name = "x'; DROP TABLE samples; --"
    try store.ingest(file: fixture("csv/sql-looking-names.csv"), options: IngestOptions(dataset: name, split: "a\"b"))
    let dataset = try store.requireDataset(name)
    #expect(try store.labels(dataset: dataset) == ["x'); DROP TABLE labels;--", "1 OR 1=1"])
    #expect(try store.samples(dataset: dataset, splits: ["a\"b"]).count == 2)
    #expect(try store.datasetNames() == [name])
}

@Test func unknownDatasetsAreNamedWithTheKnownOnes() throws {
    let store = try freshStore()
    try store.ingest(file: fixture("csv/byte-order-mark.csv"))
    #expect(throws: StoreError.unknownDataset("nope", known: ["byte-order-mark"])) { try store.requireDataset("nope") }
    #expect(try store.defaultDataset(nil).name == "byte-order-mark")
    try store.ingest(file: fixture("csv/byte-order-mark.csv"), options: IngestOptions(dataset: "second"))
    #expect(throws: StoreError.noDatasetChosen(known: ["byte-order-mark", "second"])) { try store.defaultDataset(nil) }
}

@Test func datasetSummariesListSplitsAndLabels() throws {
    let store = try freshStore()
    try store.ingest(file: fixture("csv/byte-order-mark.csv"), options: IngestOptions(dataset: "d"))
    try store.ingest(file: fixture("csv/conflicting-duplicates.csv"), options: IngestOptions(dataset: "d", split: "dev"))
    let summary = try #require(try store.datasetSummaries().first)
    #expect(summary.splits == [SplitCount(name: "train", count: 2), SplitCount(name: "dev", count: 6)])
    #expect(summary.labels == ["a", "b", "acceptable", "unacceptable"])
    #expect(summary.rowCount == 8)
}

private struct AnalysisFailed: Error {}

/// Parameters of a made-up selection run, for testing the run records themselves.
private struct TestParameters: RunParameters, Equatable {
    static let kind = RunKind.selection
    var folds: Int
    var trainSplit: String?
}

@Test func runsRecordParametersAndOutcome() throws {
    let store = try freshStore()
    try store.ingest(file: fixture("csv/byte-order-mark.csv"), options: IngestOptions(dataset: "d"))
    let dataset = try store.requireDataset("d")
    let parameters = TestParameters(folds: 5, trainSplit: "train")
    try store.database.run("CREATE TABLE results (run_id INTEGER, value REAL)")
    let (id, value) = try store.recordRun(parameters, dataset: dataset, seed: 7,
                                          compute: { _ in 1.5 },
                                          write: { id, value in try store.database.run("INSERT INTO results VALUES (?, ?)", [.integer(id), .real(value)]) })
    #expect(value == 1.5)
    let run = try store.run(id)
    #expect(run.status == .succeeded)
    #expect(run.kind == .selection)
    #expect(try run.parameters(TestParameters.self) == parameters)
    // Stored with snake_case keys, sorted: the same parameters give the same text.
    #expect(run.parametersJSON == #"{"folds":5,"train_split":"train"}"#)
    #expect(run.seed == 7)
    #expect(run.finishedAt != nil)

    #expect(throws: AnalysisFailed.self) {
        try store.recordRun(TestParameters(folds: 2), dataset: dataset, seed: nil, compute: { _ in 2.5 }) { id, value in
            try store.database.run("INSERT INTO results VALUES (?, ?)", [.integer(id), .real(value)])
            throw AnalysisFailed()
        }
    }
    let runs = try store.runs(dataset: dataset, kind: .selection)
    #expect(runs.map(\.status) == [RunRecord.Status.failed, .succeeded])
    // The failed run's partial results were rolled back.
    #expect(try store.database.row("SELECT count(*) FROM results")?.int(0) == 1)
}

@Test func runParametersOfAnotherKindOrShapeAreAnErrorNotAGuess() throws {
    let store = try freshStore()
    let (id, _) = try store.recordRun(TestParameters(folds: 3), dataset: nil, seed: nil, compute: { _ in () }, write: { _, _ in })
    try store.database.run("UPDATE runs SET parameters = ? WHERE id = ?", [.text(#"{"folds":"three"}"#), .integer(id)])
    #expect(throws: StoreError.self) { try store.run(id).parameters(TestParameters.self) }
    try store.database.run("UPDATE runs SET kind = 'pvi' WHERE id = ?", [.integer(id)])
    #expect(throws: StoreError.wrongRunKind(run: id, kind: .pvi, expected: .selection)) { try store.run(id).parameters(TestParameters.self) }
    try store.database.run("UPDATE runs SET kind = 'mystery' WHERE id = ?", [.integer(id)])
    #expect(throws: StoreError.self) { try store.run(id) }
}

@Test func storePathComesFromTheOptionThenTheEnvironment() {
    #expect(Store.resolvePath("a.sqlite", environment: ["DQ_DB": "b.sqlite"]) == "a.sqlite")
    #expect(Store.resolvePath(nil, environment: ["DQ_DB": "b.sqlite"]) == "b.sqlite")
    #expect(Store.resolvePath(nil, environment: [:]) == "dq.sqlite")
}

@Test func nestedTransactionsRollBackOnlyTheInnerPart() throws {
    let store = try freshStore()
    let db = store.database
    try db.execute("CREATE TABLE t (x INTEGER)")
    try db.inTransaction {
        try db.run("INSERT INTO t VALUES (1)")
        _ = try? db.inTransaction {
            try db.run("INSERT INTO t VALUES (2)")
            throw AnalysisFailed()
        }
    }
    #expect(try db.rows("SELECT x FROM t").map { try $0.int(0) } == [1])
}

@Test func aRowRepeatedWithTheSameIdInOneFileIsStoredOnce() throws {
    let store = try freshStore()
    let path = temporaryFile(Array("id,text,label\n7,same,a\n7,same,a\n8,same,a\n".utf8), suffix: ".csv")
    let summary = try store.ingest(file: path, options: IngestOptions(dataset: "d"))
    #expect(summary.rowsNew == 2)
    #expect(summary.rowsDuplicate == 1)
    // Without an id column, identical rows on different lines are different samples.
    let noIDs = temporaryFile(Array("text,label\nsame,a\nsame,a\n".utf8), suffix: ".csv")
    #expect(try store.ingest(file: noIDs, options: IngestOptions(dataset: "e")).rowsNew == 2)
    #expect(try store.ingest(file: noIDs, options: IngestOptions(dataset: "e")).rowsNew == 0)
}

@Test func samplesOfInterleavedIngestsStayWithTheirDatasets() throws {
    let store = try freshStore()
    try store.ingest(file: fixture("csv/byte-order-mark.csv"), options: IngestOptions(dataset: "a"))
    try store.ingest(file: fixture("csv/conflicting-duplicates.csv"), options: IngestOptions(dataset: "b"))
    try store.ingest(file: fixture("csv/ragged-rows.csv"), options: IngestOptions(dataset: "a", split: "dev"))
    let a = try store.requireDataset("a"), b = try store.requireDataset("b")
    #expect(try store.samples(dataset: a).map(\.text) == ["with a byte-order mark", "second row", "three fields", "after a blank line"])
    #expect(try store.samples(dataset: a, splits: ["dev"]).map(\.externalID) == ["1", "4"])
    #expect(try store.sampleCount(dataset: b) == 6)
    #expect(try store.sampleCount(dataset: a, splits: ["train"]) == 2)
}

@Test func theContentHashSetFindsEveryRepeatThroughGrowthReservationAndTheZeroHash() throws {
    let store = try freshStore()
    var set = try ContentHashSet(database: store.database, dataset: 1)
    var rng = SystemRandomNumberGenerator()
    let hashes = (0..<200_000).map { _ in UInt64.random(in: 1...UInt64.max, using: &rng) } + [0]
    var fresh = 0
    // Room made half-way (as an ingest does for a file that states its row count) moves the
    // hashes already there.
    for h in hashes[..<100_000] where set.insert(h) { fresh += 1 }
    set.reserve(150_000)
    for h in hashes[100_000...] where set.insert(h) { fresh += 1 }
    #expect(fresh == hashes.count)
    var repeats = 0
    for h in hashes.shuffled() where !set.insert(h) { repeats += 1 }
    #expect(repeats == hashes.count)
    #expect(set.added.count == hashes.count)
}

@Test func textBytesTellAnEmptyTextFromNull() throws {
    let database = try Database(path: ":memory:")
    let statement = try database.prepare("SELECT '', NULL, 'héllo'")
    #expect(try statement.advance())
    #expect(statement.textBytes(0)?.count == 0)
    #expect(statement.textBytes(1) == nil)
    #expect(statement.textBytes(2).map { String(decoding: $0, as: UTF8.self) } == "héllo")
}

@Test func contentHashesStayTheSameAcrossVersions() throws {
    // Stores keep these hashes to skip rows ingested before, so they must not change.
    let store = try freshStore()
    let withIDs = temporaryFile(Array("id,text,label\nr-17,a film that moves,positive\n,\"Ein Mann, é\",contradiction\n".utf8), suffix: ".csv")
    let pairs = temporaryFile(Array("premise,hypothesis,label\nEin Mann spielt Gitarre.,Niemand spielt.,contradiction\n".utf8), suffix: ".csv")
    try store.ingest(file: withIDs, options: IngestOptions(dataset: "d"))
    try store.ingest(file: pairs, options: IngestOptions(dataset: "d", split: "dev", columns: ColumnRequest(text: "premise", textPair: "hypothesis")))
    let hashes = try store.database.rows("SELECT hashes FROM content_hashes ORDER BY ingest_id").flatMap { row -> [UInt64] in
        guard case .blob(let bytes) = row[0] else { return [] }
        return stride(from: 0, to: bytes.count, by: 8).map { i in bytes[i..<i + 8].reversed().reduce(0) { $0 << 8 | UInt64($1) } }
    }
    // Printed by the String-based hash that dq used before its ingest read rows as bytes.
    #expect(hashes == [0x5f17_7a13_2e9c_f58c, 0x98a6_a969_0f9c_c8f5, 0xccca_4308_28ae_9b49])
}

@Test func aCommitThatFailsRollsBackAndLeavesNoTransactionOpen() throws {
    let store = try freshStore()
    let db = store.database
    try db.execute("""
        CREATE TABLE parent (id INTEGER PRIMARY KEY);
        CREATE TABLE child (parent INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED);
        """)
    // The deferred foreign key is only checked at COMMIT, which therefore fails.
    #expect(throws: SQLiteError.self) {
        try db.inTransaction { try db.run("INSERT INTO child VALUES (42)") }
    }
    #expect(!db.isInTransaction)
    #expect(try db.row("SELECT count(*) FROM child")?.int(0) == 0)
    // The connection works as before: a later transaction commits.
    try db.inTransaction {
        try db.run("INSERT INTO parent VALUES (42)")
        try db.run("INSERT INTO child VALUES (42)")
    }
    #expect(try db.row("SELECT count(*) FROM child")?.int(0) == 1)
}

@Test func rowsRefuseANullOrAMismatchedTypeInsteadOfReadingZero() throws {
    let store = try freshStore()
    let row = try #require(try store.database.row("SELECT NULL AS missing, 'x' AS word, 2.5 AS real, 3 AS whole, x'00' AS bytes"))
    #expect(throws: RowDecodingError.self) { try row.int(0) }
    #expect(throws: RowDecodingError.self) { try row.string(0) }
    #expect(throws: RowDecodingError.self) { try row.double(0) }
    #expect(try row.optionalString(0) == nil && row.optionalInt(0) == nil)
    #expect(throws: RowDecodingError.self) { try row.int(1) }
    #expect(throws: RowDecodingError.self) { try row.double(1) }
    #expect(throws: RowDecodingError.self) { try row.int(2) }
    #expect(try row.double(3) == 3)
    #expect(throws: RowDecodingError.self) { try row.string(3) }
    #expect(throws: RowDecodingError.self) { try row.string(4) }
    #expect(try row.blob(4) == [0])
    do {
        _ = try row.int(1)
    } catch let error as RowDecodingError {
        #expect(error.description.contains("column word holds the text 'x' where an integer was expected"), "\(error)")
    }
}

@Test func probabilitiesAreStoredAsPackedFloatsBitForBit() throws {
    let store = try freshStore()
    try store.ingest(file: fixture("csv/byte-order-mark.csv"), options: IngestOptions(dataset: "d"))
    let samples = try store.samples(dataset: try store.requireDataset("d"))
    let values = [0.1, 1.0 / 3.0, 5e-324, 0.9999999999999999, 0, .leastNormalMagnitude]
    let row = PVIRow(sampleID: samples[0].id, fold: 1, label: "a", predicted: "b", pInput: 0.25, pNull: 0.5, hNull: 1, hInput: 2,
                     pvi: -1, correct: false, probabilities: values)
    let (id, _) = try store.recordRun(TestParameters(folds: 2), dataset: nil, seed: nil, compute: { _ in () },
                                      write: { run, _ in try store.writePVI(run: run, rows: [row]) })
    #expect(try store.pviRows(run: id) == [row])
    let stored = try #require(try store.database.row("SELECT probabilities FROM sample_probabilities WHERE run_id = ?", [.integer(id)]))
    #expect(try stored.blob(0).count == 8 * values.count)
    #expect(PackedFloats.unpack([1, 2, 3]) == nil)
}

/// An empty store with the schema of the first `version` migrations (their SQL), as an older dq left it.
private func storeAtSchema(_ version: Int, path: String) throws -> Database {
    let old = try Database(path: path)
    try old.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    for migration in Migrations.all where migration.version <= version {
        try old.execute(migration.sql)
        try old.run("INSERT INTO schema_migrations VALUES (?, ?, 'then')", [.integer(Int64(migration.version)), .text(migration.name)])
    }
    return old
}

@Test func migrationSixPacksTheProbabilitiesOfAnOlderStore() throws {
    let path = scratchPath("version5.sqlite")
    // A store as dq wrote it at schema version 5: probabilities as JSON text.
    let old = try storeAtSchema(5, path: path)
    try old.execute("""
        INSERT INTO datasets VALUES (1, 'd', 'then');
        INSERT INTO ingests VALUES (1, 1, 'train', 'f.csv', 'csv', '{}', 'then', 'then', 1, 1, 0, 0, 1, 1);
        INSERT INTO samples VALUES (1, 1, 2, NULL, 'a text', NULL, 'a', NULL);
        INSERT INTO runs VALUES (1, 'pvi', 1, '{"labels":["a","b"],"model":"bow"}', 13, '0.1.0', 'then', 'then', 'succeeded', NULL);
        INSERT INTO pvi_scores VALUES (1, 1, 0, 'a', 'b', 0.25, 0.5, 1, 2, -1, 0);
        INSERT INTO sample_probabilities VALUES (1, 1, '[0.25,0.75]');
        """)
    let store = try Store(path: path)
    #expect(try store.schemaVersion() == Migrations.all.last!.version)
    #expect(try store.pviRows(run: 1).map(\.probabilities) == [[0.25, 0.75]])
}

@Test func aRunWhoseProcessIsGoneIsMarkedFailedOnTheNextOpen() throws {
    let path = scratchPath("stale.sqlite")
    let store = try Store(path: path)
    let id = try store.beginRun(TestParameters(folds: 2), dataset: nil, seed: nil)
    let other = try store.beginRun(TestParameters(folds: 3), dataset: nil, seed: nil)
    // The first run's process is gone (a pid no process has); the second's is this test, alive.
    let child = Process()
    child.executableURL = URL(fileURLWithPath: "/bin/true")
    try child.run()
    child.waitUntilExit()
    try store.database.run("UPDATE runs SET pid = ? WHERE id = ?", [.integer(Int64(child.processIdentifier)), .integer(id)])
    let reopened = try Store(path: path)
    let stale = try reopened.run(id)
    #expect(stale.status == .failed && stale.message == "the dq process that ran it (pid \(child.processIdentifier)) ended before it finished")
    #expect(try reopened.run(other).status == .running)
    // A run recorded on another machine is left as it is.
    try reopened.database.run("UPDATE runs SET host = 'elsewhere', status = 'running' WHERE id = ?", [.integer(id)])
    #expect(try Store(path: path).run(id).status == .running)
}

@Test func migrationEightReselectsTheRegionsOfStoredCartographyRuns() throws {
    let path = scratchPath("version7.sqlite")
    // A store at schema version 7, whose regions were exclusive: ambiguous first, then the rest.
    let old = try storeAtSchema(7, path: path)
    try old.execute("""
        INSERT INTO datasets VALUES (1, 'd', 'then');
        INSERT INTO ingests VALUES (1, 1, 'train', 'f.csv', 'csv', '{}', 'then', 'then', 1, 4, 0, 0, 4, 4);
        INSERT INTO samples VALUES (1, 1, 2, NULL, 'one', NULL, 'a', NULL), (2, 1, 3, NULL, 'two', NULL, 'a', NULL),
                                   (3, 1, 4, NULL, 'three', NULL, 'b', NULL), (4, 1, 5, NULL, 'four', NULL, 'b', NULL);
        INSERT INTO runs VALUES (1, 'cartography', 1, '{"share":0.25,"model":"tiny-bert"}', 1, '0.1.0', 'then', 'then', 'succeeded', NULL, NULL, NULL);
        INSERT INTO cartography_points VALUES (1, 1, 0.9, 0.30, 1, 0, 0, 'ambiguous'), (1, 2, 0.2, 0.25, 0, 0, 1, 'hard-to-learn'),
                                              (1, 3, 0.8, 0.01, 1, 0, 0, 'easy-to-learn'), (1, 4, 0.1, 0.02, 0, 0, 1, '-');
        """)
    let store = try Store(path: path)
    #expect(try store.schemaVersion() == Migrations.all.last!.version)
    // ⌊0.25 · 4⌋ + 1 = 2 per region, each by its own metric, as a new run would select them.
    #expect(try store.cartographyPoints(run: 1).map(\.regions) == [[.ambiguous, .easy], [.ambiguous, .hard], [.easy], [.hard]])
}


@Test func embeddingsComeBackBitForBitAndOnlyForTheirEncoder() throws {
    let store = try freshStore()
    let vectors: [(text: String, vector: [Float])] = [("a text", [0.1, -2.5e-8, .pi, -0.0]), ("", [1, 2, 3, 4])]
    try store.writeEmbeddings(encoder: "model-a|1|2|128", vectors)
    let found = try store.embeddings(encoder: "model-a|1|2|128", texts: ["a text", "", "unseen"])
    #expect(found.count == 2)
    #expect(found["a text"]!.map(\.bitPattern) == vectors[0].vector.map(\.bitPattern))
    #expect(found[""] == [1, 2, 3, 4])
    #expect(try store.embeddings(encoder: "model-a|1|3|128", texts: ["a text"]).isEmpty)
    try store.writeEmbeddings(encoder: "model-a|1|2|128", [("a text", [9, 9, 9, 9])])
    #expect(try store.embeddings(encoder: "model-a|1|2|128", texts: ["a text"])["a text"] == [9, 9, 9, 9])
}

@Test func migration14TurnsAnEvaluationsFusionKeysIntoTypedRows() throws {
    #expect(Migrations.legacyFeature("bow PVI") ?? ("", "", nil) == ("rank", "pvi", "bow"))
    #expect(Migrations.legacyFeature("confident learning (embeddings): tail") ?? ("", "", nil) == ("tail", "confident-learning", "embeddings"))
    #expect(Migrations.legacyFeature("conflicting duplicates: tail") ?? ("", "", nil) == ("tail", "conflicts", nil))
    #expect(Migrations.legacyFeature("annotator disagreement") ?? ("", "", nil) == ("rank", "annotators", nil))
    #expect(Migrations.legacyFeature("something else") == nil)
    // A store at version 13 with an evaluate run whose summary holds the fusion as JSON keys.
    let path = scratchPath("v13.sqlite")
    let database = try Database(path: path)
    try database.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)")
    for migration in Migrations.all where migration.version <= 13 {
        try database.inTransaction {
            try database.execute(migration.sql)
            try migration.convert?(database)
            try database.run("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 'then')", [.integer(Int64(migration.version)), .text(migration.name)])
        }
    }
    try database.run("""
        INSERT INTO runs (id, kind, parameters, dq_version, started_at, status) VALUES (1, 'evaluate', '{}', 'old', 'then', 'succeeded')
        """)
    try database.run("INSERT INTO run_summaries (run_id, summary) VALUES (1, ?)",
                     [.text(#"{"fusion_features":["bow PVI","bow PVI: tail"],"fusion_weights":[-1.5,0.25,2],"other":3}"#)])
    let store = try Store(path: path)
    #expect(try store.fusion(run: 1) == [
        FusionWeightRow(feature: "intercept", signal: nil, model: nil, weight: -1.5),
        FusionWeightRow(feature: "rank", signal: "pvi", model: "bow", weight: 0.25),
        FusionWeightRow(feature: "tail", signal: "pvi", model: "bow", weight: 2),
    ])
    #expect(try store.summary(run: 1)?.jsonText == #"{"other":3}"#)
}

/// The label counts an ingest takes while reading (which spare the lookalike check a pass over
/// the stored texts) are the counts the store holds: repeated and rejected rows left out, label
/// lists split into labels, a split column's ingests summed; a dataset that held samples before
/// is counted from the store.
@Test func labelCountsTakenWhileReadingAreTheStoredCounts() throws {
    let store = try freshStore()
    let single = scratchPath("counted.csv")
    try "id,text,label\n1,a,x\n2,b,y\n1,a,x\n3,c,x\n4,,y\n5,e,z\n".write(toFile: single, atomically: true, encoding: .utf8)
    let first = try store.ingest(file: single, options: IngestOptions(dataset: "s"))
    #expect(first.datasetWasEmpty && first.rowsDuplicate == 1 && first.rowsRejected == 1)
    #expect(first.newSamplesByLabel == ["x": 2, "y": 1, "z": 1])
    let s = try store.requireDataset("s")
    #expect(try store.labelCounts(dataset: s, after: [first]).map { "\($0.label)=\($0.count)" } == ["x=2", "y=1", "z=1"])
    // A second file: counted from the store, its own rows and the first file's.
    let more = scratchPath("counted-more.csv")
    try "id,text,label\n9,f,y\n10,g,y\n".write(toFile: more, atomically: true, encoding: .utf8)
    let second = try store.ingest(file: more, options: IngestOptions(dataset: "s"))
    #expect(!second.datasetWasEmpty)
    #expect(try store.labelCounts(dataset: s, after: [second]).map { "\($0.label)=\($0.count)" } == ["y=3", "x=2", "z=1"])

    let lists = scratchPath("counted-lists.csv")
    try "text,label,split\na,p;q,train\nb,q,dev\nc,q;r,train\n".write(toFile: lists, atomically: true, encoding: .utf8)
    var options = IngestOptions(dataset: "m")
    options.columns.multiLabel = true
    options.columns.split = "split"
    let summaries = try store.ingestBySplit(file: lists, options: options)
    #expect(summaries.count == 2)
    let m = try store.requireDataset("m")
    let counted = try store.labelCounts(dataset: m, after: summaries).map { "\($0.label)=\($0.count)" }
    #expect(counted == ["q=3", "p=1", "r=1"])
    #expect(try store.labelCounts(dataset: m).map { "\($0.label)=\($0.count)" } == counted)
}
