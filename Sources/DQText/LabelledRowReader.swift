import Foundation

/// The input formats `dq ingest` reads.
package enum InputFormat: String, CaseIterable, Sendable {
    case csv, tsv, jsonl, parquet, arrow
    /// A Label Studio JSON export: tasks with several annotators' choices.
    case labelStudio = "label-studio"
    /// A doccano text-classification export: one JSON Lines file per annotator.
    case doccano

    /// The format implied by a file's extension, or nil.
    package init?(path: String) {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: ".") else { return nil }
        switch name[name.index(after: dot)...].lowercased() {
        case "csv": self = .csv
        case "tsv", "tab": self = .tsv
        case "jsonl", "ndjson": self = .jsonl
        case "parquet", "pq": self = .parquet
        case "arrow", "arrows", "feather", "ipc": self = .arrow
        default: return nil
        }
    }
}

/// One accepted row of an input file.
package struct LabelledRow: Sendable {
    /// The physical line (1-based) on which the row starts.
    package var line: Int
    package var text: String
    package var textPair: String?
    package var label: String
    package var externalID: String?
    /// Metadata columns in file order.
    package var metadata: [(key: String, value: JSONValue)]
    /// With annotator columns: who gave which label (long format: one; wide format: one per
    /// annotator who labelled the row). `label` is then empty unless the file has a label column
    /// of its own.
    package var annotations: [RowAnnotation] = []
}

/// One annotator's label for a row, with when it was given (as written) if the file says.
package struct RowAnnotation: Sendable, Equatable {
    package var annotator: String
    package var label: String
    package var time: String?

    package init(annotator: String, label: String, time: String? = nil) {
        self.annotator = annotator
        self.label = label
        self.time = time
    }
}

/// A row that could not be used, with why and its content as read.
package struct RejectedRow: Sendable, Equatable {
    package var line: Int
    package var reason: String
    package var raw: String

    package init(line: Int, reason: String, raw: String) {
        self.line = line
        self.reason = reason
        self.raw = raw
    }
}

package enum RowOutcome: Sendable {
    case accepted(LabelledRow)
    case rejected(RejectedRow)
}

