import Foundation
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
        #expect(error.remedy == .nameColumn(.text))
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

/// The rows of `path` as `next()` returns them and as batches of `limit` rows hold them, side by
/// side: batches decide most delimited rows on their bytes, and must agree with `next()`.
private func expectBatchesMatchNext(_ path: String, _ request: ColumnRequest = ColumnRequest(), limit: Int) throws {
    let reference = try LabelledRowReader(path: path, columns: request)
    var expected: [RowOutcome] = []
    while let outcome = try reference.next() { expected.append(outcome) }

    let reader = try LabelledRowReader(path: path, columns: request)
    var batch = LabelledRowBatch()
    var index = 0
    while try reader.read(into: &batch, limit: limit) {
        #expect(batch.count <= limit)
        for row in 0..<batch.count {
            guard index < expected.count else {
                Issue.record("\(path): batches hold more rows than next() returned")
                return
            }
            defer { index += 1 }
            switch expected[index] {
            case .rejected(let reject):
                #expect(batch.rejected(row) == reject, "\(path) row \(index)")
            case .accepted(let want):
                #expect(batch.rejected(row) == nil, "\(path) row \(index)")
                #expect(batch.lines[row] == want.line)
                #expect(batch.string(.text, of: row) == want.text)
                #expect(batch.string(.textPair, of: row) == want.textPair)
                #expect(batch.string(.label, of: row) == want.label)
                #expect(batch.string(.externalID, of: row) == want.externalID)
                #expect(batch.string(.metadata, of: row) == (want.metadata.isEmpty ? nil : JSONValue.object(want.metadata).jsonText))
            }
        }
    }
    #expect(index == expected.count, "\(path): batches hold \(index) rows, next() returned \(expected.count)")
}

@Test func batchesHoldTheRowsThatNextReturnsForEveryFixture() throws {
    for name in ["byte-order-mark.csv", "conflicting-duplicates.csv", "empty-text-and-label.csv", "formula-cells.csv",
                 "invalid-utf8.csv", "markup-in-text.csv", "quoted-fields-crlf.csv", "ragged-rows.csv",
                 "sql-looking-names.csv", "unterminated-quote.csv"] {
        try expectBatchesMatchNext(fixture("csv/" + name), limit: 2)
    }
    try expectBatchesMatchNext(fixture("csv/sentence-pairs.csv"), ColumnRequest(meta: ["genre"]), limit: 2)
    try expectBatchesMatchNext(fixture("csv/custom-columns.tsv"), ColumnRequest(text: "body", label: "stars", id: "review_id"), limit: 1)
    try expectBatchesMatchNext(fixture("jsonl/broken-lines.jsonl"), ColumnRequest(allMeta: true), limit: 2)
    try expectBatchesMatchNext(fixture("demo/trec/train.csv"), limit: 4096)
}

@Test func batchesAgreeWithNextOnRowsAtTheEdgesOfTheirByteChecks() throws {
    // Field values on both sides of each check that batches make on bytes: whitespace that is
    // not ASCII (no-break space, ideographic space), labels that need trimming or start with a
    // non-ASCII letter, control characters, empty ids, invalid UTF-8 in every column.
    let values: [[UInt8]] = [
        Array("plain".utf8), Array(" lead".utf8), Array("trail ".utf8), Array("\u{00A0}".utf8),
        Array("\u{3000}\u{00A0}".utf8), Array("\u{00A0}x".utf8), Array("é".utf8), Array("naïve café".utf8),
        Array("\t\n".utf8), Array("\u{0B}x\u{0C}".utf8), [], Array("\u{01}".utf8), Array("x\u{7F}".utf8),
        [0xC3], [0x61, 0xFF, 0x62], Array("with, comma and \"quotes\"".utf8),
    ]
    var state: UInt64 = 11  // xorshift64: every combination of values in a few thousand rows
    func pick() -> [UInt8] {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return values[Int(state % UInt64(values.count))]
    }
    func quoted(_ field: [UInt8]) -> [UInt8] {
        [0x22] + field.flatMap { $0 == 0x22 ? [0x22, 0x22] : [$0] } + [0x22]
    }
    var bytes = Array("id,text,pair,label,note\n".utf8)
    for row in 0..<3000 {
        // Every other row quotes all its fields, which the reader unquotes before any check.
        let fields = (0..<5).map { _ in pick() }.map { row % 2 == 0 || $0.contains(where: { [0x0A, 0x22, 0x2C].contains($0) }) ? quoted($0) : $0 }
        bytes += Array(fields.joined(separator: [UInt8(ascii: ",")])) + [0x0A]
    }
    let path = temporaryFile(bytes, suffix: ".csv")
    try expectBatchesMatchNext(path, ColumnRequest(text: "text", textPair: "pair", label: "label", id: "id", meta: ["note"]), limit: 97)
    try expectBatchesMatchNext(path, ColumnRequest(text: "text", label: "label"), limit: 4096)
}

