/// A problem with an input file as a whole, or at a place in it.
package struct InputError: Error, CustomStringConvertible, Equatable {
    package var file: String
    package var line: Int?
    package var column: Int?
    package var message: String
    /// What the person can change to get past it, when that is a setting rather than the file;
    /// the command line names the option.
    package var remedy: InputRemedy?

    package init(file: String, line: Int? = nil, column: Int? = nil, message: String, remedy: InputRemedy? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
        self.remedy = remedy
    }

    package var description: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        return "\(place): \(message)"
    }
}

/// A setting that gets past an input error.
package enum InputRemedy: Sendable, Equatable {
    /// Name the column that plays this role.
    case nameColumn(ColumnRole)
    /// Name the file's format.
    case nameFormat
    /// Name the columns to keep instead of keeping every column.
    case nameColumns
    /// Read the file as multi-label data (true) or as single labels (false).
    case multiLabel(Bool)
    /// Name the dataset (its file's name cannot be one).
    case nameDataset
}

/// What a column of an input file is used for.
package enum ColumnRole: String, Sendable, Equatable {
    case text
    case textPair = "text pair"
    case label
    case id
    case meta = "metadata"
    case annotator
    case annotationTime = "annotation time"
    case split
    case labelColumns = "label columns"
}