/// Reads labelled rows from a CSV, TSV or JSONL file, one at a time.
///
/// File-level problems (unreadable file, missing columns) are thrown as `InputError`; problems
/// with single rows (wrong field count, invalid UTF-8 or JSON, empty text, missing label) come
/// back as `.rejected` with the line and the reason.
package final class LabelledRowReader {
    package let path: String
    package let format: InputFormat
    private let request: ColumnRequest
    private var csv: CSVReader?
    private var record = CSVRecord()
    private var lines: ByteReader?
    private var lineNumber = 0
    private var pendingLine: [UInt8] = []
    /// The columns, once known (CSV: from the header; JSONL: from the first object).
    package private(set) var columns: ResolvedColumns?
    /// With a split column and a `SplitFilter`: the splits of the rows read so far, in order of
    /// first appearance (rows whose split cell cannot be a split's name left out).
    package private(set) var splitsSeen: [String] = []
    private var splitsSeenSet: Set<String> = []

    package init(path: String, format: InputFormat? = nil, columns request: ColumnRequest) throws {
        guard let format = format ?? InputFormat(path: path) else {
            throw InputError(file: path, message: "cannot tell the format (csv, tsv, jsonl, parquet or arrow) from the file name", remedy: .nameFormat)
        }
        self.path = path
        self.format = format
        self.request = request
        switch format {
        case .csv, .tsv:
            let reader = try CSVReader(path: path, delimiter: format == .csv ? UInt8(ascii: ",") : UInt8(ascii: "\t"))
            guard try reader.read(into: &record) else {
                throw InputError(file: path, line: 1, message: "the file is empty; expected a header row")
            }
            var names: [String] = []
            var seen: [String: Int] = [:]  // a hash lookup per column: a 100,000-column header was quadratic
            for i in 0..<record.count {
                guard let name = record.field(i) else {
                    throw InputError(file: path, line: record.line, column: i + 1, message: "the header is not valid UTF-8")
                }
                let trimmed = name.trimmingWhitespace()
                if let earlier = seen.updateValue(i, forKey: trimmed) {
                    throw InputError(
                        file: path, line: record.line,
                        message: "column '\(trimmed)' appears twice in the header (columns \(earlier + 1) and \(i + 1))")
                }
                names.append(trimmed)
            }
            columns = try ResolvedColumns(request, columns: names, file: path)
            csv = reader
        case .jsonl:
            lines = try ByteReader(path: path)
        case .parquet:
            try Self.refuseStream(path, format: "Parquet")
            let file = try ParquetFile(path: path)
            try Self.refuseRepeatedNames(file.columns.map(\.name), path: path)
            let resolved = try ResolvedColumns(request, columns: file.columns.map(\.name), file: path)
            for index in resolved.roleColumns {
                let column = file.columns[index]
                if let why = column.unsupported { throw InputError(file: path, message: "column '\(column.name)': \(why)") }
                if column.listDefinition != nil && !(request.multiLabel && index == resolved.label) {
                    throw Self.listColumn(column.name, isLabel: index == resolved.label, path: path)
                }
            }
            columns = resolved
            let inPlace = resolved.readsPlainRows && resolved.plainRowColumns.allSatisfy { file.columns[$0].readsInPlace }
            columnar = ParquetRows(file: file, wanted: resolved.roleColumns + resolved.meta.filter { file.columns[$0].unsupported == nil },
                                   inPlace: inPlace ? Set(resolved.plainRowColumns) : [])
            if let skipped = resolved.meta.first(where: { file.columns[$0].unsupported != nil }) {
                throw InputError(file: path, message: "column '\(file.columns[skipped].name)': \(file.columns[skipped].unsupported!)",
                                 remedy: .nameColumns)
            }
        case .labelStudio, .doccano:
            throw InputError(file: path, message: "an annotation tool's export holds annotations; it is read whole by LabelStudio.readExport or Doccano.readExport")
        case .arrow:
            try Self.refuseStream(path, format: "Arrow")
            let file = try ArrowFile(path: path)
            try Self.refuseRepeatedNames(file.fields.map(\.name), path: path)
            let resolved = try ResolvedColumns(request, columns: file.fields.map(\.name), file: path)
            for index in resolved.roleColumns {
                let field = file.fields[index]
                if (field.type == 12 || field.type == 21) && !(request.multiLabel && index == resolved.label) {
                    throw Self.listColumn(field.name, isLabel: index == resolved.label, path: path)
                }
            }
            columns = resolved
            let inPlace = resolved.readsPlainRows
                && resolved.plainRowColumns.allSatisfy { file.fields[$0].readsInPlace && file.classLabels[file.fields[$0].name] == nil }
            columnar = ArrowRows(file: file, inPlace: inPlace ? Set(resolved.plainRowColumns) : [])
        }
    }

    // MARK: Columnar files (Parquet, Arrow)

    /// A pipe or device is refused with what to do: the columnar readers seek in the file.
    static func refuseStream(_ path: String, format: String) throws {
        var status = stat()
        if stat(path, &status) == 0 && (status.st_mode & S_IFMT) != S_IFREG {
            throw InputError(file: path, message: "\(format) is read from a file, not from a pipe or device: save it to a file first")
        }
    }

    /// Two columns of one name are refused, as in a CSV header: which one a role would take is a guess.
    static func refuseRepeatedNames(_ names: [String], path: String) throws {
        var seen: [String: Int] = [:]
        for (i, name) in names.enumerated() {
            if let earlier = seen.updateValue(i, forKey: name) {
                throw InputError(file: path, message: "column '\(name.visibleEscaped)' appears twice (columns \(earlier + 1) and \(i + 1))")
            }
        }
    }

    /// A column of lists where one value per row is needed; a label column of lists is
    /// multi-label data.
    static func listColumn(_ name: String, isLabel: Bool, path: String) -> InputError {
        InputError(file: path, message: "column '\(name.visibleEscaped)' holds lists (several values per row); the text and id columns need one value per row"
                       + (isLabel ? ", and a label column of lists is multi-label data" : ""), remedy: isLabel ? .multiLabel(true) : nil)
    }

    /// Columnar rows whose text columns can be read as bytes where they lie (Parquet pages,
    /// Arrow buffers), for the byte path of `read(into:limit:)`.
    protocol InPlaceRows: ColumnarRows {
        /// Whether the text, label, pair, id and split columns are read in place.
        var readsInPlace: Bool { get }
        /// The current row's bytes in column `column`, which is read in place; nil when null.
        func bytes(_ column: Int) -> ArraySlice<UInt8>?
    }

    /// A columnar file's rows, read a block at a time.
    protocol ColumnarRows: AnyObject {
        /// Moves to the next row; false at the end of the file.
        func advance() throws -> Bool
        /// The current row's value of the file's column `index`.
        func value(_ index: Int) -> ParquetValue
        /// The current row's number in the file (1-based): its "line" in messages.
        var line: Int { get }
        /// Why the current row's value of column `index` is not a value (a class index outside
        /// its ClassLabel's names), or nil.
        func problem(_ index: Int) -> String?
        var bytesConsumed: Int { get }
        var fileSize: Int? { get }
    }

    private var columnar: ColumnarRows?

    /// The next row of a Parquet or Arrow file, checked as a CSV row is.
    private func nextColumnarRow() throws -> RowOutcome? {
        guard let rows = columnar, let columns, try advanceColumnar(rows, columns) else { return nil }
        return columnarOutcome(rows, columns)
    }

    /// Moves `rows` to the next row of this reading's split; false at the end of the file.
    private func advanceColumnar(_ rows: ColumnarRows, _ columns: ResolvedColumns) throws -> Bool {
        repeat {
            guard try rows.advance() else { return false }
        } while !inThisReading(columns.split.flatMap { rows.value($0).text })
        return true
    }

    /// The current row of `rows`, checked as a CSV row is.
    private func columnarOutcome(_ rows: ColumnarRows, _ columns: ResolvedColumns) -> RowOutcome {
        func value(_ index: Int) -> ParquetValue { rows.value(index) }
        func reject(_ reason: String) -> RowOutcome {
            let raw = ([columns.text, columns.label] + [columns.textPair, columns.id].compactMap { $0 }).map { value($0).text ?? "" }
            return .rejected(RejectedRow(line: rows.line, reason: reason, raw: raw.joined(separator: "\t")))
        }
        // Bytes in a column that must hold text are not UTF-8: rejected, as CSV rejects such a row.
        let roles = [columns.text, columns.label] + [columns.textPair, columns.id].compactMap { $0 } + columns.annotatorColumns
        if let problem = roles.lazy.compactMap({ rows.problem($0) }).first { return reject(problem) }
        if let binary = roles.first(where: { if case .bytes = value($0) { true } else { false } }) {
            return reject("column '\(columns.columns[binary].visibleEscaped)' holds bytes that are not UTF-8 text")
        }
        let metadata = columns.meta.map { (key: columns.columns[$0], value: Self.json(value($0))) }
        var label = value(columns.label).text ?? ""
        if !columns.indicators.isEmpty {
            switch Self.indicatorLabels(columns, { value($0).text }) {
            case .success(let list): label = list
            case .failure(let why): return reject(why.reason)
            }
        }
        return validate(line: rows.line, text: value(columns.text).text ?? "", pair: columns.textPair.map { value($0).text ?? "" },
                        label: label, id: columns.id.flatMap { value($0).text }, metadata: metadata,
                        annotators: columns.annotatorColumns.map { value($0).text }, time: columns.annotationTime.flatMap { value($0).text },
                        split: columns.split.flatMap { value($0).text }, reject: reject)
    }

    /// A columnar value as metadata keeps it: numbers, booleans, lists and nulls as JSON has them.
    static func json(_ value: ParquetValue) -> JSONValue {
        switch value {
        case .null: .null
        case .bool(let b): .bool(b)
        case .int(let i): .number(Double(i))
        case .double(let d): .number(d)
        case .string(let s): .string(s)
        case .bytes: .string(value.text ?? "")
        case .list(let items): .array(items.map(json))
        }
    }

    // MARK: Arrow

    /// An Arrow file's rows, one record batch at a time; ClassLabel integers become their names.
    final class ArrowRows: InPlaceRows {
        let file: ArrowFile
        var batch: [ArrowColumn] = []
        var row = -1
        var rowsBefore = 0
        var rowsInBatch = 0
        /// Per column index: ClassLabel names.
        let names: [Int: [String]]
        /// The columns read in place (`bytes(_:)`): the byte path's text, label, pair, id and split.
        let inPlace: Set<Int>

        init(file: ArrowFile, inPlace: Set<Int> = []) {
            self.file = file
            self.inPlace = inPlace
            names = Dictionary(uniqueKeysWithValues: file.fields.enumerated().compactMap { i, f in file.classLabels[f.name].map { (i, $0) } })
        }

        var readsInPlace: Bool { !inPlace.isEmpty }
        func bytes(_ column: Int) -> ArraySlice<UInt8>? { batch[column].bytes(row) }

        func advance() throws -> Bool {
            row += 1
            while row >= rowsInBatch {
                guard let next = try file.nextBatch(inPlace: inPlace) else { return false }
                rowsBefore += rowsInBatch
                batch = next
                rowsInBatch = next.first?.count ?? 0
                // A column of another length than the batch's first is a corrupt file, not a crash.
                if let short = next.firstIndex(where: { $0.count != rowsInBatch }) {
                    throw InputError(file: file.path, message: "corrupt record batch: column '\(file.fields[short].name)' has \(next[short].count) values, "
                                         + "the batch \(rowsInBatch) rows")
                }
                row = 0
            }
            return true
        }

        func problem(_ index: Int) -> String? {
            guard let labels = names[index], case .int(let i) = batch[index][row], i != -1, !(i >= 0 && Int(i) < labels.count) else { return nil }
            return "class \(i) of column '\(file.fields[index].name.visibleEscaped)' is outside its ClassLabel's \(labels.count) names"
        }

        /// The current row's value of column `index`; a ClassLabel's name for its integer (-1: no label).
        func value(_ index: Int) -> ParquetValue {
            let value = batch[index][row]
            guard let labels = names[index], case .int(let i) = value else { return value }
            return i >= 0 && Int(i) < labels.count ? .string(labels[Int(i)]) : .null
        }

        var bytesConsumed: Int { file.size * (rowsBefore + max(row, 0)) / max(rowsBefore + rowsInBatch, 1) }
        var fileSize: Int? { file.size }
        var line: Int { rowsBefore + row + 1 }
    }

    package var bytesConsumed: Int { csv?.bytesConsumed ?? lines?.bytesConsumed ?? columnar?.bytesConsumed ?? 0 }
    /// Whether a Parquet or Arrow file's text, label, pair, id and split columns are read as
    /// bytes where they lie, for the byte path of `read(into:limit:)`.
    package var readsColumnsInPlace: Bool { (columnar as? InPlaceRows)?.readsInPlace ?? false }
    package var fileSize: Int? { csv?.fileSize ?? lines?.fileSize ?? columnar?.fileSize }
    /// The number of rows the file says it holds (Parquet's metadata), before any is read, at
    /// most one row per 8 bytes of the file, so that a corrupt count cannot size a table; nil
    /// where the file does not say.
    package var statedRowCount: Int? { (columnar as? ParquetRows).map { min($0.file.rowCount, $0.file.size / 8) } }

    /// The next row, or nil at end of file.
    package func next() throws -> RowOutcome? {
        switch format {
        case .csv, .tsv: return try nextDelimited()
        case .jsonl: return try nextJSONLine()
        case .parquet, .arrow: return try nextColumnarRow()
        case .labelStudio, .doccano: return nil
        }
    }

    // MARK: Parquet

    /// A Parquet file's rows, read through one cursor per column, a page at a time.
    final class ParquetRows: InPlaceRows {
        func problem(_ index: Int) -> String? { nil }
        let file: ParquetFile
        /// Top-level column indices to read.
        let wanted: [Int]
        /// Per place in `wanted`: whether that column's values stay bytes in their pages
        /// (`bytes(_:)`, the byte path of `read(into:limit:)`).
        let inPlace: [Bool]
        var group = -1
        var cursors: [ParquetFile.ColumnCursor] = []
        /// The current row's values, in `wanted` order (in-place columns' left out).
        var values: [ParquetValue] = []
        /// Each column index's place in `wanted`, -1 for a column not read (an array: it is
        /// asked for every value of every row).
        let slot: [Int]
        /// The current row within its group (-1 before the first).
        var row = -1
        var rowsBefore = 0
        var rowsInGroup = 0

        init(file: ParquetFile, wanted: [Int], inPlace: Set<Int> = []) {
            self.file = file
            self.wanted = Array(Set(wanted)).sorted()
            self.inPlace = self.wanted.map(inPlace.contains)
            var slot = [Int](repeating: -1, count: (self.wanted.last ?? -1) + 1)
            for (place, column) in self.wanted.enumerated() { slot[column] = place }
            self.slot = slot
            values = [ParquetValue](repeating: .null, count: self.wanted.count)
        }

        /// Whether the rows' text, label, pair, id and split columns are read in place.
        var readsInPlace: Bool { inPlace.contains(true) }

        func value(_ column: Int) -> ParquetValue {
            guard column < slot.count, case let i = slot[column], i >= 0 else { return .null }
            guard inPlace[i] else { return values[i] }
            return cursors[i].currentBytes.map(ParquetFile.textValue) ?? .null
        }

        /// The current row's bytes in column `column`, which is read in place; nil when null.
        func bytes(_ column: Int) -> ArraySlice<UInt8>? { cursors[slot[column]].currentBytes }

        var fileSize: Int? { file.size }
        /// Progress: the file's size in proportion to the rows read.
        var bytesConsumed: Int { file.rowCount > 0 ? file.size * (rowsBefore + max(row, 0)) / file.rowCount : 0 }
        var line: Int { rowsBefore + row + 1 }

        /// Moves to the next row; false at the end of the file.
        func advance() throws -> Bool {
            row += 1
            while row >= rowsInGroup {
                group += 1
                guard group < file.rowGroupCount else { return false }
                rowsBefore += rowsInGroup
                rowsInGroup = Int(file.metadata.rowGroups[group].numRows)
                row = 0
                // A row group without rows (pyarrow writes one for an empty table) has nothing to read.
                guard rowsInGroup > 0 else { continue }
                cursors = try wanted.indices.map { try file.cursor(group: group, column: file.columns[wanted[$0]], inPlace: inPlace[$0]) }
            }
            for (i, cursor) in cursors.enumerated() {
                if inPlace[i] { try cursor.advanceInPlace(group: group) } else { values[i] = try cursor.nextValue(group: group) }
            }
            return true
        }
    }

    // MARK: Delimited

    private func nextDelimited() throws -> RowOutcome? {
        guard let csv else { return nil }
        repeat {
            guard try csv.read(into: &record) else { return nil }
        } while !inThisReading(delimitedSplit)
        return delimitedOutcome()
    }

    /// The outcome of the delimited record in `record`.
    private func delimitedOutcome() -> RowOutcome {
        let line = record.line
        let delimiter = csv?.delimiter ?? UInt8(ascii: ",")
        func reject(_ reason: String) -> RowOutcome {
            .rejected(RejectedRow(line: line, reason: reason, raw: record.rawText(delimiter: delimiter)))
        }
        guard let columns else { return reject("no columns") }
        if record.unterminatedQuote {
            return reject("a quoted field is never closed; the rest of the file was read into it")
        }
        guard record.count == columns.columns.count else {
            return reject("expected \(columns.columns.count) fields, found \(record.count)")
        }
        func value(_ index: Int) -> String? { record.field(index) }
        func invalid(_ index: Int) -> RowOutcome { reject("invalid UTF-8 in column '\(columns.columns[index])'") }

        guard let text = value(columns.text) else { return invalid(columns.text) }
        let label: String
        if columns.indicators.isEmpty {
            guard let cell = value(columns.label) else { return invalid(columns.label) }
            label = cell
        } else {
            switch Self.indicatorLabels(columns, value) {
            case .success(let list): label = list
            case .failure(let why): return reject(why.reason)
            }
        }
        var pair: String?
        if let index = columns.textPair {
            guard let v = value(index) else { return invalid(index) }
            pair = v
        }
        var id: String?
        if let index = columns.id {
            guard let v = value(index) else { return invalid(index) }
            id = v
        }
        var metadata: [(key: String, value: JSONValue)] = []
        metadata.reserveCapacity(columns.meta.count)
        for index in columns.meta {
            guard let v = value(index) else { return invalid(index) }
            metadata.append((columns.columns[index], .string(v)))
        }
        var annotators: [String?] = []
        for index in columns.annotatorColumns {
            guard let v = value(index) else { return invalid(index) }
            annotators.append(v)
        }
        var time: String?
        if let index = columns.annotationTime {
            guard let v = value(index) else { return invalid(index) }
            time = v
        }
        return validate(line: line, text: text, pair: pair, label: label, id: id, metadata: metadata,
                        annotators: annotators, time: time, split: columns.split.flatMap(value), reject: reject)
    }

    /// With indicator columns: the row's labels, `a;b`, those whose cell is 1 (`1`, `1.0`,
    /// `true`); a cell that is neither 1 nor 0 is the reason the row is rejected.
    private static func indicatorLabels(_ columns: ResolvedColumns, _ cell: (Int) -> String?) -> Result<String, RejectionReason> {
        var on: [String] = []
        for (index, name) in zip(columns.indicators, columns.indicatorNames) {
            let value = cell(index)?.trimmingWhitespace() ?? ""
            switch value.lowercased() {
            case "1", "1.0", "true": on.append(name)
            case "0", "0.0", "false": continue
            default:
                return .failure(RejectionReason("column '\(columns.columns[index].visibleEscaped)' holds '\(value.visibleEscaped)'; a label column holds 0 or 1"))
            }
        }
        return .success(on.joined(separator: ";"))
    }

    /// Why `label` (trimmed) cannot be a label, or nil when it can.
    private static func labelProblem(_ label: String, column: String) -> String? {
        if label.isEmpty { return "missing label in column '\(column)'" }
        // `B`, `B` + NUL and `B` + a zero-width space would be three labels that all print as B.
        if let code = Names.hiddenCharacter(in: label, Names.invisible) {
            return "invisible character \(code) in the label in column '\(column)'; labels must be visible text"
        }
        return nil
    }

    /// With a split column and a filter: whether the row whose split cell is `cell` (nil: not
    /// readable) belongs to this reading. Records the splits seen.
    private func inThisReading(_ cell: String?) -> Bool {
        guard request.split != nil, let filter = request.splitFilter else { return true }
        let name = cell?.trimmingWhitespace()
        let valid = name.map { Names.problem($0) == nil } ?? false
        if valid, let name, splitsSeenSet.insert(name).inserted { splitsSeen.append(name) }
        switch filter {
        case .none: return false
        case .only(let split, let unsplit): return valid ? name == split : unsplit
        }
    }

    /// The split cell of the delimited record in `record`; nil when there is none or it is not UTF-8.
    private var delimitedSplit: String? {
        columns?.split.flatMap { $0 < record.count ? record.field($0) : nil }
    }

    /// `annotators`: with annotator columns, the annotator column's value (long format) or each
    /// annotator's cell (wide format), in `ResolvedColumns.annotatorColumns` order.
    private func validate(
        line: Int, text: String, pair: String?, label: String, id: String?,
        metadata: [(key: String, value: JSONValue)], annotators: [String?] = [], time: String? = nil, split: String? = nil,
        reject: (String) -> RowOutcome
    ) -> RowOutcome {
        guard let columns else { return reject("no columns") }
        if let index = columns.split {
            let name = split?.trimmingWhitespace() ?? ""
            if name.isEmpty { return reject("no split in column '\(columns.columns[index])'") }
            if let problem = Names.problem(name) { return reject("split '\(name.visibleEscaped)' in column '\(columns.columns[index])' cannot be a split: \(problem)") }
        }
        if text.isBlank { return reject("empty text in column '\(columns.columns[columns.text])'") }
        if let pair, pair.isBlank, let index = columns.textPair {
            return reject("empty text pair in column '\(columns.columns[index])'")
        }
        var trimmedLabel = ""
        if columns.multiLabel {
            // Stored canonical: the labels sorted, joined by ';' (empty: none).
            let column = columns.columns[columns.label]
            guard let labels = LabelList.parse(label) else {
                return reject("'\(label)' in column '\(column)' is not a label list: expected a;b or a JSON array of labels")
            }
            for name in labels {
                if let problem = Self.labelProblem(name, column: column) { return reject(problem) }
                if name.contains(";") { return reject("label '\(name)' in column '\(column)' contains ';', which separates labels") }
            }
            trimmedLabel = labels.sorted().joined(separator: ";")
        } else if !columns.labelFromAnnotators {
            trimmedLabel = label.trimmingWhitespace()
            if let problem = Self.labelProblem(trimmedLabel, column: columns.columns[columns.label]) { return reject(problem) }
        }
        var annotations: [RowAnnotation] = []
        if let index = columns.annotator {
            let name = (annotators.first ?? nil)?.trimmingWhitespace() ?? ""
            if name.isEmpty { return reject("no annotator in column '\(columns.columns[index])'") }
            if let problem = Names.problem(name) { return reject("annotator '\(name.visibleEscaped)' in column '\(columns.columns[index])': \(problem)") }
            annotations = [RowAnnotation(annotator: name, label: trimmedLabel, time: time.flatMap { $0.isEmpty ? nil : $0 })]
        } else {
            for (k, index) in columns.annotators.enumerated() {
                let given = (annotators[k] ?? "").trimmingWhitespace()
                if given.isEmpty { continue }
                if let problem = Self.labelProblem(given, column: columns.columns[index]) { return reject(problem) }
                annotations.append(RowAnnotation(annotator: columns.annotatorNames[k], label: given))
            }
            if !columns.annotators.isEmpty && annotations.isEmpty {
                return reject("no annotator labelled this row (columns \(columns.annotators.map { columns.columns[$0] }.joined(separator: ", ")) are empty)")
            }
        }
        // Long format: the label column is the annotation's; the row has no label of its own.
        var row = LabelledRow(
            line: line, text: text, textPair: pair, label: columns.annotator == nil ? trimmedLabel : "",
            externalID: id.flatMap { $0.isEmpty ? nil : $0 }, metadata: metadata)
        row.annotations = annotations
        return .accepted(row)
    }

    // MARK: Batches

    /// Reads up to `limit` rows into `batch`, which is emptied first; false when the file has
    /// no more rows. The rows are those `next()` would return, in the same order.
    package func read(into batch: inout LabelledRowBatch, limit: Int) throws -> Bool {
        batch.removeAll()
        // Cast and copy out once a batch, not once a row (a copy of the columns retains each
        // of their arrays).
        if let rows = columnar as? InPlaceRows, rows.readsInPlace, let columns {
            while batch.count < limit {
                guard try advanceColumnar(rows, columns) else { break }
                if !appendPlainColumnarRow(rows, columns, to: &batch) { batch.append(columnarOutcome(rows, columns)) }
            }
            return !batch.isEmpty
        }
        while batch.count < limit {
            if let csv {
                guard try csv.read(into: &record) else { break }
                if !inThisReading(delimitedSplit) { continue }
                if !appendPlainRecord(to: &batch) { batch.append(delimitedOutcome()) }
            } else if columnar != nil {
                guard let outcome = try nextColumnarRow() else { break }
                batch.append(outcome)
            } else {
                guard let outcome = try nextJSONLine() else { break }
                batch.append(outcome)
            }
        }
        return !batch.isEmpty
    }

    /// Appends the delimited record in `record` to `batch` when it is a plain row, decided on its
    /// bytes without making a String: the right number of fields, every field it uses valid
    /// UTF-8, its text (and text pair) holding an ASCII character other than whitespace, its
    /// label starting and ending with an ASCII character above the space, its annotator (if
    /// any) printable ASCII without a comma. Such a row is accepted by the rules of
    /// `delimitedOutcome()` with the same fields (its label needs no trimming). Returns false,
    /// appending nothing, for any other row; `delimitedOutcome()` decides those.
    private func appendPlainRecord(to batch: inout LabelledRowBatch) -> Bool {
        let record = self.record
        guard let columns, !columns.multiLabel, !record.unterminatedQuote, record.count == columns.columns.count else { return false }
        return record.bytes.withUnsafeBufferPointer { bytes in
            func field(_ index: Int) -> UnsafeBufferPointer<UInt8> {
                UnsafeBufferPointer(rebasing: bytes[record.fieldRange(index)])
            }
            // A split cell that is not plain goes the row path, which rejects it with the reason.
            if let split = columns.split.map(field),
               split.isEmpty || !split.needsNoTrimming || !split.isPrintableASCII || split.contains(UInt8(ascii: ",")) { return false }
            if !columns.annotators.isEmpty { return appendPlainWideRecord(to: &batch, columns: columns, field: field) }
            let text = field(columns.text), label = field(columns.label)
            let pair = columns.textPair.map(field), id = columns.id.map(field)
            let annotator = columns.annotator.map(field), time = columns.annotationTime.map(field)
            guard text.hasNonSpaceASCII, pair?.hasNonSpaceASCII ?? true,
                  label.needsNoTrimming, label.isPrintableASCII,
                  text.isValidUTF8, label.isValidUTF8, pair?.isValidUTF8 ?? true, id?.isValidUTF8 ?? true,
                  columns.meta.allSatisfy({ field($0).isValidUTF8 }),
                  annotator.map({ !$0.isEmpty && $0.needsNoTrimming && $0.isPrintableASCII && !$0.contains(UInt8(ascii: ",")) }) ?? true,
                  time.map { $0.isEmpty || ($0.needsNoTrimming && $0.isValidUTF8) } ?? true
            else { return false }
            let metadata = columns.meta.isEmpty ? nil : JSONValue.object(columns.meta.map {
                (columns.columns[$0], .string(String(decoding: field($0), as: UTF8.self)))
            }).jsonText.utf8
            if let annotator {
                batch.appendAccepted(
                    line: record.line, text: text, textPair: pair, label: label, externalID: id.flatMap { $0.isEmpty ? nil : $0 },
                    metadata: metadata, annotator: annotator, annotationTime: time.flatMap { $0.isEmpty ? nil : $0 }, givenLabel: nil as [UInt8]?)
            } else {
                batch.appendAccepted(
                    line: record.line, text: text, textPair: pair, label: label,
                    externalID: id.flatMap { $0.isEmpty ? nil : $0 }, metadata: metadata)
            }
            return true
        }
    }

    /// The wide-format case of `appendPlainRecord`: one batch row per annotator who labelled the
    /// record, when every field it uses is plain (as there) and every annotator cell is empty or
    /// a plain label; false, appending nothing, otherwise.
    private func appendPlainWideRecord(to batch: inout LabelledRowBatch, columns: ResolvedColumns,
                                       field: (Int) -> UnsafeBufferPointer<UInt8>) -> Bool {
        let text = field(columns.text)
        let pair = columns.textPair.map(field), id = columns.id.map(field)
        let given = columns.labelFromAnnotators ? nil : field(columns.label)
        guard text.hasNonSpaceASCII, pair?.hasNonSpaceASCII ?? true, text.isValidUTF8, pair?.isValidUTF8 ?? true, id?.isValidUTF8 ?? true,
              given.map({ $0.needsNoTrimming && $0.isPrintableASCII }) ?? true,
              columns.meta.allSatisfy({ field($0).isValidUTF8 })
        else { return false }
        var labelled = 0
        for index in columns.annotators {
            let cell = field(index)
            if cell.isEmpty { continue }
            guard cell.needsNoTrimming, cell.isPrintableASCII else { return false }
            labelled += 1
        }
        guard labelled > 0 else { return false }
        let metadata = columns.meta.isEmpty ? nil : JSONValue.object(columns.meta.map {
            (columns.columns[$0], .string(String(decoding: field($0), as: UTF8.self)))
        }).jsonText
        for (k, index) in columns.annotators.enumerated() {
            let cell = field(index)
            if cell.isEmpty { continue }
            batch.appendAccepted(
                line: record.line, text: text, textPair: pair, label: cell, externalID: id.flatMap { $0.isEmpty ? nil : $0 },
                metadata: metadata?.utf8, annotator: columns.annotatorNames[k].utf8, annotationTime: nil as [UInt8]?, givenLabel: given)
        }
        return true
    }

    /// Appends the current row of a Parquet or Arrow file read in place to `batch` when it is a
    /// plain row by the rules of `appendPlainRecord` (its split, when it has one, plain too),
    /// decided on the values' bytes; its metadata is what `columnarOutcome` makes of it. Returns
    /// false, appending nothing, for any other row (a null among them); `columnarOutcome`
    /// decides those.
    private func appendPlainColumnarRow(_ rows: InPlaceRows, _ columns: ResolvedColumns, to batch: inout LabelledRowBatch) -> Bool {
        if let split = columns.split {
            guard let cell = rows.bytes(split),
                  cell.withUnsafeBufferPointer({ $0.needsNoTrimming && $0.isPrintableASCII && !$0.contains(UInt8(ascii: ",")) })
            else { return false }
        }
        guard let text = rows.bytes(columns.text), let label = rows.bytes(columns.label) else { return false }
        var pair: ArraySlice<UInt8>?
        if let index = columns.textPair {
            guard let bytes = rows.bytes(index) else { return false }
            pair = bytes
        }
        let id = columns.id.flatMap { rows.bytes($0) }
        guard text.withUnsafeBufferPointer({ $0.hasNonSpaceASCII && $0.isValidUTF8 }),
              pair?.withUnsafeBufferPointer({ $0.hasNonSpaceASCII && $0.isValidUTF8 }) ?? true,
              label.withUnsafeBufferPointer({ $0.needsNoTrimming && $0.isPrintableASCII }),
              id?.withUnsafeBufferPointer(\.isValidUTF8) ?? true
        else { return false }
        let metadata = columns.meta.isEmpty ? nil : JSONValue.object(columns.meta.map {
            (columns.columns[$0], Self.json(rows.value($0)))
        }).jsonText.utf8
        batch.appendAccepted(line: rows.line, text: text, textPair: pair, label: label,
                             externalID: id.flatMap { $0.isEmpty ? nil : $0 }, metadata: metadata)
        return true
    }

    // MARK: JSON Lines

    /// Reads one physical line into `pendingLine` (without its line break); false at end of file.
    private func readLine() throws -> Bool {
        guard let lines else { return false }
        pendingLine.removeAll(keepingCapacity: true)
        var found = false
        var any = false
        while !found {
            let more = try lines.withNextBytes { chunk in
                any = true
                if let newline = chunk.firstIndex(of: UInt8(ascii: "\n")) {
                    pendingLine.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[..<newline]))
                    found = true
                    return newline + 1
                }
                pendingLine.append(contentsOf: chunk)
                return chunk.count
            }
            if !more { break }
        }
        if !any && !found { return false }
        if pendingLine.last == UInt8(ascii: "\r") { pendingLine.removeLast() }
        lineNumber += 1
        return true
    }

    private func nextJSONLine() throws -> RowOutcome? {
        while true {
            guard try readLine() else { return nil }
            if pendingLine.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let line = lineNumber
            let raw = String(decoding: pendingLine, as: UTF8.self)
            func reject(_ reason: String) -> RowOutcome {
                .rejected(RejectedRow(line: line, reason: reason, raw: raw))
            }
            let value: JSONValue
            do {
                value = try JSONValue.parse(bytes: pendingLine)
            } catch {
                if !inThisReading(nil) { continue }
                return reject("invalid JSON at column \(error.column): \(error.message)")
            }
            guard case .object(let members) = value else {
                if !inThisReading(nil) { continue }
                return reject("expected a JSON object, found \(value.kindName)")
            }
            if columns == nil {
                columns = try ResolvedColumns(request, columns: members.map(\.key), file: path)
            }
            if let split = request.split, !inThisReading(members.first(where: { $0.key == split })?.value.scalarText) { continue }
            return jsonRow(members, line: line, reject: reject)
        }
    }

    private func jsonRow(
        _ members: [(key: String, value: JSONValue)], line: Int, reject: (String) -> RowOutcome
    ) -> RowOutcome {
        guard let columns else { return reject("no columns") }
        func scalar(_ index: Int, required: Bool) -> Result<String?, RejectionReason> {
            let key = columns.columns[index]
            guard let value = members.first(where: { $0.key == key })?.value, value != .null else {
                return required ? .failure(RejectionReason("missing field '\(key)'")) : .success(nil)
            }
            guard let text = value.scalarText else {
                return .failure(RejectionReason("field '\(key)' is \(value.kindName), expected a string"))
            }
            return .success(text)
        }
        do {
            let text = try scalar(columns.text, required: true).get()!
            let label = columns.indicators.isEmpty ? try scalar(columns.label, required: !columns.labelFromAnnotators).get() ?? ""
                : try Self.indicatorLabels(columns) { (try? scalar($0, required: false).get()) ?? nil }.get()
            let pair = try columns.textPair.flatMap { try scalar($0, required: true).get() }
            let id = try columns.id.flatMap { try scalar($0, required: false).get() }
            let annotators = try columns.annotatorColumns.map { try scalar($0, required: false).get() }
            let time = try columns.annotationTime.flatMap { try scalar($0, required: false).get() }
            let used = Set(columns.roleColumns.map { columns.columns[$0] })
            let metadata: [(key: String, value: JSONValue)]
            if request.allMeta {
                metadata = members.filter { !used.contains($0.key) }
            } else {
                let wanted = columns.meta.map { columns.columns[$0] }
                metadata = members.filter { wanted.contains($0.key) }
            }
            let split = try columns.split.flatMap { try scalar($0, required: false).get() }
            return validate(line: line, text: text, pair: pair, label: label, id: id, metadata: metadata,
                            annotators: annotators, time: time, split: split, reject: reject)
        } catch let error as RejectionReason {
            return reject(error.reason)
        } catch {
            return reject("\(error)")
        }
    }
}

