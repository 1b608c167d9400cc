import Foundation
import Testing
import DQTestSupport
import DQStore
import DQText

@Test func helpTeachesWithExamples() throws {
    let root = try dq(["--help"])
    #expect(root.status == 0)
    for command in ["ingest", "datasets", "stats"] { #expect(root.stdout.contains(command)) }
    let ingest = try dq(["ingest", "--help"])
    #expect(ingest.stdout.contains("dq ingest reviews.csv --dataset reviews --text review --label stars"))
}

@Test func ingestPrintsWhatItDidAndRejectsBadRows() throws {
    let db = newStorePath()
    let result = try dq(["ingest", fixture("csv/ragged-rows.csv"), "--dataset", "r", "--db", db])
    #expect(result.status == 0)
    #expect(result.stdout.contains("Ingested"))
    #expect(result.stderr.contains("ragged-rows.csv:3: rejected: expected 3 fields, found 2"))
    let json = try dq(["ingest", fixture("csv/ragged-rows.csv"), "--dataset", "r", "--db", db, "--format", "json"])
    let rows = try JSONValue.parse(json.stdout)["ingest"]
    #expect(rows == .array([.object([
        ("file", .string(fixture("csv/ragged-rows.csv"))), ("dataset", .string("r")), ("split", .string("train")),
        ("format", .string("csv")), ("read", .number(4)), ("new", .number(0)), ("duplicate", .number(2)),
        ("rejected", .number(2)), ("seconds", rows?[0]?["seconds"] ?? .null),
    ])]))
}

@Test func aWrongColumnFailsNamingTheFileAndItsColumnsAndStoresNothing() throws {
    let db = newStorePath()
    let result = try dq(["ingest", fixture("csv/custom-columns.tsv"), "--text", "review", "--label", "stars", "--db", db])
    #expect(result.status != 0)
    #expect(result.stderr.contains("custom-columns.tsv: no column named 'review' for the text; the file has columns: review_id, body, stars; name it with --text COLUMN"), "\(result.stderr)")
    let datasets = try dq(["datasets", "--db", db, "--format", "json"])
    #expect(try JSONValue.parse(datasets.stdout) == .object([("datasets", .array([]))]))
}

@Test func strictModeFailsAtTheFirstBadRow() throws {
    let db = newStorePath()
    let result = try dq(["ingest", fixture("csv/ragged-rows.csv"), "--strict", "--db", db])
    #expect(result.status != 0)
    #expect(result.stderr.contains("ragged-rows.csv:3: expected 3 fields, found 2 (strict: nothing from this file was stored)"))
}

@Test func theStoreComesFromDQ_DBWhenNoOptionIsGiven() throws {
    let db = newStorePath()
    #expect(try dq(["ingest", fixture("csv/byte-order-mark.csv")], environment: ["DQ_DB": db]).status == 0)
    let listed = try dq(["datasets", "--format", "csv", "--db", db])
    #expect(listed.stdout.hasPrefix("dataset,rows,splits,labels,last_ingest\nbyte-order-mark,2,train 2,\"2: a, b\","))
}

@Test func severalFilesAndFormatsGoInOneCall() throws {
    let db = newStorePath()
    let result = try dq([
        "ingest", fixture("csv/sentence-pairs.csv"), fixture("jsonl/broken-lines.jsonl"),
        "--dataset", "mixed", "--all-meta", "--db", db, "--format", "csv",
    ])
    #expect(result.status == 0)
    let lines = result.stdout.split(separator: "\n")
    #expect(lines.count == 3)
    #expect(lines[2].contains(",jsonl,6,3,0,3,"))
}

@Test func resultsGoToAFileWithOut() throws {
    let db = newStorePath()
    let out = scratchPath("out.json")
    let result = try dq(["ingest", fixture("csv/byte-order-mark.csv"), "--db", db, "--format", "json", "--out", out])
    #expect(result.status == 0)
    #expect(result.stdout.isEmpty)
    let written = try JSONValue.parse(String(contentsOfFile: out, encoding: .utf8))
    #expect(written["ingest"]?[0]?["new"] == .number(2))
}