/// A columnar file of edge values (columns id, text, pair, label, note, split) read in place, in
/// batches of `limit` rows and as only its train split, against `next()`.
private func expectEdgeRowsMatchNext(_ path: String, limit: Int, unsplit: Bool) throws {
    let request = ColumnRequest(text: "text", textPair: "pair", label: "label", id: "id", meta: ["note"])
    #expect(try LabelledRowReader(path: path, columns: request).readsColumnsInPlace)
    try expectBatchesMatchNext(path, request, limit: limit)
    var onlyTrain = request
    (onlyTrain.split, onlyTrain.splitFilter) = ("split", .only("train", unsplit: unsplit))
    try expectBatchesMatchNext(path, onlyTrain, limit: 4096)
}

@Test func parquetBatchesReadInPlaceHoldTheRowsThatNextReturns() throws {
    // The values of the CSV test above that are text, and nulls; a split column too, with
    // values a split may and may not have.
    let values: [String?] = [
        "plain", " lead", "trail ", "\u{00A0}", "\u{3000}\u{00A0}", "\u{00A0}x", "é", "naïve café", "\t\n", "\u{0B}x\u{0C}", "",
        "\u{01}", "x\u{7F}", "with, comma", nil,
    ]
    let splits: [String?] = ["train", "test", " train", "", nil, "a,b", "dév"]
    var state: UInt64 = 7
    func pick<T>(_ from: [T]) -> T {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return from[Int(state % UInt64(from.count))]
    }
    let rows = (0..<3000).map { _ in [pick(values), pick(values), pick(values), pick(values), pick(values), pick(splits)] }
    var writer = ParquetWriter(columns: ["id", "text", "pair", "label", "note", "split"])
    (writer.rowGroupSize, writer.pageSize) = (1_000, 2_048)
    let path = scratchPath("edges.parquet")
    try Data(writer.bytes(rows)).write(to: URL(fileURLWithPath: path))
    try expectEdgeRowsMatchNext(path, limit: 97, unsplit: false)
    // The row count the file states (ingest sizes its tables by it); a CSV states none.
    #expect(try LabelledRowReader(path: path, columns: ColumnRequest()).statedRowCount == 3000)
    #expect(try LabelledRowReader(path: fixture("csv/quoted-fields-crlf.csv"), columns: ColumnRequest()).statedRowCount == nil)
    // Bytes that are not UTF-8, and every fixture with a text and a label column.
    try expectBatchesMatchNext(fixture("columnar-types/binary-text.parquet"), limit: 2)
    for name in ["pandas-default", "polars-default", "duckdb-default", "pyarrow-snappy-v2-dict", "pyarrow-none-v1-plain"] {
        let fixturePath = fixture("parquet/\(name).parquet")
        #expect(try LabelledRowReader(path: fixturePath, columns: ColumnRequest()).readsColumnsInPlace, "\(name)")
        try expectBatchesMatchNext(fixturePath, ColumnRequest(meta: ["count", "score", "flag", "tags"]), limit: 7)
    }
    // A label column of integers is read as values, by the row path.
    #expect(try !LabelledRowReader(path: fixture("parquet/pandas-default.parquet"), columns: ColumnRequest(label: "count")).readsColumnsInPlace)
}

@Test func arrowBatchesReadInPlaceHoldTheRowsThatNextReturns() throws {
    // The Parquet test's values and splits, and two texts that are not UTF-8
    // (Fixtures/arrow/make_edge_rows.py); strings and large strings.
    try expectEdgeRowsMatchNext(fixture("arrow/edges.arrow"), limit: 41, unsplit: true)
    for name in ["table.arrow", "table-zstd.arrow", "table.arrows", "table.feather"] {
        #expect(try LabelledRowReader(path: fixture("arrow/\(name)"), columns: ColumnRequest()).readsColumnsInPlace, "\(name)")
        try expectBatchesMatchNext(fixture("arrow/\(name)"), ColumnRequest(meta: ["stars", "score", "ok", "tags"]), limit: 5)
    }
    // A dictionary-encoded label, and a ClassLabel's integers, are read as values.
    #expect(try !LabelledRowReader(path: fixture("arrow/categories.arrow"), columns: ColumnRequest()).readsColumnsInPlace)
    #expect(try !LabelledRowReader(path: fixture("arrow/hf/train/data-00000-of-00001.arrow"), columns: ColumnRequest()).readsColumnsInPlace)
}

