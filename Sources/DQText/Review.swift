/// A sample handed to annotators for review (`dq export suspects`), as every annotation
/// format writes it.
package struct ReviewTask: Sendable, Equatable {
    /// The id the user knows the sample by.
    package var id: String
    /// The store's id, written so that the reviewed file finds its way back to the sample.
    package var sample: Int64
    package var text: String
    package var textPair: String?
    package var givenLabel: String
    package var suggestedLabel: String?
    package var reasons: String
    package var score: Double

    package init(id: String, sample: Int64, text: String, textPair: String?, givenLabel: String, suggestedLabel: String?, reasons: String,
                 score: Double) {
        (self.id, self.sample, self.text, self.textPair, self.givenLabel) = (id, sample, text, textPair, givenLabel)
        (self.suggestedLabel, self.reasons, self.score) = (suggestedLabel, reasons, score)
    }
}

/// One label a reviewer chose, as read back from a reviewed file (`dq corrections import`).
package struct ReviewedLabel: Sendable, Equatable {
    /// Where in the file ("line 3", "$[2].annotations[0]").
    package var location: String
    /// The sample's id as the file gives it: its display id, or `#` and the store id.
    package var id: String
    package var label: String
    package var annotator: String?

    package init(location: String, id: String, label: String, annotator: String?) {
        (self.location, self.id, self.label, self.annotator) = (location, id, label, annotator)
    }
}
