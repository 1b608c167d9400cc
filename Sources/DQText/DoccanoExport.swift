/// Reads a doccano export of a text-classification project, in which doccano writes one JSON
/// Lines file per annotator (`admin.jsonl`, `alice.jsonl`, …; unzip the export first): each line
/// a document, `{"id": 3, "text": "…", "label": ["positive"]}` (older versions: `labels`, and a
/// `username` or `user` field). Each file's labels are its annotator's; the annotator is the
/// line's `username`/`user` when present, else the file's name without extension.
package enum DoccanoExport {
    package static func read(path: String, columns request: ColumnRequest) throws -> [LabelledRow] {
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
}
