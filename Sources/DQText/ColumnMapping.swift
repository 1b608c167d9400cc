/// Which columns of an input file hold the text, the optional second text of a pair, the
/// label, the external id and the metadata. Columns left nil are recognised by name.
package struct ColumnRequest: Sendable {
    package var text: String?
    package var textPair: String?
    package var label: String?
    package var id: String?
    /// Further columns kept as metadata.
    package var meta: [String]
    /// Keep every column that is not otherwise used as metadata.
    package var allMeta: Bool
    /// Long format: the column naming who gave the row's label. Each row is one annotation, and
    /// rows with the same id (or, without an id column, the same text) are one sample.
    package var annotator: String?
    /// Wide format: one column per annotator, holding that annotator's label; an empty cell
    /// means the annotator did not label the row.
    package var annotators: [String]
    /// Wide format: every column whose name starts with this is an annotator's, named by the rest.
    package var annotatorPrefix: String?
    /// Long format: when each annotation was made (kept as written).
    package var annotationTime: String?
    /// Multi-label data: the label column holds a list, `a;b` or a JSON array (`LabelList`).
    package var multiLabel = false
    /// The column naming each row's split (`train`, `test`, …); nil: the file is one split.
    package var split: String?
    /// Multi-label data as one 0/1 column per label (SemEval E-c, Jigsaw): these columns…
    package var labelColumns: [String] = []
    /// …or every column whose name starts with this, the label named by the rest.
    package var labelPrefix: String?
    /// With a split column: which rows this reading takes (nil: every row).
    package var splitFilter: SplitFilter?

    package init(text: String? = nil, textPair: String? = nil, label: String? = nil, id: String? = nil,
                meta: [String] = [], allMeta: Bool = false, annotator: String? = nil, annotators: [String] = [],
                annotatorPrefix: String? = nil, annotationTime: String? = nil) {
        self.text = text
        self.textPair = textPair
        self.label = label
        self.id = id
        self.meta = meta
        self.allMeta = allMeta
        self.annotator = annotator
        self.annotators = annotators
        self.annotatorPrefix = annotatorPrefix
        self.annotationTime = annotationTime
    }

    /// True when rows carry annotations by named annotators (long or wide format).
    package var hasAnnotators: Bool { annotator != nil || !annotators.isEmpty || annotatorPrefix != nil }

    /// The name a split column is recognised by when none is named.
    package static let splitName = "split"

    /// Names recognised (case-insensitively, first match wins) when a column is not named.
    package static let textNames = ["text", "sentence", "review", "content", "document", "sentence1", "premise"]
    package static let textPairNames = ["text_pair", "sentence2", "hypothesis"]
    package static let labelNames = ["label", "class", "labels", "category", "gold_label", "target"]
    package static let idNames = ["id", "guid", "uid", "idx"]
}

/// Which rows of a file with a split column one reading takes. A file with a split column is
/// read once per split, each reading one ingest of one split (a split's samples have
/// consecutive ids in the store).
package enum SplitFilter: Sendable, Equatable {
    /// The rows whose split is this name; with `unsplit`, also the rows whose split cell is
    /// empty or cannot be a split's name, which are rejected with the reason.
    case only(String, unsplit: Bool)
    /// No row: the reading only lists the splits (`LabelledRowReader.splitsSeen`).
    case none
}

