import DQText
import Foundation

/// The reading side of an annotated ingest: on a second thread, reads a file's rows (one
/// annotation each, see `LabelledRowBatch.Field`), groups them into items, numbers new items
/// with the sample ids they will get, checks that no annotator gives an item two labels, and
/// hands the caller compact records to store. Names seen for the first time travel with the
/// chunk that first uses them, so the caller registers them before storing its records.
///
/// Until `stop()` returns, the state below belongs to the reading thread; after it, to the caller.
final class AnnotationGrouping: @unchecked Sendable {
    enum Source {
        case reader(LabelledRowReader)
        case rows([LabelledRow])
    }

    /// Samples already in the dataset's split.
    struct StoredItems {
        var byID: [String: Int64] = [:]
        var byText: [String: Int64] = [:]
        var texts: [Int64: (text: String, pair: String?)] = [:]
        /// The id the first new sample will get.
        var firstNewID: Int64 = 1
    }

    struct Record {
        var sampleID: Int64
        var annotator: Int32
        var label: Int32
        var line: Int32
        var time: String?
        /// The annotation's own metadata (`annotationMeta`), a JSON object.
        var metadata: String?
    }

    struct Chunk {
        var records: [Record] = []
        var newAnnotators: [String] = []
        var newLabels: [String] = []
        var rejects: [RejectedRow] = []
        /// Rows read so far, and the file's bytes.
        var rowsRead = 0
        var bytesRead = 0
    }

    /// A new item: it becomes sample `firstNewID + its position in pending`.
    struct PendingItem {
        var item: Int
        var line: Int
        var externalID: String?
        var text: String
        var textPair: String?
        var givenLabel: String
        var metadata: String?
    }

    // The grouping's state.
    private(set) var pending: [PendingItem] = []
    /// Per item (new or stored) of this file: its annotations (annotator, label, line).
    private(set) var itemAnnotations: [[(annotator: Int32, label: Int32, line: Int32)]] = []
    private var itemSample: [Int64] = []
    private var itemOfID: [String: Int] = [:], itemOfText: [String: Int] = [:]
    private var annotatorIndex: [String: Int32] = [:], labelIndex: [String: Int32] = [:]
    private var labelNames: [String] = []
    private(set) var duplicatesInFile = 0
    /// The first metadata column whose value differs between two rows of one sample (a sample
    /// keeps its first row's): the column, the sample, and the two lines.
    private(set) var varyingMetadata: IngestSummary.VaryingMetadata?
    /// Annotator attributes (`IngestOptions.annotatorMeta`) by annotator, from their first row;
    /// the first that differs on a later row (`sample` names the annotator there).
    private(set) var attributes: [String: [(key: String, value: JSONValue)]] = [:]
    private(set) var varyingAttribute: IngestSummary.VaryingMetadata?
    private var attributeLines: [String: Int] = [:]
    private let annotatorMeta: Set<String>
    private let annotationMeta: Set<String>
    private var emptyAnnotatorRows = 0
    private var rowsRead = 0
    private(set) var describedColumns: JSONValue
    private var columns: ResolvedColumns?

    let file: String
    let format: InputFormat
    let fileSize: Int?
    private let stored: StoredItems
    private let strict: Bool

    /// The hand-over between the threads.
    private let handOff: ThreadHandOff<Chunk>

    init(source: Source, stored: StoredItems, file: String, format: InputFormat, strict: Bool, annotatorMeta: [String] = [], annotationMeta: [String] = [],
         batchSize: Int = 4096, capacity: Int = 4) {
        self.annotatorMeta = Set(annotatorMeta)
        self.annotationMeta = Set(annotationMeta)
        self.stored = stored
        self.file = file
        self.format = format
        self.strict = strict
        describedColumns = .object([("label_studio", .string("choices"))])
        if case .reader(let reader) = source { fileSize = reader.fileSize } else { fileSize = nil }
        handOff = ThreadHandOff(capacity: capacity)
        nonisolated(unsafe) let source = source
        handOff.start { [self] in
            var batch = LabelledRowBatch()
            switch source {
            case .reader(let reader):
                while try reader.read(into: &batch, limit: batchSize) {
                    if columns == nil, let resolved = reader.columns {
                        columns = resolved
                        describedColumns = Store.describe(resolved)
                    }
                    guard try handOff.put(group(batch, bytesRead: reader.bytesConsumed)) else { return }
                }
            case .rows(let rows):
                for start in stride(from: 0, to: rows.count, by: batchSize) {
                    batch.removeAll()
                    for row in rows[start..<min(start + batchSize, rows.count)] {
                        if row.annotations.isEmpty {
                            batch.append(.rejected(RejectedRow(line: row.line, reason: "\(format == .doccano ? "document" : "task") \(row.externalID ?? "?") has no label", raw: row.text)))
                        } else {
                            batch.append(.accepted(row))
                        }
                    }
                    guard try handOff.put(group(batch, bytesRead: 0)) else { return }
                }
            }
        }
    }

