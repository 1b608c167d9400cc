import Foundation

/// doccano, both ways: an export read as annotations at ingest (`readExport`) or as the
/// corrections of a review (`readReviews`), and review lines written for it (`lines`).
package enum Doccano {
    /// Reads a doccano export of a text-classification project, in which doccano writes one JSON
    /// Lines file per annotator (`admin.jsonl`, `alice.jsonl`, …; unzip the export first): each line
    /// a document, `{"id": 3, "text": "…", "label": ["positive"]}` (older versions: `labels`, and a
    /// `username` or `user` field). Each file's labels are its annotator's; the annotator is the
    /// line's `username`/`user` when present, else the file's name without extension.
    package static func readExport(path: String, columns request: ColumnRequest) throws -> [LabelledRow] {
        let reader = try ByteReader(path: path)
        let fileAnnotator = String((path.split(separator: "/").last ?? Substring(path)).split(separator: ".").first ?? "")
        var rows: [LabelledRow] = []
        var line = 0
        var pending: [UInt8] = []
        var finished = false
        while !finished {
            // One physical line at a time.
            pending.removeAll(keepingCapacity: true)
            var found = false, any = false
            while !found {
                let more = try reader.withNextBytes { chunk in
                    any = true
                    if let newline = chunk.firstIndex(of: UInt8(ascii: "\n")) {
                        pending.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[..<newline]))
                        found = true
                        return newline + 1
                    }
                    pending.append(contentsOf: chunk)
                    return chunk.count
                }
                if !more { break }
            }
            if !found { finished = true }
            if !any && !found { break }
            line += 1
            if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
            if pending.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            let document: JSONValue
            do {
                document = try JSONValue.parse(bytes: pending)
            } catch {
                throw InputError(file: path, line: line, column: error.column, message: "invalid JSON: \(error.message)")
            }
            guard case .object(let members) = document else {
                throw InputError(file: path, line: line, message: "expected a JSON object (a doccano document), found \(document.kindName)")
            }
            let textKey = request.text ?? members.map(\.key).first { ColumnRequest.textNames.contains($0.lowercased()) } ?? "text"
            guard let text = document[textKey]?.scalarText, !text.isBlank else {
                throw InputError(file: path, line: line, message: "no text in field '\(textKey)'")
            }
            let labelKey = request.label ?? (document["label"] != nil ? "label" : "labels")
            var labels: [String] = []
            switch document[labelKey] {
            case .array(let items)?:
                for item in items {
                    // Sequence-labelling exports hold [start, end, label] triples: not a classification project.
                    guard let label = item.scalarText?.trimmingWhitespace(), !label.isEmpty else {
                        throw InputError(file: path, line: line, message: "field '\(labelKey)' holds \(item.kindName) items; expected label names (a text-classification export)")
                    }
                    labels.append(label)
                }
            case let value? where value.scalarText != nil:
                labels = [value.scalarText!.trimmingWhitespace()]
            case .null?, nil:
                break
            default:
                throw InputError(file: path, line: line, message: "field '\(labelKey)' is not a list of labels")
            }
            let annotator = (document["username"] ?? document["user"])?.scalarText ?? fileAnnotator
            if labels.count > 1 && !request.multiLabel {
                throw InputError(file: path, line: line, message: "\(annotator) gave document \(document["id"]?.scalarText ?? "?") \(labels.count) labels "
                                     + "(\(labels.joined(separator: ", "))); single-label data has one label per annotator and document")
            }
            var row = LabelledRow(line: line, text: text, textPair: nil, label: "", externalID: document["id"]?.scalarText, metadata: [])
            row.annotations = labels.map { RowAnnotation(annotator: annotator, label: $0) }
            rows.append(row)
        }
        return rows
    }

    /// A doccano export of a project imported from `dq export suspects --format doccano`: each
    /// line's first label.
    package static func readReviews(path file: String) throws -> [ReviewedLabel] {
        guard let data = FileManager.default.contents(atPath: file) else { throw InputError(file: file, message: "cannot read the file") }
        var entries: [ReviewedLabel] = []
        for (i, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            guard line.contains(where: { $0 != 0x20 && $0 != 0x0D && $0 != 0x09 }) else { continue }
            let object: JSONValue
            do {
                object = try JSONValue.parse(bytes: [UInt8](line))
            } catch {
                throw InputError(file: file, line: i + 1, column: error.column, message: error.message)
            }
            guard case .number(let sample)? = object["dq_sample"] else {
                throw InputError(file: file, line: i + 1, message: "expected dq_sample (lines from `dq export suspects --format doccano`)")
            }
            guard let label = object["label"]?[0]?.scalarText ?? object["label"]?.scalarText else { continue }
            entries.append(ReviewedLabel(location: "line \(i + 1)", id: "#\(Int64(sample))", label: label, annotator: nil))
        }
        return entries
    }

    /// doccano JSON Lines for review (a text-classification project's import): the given
    /// label as `label`, the rest as metadata.
    package static func lines(_ reviews: [ReviewTask]) -> String {
        var text = ""
        for s in reviews {
            var line: [(key: String, value: JSONValue)] = [("text", .string(s.text)), ("label", .array([.string(s.givenLabel)]))]
            if let pair = s.textPair { line.append(("text_pair", .string(pair))) }
            line += [("id", .string(s.id)), ("dq_sample", .number(Double(s.sample))),
                     ("suggested_label", s.suggestedLabel.map { .string($0) } ?? .null), ("reasons", .string(s.reasons))]
            text += JSONValue.object(line).jsonText + "\n"
        }
        return text
    }
}
