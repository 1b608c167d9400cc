import Foundation

/// Label Studio, both ways: its JSON export read as annotations at ingest (`readExport`) or as
/// the corrections of a review (`readReviews`), and review tasks written for it (`tasks`).
package enum LabelStudio {
    /// Exports saved by editors on Windows may start with a UTF-8 byte-order mark, which CSV and
    /// JSON Lines input skip too.
    static func withoutByteOrderMark(_ bytes: [UInt8]) -> [UInt8] {
        bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
    }

    /// Reads a Label Studio JSON export (Export → JSON): one row per task, with each annotator's
    /// choice as an annotation.
    ///
    /// The export is a JSON array of tasks:
    ///
    ///     [{"id": 7, "data": {"text": "…"},
    ///       "annotations": [{"completed_by": 2, "created_at": "2024-03-01T10:00:00Z", "was_cancelled": false,
    ///                        "result": [{"type": "choices", "from_name": "sentiment", "value": {"choices": ["Positive"]}}]}]}]
    ///
    /// The text is the `data` field named by `--text` (or the first of `ColumnRequest.textNames`);
    /// the annotator is `completed_by` (its `email` when it is an object, else `user <id>`);
    /// cancelled annotations and annotations without a choice are skipped. With several choices
    /// controls, `--label` names the one (its `from_name`) to read.
    package static func readExport(path: String, columns request: ColumnRequest) throws -> [LabelledRow] {
        let bytes = withoutByteOrderMark(try FileBytes.read(path: path))
        let root: JSONValue
        do {
            root = try JSONValue.parse(bytes: bytes)
        } catch {
            throw InputError(file: path, line: error.line, column: error.column, message: "not valid JSON: \(error.message)")
        }
        guard case .array(let tasks) = root else {
            throw InputError(file: path, message: "expected a JSON array of tasks (Label Studio's JSON export), found \(root.kindName)")
        }
        var controls = Set<String>()
        var rows: [LabelledRow] = []
        rows.reserveCapacity(tasks.count)
        for (t, task) in tasks.enumerated() {
            let place = "[\(t)]"
            func fail(_ at: String, _ message: String, remedy: InputRemedy? = nil) -> InputError {
                InputError(file: path, line: t + 1, message: "\(place)\(at): \(message)", remedy: remedy)
            }
            guard case .object = task else { throw fail("", "expected a task object, found \(task.kindName)") }
            guard case .object(let data)? = task["data"] else { throw fail(".data", "missing; expected the task's data object") }
            let keys = data.map(\.key)
            let textKey: String
            if let named = request.text {
                guard keys.contains(named) else {
                    throw fail(".data", "no field '\(named)' for the text; the task's data has \(keys.joined(separator: ", "))")
                }
                textKey = named
            } else if let found = keys.first(where: { ColumnRequest.textNames.contains($0.lowercased()) }) {
                textKey = found
            } else {
                throw fail(".data", "cannot tell which field holds the text (looked for \(ColumnRequest.textNames.joined(separator: ", "))); "
                               + "the task's data has \(keys.joined(separator: ", "))", remedy: .nameColumn(.text))
            }
            guard let text = task["data"]?[textKey]?.scalarText, !text.isBlank else {
                throw fail(".data.\(textKey)", "expected the text as a non-empty string")
            }
            let pair = request.textPair.flatMap { task["data"]?[$0]?.scalarText }
            let id = task["id"]?.scalarText
            var annotations: [RowAnnotation] = []
            if case .array(let given)? = task["annotations"] {
                for (a, annotation) in given.enumerated() {
                    let at = ".annotations[\(a)]"
                    if annotation["was_cancelled"] == .bool(true) { continue }
                    let annotator: String
                    switch annotation["completed_by"] {
                    case .object?:
                        let user = annotation["completed_by"]!
                        annotator = user["email"]?.scalarText ?? user["id"]?.scalarText.map { "user \($0)" } ?? "user ?"
                    case let value? where value.scalarText != nil:
                        annotator = "user \(value.scalarText!)"
                    default:
                        throw fail(at + ".completed_by", "missing; expected the annotator's id")
                    }
                    var choices: [String] = []
                    var from: String?
                    if case .array(let results)? = annotation["result"] {
                        for (r, result) in results.enumerated() where result["type"]?.scalarText == "choices" {
                            let name = result["from_name"]?.scalarText ?? ""
                            controls.insert(name)
                            if let wanted = request.label, name != wanted { continue }
                            if let from, from != name {
                                throw fail(at + ".result[\(r)]", "choices from two controls ('\(from)' and '\(name)'); name the one to read", remedy: .nameColumn(.label))
                            }
                            from = name
                            guard case .array(let picked)? = result["value"]?["choices"] else {
                                throw fail(at + ".result[\(r)].value.choices", "expected an array of chosen labels")
                            }
                            for choice in picked {
                                guard let label = choice.scalarText?.trimmingWhitespace(), !label.isEmpty else {
                                    throw fail(at + ".result[\(r)].value.choices", "expected labels as non-empty strings")
                                }
                                choices.append(label)
                            }
                        }
                    }
                    if choices.isEmpty { continue }
                    if choices.count > 1 {
                        throw fail(at, "\(annotator) chose \(choices.count) labels (\(choices.joined(separator: ", "))); dq reads single-label choices")
                    }
                    annotations.append(RowAnnotation(annotator: annotator, label: choices[0], time: annotation["created_at"]?.scalarText))
                }
            }
            var row = LabelledRow(line: t + 1, text: text, textPair: pair, label: "", externalID: id, metadata: [])
            row.annotations = annotations
            rows.append(row)
        }
        if let wanted = request.label, !controls.isEmpty, !controls.contains(wanted) {
            throw InputError(file: path, message: "no choices control named '\(wanted)'; the export has \(controls.sorted().joined(separator: ", "))")
        }
        return rows
    }

    /// A Label Studio export of tasks made by `dq export suspects --format labelstudio`: each
    /// task's latest non-cancelled annotation.
    package static func readReviews(path file: String) throws -> [ReviewedLabel] {
        guard let data = FileManager.default.contents(atPath: file) else { throw InputError(file: file, message: "cannot read the file") }
        let root: JSONValue
        do {
            root = try JSONValue.parse(bytes: withoutByteOrderMark([UInt8](data)))
        } catch {
            throw InputError(file: file, line: error.line, column: error.column, message: error.message)
        }
        guard case .array(let tasks) = root else { throw InputError(file: file, message: "$: expected a Label Studio export (an array of tasks)") }
        var entries: [ReviewedLabel] = []
        for (i, task) in tasks.enumerated() {
            let path = "$[\(i)]"
            let id: String
            if case .number(let sample)? = task["data"]?["dq_sample"] {
                id = "#\(Int64(sample))"
            } else if let external = task["data"]?["id"]?.scalarText {
                id = external
            } else {
                throw InputError(file: file, message: "\(path).data: expected dq_sample or id (tasks from `dq export suspects --format labelstudio`)")
            }
            guard case .array(let annotations)? = task["annotations"] else { continue }
            guard let (a, annotation) = annotations.enumerated().reversed().first(where: { $0.element["was_cancelled"] != .bool(true) }) else { continue }
            guard case .array(let results)? = annotation["result"],
                  let choice = results.lazy.compactMap({ $0["value"]?["choices"]?[0]?.scalarText }).first else { continue }
            var who: String?
            if let by = annotation["completed_by"] { who = by["email"]?.scalarText ?? by.scalarText }
            entries.append(ReviewedLabel(location: "\(path).annotations[\(a)]", id: id, label: choice, annotator: who))
        }
        return entries
    }

    /// Label Studio tasks (Import → JSON) for review: the text in `data` with the sample's ids,
    /// given label and reasons, and the suggested label as a prediction of `modelVersion`.
    package static func tasks(_ reviews: [ReviewTask], modelVersion: String) -> String {
        let tasks: [JSONValue] = reviews.map { s in
            var data: [(key: String, value: JSONValue)] = [("text", .string(s.text))]
            if let pair = s.textPair { data.append(("text_pair", .string(pair))) }
            data += [("id", .string(s.id)), ("dq_sample", .number(Double(s.sample))), ("given_label", .string(s.givenLabel)),
                     ("reasons", .string(s.reasons))]
            var task: [(key: String, value: JSONValue)] = [("data", .object(data))]
            if let suggested = s.suggestedLabel {
                task.append(("predictions", .array([.object([
                    ("model_version", .string(modelVersion)), ("score", .number(s.score)),
                    ("result", .array([.object([
                        ("from_name", .string("label")), ("to_name", .string("text")), ("type", .string("choices")),
                        ("value", .object([("choices", .array([.string(suggested)]))])),
                    ])])),
                ])])))
            }
            return .object(task)
        }
        return JSONValue.array(tasks).jsonText + "\n"
    }
}
