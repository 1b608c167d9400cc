import Testing
import DQTestSupport
import DQText

private func records(_ text: String, delimiter: Character = ",", chunkSize: Int? = nil) throws -> [[String]] {
    let path = temporaryFile(Array(text.utf8), suffix: ".csv")
    let reader = try CSVReader(path: path, delimiter: delimiter.asciiValue!)
    var record = CSVRecord()
    var out: [[String]] = []
    while try reader.read(into: &record) {
        out.append((0..<record.count).map { record.field($0) ?? "<invalid>" })
    }
    return out
}

@Test func quotedFieldsMayHoldCommasDoubledQuotesAndLineBreaks() throws {
    let path = fixture("csv/quoted-fields-crlf.csv")
    let reader = try CSVReader(path: path)
    var record = CSVRecord()
    var rows: [[String]] = []
    var lines: [Int] = []
    while try reader.read(into: &record) {
        rows.append((0..<record.count).map { record.field($0)! })
        lines.append(record.line)
    }
    #expect(rows.count == 5)
    #expect(rows[1] == ["1", "Great phone, would buy again", "positive", "ann1"])
    #expect(rows[2][1] == "She said \"wow\" and left")
    #expect(rows[3][1] == "First line\r\nsecond line")
    #expect(rows[4] == ["4", "plain text", "negative", "ann2"])
    // The quoted line break makes row 4 start two lines after row 3.
    #expect(lines == [1, 2, 3, 4, 6])
}

@Test func aByteOrderMarkIsSkipped() throws {
    let rows = try records("\u{FEFF}id,text\n1,a\n")
    #expect(rows == [["id", "text"], ["1", "a"]])
}

@Test func loneCarriageReturnsEndRecordsAndBlankLinesAreSkipped() throws {
    #expect(try records("a,b\rc,d\r\n\r\ne,f") == [["a", "b"], ["c", "d"], ["e", "f"]])
}

@Test func emptyFieldsAndTrailingDelimitersAreKept() throws {
    #expect(try records("a,,c,\n,x,\"\",\n") == [["a", "", "c", ""], ["", "x", "", ""]])
}

@Test func textAfterAClosingQuoteIsKeptAsPythonDoes() throws {
    #expect(try records("\"ab\"cd,e\nx\"y,z\n") == [["abcd", "e"], ["x\"y", "z"]])
}

@Test func tabSeparatedValuesUseTheSameQuotingRules() throws {
    #expect(try records("a\t\"b\tc\"\n", delimiter: "\t") == [["a", "b\tc"]])
}

@Test func recordsSpanningChunkBoundariesAreReadWhole() throws {
    // Long quoted fields with CRLF line ends cross the 1 MiB read buffer many times.
    let long = String(repeating: "word, \"quoted\"\r\n", count: 200_000)
    var text = "id,text\r\n"
    for i in 0..<3 { text += "\(i),\"\(long.replacingOccurrences(of: "\"", with: "\"\""))\"\r\n" }
    let rows = try records(text)
    #expect(rows.count == 4)
    #expect(rows[1][1] == long)
    #expect(rows[3][0] == "2")
}

@Test func anUnterminatedQuoteIsFlaggedNotSilentlyAccepted() throws {
    let path = temporaryFile(Array("a,\"open\nb,c\n".utf8), suffix: ".csv")
    let reader = try CSVReader(path: path)
    var record = CSVRecord()
    #expect(try reader.read(into: &record))
    #expect(record.unterminatedQuote)
    #expect(record.line == 1)
}

@Test func invalidUTF8IsReportedPerField() throws {
    let path = temporaryFile([0x61, 0x2C, 0xFF, 0x0A], suffix: ".csv")
    let reader = try CSVReader(path: path)
    var record = CSVRecord()
    #expect(try reader.read(into: &record))
    #expect(record.field(0) == "a")
    #expect(record.field(1) == nil)
}

@Test func rawTextRequotesFieldsThatNeedIt() throws {
    let path = temporaryFile(Array("\"a,b\",\"say \"\"hi\"\"\",c\n".utf8), suffix: ".csv")
    let reader = try CSVReader(path: path)
    var record = CSVRecord()
    _ = try reader.read(into: &record)
    #expect(record.rawText(delimiter: UInt8(ascii: ",")) == "\"a,b\",\"say \"\"hi\"\"\",c")
}

@Test func aMissingFileIsAnErrorNamingIt() {
    #expect(throws: InputError.self) { try CSVReader(path: "/nonexistent/data.csv") }
    do {
        _ = try CSVReader(path: "/nonexistent/data.csv")
    } catch let error as InputError {
        #expect(error.description.hasPrefix("/nonexistent/data.csv: cannot open"))
    } catch {
        Issue.record("unexpected error \(error)")
    }
}

@Test func aLineOfAnEmptyQuotedFieldIsARecordNotABlankLine() throws {
    // Found by the fuzzer: dq skipped the line `""` as blank, Python's csv reads [""].
    let path = temporaryFile(Array("a,b\n\"\"\n\nx,y\n".utf8), suffix: ".csv")
    let reader = try CSVReader(path: path)
    var record = CSVRecord()
    var records: [[String]] = []
    while try reader.read(into: &record) { records.append((0..<record.count).map { record.field($0) ?? "" }) }
    #expect(records == [["a", "b"], [""], ["x", "y"]])
}
