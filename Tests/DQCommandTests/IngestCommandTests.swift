import Foundation
import Testing
import DQTestSupport
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
    let rows = try JSONValue.parse(json.stdout)
    #expect(rows == .array([.object([
        ("file", .string(fixture("csv/ragged-rows.csv"))), ("dataset", .string("r")), ("split", .string("train")),
        ("format", .string("csv")), ("read", .number(4)), ("new", .number(0)), ("duplicate", .number(2)),
        ("rejected", .number(2)), ("seconds", rows[0]?["seconds"] ?? .null),
    ])]))
}

@Test func aWrongColumnFailsNamingTheFileAndItsColumnsAndStoresNothing() throws {
    let db = newStorePath()
    let result = try dq(["ingest", fixture("csv/custom-columns.tsv"), "--text", "review", "--label", "stars", "--db", db])
    #expect(result.status != 0)
    #expect(result.stderr.contains("custom-columns.tsv: no column named 'review' (--text); the file has columns: review_id, body, stars"))
    let datasets = try dq(["datasets", "--db", db, "--format", "json"])
    #expect(try JSONValue.parse(datasets.stdout) == .array([]))
}

@Test func strictModeFailsAtTheFirstBadRow() throws {
    let db = newStorePath()
    let result = try dq(["ingest", fixture("csv/ragged-rows.csv"), "--strict", "--db", db])
    #expect(result.status != 0)
    #expect(result.stderr.contains("ragged-rows.csv:3: expected 3 fields, found 2 (--strict: nothing from this file was stored)"))
}

@Test func theStoreComesFromDQ_DBWhenNoOptionIsGiven() throws {
    let db = newStorePath()
    #expect(try dq(["ingest", fixture("csv/byte-order-mark.csv")], environment: ["DQ_DB": db]).status == 0)
    let listed = try dq(["datasets", "--format", "csv", "--db", db])
    #expect(listed.stdout.hasPrefix("dataset,rows,splits,labels,last ingest\nbyte-order-mark,2,train 2,\"2: a, b\","))
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
    #expect(written[0]?["new"] == .number(2))
}
