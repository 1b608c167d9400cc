/// One stored sample.
package struct Sample: Sendable, Equatable {
    /// The store's id of the sample.
    package var id: Int64
    package var split: String
    /// The line of its source file on which the sample's row starts.
    package var sourceRow: Int
    /// The id the source file gave it, if any.
    package var externalID: String?
    package var text: String
    package var textPair: String?
    package var label: String
    /// Metadata columns as a JSON object text, if any were kept.
    package var metadata: String?

    package init(id: Int64, split: String, sourceRow: Int, externalID: String?, text: String, textPair: String?,
                label: String, metadata: String?) {
        self.id = id
        self.split = split
        self.sourceRow = sourceRow
        self.externalID = externalID
        self.text = text
        self.textPair = textPair
        self.label = label
        self.metadata = metadata
    }

    /// The id a user knows the sample by: the source's id, else `#` and the store's id.
    package var displayID: String { externalID ?? "#\(id)" }
}