    /// The 1-based column holding an annotator's label, for messages.
    func column(of annotator: String) -> Int? {
        guard let columns else { return nil }
        if columns.annotator != nil { return columns.label + 1 }
        return zip(columns.annotatorNames, columns.annotators).first { $0.0 == annotator }.map { $0.1 + 1 }
    }

    /// After `stop()`: a file whose annotator column is empty on every row, or that names an
    /// annotator column with nothing in it, is an error.
    func checkEveryAnnotatorColumnUsed() throws {
        guard let columns else { return }
        if emptyAnnotatorRows > 0 && emptyAnnotatorRows == rowsRead, let column = columns.annotator {
            throw InputError(file: file, column: column + 1,
                             message: "the annotator column '\(columns.columns[column])' is empty on every row; nothing was stored")
        }
        for (k, column) in columns.annotators.enumerated() where annotatorIndex[columns.annotatorNames[k]] == nil {
            throw InputError(file: file, column: column + 1,
                             message: "the annotator column '\(columns.columns[column])' is empty on every row (nothing was stored)", remedy: .nameColumn(.annotator))
        }
    }

    // MARK: Reading thread

    private func group(_ batch: LabelledRowBatch, bytesRead: Int) throws -> Chunk {
        var chunk = Chunk()
        chunk.records.reserveCapacity(batch.count)
        try batch.withFields { fields in
            func string(_ field: LabelledRowBatch.Field, _ row: Int) -> String? {
                fields[field, row].map { String(decoding: $0, as: UTF8.self) }
            }
            var lastLine = -1
            for row in 0..<batch.count {
                let line = batch.lines[row]
                if line != lastLine { rowsRead += 1; lastLine = line }  // a wide row is one row, several annotations
                if let reject = batch.rejected(row) {
                    if reject.reason.hasPrefix("no annotator in column") { emptyAnnotatorRows += 1 }
                    if strict { throw IngestError.strictReject(file: file, row: reject) }
                    chunk.rejects.append(reject)
                    continue
                }
                guard let annotatorName = string(.annotator, row), let labelName = string(.label, row) else { continue }
                // Annotator attributes leave the sample's metadata and stay with the annotator;
                // an annotation's own metadata stays with the annotation.
                var metadataText = string(.metadata, row)
                /// Takes the members named in `keys` out of the row's metadata (nil: none to take from).
                func take(_ keys: Set<String>) -> [(key: String, value: JSONValue)]? {
                    guard !keys.isEmpty, let text = metadataText, case .object(let members)? = try? JSONValue.parse(text) else { return nil }
                    let rest = members.filter { !keys.contains($0.key) }
                    metadataText = rest.isEmpty ? nil : JSONValue.object(rest).jsonText
                    return members.filter { keys.contains($0.key) }
                }
                let annotationText = take(annotationMeta).flatMap { $0.isEmpty ? nil : JSONValue.object($0).jsonText }
                if let mine = take(annotatorMeta) {
                    if let known = attributes[annotatorName] {
                        if varyingAttribute == nil, let differs = mine.first(where: { m in known.first { $0.key == m.key }?.value != m.value }) {
                            varyingAttribute = .init(column: differs.key, sample: annotatorName, line: line, firstLine: attributeLines[annotatorName] ?? line)
                        }
                    } else {
                        (attributes[annotatorName], attributeLines[annotatorName]) = (mine, line)
                    }
                }
                let externalID = string(.externalID, row)
                let text = fields[.text, row]!, pair = fields[.textPair, row]
                var textKey = ""
                if externalID == nil {
                    textKey = String(decoding: text, as: UTF8.self) + "\u{0}" + (pair.map { String(decoding: $0, as: UTF8.self) } ?? "")
                }
                var found = externalID.map { itemOfID[$0] } ?? itemOfText[textKey]
                if found == nil {
                    let textString = String(decoding: text, as: UTF8.self), pairString = pair.map { String(decoding: $0, as: UTF8.self) }
                    let known = externalID.map { stored.byID[$0] } ?? stored.byText[textKey]
                    if let known, let texts = stored.texts[known], texts.text != textString || texts.pair != pairString {
                        throw InputError(file: file, line: line,
                                         message: "id '\(externalID ?? "")' is stored with a different text; rows with the same id are one sample and must agree on its text")
                    }
                    found = itemAnnotations.count
                    if let externalID { itemOfID[externalID] = found } else { itemOfText[textKey] = found }
                    itemAnnotations.append([])
                    if let known {
                        itemSample.append(known)
                    } else {
                        itemSample.append(stored.firstNewID + Int64(pending.count))
                        pending.append(PendingItem(
                            item: found!, line: line, externalID: externalID, text: textString, textPair: pairString,
                            givenLabel: string(.givenLabel, row) ?? "", metadata: metadataText))
                    }
                } else if itemSample[found!] >= stored.firstNewID {
                    let first = pending[Int(itemSample[found!] - stored.firstNewID)]
                    let samePair = first.textPair.map { given in pair.map { given.utf8.elementsEqual($0) } ?? false } ?? (pair == nil)
                    if let externalID, !first.text.utf8.elementsEqual(text) || !samePair {
                        throw InputError(file: file, line: line, message: "id '\(externalID)' was given a different text on line \(first.line); "
                                             + "rows with the same id are annotations of one sample and must agree on its text")
                    }
                    if varyingMetadata == nil, let metadata = metadataText, metadata != first.metadata,
                       case .object(let now)? = try? JSONValue.parse(metadata), case .object(let then)? = first.metadata.flatMap({ try? JSONValue.parse($0) }),
                       let key = now.first(where: { member in then.first { $0.key == member.key }?.value != member.value })?.key {
                        varyingMetadata = .init(column: key, sample: externalID ?? String(first.text.prefix(40)), line: line, firstLine: first.line)
                    }
                }
                let item = found!
                let annotator: Int32
                if let known = annotatorIndex[annotatorName] { annotator = known } else {
                    annotator = Int32(annotatorIndex.count)
                    annotatorIndex[annotatorName] = annotator
                    chunk.newAnnotators.append(annotatorName)
                }
                let label: Int32
                if let known = labelIndex[labelName] { label = known } else {
                    label = Int32(labelNames.count)
                    labelIndex[labelName] = label
                    labelNames.append(labelName)
                    chunk.newLabels.append(labelName)
                }
                if let earlier = itemAnnotations[item].first(where: { $0.annotator == annotator }) {
                    if earlier.label == label { duplicatesInFile += 1; continue }
                    throw InputError(
                        file: file, line: line, column: column(of: annotatorName),
                        message: "annotator '\(annotatorName)' gives \(externalID.map { "item '\($0)'" } ?? "this text") a second label: "
                            + "'\(labelName)' here and '\(labelNames[Int(earlier.label)])' on line \(earlier.line); "
                            + "single-label data has one label per annotator and item")
                }
                itemAnnotations[item].append((annotator, label, Int32(line)))
                chunk.records.append(Record(sampleID: itemSample[item], annotator: annotator, label: label, line: Int32(line),
                                            time: string(.annotationTime, row), metadata: annotationText))
            }
        }
        chunk.rowsRead = rowsRead
        chunk.bytesRead = bytesRead
        return chunk
    }

    // MARK: Caller

    /// The next chunk in file order, nil at the end; an error of the reading thread is thrown here.
    func next() throws -> Chunk? { try handOff.next() }

    /// Stops the reading thread and waits for it; safe to call more than once.
    func stop() { handOff.stop() }
}
