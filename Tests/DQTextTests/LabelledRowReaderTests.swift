import Testing
import DQTestSupport
import DQText

private func readAll(_ path: String, _ request: ColumnRequest = ColumnRequest(), format: InputFormat? = nil) throws
    -> (accepted: [LabelledRow], rejected: [RejectedRow]) {
    let reader = try LabelledRowReader(path: path, format: format, columns: request)
    var accepted: [LabelledRow] = []
    var rejected: [RejectedRow] = []
    while let outcome = try reader.next() {
        switch outcome {
        case .accepted(let row): accepted.append(row)
        case .rejected(let row): rejected.append(row)
        }
    }
    return (accepted, rejected)
}

@Test func columnsAreRecognisedByCommonNames() throws {
    let (rows, rejected) = try readAll(fixture("csv/sentence-pairs.csv"), ColumnRequest(meta: ["genre"]))
    #expect(rejected.isEmpty)
    #expect(rows.map(\.externalID) == ["p1", "p2", "p3"])
    #expect(rows[1].text == "A man is playing a guitar.")
    #expect(rows[1].textPair == "Nobody is playing.")
    #expect(rows[1].label == "contradiction")
    #expect(rows[2].metadata.map(\.key) == ["genre"])
    #expect(rows[2].metadata.first?.value == .string("fiction"))
}

@Test func namedColumnsOverrideRecognitionAndTSVIsReadByExtension() throws {
    let request = ColumnRequest(text: "body", label: "stars", id: "review_id")
    let (rows, _) = try readAll(fixture("csv/custom-columns.tsv"), request)
    #expect(rows.map(\.label) == ["5", "1"])
    #expect(rows.map(\.text) == ["loved it", "hated it"])
}

@Test func anUnrecognisedTextColumnIsAnErrorListingTheColumns() {
    do {
        _ = try LabelledRowReader(path: fixture("csv/custom-columns.tsv"), columns: ColumnRequest())
        Issue.record("expected an error")
    } catch let error as InputError {
        #expect(error.description.contains("cannot tell which column holds the text"))
        #expect(error.description.contains("the file has columns: review_id, body, stars"))
        #expect(error.description.contains("--text COLUMN"))
    } catch {
        Issue.record("unexpected \(error)")
    }
}

@Test func aNamedColumnThatDoesNotExistIsAnError() {
    #expect(throws: InputError.self) {
        try LabelledRowReader(path: fixture("csv/custom-columns.tsv"), columns: ColumnRequest(text: "review", label: "stars"))
    }
}

@Test func raggedRowsAreRejectedWithTheirLines() throws {
    let (rows, rejected) = try readAll(fixture("csv/ragged-rows.csv"))
    #expect(rows.map(\.externalID) == ["1", "4"])
    #expect(rows.map(\.line) == [2, 6])
    #expect(rejected == [
        RejectedRow(line: 3, reason: "expected 3 fields, found 2", raw: "2,only two"),
        RejectedRow(line: 4, reason: "expected 3 fields, found 4", raw: "3,four,fields,b"),
    ])
}

@Test func invalidUTF8EmptyTextsAndMissingLabelsAreRejected() throws {
    let (good, bad) = try readAll(fixture("csv/invalid-utf8.csv"))
    #expect(good.map(\.externalID) == ["1", "3"])
    #expect(bad.map(\.reason) == ["invalid UTF-8 in column 'text'"])
    #expect(bad.first?.raw == "2,bad \u{FFFD}\u{FFFD} bytes,b")

    let (kept, rejected) = try readAll(fixture("csv/empty-text-and-label.csv"))
    #expect(kept.map(\.externalID) == ["1", "5"])
    #expect(rejected.map(\.reason) == [
        "empty text in column 'text'", "empty text in column 'text'", "missing label in column 'label'",
    ])
}

@Test func anUnterminatedQuoteRejectsTheRestOfTheFile() throws {
    let (rows, rejected) = try readAll(fixture("csv/unterminated-quote.csv"))
    #expect(rows.map(\.externalID) == ["1"])
    #expect(rejected.count == 1)
    #expect(rejected[0].line == 3)
    #expect(rejected[0].reason.contains("never closed"))
}

@Test func jsonLinesRejectsBadLinesWithLineAndColumn() throws {
    let (rows, rejected) = try readAll(fixture("jsonl/broken-lines.jsonl"), ColumnRequest(allMeta: true))
    #expect(rows.map(\.externalID) == ["a1", "a3", "a5"])
    #expect(rows[1].label == "3")
    #expect(rows[1].metadata.first?.value == .object([("name", .string("ann3"))]))
    #expect(rejected.map(\.line) == [2, 3, 6])
    #expect(rejected[0].reason == "invalid JSON at column 67: expected ',' or '}', found end of input")
    #expect(rejected[1].reason == "expected a JSON object, found an array")
    #expect(rejected[2].reason == "missing field 'label'")
}

@Test func anUnknownExtensionAsksForTheFormat() {
    let path = temporaryFile(Array("text,label\na,b\n".utf8), suffix: ".txt")
    #expect(throws: InputError.self) { try LabelledRowReader(path: path, columns: ColumnRequest()) }
    #expect((try? readAll(path, format: .csv))?.accepted.count == 1)
}

@Test func duplicateHeaderNamesAreAnError() {
    let path = temporaryFile(Array("text,label,text\na,b,c\n".utf8), suffix: ".csv")
    #expect(throws: InputError.self) { try LabelledRowReader(path: path, columns: ColumnRequest()) }
}

@Test func labelsAreTrimmedButTextsAreKeptAsTheyAre() throws {
    let path = temporaryFile(Array("text,label\n\"  spaced text \", pos \n".utf8), suffix: ".csv")
    let (rows, _) = try readAll(path)
    #expect(rows.first?.text == "  spaced text ")
    #expect(rows.first?.label == "pos")
}