/// Runs `dq ingest` on a named pipe into a store that already holds two samples, stops it with
/// `signal` half-way (rows read, the file's transaction open), and returns the store and dq's
/// exit status and error output.
private func ingestStopped(by signal: Int32) throws -> (db: String, status: Int32, stderr: String) {
    let db = newStorePath()
    #expect(try dq(["ingest", fixture("csv/byte-order-mark.csv"), "--dataset", "kept", "--db", db]).status == 0)
    let pipePath = scratchPath("rows.csv")
    #expect(mkfifo(pipePath, 0o600) == 0)
    Foundation.signal(SIGPIPE, SIG_IGN)  // dq may be gone while rows are still being written

    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("dq")
    process.arguments = ["ingest", pipePath, "--dataset", "half", "--db", db]
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let input = try #require(FileHandle(forWritingAtPath: pipePath))  // waits until dq opens the pipe
    func rows(_ range: Range<Int>) -> Data {
        Data(range.map { "\($0),text number \($0) with a few more words,label\($0 % 3)\n" }.joined().utf8)
    }
    try input.write(contentsOf: Data("id,text,label\n".utf8) + rows(0..<10_000))
    // The writes return once dq has read all but the pipe's buffer: more than one batch.
    var waited = 0
    while !FileManager.default.fileExists(atPath: db + "-journal") && waited < 60_000 {
        usleep(10_000)
        waited += 10
    }
    #expect(FileManager.default.fileExists(atPath: db + "-journal"), "dq never opened its write transaction")
    kill(process.processIdentifier, signal)
    // After Ctrl-C dq stops at its next batch; more rows and the end of the file bring it there.
    try? input.write(contentsOf: rows(10_000..<15_000))
    try? input.close()
    process.waitUntilExit()
    let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    return (db, process.terminationStatus, stderr)
}

/// The store after a stopped ingest: as it was before the file, and sound.
private func expectUntouched(_ db: String) throws {
    let listed = try dq(["datasets", "--db", db, "--format", "csv"])
    #expect(listed.stdout.hasPrefix("dataset,rows,splits,labels,last_ingest\nkept,2,"), "\(listed.stdout)")
    #expect(!listed.stdout.contains("half"))
    let store = try Store(path: db)
    #expect(try store.database.row("PRAGMA integrity_check")?.string(0) == "ok")
    #expect(try store.database.row("SELECT count(*) FROM samples")?.int(0) == 2)
    #expect(try store.database.row("SELECT count(*) FROM ingests")?.int(0) == 1)
}

@Test func ctrlCHalfWayThroughAFileLeavesTheStoreAsItWas() throws {
    let (db, status, stderr) = try ingestStopped(by: SIGINT)
    #expect(status == 1)
    #expect(stderr.contains("interrupted; nothing from the unfinished step was stored"), "\(stderr)")
    try expectUntouched(db)
}

@Test func aKilledIngestIsRolledBackWhenTheStoreIsNextOpened() throws {
    let (db, status, _) = try ingestStopped(by: SIGKILL)
    #expect(status == SIGKILL)
    try expectUntouched(db)
}

@Test func aFileOfWhichNoRowCanBeStoredIsAnErrorAndASplitIsOneName() throws {
    let db = newStorePath()
    let wrong = try dq(["ingest", fixture("csv/ragged-rows.csv"), "--input-format", "jsonl", "--db", db])
    #expect(wrong.status == 1 && wrong.stderr.contains("ragged-rows.csv: none of its 5 rows could be stored"), "\(wrong.stderr)")
    let split = try dq(["ingest", fixture("csv/ragged-rows.csv"), "--split", "a,b", "--db", db])
    #expect(split.status == 64 && split.stderr.contains("--split must be one name"))
}

@Test func outputAimedAtTheStoreIsRefusedAndTheStoreSurvives() throws {
    let db = newStorePath()
    #expect(try dq(["ingest", fixture("csv/ragged-rows.csv"), "--dataset", "r", "--db", db]).status == 0)
    for command in [["report", "--out", db], ["export", "dataset", "--out", db], ["datasets", "--out", db + "-wal"]] {
        let result = try dq(command + ["--db", db])
        #expect(result.status != 0 && result.stderr.contains("is an SQLite database"), "\(command): \(result.stderr)")
    }
    #expect(try dq(["datasets", "--db", db]).stdout.contains("r "))
}

@Test func aFullDiskOnStandardOutputIsAnError() throws {
    let db = newStorePath()
    #expect(try dq(["ingest", fixture("csv/ragged-rows.csv"), "--dataset", "r", "--db", db]).status == 0)
    let process = try startDQ(["datasets", "--db", db], standardOutput: FileHandle(forWritingAtPath: "/dev/full")!)
    process.waitUntilExit()
    #expect(process.terminationStatus == 1)
}

