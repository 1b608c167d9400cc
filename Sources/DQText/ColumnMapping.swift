/// Which columns of an input file hold the text, the optional second text of a pair, the
/// label, the external id and the metadata. Columns left nil are recognised by name.
public struct ColumnRequest: Sendable {
    public var text: String?
    public var textPair: String?
    public var label: String?
    public var id: String?
    /// Further columns kept as metadata.
    public var meta: [String]
    /// Keep every column that is not otherwise used as metadata.
    public var allMeta: Bool

    public init(text: String? = nil, textPair: String? = nil, label: String? = nil, id: String? = nil,
                meta: [String] = [], allMeta: Bool = false) {
        self.text = text
        self.textPair = textPair
        self.label = label
        self.id = id
        self.meta = meta
        self.allMeta = allMeta
    }

    /// Names recognised (case-insensitively, first match wins) when a column is not named.
    public static let textNames = ["text", "sentence", "review", "content", "document", "sentence1", "premise"]
    public static let textPairNames = ["text_pair", "sentence2", "hypothesis"]
    public static let labelNames = ["label", "class", "labels", "category", "gold_label", "target"]
    public static let idNames = ["id", "guid", "uid", "idx"]
}

/// A `ColumnRequest` resolved against a file's columns: positions in the column list.
public struct ResolvedColumns: Equatable, Sendable {
    public var columns: [String]
    public var text: Int
    public var textPair: Int?
    public var label: Int
    public var id: Int?
    public var meta: [Int]

    /// Resolves `request` against `columns`, the file's column names in order.
    public init(_ request: ColumnRequest, columns: [String], file: String) throws(InputError) {
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
        if let name = request.label {
            label = try lookup(name, role: .label)
        } else if let found = recognise(ColumnRequest.labelNames) {
            label = found
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
        let used = Set([text, label] + [textPair, id].compactMap { $0 })
        if let clash = [textPair, id].compactMap({ $0 }).first(where: { $0 == text || $0 == label }) {
            throw InputError(file: file, message: "column '\(columns[clash])' is asked to play two roles")
        }
        if text == label {
            throw InputError(file: file, message: "column '\(columns[text])' cannot be both the text and the label")
        }
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
    }

    static func list(_ columns: [String]) -> String {
        columns.isEmpty ? "(none)" : columns.joined(separator: ", ")
    }
}
