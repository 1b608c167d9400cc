import Foundation

/// Probabilities computed elsewhere (for models too big for this machine), read from CSV:
///
///     id,p_input:<label 1>,…,p_input:<label n>,p_null:<label 1>,…,p_null:<label n>
///
/// one row per sample: its id as ingested, then p′(label | x) from the model trained on inputs
/// and p(label | ∅) from the null-input model, for every label of the dataset (columns in any
/// order). Each row's two vectors must each sum to 1 (within 10⁻³). `readGiven` reads the
/// simpler file of confident learning: id, given label, and p̂(label | x) per label.
package enum ImportedProbabilities {
    package struct Row: Sendable, Equatable {
        package var input: [Double]
        package var null: [Double]
    }

    package static func read(path: String, labels: [String]) throws -> [String: Row] {
        // A folder: the shards data-parallel processes wrote, one CSV each, every id in one of them.
        var directory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &directory), directory.boolValue {
            let shards = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter { $0.hasSuffix(".csv") }.sorted()
            guard !shards.isEmpty else { throw InputError(file: path, message: "a folder without .csv probability files") }
            var merged: [String: Row] = [:], from: [String: String] = [:]
            for shard in shards {
                for (id, row) in try read(path: path + "/" + shard, labels: labels) {
                    if let earlier = from.updateValue(shard, forKey: id) {
                        throw InputError(file: path + "/" + shard, message: "id \(id) is also in \(earlier): each sample belongs in one shard")
                    }
                    merged[id] = row
                }
            }
            return merged
        }
        let table = try readTable(path: path, groups: [("the p_input values", labels.map { "p_input:" + $0 }), ("the p_null values", labels.map { "p_null:" + $0 })],
                                  expected: "p_input:<label> and p_null:<label> for the labels \(labels.joined(separator: ", "))",
                                  givenLabel: false)
        return table.mapValues { Row(input: $0.groups[0], null: $0.groups[1]) }
    }

    /// Out-of-sample probabilities with the given label, for confident learning (`dq label-issues
    /// --probs`): columns `id`, `label`, and one probability column per class. The classes are
    /// the other columns, in the file's order: the order of cleanlab's `pred_probs` columns, on
    /// which confident learning's result depends. Rows come back in file order.
    package static func readGiven(path: String) throws -> Given {
        let reader = try CSVReader(path: path)
        var record = CSVRecord()
        guard try reader.read(into: &record) else { throw InputError(file: path, line: 1, message: "the file is empty; expected a header") }
        let header = (0..<record.count).map { record.field($0)?.trimmingWhitespace() ?? "" }
        let classes = header.filter { $0 != "id" && $0 != "label" }
        guard header.contains("id"), header.contains("label"), classes.count >= 2 else {
            throw InputError(file: path, line: 1, message: "expected columns id, label and one probability column per class (at least two); "
                                 + "the header has: \(header.joined(separator: ", "))")
        }
        let table = try readTable(path: path, groups: [("the probabilities", classes)], expected: "", givenLabel: true)
        return Given(classes: classes, rows: table.map { id, row in
            (id: id, line: row.line, label: row.label!, probabilities: row.groups[0])
        }.sorted { $0.line < $1.line }.map { GivenRow(id: $0.id, label: $0.label, probabilities: $0.probabilities) }, path: path)
    }

    /// Multi-label probabilities with the given label lists (`dq label-issues --multi-label
    /// --probs`): columns `id`, `labels` (or `label`: `a;b` or a JSON array), and one column per
    /// label holding the probability that the sample has it (rows need not sum to 1). A label
    /// list naming a label without a column is an error naming the line and column, as is a
    /// probability outside [0, 1].
    package static func readMultiLabel(path: String) throws -> (classes: [String], ids: [String], labels: [[Int]], probabilities: [Double]) {
        let reader = try CSVReader(path: path)
        var record = CSVRecord()
        guard try reader.read(into: &record) else { throw InputError(file: path, line: 1, message: "the file is empty; expected a header") }
        let header = (0..<record.count).map { record.field($0)?.trimmingWhitespace() ?? "" }
        guard let idColumn = header.firstIndex(of: "id"), let labelColumn = header.firstIndex(of: "labels") ?? header.firstIndex(of: "label") else {
            throw InputError(file: path, line: 1, message: "expected columns id, labels (each sample's labels, a;b or a JSON array) and one probability column per label; "
                                 + "the header has: \(header.joined(separator: ", "))")
        }
        let classColumns = header.indices.filter { $0 != idColumn && $0 != labelColumn }
        let classes = classColumns.map { header[$0] }
        guard classes.count >= 2 else { throw InputError(file: path, line: 1, message: "expected a probability column for each of at least two labels") }
        let index = Dictionary(classes.enumerated().map { ($1, $0) }) { a, _ in a }
        var ids: [String] = [], labels: [[Int]] = [], probabilities: [Double] = []
        var seen = Set<String>()
        while try reader.read(into: &record) {
            let line = record.line
            guard record.count == header.count else { throw InputError(file: path, line: line, message: "expected \(header.count) fields, found \(record.count)") }
            guard let id = record.field(idColumn), !id.isEmpty else { throw InputError(file: path, line: line, column: idColumn + 1, message: "empty id") }
            guard seen.insert(id).inserted else { throw InputError(file: path, line: line, column: idColumn + 1, message: "id \(id) appears twice") }
            let cell = record.field(labelColumn) ?? ""
            guard let names = LabelList.parse(cell) else {
                throw InputError(file: path, line: line, column: labelColumn + 1, message: "'\(cell)' is not a label list: expected a;b or a JSON array of labels")
            }
            var given: [Int] = []
            for name in names {
                guard let k = index[name] else {
                    throw InputError(file: path, line: line, column: labelColumn + 1,
                                     message: "label '\(name)' has no probability column (columns: \(classes.joined(separator: ", "))); "
                                         + "label lists are written a;b or as a JSON array [\"a\", \"b\"]")
                }
                given.append(k)
            }
            for c in classColumns {
                guard let text = record.field(c), let value = Double(text.trimmingWhitespace()), value >= 0, value <= 1 else {
                    throw InputError(file: path, line: line, column: c + 1, message: "\(header[c]) must be a probability in [0, 1], found '\(record.field(c) ?? "")'")
                }
                probabilities.append(value)
            }
            ids.append(id)
            labels.append(given.sorted())
        }
        guard !ids.isEmpty else { throw InputError(file: path, message: "no rows after the header") }
        return (classes, ids, labels, probabilities)
    }

    /// A file of given labels and out-of-sample probabilities.
    package struct Given: Sendable {
        /// The probability columns, in file order.
        package var classes: [String]
        package var rows: [GivenRow]
        package var path: String

        /// Each row's label as an index into `classes`; a label with no column is an error.
        package func labelIndices() throws -> [Int] {
            let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
            return try rows.map { row in
                guard let k = index[row.label] else {
                    throw InputError(file: path, message: "sample \(row.id): label '\(row.label)' has no probability column (the columns are \(classes.joined(separator: ", ")))")
                }
                return k
            }
        }
    }

    package struct GivenRow: Sendable, Equatable {
        package var id: String
        package var label: String
        package var probabilities: [Double]
    }

    /// Reads a CSV of probabilities by id: for each named group of columns, one probability vector
    /// that must sum to 1 (within 10⁻³); with `givenLabel`, also a `label` column.
    private static func readTable(path: String, groups: [(name: String, columns: [String])], expected: String, givenLabel: Bool)
        throws -> [String: (label: String?, groups: [[Double]], line: Int)] {
        let reader = try CSVReader(path: path)
        var record = CSVRecord()
        guard try reader.read(into: &record) else { throw InputError(file: path, line: 1, message: "the file is empty; expected a header") }
        let header = (0..<record.count).map { record.field($0)?.trimmingWhitespace() ?? "" }
        func column(_ name: String) throws -> Int {
            guard let index = header.firstIndex(of: name) else {
                throw InputError(file: path, line: 1, message: "no column '\(name)'; expected id, \(givenLabel ? "label, " : "")\(expected); the header has: \(header.joined(separator: ", "))")
            }
            return index
        }
        let idColumn = try column("id")
        let labelColumn = givenLabel ? try column("label") : nil
        let columns = try groups.map { try $0.columns.map(column) }
        var rows: [String: (label: String?, groups: [[Double]], line: Int)] = [:]
        while try reader.read(into: &record) {
            let line = record.line
            guard record.count == header.count else {
                throw InputError(file: path, line: line, message: "expected \(header.count) fields, found \(record.count)")
            }
            guard let id = record.field(idColumn), !id.isEmpty else { throw InputError(file: path, line: line, message: "empty id") }
            let values = try columns.map { group in
                try group.map { c in
                    guard let text = record.field(c), let value = Double(text.trimmingWhitespace()), value >= 0, value <= 1 else {
                        throw InputError(file: path, line: line, column: c + 1,
                                         message: "\(header[c]) must be a probability in [0, 1], found '\(record.field(c) ?? "")'")
                    }
                    return value
                }
            }
            for (group, v) in zip(groups, values) where abs(v.reduce(0, +) - 1) > 1e-3 {
                throw InputError(file: path, line: line, message: "\(group.name) sum to \(v.reduce(0, +)), expected 1")
            }
            guard rows.updateValue((labelColumn.flatMap { record.field($0) }, values, line), forKey: id) == nil else {
                throw InputError(file: path, line: line, message: "id \(id) appears twice")
            }
        }
        return rows
    }



    /// Given labels as class indices 0..<classes, one per row of the probabilities: a NumPy
    /// integer array, or a CSV or Parquet file whose `label` column holds the indices.
    package static func readLabelIndices(path: String, rows: Int, classes: Int) throws -> [Int] {
        var labels: [Int] = []
        if NumPyArray.isNumPy(path: path) {
            let array = try NumPyArray(path: path)
            guard array.shape.count == 1 || (array.shape.count == 2 && array.columns == 1) else {
                throw InputError(file: path, message: "expected a 1-d array of \(rows) labels, found shape \(array.shapeDescription)")
            }
            if case .float = array.element {
                throw InputError(file: path, message: "expected integer labels (0..<\(classes)), found \(array.descr); save labels.astype(int)")
            }
            labels = try array.readAll().map { Int($0) }
        } else if ParquetFile.isParquet(path: path) {
            let file = try ParquetFile(path: path)
            guard let column = file.column(named: "label") else {
                throw InputError(file: path, message: "no column 'label'; the file has: \(file.columns.map(\.name).joined(separator: ", "))")
            }
            for group in 0..<file.rowGroupCount {
                let cursor = try file.cursor(group: group, column: column)
                for row in 0..<Int(file.metadata.rowGroups[group].numRows) {
                    guard case .int(let value) = try cursor.nextValue(group: group) else {
                        throw InputError(file: path, message: "row group \(group), row \(row): label must be a class index 0..<\(classes)")
                    }
                    labels.append(Int(value))
                }
            }
        } else {
            let reader = try CSVReader(path: path)
            var record = CSVRecord()
            guard try reader.read(into: &record) else { throw InputError(file: path, line: 1, message: "the file is empty; expected a header with a label column") }
            let header = (0..<record.count).map { record.field($0)?.trimmingWhitespace() ?? "" }
            guard let column = header.firstIndex(of: "label") else {
                throw InputError(file: path, line: 1, message: "no column 'label'; the header has: \(header.joined(separator: ", "))")
            }
            while try reader.read(into: &record) {
                guard let text = record.field(column)?.trimmingWhitespace(), let value = Int(text) else {
                    throw InputError(file: path, line: record.line, column: column + 1,
                                     message: "label must be a class index 0..<\(classes), found '\(record.field(column) ?? "")'")
                }
                labels.append(value)
            }
        }
        guard labels.count == rows else {
            throw InputError(file: path, message: "\(labels.count) labels for \(rows) rows of probabilities")
        }
        if let bad = labels.firstIndex(where: { !(0..<classes).contains($0) }) {
            throw InputError(file: path, message: "row \(bad): label \(labels[bad]) is not a class index 0..<\(classes) (the probabilities have \(classes) columns)")
        }
        return labels
    }
}