@Test func parquetIngestsAsTheCSVOfTheSameTableAndRefusesWhatItCannotRead() throws {
    // The fixture's rows with a text, as pyarrow reads them.
    guard case .object(let files) = try JSONValue.parse(try String(contentsOfFile: fixture("parquet/golden.json"), encoding: .utf8)),
          case .array(let rows)? = files.first(where: { $0.key == "pyarrow-snappy-v1-dict.parquet" })?.value["rows"] else {
        Issue.record("golden.json")
        return
    }
    let expected = rows.filter { $0["text"] != .null }
    for name in ["pyarrow-snappy-v1-dict.parquet", "pyarrow-gzip-v2-plain.parquet", "duckdb-default.parquet", "pandas-default.parquet",
                 "polars-default.parquet"] {
        let db = newStorePath(), out = scratchPath("\(name).csv")
        let result = try dq(["ingest", fixture("parquet/\(name)"), "--dataset", "news", "--db", db])
        #expect(result.status == 0 && result.stdout.contains("parquet"), "\(result.stderr)")
        #expect(result.stderr.contains("\(name):6: rejected: empty text in column 'text'"))
        #expect(try dq(["export", "dataset", "--dataset", "news", "--out", out, "--db", db]).status == 0)
        let reader = try CSVReader(path: out)
        var record = CSVRecord()
        var exported: [[String]] = []
        while try reader.read(into: &record) { exported.append((0..<record.count).map { record.field($0) ?? "" }) }
        #expect(exported.dropFirst().map { [$0[0], $0[2], $0[3]] } == expected.map { [$0["id"]!.scalarText!, $0["text"]!.scalarText!, $0["label"]!.scalarText!] },
                "\(name)")
    }
    // Bad input: nothing is stored, and the message names the file, row group, column and what was found.
    let db = newStorePath()
    let brotli = try dq(["ingest", fixture("parquet/pyarrow-brotli.parquet"), "--dataset", "news", "--db", db])
    #expect(brotli.status != 0 && brotli.stderr.contains("pyarrow-brotli.parquet: row group 0, column 'id': compression BROTLI is not supported"),
            "\(brotli.stderr)")
    let list = try dq(["ingest", fixture("parquet/pyarrow-none-v1-plain.parquet"), "--label", "tags", "--db", db])
    #expect(list.status != 0 && list.stderr.contains("column 'tags' holds lists"), "\(list.stderr)")
    let truncated = scratchPath("cut.parquet")
    try Data(try Data(contentsOf: URL(fileURLWithPath: fixture("parquet/pandas-default.parquet"))).prefix(3000)).write(to: URL(fileURLWithPath: truncated))
    let cut = try dq(["ingest", truncated, "--dataset", "news", "--db", db])
    #expect(cut.status != 0 && cut.stderr.contains("cut.parquet") && cut.stderr.contains("PAR1"), "\(cut.stderr)")
    let datasets = try dq(["datasets", "--db", db, "--format", "json"])
    #expect(try JSONValue.parse(datasets.stdout) == .object([("datasets", .array([]))]))
}

@Test func aDatasetExportedAsParquetIngestsBackAsItWas() throws {
    let db = newStorePath()
    #expect(try dq(["ingest", fixture("csv/sentence-pairs.csv"), "--dataset", "pairs", "--db", db]).status == 0)
    let csv = scratchPath("pairs.csv"), parquet = scratchPath("pairs.parquet"), again = scratchPath("again.csv")
    #expect(try dq(["export", "dataset", "--dataset", "pairs", "--out", csv, "--db", db]).status == 0)
    let exported = try dq(["export", "dataset", "--dataset", "pairs", "--out", parquet, "--db", db])
    #expect(exported.status == 0 && exported.stderr.contains("to \(parquet)"), "\(exported.stderr)")
    #expect(ParquetFile.isParquet(path: parquet))
    #expect(try dq(["ingest", parquet, "--dataset", "back", "--db", db]).status == 0)
    #expect(try dq(["export", "dataset", "--dataset", "back", "--out", again, "--db", db]).status == 0)
    #expect(try String(contentsOfFile: again, encoding: .utf8) == (try String(contentsOfFile: csv, encoding: .utf8)))
}

@Test func aHuggingFaceSaveToDiskFolderIngestsEachSplitWithItsClassLabelNames() throws {
    guard case .object(let splits)? = try JSONValue.parse(try String(contentsOfFile: fixture("arrow/golden.json"), encoding: .utf8))["hf"]?["splits"] else {
        Issue.record("golden.json")
        return
    }
    let db = newStorePath(), out = scratchPath("hf.csv")
    let result = try dq(["ingest", fixture("arrow/hf"), "--db", db])
    #expect(result.status == 0, "\(result.stderr)")
    // Unlabelled test rows (ClassLabel -1) are rejected as missing a label.
    #expect(result.stderr.contains("data-00000-of-00001.arrow:1: rejected: missing label in column 'label'"), "\(result.stderr)")
    #expect(try dq(["export", "dataset", "--dataset", "hf", "--out", out, "--db", db]).status == 0)
    let reader = try CSVReader(path: out)
    var record = CSVRecord()
    var exported: [[String]] = []
    while try reader.read(into: &record) { exported.append((0..<record.count).map { record.field($0) ?? "" }) }
    var expected: [[String]] = []
    for split in ["train", "test"] {
        guard case .array(let rows)? = splits.first(where: { $0.key == split })?.value else { continue }
        expected += rows.compactMap { row in row["label"]?.scalarText.map { [split, row["text"]!.scalarText!, $0] } }
    }
    #expect(exported.dropFirst().map { [$0[1], $0[2], $0[3]] } == expected)
    // A folder that save_to_disk did not write: a clear error, nothing stored.
    let empty = scratchPath("not-a-dataset")
    try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
    let bad = try dq(["ingest", empty, "--db", newStorePath()])
    #expect(bad.status != 0 && bad.stderr.contains("not-a-dataset") && bad.stderr.contains("save_to_disk"), "\(bad.stderr)")
}
