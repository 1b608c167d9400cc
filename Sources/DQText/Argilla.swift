import Foundation

/// Argilla 2.x, the annotation tool whose records carry fields, metadata, a model's suggestion
/// per question and each user's responses: review records written for it (`records`), and the
/// reviewers' responses read back from its export (`readReviews`). Both are the nested form of
/// `Record.to_dict()`, the list `dataset.records.to_json(path)` writes and `Record.from_dict`
/// reads: `{"id": …, "fields": {…}, "metadata": {…}, "suggestions": {question: {"value", "score",
/// "agent"}}, "responses": {question: [{"value", "user_id"}, …]}, "vectors": {}}`.
package enum Argilla {
    /// The question the records ask: which label the text has.
    package static let question = "label"

    /// A JSON array of records, one per suspect: the record id is `#` and the store id (so the
    /// reviews find their sample), fields text (and text_pair), the suggested label as the
    /// question's suggestion with the suspicion score, and the given label, the user's id and
    /// the reasons as metadata.
    package static func records(_ reviews: [ReviewTask], agent: String) -> String {
        let records = reviews.map { s -> JSONValue in
            var fields: [(key: String, value: JSONValue)] = [("text", .string(s.text))]
            if let pair = s.textPair { fields.append(("text_pair", .string(pair))) }
            let suggestions: JSONValue = s.suggestedLabel.map { label in
                .object([(question, .object([("value", .string(label)), ("score", .number(s.score)), ("agent", .string(agent))]))])
            } ?? .object([])
            return .object([
                ("id", .string("#\(s.sample)")), ("fields", .object(fields)),
                ("metadata", .object([("dq_id", .string(s.id)), ("given_label", .string(s.givenLabel)), ("reasons", .string(s.reasons))])),
                ("suggestions", suggestions), ("responses", .object([])), ("vectors", .object([])),
            ])
        }
        return JSONValue.array(records).jsonText + "\n"
    }

    /// Every response to the label question in an Argilla export, one entry per response, its
    /// annotator the responding user's id; a list value (a multi-label question) becomes `a;b`.
    /// Records without a response are skipped. A record names its sample by its id (`#` and the
    /// store id, as `records` wrote it) or, failing that, by `metadata.dq_id`.
    package static func readReviews(path file: String) throws -> [ReviewedLabel] {
        try readReviews(path: file, root: parse(file))
    }

    /// The file's JSON.
    package static func parse(_ file: String) throws -> JSONValue {
        guard let data = FileManager.default.contents(atPath: file) else { throw InputError(file: file, message: "cannot read the file") }
        let root: JSONValue
        do {
            root = try JSONValue.parse(bytes: LabelStudio.withoutByteOrderMark([UInt8](data)))
        } catch {
            throw InputError(file: file, line: error.line, column: error.column, message: error.message)
        }
        return root
    }

    /// Whether a JSON export is Argilla's (records with fields or responses) rather than Label Studio's (tasks with data).
    package static func isExport(_ root: JSONValue) -> Bool {
        guard case .array(let records) = root, let first = records.first else { return false }
        return first["fields"] != nil || first["responses"] != nil
    }

    package static func readReviews(path file: String, root: JSONValue) throws -> [ReviewedLabel] {
        guard case .array(let records) = root else { throw InputError(file: file, message: "$: expected an Argilla export (an array of records)") }
        var entries: [ReviewedLabel] = []
        for (i, record) in records.enumerated() {
            guard case .object(let responses)? = record["responses"] else {
                throw InputError(file: file, message: "$[\(i)]: expected a record with responses (dataset.records(with_responses=True).to_json(path))")
            }
            guard let id = record["id"]?.scalarText.flatMap({ $0.hasPrefix("#") ? $0 : nil }) ?? record["metadata"]?["dq_id"]?.scalarText else {
                throw InputError(file: file, message: "$[\(i)].id: expected the id dq export suspects --format argilla gave the record (#N)")
            }
            // The label question, or the record's only question.
            let answered = responses.first { $0.key == question } ?? (responses.count == 1 ? responses.first : nil)
            guard let (name, list) = answered, case .array(let answers) = list else { continue }
            for (j, answer) in answers.enumerated() {
                let location = "$[\(i)].responses.\(name)[\(j)]"
                let label: String
                switch answer["value"] {
                case nil, .null?: continue  // a discarded response has no value
                case .array(let values)?: label = values.compactMap(\.scalarText).joined(separator: ";")
                case let value?:
                    guard let text = value.scalarText else { throw InputError(file: file, message: "\(location).value: expected a label") }
                    label = text
                }
                entries.append(ReviewedLabel(location: location, id: id, label: label, annotator: answer["user_id"]?.scalarText))
            }
        }
        return entries
    }
}