private struct RejectionReason: Error {
    var reason: String
    init(_ reason: String) { self.reason = reason }
}

extension UInt8 {
    /// Space, tab, line feed, vertical tab, form feed or carriage return.
    var isASCIIWhitespace: Bool { self == 0x20 || (0x09...0x0D).contains(self) }
}

extension BidirectionalCollection<UInt8> {
    /// True when the UTF-8 text starts and ends with an ASCII character above the space, so
    /// that trimming whitespace (ASCII or Unicode) leaves it as it is. False for empty text.
    var needsNoTrimming: Bool {
        guard let first, let last else { return false }
        return first > 0x20 && first < 0x80 && last > 0x20 && last < 0x80
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// True when every byte is printable ASCII (space to tilde): a label the byte path may take
    /// as it is; any other label goes through the checks of `validate`.
    var isPrintableASCII: Bool {
        allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// True when the bytes hold an ASCII character other than whitespace, so that as text
    /// they are not blank.
    var hasNonSpaceASCII: Bool {
        contains { $0 < 0x80 && !$0.isASCIIWhitespace }
    }

    /// True when the bytes are well-formed UTF-8 (what `String(validating:)` accepts).
    var isValidUTF8: Bool { (try? UTF8Span(validating: span)) != nil }
}

extension String {
    /// True when the string is empty or only whitespace.
    package var isBlank: Bool {
        for byte in utf8 {
            if byte >= 0x80 { return allSatisfy(\.isWhitespace) }
            if !byte.isASCIIWhitespace { return false }
        }
        return true
    }

    /// The string without leading and trailing whitespace (including line breaks).
    package func trimmingWhitespace() -> String {
        if utf8.needsNoTrimming { return self }
        guard let first = firstIndex(where: { !$0.isWhitespace }) else { return "" }
        let last = lastIndex(where: { !$0.isWhitespace })!
        if first == startIndex && last == index(before: endIndex) { return self }
        return String(self[first...last])
    }
}

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