@Test func labelsWithInvisibleCharactersAreRejectedInBothPaths() throws {
    let path = temporaryFile(Array("text,label\none,B\ntwo,B\u{0}\nthree,B\u{200B}\nfour,\u{FEFF}B\nfive,é\n".utf8), suffix: ".csv")
    let reader = try LabelledRowReader(path: path, columns: ColumnRequest())
    var outcomes: [RowOutcome] = []
    while let outcome = try reader.next() { outcomes.append(outcome) }
    let accepted = outcomes.compactMap { if case .accepted(let row) = $0 { row.label } else { nil } }
    #expect(accepted == ["B", "é"])
    let reasons = outcomes.compactMap { if case .rejected(let row) = $0 { row.reason } else { nil } }
    #expect(reasons == ["U+0000", "U+200B", "U+FEFF"].map { "invisible character \($0) in the label in column 'label'; labels must be visible text" })
    // The byte path gives the same rows.
    let batches = try LabelledRowReader(path: path, columns: ColumnRequest())
    var batch = LabelledRowBatch(), lines: [Int] = []
    while try batches.read(into: &batch, limit: 2) { lines += (0..<batch.count).filter { batch.rejected($0) == nil }.map { batch.lines[$0] } }
    #expect(lines == [2, 6])
}

@Test func aWideHeaderIsReadAndItsRepeatedNamesFound() throws {
    let names = (0..<20_000).map { "c\($0)" }
    let path = temporaryFile(Array(("text,label," + names.joined(separator: ",") + ",c3\n").utf8), suffix: ".csv")
    #expect(throws: InputError.self) { try LabelledRowReader(path: path, columns: ColumnRequest()) }
    do {
        _ = try LabelledRowReader(path: path, columns: ColumnRequest())
    } catch let error as InputError {
        #expect(error.message == "column 'c3' appears twice in the header (columns 6 and 20003)")
    }
}

/// With annotators, the byte path (`read(into:)`) gives one batch row per annotation, the same
/// annotations `next()` returns, for long and wide files with plain, padded and empty cells,
/// and annotator names that cannot be names (a comma, a zero-width space, a bidi override).
@Test func annotatedRowsReadByBatchEqualTheRowPath() throws {
    let wide = temporaryFile(Array("""
        id,text,gold,r1,r2,r3
        1,first text,A,A,,B
        2,second text,B, B ,B,
        3,third text,A,,,
        4,fourth text,A,A\u{200B},A,A
        5,fifth text,C,C,C,C

        """.utf8), suffix: ".csv")
    let long = temporaryFile(Array("""
        id,text,who,label
        1,first text,ann1,A
        1,first text, ann2 ,B
        2,second text,,A
        3,third text,ann1,C
        4,fourth text,"a,b",C
        5,fifth text,an\u{200B}n,C
        6,sixth text,ann\u{202E}3,C
        7,seventh text,ann2,C

        """.utf8), suffix: ".csv")
    for (path, request) in [(wide, ColumnRequest(label: "gold", annotators: ["r1", "r2", "r3"])), (wide, ColumnRequest(annotatorPrefix: "r")),
                            (long, ColumnRequest(annotator: "who"))] {
        var expected: [(line: Int, annotator: String, label: String, given: String?)] = []
        var rejectedLines: [Int] = []
        let reference = try LabelledRowReader(path: path, columns: request)
        while let outcome = try reference.next() {
            switch outcome {
            case .accepted(let row):
                for a in row.annotations { expected.append((row.line, a.annotator, a.label, row.label.isEmpty ? nil : row.label)) }
            case .rejected(let reject): rejectedLines.append(reject.line)
            }
        }
        var got: [(line: Int, annotator: String, label: String, given: String?)] = []
        var gotRejected: [Int] = []
        let reader = try LabelledRowReader(path: path, columns: request)
        var batch = LabelledRowBatch()
        while try reader.read(into: &batch, limit: 2) {
            for row in 0..<batch.count {
                if let reject = batch.rejected(row) { gotRejected.append(reject.line); continue }
                got.append((batch.lines[row], batch.string(.annotator, of: row)!, batch.string(.label, of: row)!, batch.string(.givenLabel, of: row)))
            }
        }
        #expect(got.map { "\($0.line) \($0.annotator) \($0.label) \($0.given ?? "-")" } == expected.map { "\($0.line) \($0.annotator) \($0.label) \($0.given ?? "-")" }, "\(path)")
        #expect(gotRejected == rejectedLines)
        #expect(!expected.isEmpty && !rejectedLines.isEmpty)
        if path == long { #expect(rejectedLines == [4, 6, 7, 8]) }
    }
}
