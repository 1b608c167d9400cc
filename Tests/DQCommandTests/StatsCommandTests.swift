import Foundation
import Testing
import DQTestSupport
import DQText

@Test func statsListsLabelsLengthsDuplicatesAndConflicts() throws {
    let db = newStorePath()
    #expect(try dq(["ingest", fixture("csv/conflicting-duplicates.csv"), "--dataset", "c", "--db", db]).status == 0)
    let table = try dq(["stats", "--db", db])
    #expect(table.status == 0)
    #expect(table.stdout.contains("Labels of c (6 samples)"))
    #expect(table.stdout.contains("Conflicting duplicates"))
    #expect(table.stdout.contains("1 2 6"))

    let json = try JSONValue.parse(try dq(["stats", "--dataset", "c", "--db", db, "--format", "json"]).stdout)
    #expect(json["labels"] == .array([
        .object([("label", .string("acceptable")), ("count", .number(4)), ("share", .number(4.0 / 6.0))]),
        .object([("label", .string("unacceptable")), ("count", .number(2)), ("share", .number(2.0 / 6.0))]),
    ]))
    guard case .array(let conflicts)? = json["conflicts"] else { Issue.record("no conflicts"); return }
    #expect(conflicts.count == 1)
    #expect(conflicts[0]["labels"] == .string("acceptable unacceptable acceptable"))
}

@Test func anUnknownDatasetIsAnErrorListingTheKnownOnes() throws {
    let db = newStorePath()
    _ = try dq(["ingest", fixture("csv/conflicting-duplicates.csv"), "--dataset", "c", "--db", db])
    let result = try dq(["stats", "--dataset", "nope", "--db", db])
    #expect(result.status != 0)
    #expect(result.stderr.contains("no dataset named 'nope' (known datasets: c)"))
}

@Test func csvExportsNeutraliseFormulasInTexts() throws {
    let db = newStorePath()
    _ = try dq(["ingest", fixture("csv/formula-cells.csv"), "--dataset", "f", "--db", db])
    _ = try dq(["ingest", fixture("csv/formula-cells.csv"), "--dataset", "f", "--split", "dev", "--db", db])
    let csv = try dq(["stats", "--dataset", "f", "--db", db, "--format", "csv", "--table", "duplicates"]).stdout
    #expect(csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""))
    #expect(csv.contains("'+1 this is great"))
    #expect(!csv.contains("\n=") && !csv.contains(",=") && !csv.contains(",+1"))
}

/// Reads a CSV file as pandas.read_csv would: a header, then rows of as many fields.
private func csvRows(_ path: String) throws -> [[String]] {
    let reader = try CSVReader(path: path)
    var record = CSVRecord()
    var rows: [[String]] = []
    while try reader.read(into: &record) { rows.append((0..<record.count).map { record.field($0) ?? "" }) }
    return rows
}

@Test func severalTablesAsCSVAreOneFileEachOrTheFirstOnStandardOutput() throws {
    let db = newStorePath()
    _ = try dq(["ingest", fixture("csv/conflicting-duplicates.csv"), "--dataset", "c", "--db", db])
    // Standard output: one table that a CSV reader takes whole; a note names the others.
    let printed = try dq(["stats", "--db", db, "--format", "csv"])
    #expect(printed.status == 0)
    #expect(printed.stdout.hasPrefix("label,count,share\n") && !printed.stdout.contains("#"))
    #expect(printed.stderr.contains("the others (lengths, duplicates, conflicts): --table NAME, or --out DIR"), "\(printed.stderr)")
    // --out DIR: one file per table, each a header and rows of its width.
    let folder = scratchPath("stats-tables")
    #expect(try dq(["stats", "--db", db, "--format", "csv", "--out", folder]).status == 0)
    let files = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    #expect(files == ["conflicts.csv", "duplicates.csv", "labels.csv", "lengths.csv"])
    for file in files {
        let rows = try csvRows(folder + "/" + file)
        #expect(rows.count >= 2 && rows.allSatisfy { $0.count == rows[0].count }, "\(file)")
    }
    #expect(try csvRows(folder + "/conflicts.csv")[0] == ["text", "rows", "ids", "labels"])
    // An unknown table is named with the ones there are.
    let unknown = try dq(["stats", "--db", db, "--table", "nope"])
    #expect(unknown.status != 0 && unknown.stderr.contains("--table nope: no such table; this command has: labels, lengths, duplicates, conflicts"))
}

@Test func textsThatWouldDriveTheTerminalArePrintedAsSymbols() throws {
    let db = newStorePath()
    let data = scratchPath("escapes.csv")
    try "text,label\n\"\u{1B}]0;pwned\u{07}retitled\",a\n\"\u{1B}]0;pwned\u{07}retitled\",b\n".write(toFile: data, atomically: true, encoding: .utf8)
    #expect(try dq(["ingest", data, "--dataset", "e", "--db", db]).status == 0)
    let stats = try dq(["stats", "--db", db])
    #expect(stats.status == 0 && !stats.stdout.contains("\u{1B}") && stats.stdout.contains("␛]0;pwned␇retitled"), "\(stats.stdout)")
}

@Test func runsAreListedWithTheirStatus() throws {
    let db = newStorePath()
    _ = try dq(["ingest", fixture("csv/conflicting-duplicates.csv"), "--dataset", "c", "--db", db])
    #expect(try dq(["conflicts", "--db", db]).status == 0)
    #expect(try dq(["suspects", "--db", db, "--top", "0"]).status != 0)
    let runs = try dq(["runs", "--db", db, "--format", "json"])
    #expect(runs.status == 0, "\(runs.stderr)")
    let rows = try JSONValue.parse(runs.stdout)["runs"]
    #expect(rows?[0]?["kind"]?.scalarText == "conflicts" && rows?[0]?["status"]?.scalarText == "succeeded")
    #expect(rows?[0]?["dataset"]?.scalarText == "c")
}