/// A `ColumnRequest` resolved against a file's columns: positions in the column list.
package struct ResolvedColumns: Equatable, Sendable {
    package var columns: [String]
    package var text: Int
    package var textPair: Int?
    package var label: Int
    package var id: Int?
    package var meta: [Int]
    /// Long format: the annotator column.
    package var annotator: Int?
    /// Wide format: the annotators' columns, and each one's annotator name.
    package var annotators: [Int] = []
    package var annotatorNames: [String] = []
    /// Long format: the annotation-time column.
    package var annotationTime: Int?
    /// Wide format without a label column: `label` is the first annotator's column, and a
    /// sample's given label is the majority of its annotations.
    package var labelFromAnnotators = false
    /// The label column holds label lists.
    package var multiLabel = false
    /// The column naming each row's split.
    package var split: Int?
    /// Multi-label data as indicator columns: each label's 0/1 column, and the label it names.
    /// `label` is then the first of them, and a row's labels are those whose cell is 1.
    package var indicators: [Int] = []
    package var indicatorNames: [String] = []

    /// One label per row from one label column, no annotators: the rows the byte paths of
    /// `LabelledRowReader.read(into:limit:)` may take on their bytes.
    var readsPlainRows: Bool {
        !multiLabel && annotator == nil && annotators.isEmpty && annotationTime == nil && indicators.isEmpty && !labelFromAnnotators
    }

    /// The columns a plain row is read from: text, label, and the pair, id and split columns.
    var plainRowColumns: [Int] { [text, label] + [textPair, id, split].compactMap { $0 } }

    /// Resolves `request` against `columns`, the file's column names in order.
    package init(_ request: ColumnRequest, columns: [String], file: String) throws(InputError) {
        var firstExact: [String: Int] = [:]
        for (index, column) in columns.enumerated().reversed() { firstExact[column] = index }
        func lookup(_ name: String, role: ColumnRole) throws(InputError) -> Int {
            if let exact = firstExact[name] { return exact }
            throw InputError(
                file: file, message: "no column named '\(name)' for the \(role.rawValue); the file has columns: \(ResolvedColumns.list(columns))",
                remedy: .nameColumn(role))
        }
        var firstLowercased: [String: Int] = [:]
        for (index, column) in columns.enumerated().reversed() { firstLowercased[column.lowercased()] = index }
        func recognise(_ names: [String]) -> Int? {
            for name in names {
                if let index = firstLowercased[name] { return index }
            }
            return nil
        }
        let text: Int, label: Int
        if let name = request.text {
            text = try lookup(name, role: .text)
        } else if let found = recognise(ColumnRequest.textNames) {
            text = found
        } else {
            throw InputError(
                file: file,
                message: "cannot tell which column holds the text (looked for \(ColumnRequest.textNames.joined(separator: ", "))); "
                    + "the file has columns: \(ResolvedColumns.list(columns))",
                remedy: .nameColumn(.text))
        }
        // Columns that each stand for a name (an annotator, a label): those starting with
        // `prefix`, named by the rest, then those named in `names`.
        func columnsNamed(_ names: [String], prefix: String?, role: ColumnRole, prefixName: String) throws(InputError) -> ([Int], [String]) {
            var found: [Int] = [], foundNames: [String] = []
            if let prefix {
                for (index, column) in columns.enumerated() where column.hasPrefix(prefix) && column.count > prefix.count {
                    found.append(index)
                    foundNames.append(String(column.dropFirst(prefix.count)))
                }
                if found.isEmpty {
                    throw InputError(file: file, message: "no column name starts with '\(prefix)' (the \(prefixName)); the file has columns: \(ResolvedColumns.list(columns))",
                                     remedy: .nameColumn(role))
                }
            }
            for name in names where !foundNames.contains(name) {
                found.append(try lookup(name, role: role))
                foundNames.append(name)
            }
            return (found, foundNames)
        }
        // Wide format: the annotators' columns, by name or by prefix.
        let (annotators, annotatorNames) = try columnsNamed(request.annotators, prefix: request.annotatorPrefix, role: .annotator, prefixName: "annotator prefix")
        for (name, column) in zip(annotatorNames, annotators) {
            if let problem = Names.problem(name) {
                throw InputError(file: file, column: column + 1, message: "the annotator '\(name.visibleEscaped)' (column '\(columns[column].visibleEscaped)') cannot be an annotator's name: \(problem)")
            }
        }
        // Indicator columns: one 0/1 column per label, by name or by prefix.
        let (indicators, indicatorNames) = try columnsNamed(request.labelColumns, prefix: request.labelPrefix, role: .labelColumns, prefixName: "label prefix")
        for (name, column) in zip(indicatorNames, indicators) where name.contains(";") || Names.hiddenCharacter(in: name, Names.invisible) != nil || name.isBlank {
            throw InputError(file: file, column: column + 1, message: "the label column '\(name.visibleEscaped)' cannot name a label: it is blank, holds ';' or an invisible character")
        }
        var labelFromAnnotators = false
        if let first = indicators.first {
            label = first
        } else if let name = request.label {
            label = try lookup(name, role: .label)
        } else if let found = recognise(ColumnRequest.labelNames), !annotators.contains(found) {
            label = found
        } else if let first = annotators.first {
            label = first
            labelFromAnnotators = true
        } else {
            throw InputError(
                file: file,
                message: "cannot tell which column holds the label (looked for \(ColumnRequest.labelNames.joined(separator: ", "))); "
                    + "the file has columns: \(ResolvedColumns.list(columns))",
                remedy: .nameColumn(.label))
        }
        var textPair = recognise(ColumnRequest.textPairNames)
        if let name = request.textPair { textPair = try lookup(name, role: .textPair) }
        var id = recognise(ColumnRequest.idNames)
        if let name = request.id { id = try lookup(name, role: .id) }
        let annotator = try request.annotator.map { name throws(InputError) in try lookup(name, role: .annotator) }
        let annotationTime = try request.annotationTime.map { name throws(InputError) in try lookup(name, role: .annotationTime) }
        let split = try request.split.map { name throws(InputError) in try lookup(name, role: .split) }
        if annotator != nil && !annotators.isEmpty {
            throw InputError(file: file, message: "name either an annotator column (long format) or annotators' columns (wide format), not both")
        }
        let roles = [textPair, id, annotator, annotationTime, split].compactMap { $0 } + (labelFromAnnotators ? [] : annotators)
        var used = Set([text, label] + roles)
        if used.count != 2 + roles.count || text == label || indicators.contains(where: { $0 == text || roles.contains($0) }) {
            var seen = Set<Int>()
            let clash = ([text] + indicators + roles).first { !seen.insert($0).inserted } ?? label
            throw InputError(file: file, message: "column '\(columns[clash])' is asked to play two roles")
        }
        used.formUnion(indicators)
        used.formUnion(annotators)
        var meta: [Int] = []
        if request.allMeta {
            meta = columns.indices.filter { !used.contains($0) }
        } else {
            for name in request.meta {
                let index = try lookup(name, role: .meta)
                if !used.contains(index) && !meta.contains(index) { meta.append(index) }
            }
        }
        self.columns = columns
        self.text = text
        self.textPair = textPair
        self.label = label
        self.id = id
        self.meta = meta
        self.annotator = annotator
        self.annotators = annotators
        self.annotatorNames = annotatorNames
        self.annotationTime = annotationTime
        self.labelFromAnnotators = labelFromAnnotators
        self.split = split
        self.indicators = indicators
        self.indicatorNames = indicatorNames
        multiLabel = request.multiLabel || !indicators.isEmpty
        if multiLabel && (annotator != nil || !annotators.isEmpty) {
            throw InputError(file: file, message: "multi-label data with several annotators is not read yet: read the labels as multi-label or the annotators, not both")
        }
    }

    /// True when rows carry annotations by named annotators (long or wide format).
    package var hasAnnotators: Bool { annotator != nil || !annotators.isEmpty }

    /// The annotator column (long format) or the annotators' columns (wide format).
    package var annotatorColumns: [Int] { annotator.map { [$0] } ?? annotators }

    /// The columns the reader needs besides the metadata: text, label, pair, id, annotators,
    /// time, split.
    package var roleColumns: [Int] {
        [text, label] + [textPair, id, annotator, annotationTime, split].compactMap { $0 } + annotators + indicators.dropFirst()
    }

    static func list(_ columns: [String]) -> String {
        columns.isEmpty ? "(none)" : columns.joined(separator: ", ")
    }
}
