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
    let csv = try dq(["stats", "--dataset", "f", "--db", db, "--format", "csv"]).stdout
    #expect(csv.contains("\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"click\"\")\""))
    #expect(csv.contains("'+1 this is great"))
    #expect(!csv.contains("\n=") && !csv.contains(",=") && !csv.contains(",+1"))
}
