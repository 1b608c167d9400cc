import Foundation
import Testing
import DQTestSupport
@testable import DQText

// Fixtures/arrow: IPC files (plain, Zstandard-compressed buffers, a dictionary-encoded column),
// an IPC stream, Feather v2, and a Hugging Face DatasetDict saved with save_to_disk, written
// by pyarrow and datasets; golden.json holds what pyarrow reads (Fixtures/arrow/make_arrow_fixtures.py).

@Test func arrowFilesAndStreamsReadAsPyarrowReadsThem() throws {
    guard case .object(let files) = try JSONValue.parse(try String(contentsOfFile: fixture("arrow/golden.json"), encoding: .utf8)) else {
        Issue.record("golden.json")
        return
    }
    var compared = 0
    for (name, expected) in files where name != "hf" {
        let file = try ArrowFile(path: fixture("arrow/\(name)"))
        guard case .array(let names)? = expected["columns"], case .array(let rows)? = expected["rows"] else { continue }
        #expect(file.fields.map(\.name) == names.compactMap(\.scalarText), "\(name)")
        var read: [[ParquetValue]] = []
        var batches = 0
        while let columns = try file.nextBatch() {
            batches += 1
            for r in 0..<(columns.first?.count ?? 0) { read.append(columns.map { $0[r] }) }
        }
        #expect(batches == (name == "table.feather" ? 1 : 3) && read.count == rows.count, "\(name)")
        for (r, (got, want)) in zip(read, rows).enumerated() {
            for (c, field) in file.fields.enumerated() where !matches(got[c], want[field.name] ?? .null) {
                Issue.record("\(name) row \(r) column \(field.name): \(got[c]) against \(want[field.name] ?? .null)")
            }
        }
        compared += 1
    }
    #expect(compared == 5)
    #expect(ArrowFile.isArrow(path: fixture("arrow/table.arrow")) && ArrowFile.isArrow(path: fixture("arrow/table.arrows")))
    #expect(!ArrowFile.isArrow(path: fixture("arrow/golden.json")))
}

@Test func stringColumnsReadInPlaceHoldTheValuesThatNextBatchDecodes() throws {
    var compared = 0
    for name in ["table.arrow", "table-zstd.arrow", "table.arrows", "table.feather", "categories.arrow", "edges.arrow",
                 "hf/train/data-00000-of-00001.arrow"] {
        let values = try ArrowFile(path: fixture("arrow/\(name)")), inPlace = try ArrowFile(path: fixture("arrow/\(name)"))
        let all = Set(values.fields.indices)
        while let expected = try values.nextBatch() {
            let got = try #require(try inPlace.nextBatch(inPlace: all))
            for (c, field) in values.fields.enumerated() {
                if case .text = got[c] { #expect(field.readsInPlace) } else { #expect(!field.readsInPlace, "\(name) \(field.name)") }
                #expect(got[c].values == expected[c], "\(name) column \(field.name)")
                compared += got[c].count
            }
        }
        #expect(try inPlace.nextBatch(inPlace: all) == nil)
    }
    #expect(compared > 6 * 600)
}

@Test func huggingFaceArrowCarriesClassLabelNames() throws {
    let file = try ArrowFile(path: fixture("arrow/hf/train/data-00000-of-00001.arrow"))
    #expect(file.classLabels == ["label": ["negative", "positive"]])
    let columns = try #require(try file.nextBatch())
    #expect(columns[1].prefix(2) == [.int(0), .int(1)])
}

@Test func truncatedArrowIsRefusedNamingTheFile() throws {
    let bytes = try Data(contentsOf: URL(fileURLWithPath: fixture("arrow/table.arrows")))
    let cut = scratchPath("cut.arrows")
    try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: cut))
    do {
        let file = try ArrowFile(path: cut)
        while try file.nextBatch() != nil {}
        Issue.record("a truncated stream was read to its end")
    } catch let error as InputError {
        #expect(error.description.contains("cut.arrows") && error.description.contains("truncated"), "\(error)")
    }
}

/// A fuzz finding: a record batch whose columns agree with each other but not with the batch's
/// own row count was read as if nothing were wrong; pyarrow refuses it, and so does dq now.
@Test func aColumnOfAnotherLengthThanItsBatchIsCorrupt() throws {
    let file = try ArrowFile(path: fixture("fuzz/column-longer-than-batch.arrows"))
    do {
        while try file.nextBatch() != nil {}
        Issue.record("a batch whose columns disagree with its row count was read")
    } catch let error as InputError {
        #expect(error.description.contains("column 'text' has 3 values, its record batch 131 rows: corrupt"), "\(error)")
    }
}

/// A fuzz finding: a validity bitmap shorter than its column was read out of range (a trap).
@Test func aValidityBitmapShorterThanItsColumnIsCorrupt() throws {
    let error = try #require(try errorReadingEveryRow(of: "fuzz/short-validity-bitmap.feather"), "a short validity bitmap was read")
    #expect(error.description.contains("validity bitmap too short"), "\(error)")
}

/// A fuzz finding: a dictionary index width of -6,029,312 bits trapped on a negative range.
@Test func anImpossibleIntegerWidthIsACorruptSchema() throws {
    #expect(throws: InputError.self) { _ = try ArrowFile(path: fixture("fuzz/dictionary-index-width.arrow")) }
    do { _ = try ArrowFile(path: fixture("fuzz/dictionary-index-width.arrow")) } catch let error as InputError {
        #expect(error.message == "corrupt schema: column 'label': dictionary indices of -6029312 bits")
    }
}

/// A fuzz finding: a buffer offset and length whose sum overflows trapped in the bounds check.
@Test func aBufferBeyondEveryBoundIsOutsideTheBody() throws {
    let error = try #require(try errorReadingEveryRow(of: "fuzz/buffer-offset-overflow.arrow"), "a buffer outside the body was read")
    #expect(error.description.hasSuffix("record batch 1: a buffer lies outside the body"), "\(error)")
}

/// A fuzz finding by the pyarrow comparison: an IPC file keeps its schema twice, and dq read the
/// first copy where pyarrow reads the footer's. Copies that differ are a corrupt file.
@Test func anArrowFileWhoseFooterSchemaDiffersIsCorrupt() throws {
    do {
        _ = try ArrowFile(path: fixture("fuzz/footer-schema-differs.arrow"))
        Issue.record("a file with two different schemas was read")
    } catch let error as InputError {
        #expect(error.message == "corrupt Arrow IPC file: the schema in its footer differs from the one at its start")
    }
    // Cut off its footer: refused too.
    let bytes = try Data(contentsOf: URL(fileURLWithPath: fixture("arrow/table.arrow")))
    let cut = scratchPath("no-footer.arrow")
    try bytes.dropLast(10).write(to: URL(fileURLWithPath: cut))
    #expect(throws: InputError.self) { _ = try ArrowFile(path: cut) }
}

/// A fuzz finding by the pyarrow comparison: a ClassLabel name that is not UTF-8 became a
/// label holding U+FFFD; schema names and metadata are strict UTF-8 now.
@Test func schemaNamesAndMetadataAreStrictUTF8() throws {
    do {
        _ = try ArrowFile(path: fixture("fuzz/class-label-not-utf8.arrow"))
        Issue.record("metadata that is not UTF-8 was read")
    } catch let error as InputError {
        #expect(error.message == "corrupt schema: a name or metadata value that is not UTF-8")
    }
}
