/// Rows of an input file read in one go, the bytes of their fields stored back to back in one
/// buffer.
///
/// This is how `dq ingest` moves rows from its reading thread to SQLite. A `LabelledRow` costs a
/// `String` per field (a heap allocation and a copy, then reference counting wherever the row
/// goes, and a free on the other thread); a batch of thousands of rows costs a few appends to
/// buffers that are reused from batch to batch. Accepted rows hold their fields as UTF-8 bytes
/// that `LabelledRowReader` has already checked; rejected rows keep their `RejectedRow`.
package struct LabelledRowBatch: Sendable {
    /// The parts of an accepted row. `metadata` is the metadata columns as the text of a JSON
    /// object; it is absent when the row has none.
    /// With annotators, each row is one annotation: `label` is the annotator's label,
    /// `annotator` who gave it, `annotationTime` when, and `givenLabel` the file's own label
    /// column (wide format), if any.
    package enum Field: Int, CaseIterable, Sendable {
        case text, textPair, label, externalID, metadata, annotator, annotationTime, givenLabel
    }
    static let fieldCount = Field.allCases.count

    private var bytes: [UInt8] = []
    /// Per row, for each field in `Field` order, its start and end in `bytes`; the start is -1
    /// when the field is absent.
    private var bounds: [Int] = []
    /// Per row, the physical line (1-based) on which it starts.
    package private(set) var lines: [Int] = []
    /// Per row, its index in `rejects`, or -1 for an accepted row.
    private var rejectIndices: [Int] = []
    private var rejects: [RejectedRow] = []

    package init() {}

    package var count: Int { lines.count }
    package var isEmpty: Bool { lines.isEmpty }

    /// Why row `row` was rejected, or nil when it was accepted.
    package func rejected(_ row: Int) -> RejectedRow? {
        let index = rejectIndices[row]
        return index < 0 ? nil : rejects[index]
    }

    /// Empties the batch, keeping its buffers for the next rows.
    package mutating func removeAll() {
        bytes.removeAll(keepingCapacity: true)
        bounds.removeAll(keepingCapacity: true)
        lines.removeAll(keepingCapacity: true)
        rejectIndices.removeAll(keepingCapacity: true)
        rejects.removeAll(keepingCapacity: true)
    }

    /// Appends a row as `LabelledRowReader.next()` returns it; a row with annotations becomes one
    /// row per annotation.
    package mutating func append(_ outcome: RowOutcome) {
        switch outcome {
        case .accepted(let row):
            let metadata = row.metadata.isEmpty ? nil : JSONValue.object(row.metadata).jsonText
            guard !row.annotations.isEmpty else {
                appendAccepted(line: row.line, text: row.text.utf8, textPair: row.textPair?.utf8, label: row.label.utf8,
                               externalID: row.externalID?.utf8, metadata: metadata?.utf8)
                return
            }
            for annotation in row.annotations {
                appendAccepted(line: row.line, text: row.text.utf8, textPair: row.textPair?.utf8, label: annotation.label.utf8,
                               externalID: row.externalID?.utf8, metadata: metadata?.utf8, annotator: annotation.annotator.utf8,
                               annotationTime: annotation.time?.utf8, givenLabel: row.label.isEmpty ? nil : row.label.utf8)
            }
        case .rejected(let reject):
            lines.append(reject.line)
            rejectIndices.append(rejects.count)
            rejects.append(reject)
            bounds.append(contentsOf: repeatElement(-1, count: 2 * Self.fieldCount))
        }
    }

    /// Appends an accepted row whose fields have been checked (valid UTF-8, text not blank,
    /// label trimmed and not empty, an empty id given as nil).
    mutating func appendAccepted<
        Text: Collection<UInt8>, Pair: Collection<UInt8>, Label: Collection<UInt8>, ID: Collection<UInt8>,
        Metadata: Collection<UInt8>
    >(line: Int, text: Text, textPair: Pair?, label: Label, externalID: ID?, metadata: Metadata?) {
        appendAccepted(line: line, text: text, textPair: textPair, label: label, externalID: externalID, metadata: metadata,
                       annotator: nil as [UInt8]?, annotationTime: nil as [UInt8]?, givenLabel: nil as [UInt8]?)
    }

    /// Appends an accepted row, with its annotator when it is one annotation.
    mutating func appendAccepted<
        Text: Collection<UInt8>, Pair: Collection<UInt8>, Label: Collection<UInt8>, ID: Collection<UInt8>,
        Metadata: Collection<UInt8>, Annotator: Collection<UInt8>, Time: Collection<UInt8>, Given: Collection<UInt8>
    >(line: Int, text: Text, textPair: Pair?, label: Label, externalID: ID?, metadata: Metadata?,
      annotator: Annotator?, annotationTime: Time?, givenLabel: Given?) {
        lines.append(line)
        rejectIndices.append(-1)
        appendField(text)
        appendField(textPair)
        appendField(label)
        appendField(externalID)
        appendField(metadata)
        appendField(annotator)
        appendField(annotationTime)
        appendField(givenLabel)
    }

    private mutating func appendField<Bytes: Collection<UInt8>>(_ field: Bytes?) {
        guard let field else {
            bounds.append(-1)
            bounds.append(-1)
            return
        }
        bounds.append(bytes.count)
        bytes.append(contentsOf: field)
        bounds.append(bytes.count)
    }

    /// Calls `body` with a view of the fields' bytes; the view is valid only inside `body`.
    package func withFields<R>(_ body: (Fields) throws -> R) rethrows -> R {
        try bytes.withUnsafeBufferPointer { bytes in
            try bounds.withUnsafeBufferPointer { bounds in try body(Fields(bytes: bytes, bounds: bounds)) }
        }
    }

    /// Field `field` of row `row` as a string, or nil when it is absent (and for rejected rows).
    package func string(_ field: Field, of row: Int) -> String? {
        withFields { fields in fields[field, row].map { String(decoding: $0, as: UTF8.self) } }
    }

    /// The bytes of the batch's fields.
    package struct Fields {
        let bytes: UnsafeBufferPointer<UInt8>
        let bounds: UnsafeBufferPointer<Int>

        /// The UTF-8 bytes of `field` in row `row`, or nil when it is absent.
        package subscript(field: Field, row: Int) -> UnsafeBufferPointer<UInt8>? {
            let at = (row * LabelledRowBatch.fieldCount + field.rawValue) * 2
            let start = bounds[at]
            guard start >= 0 else { return nil }
            return UnsafeBufferPointer(rebasing: bytes[start..<bounds[at + 1]])
        }
    }
}
