/// A sample's labels in multi-label data, written in one cell: `a;b` (semicolon-separated, each
/// trimmed; empty means none) or a JSON array of strings or numbers, `["a", "b"]`.
package enum LabelList {
    /// The labels of `cell`, in the order written, each once; nil when a JSON array is malformed.
    package static func parse(_ cell: String) -> [String]? {
        let trimmed = cell.trimmingWhitespace()
        var labels: [String]
        if trimmed.hasPrefix("[") {
            guard case .array(let items)? = try? JSONValue.parse(trimmed) else { return nil }
            var values: [String] = []
            for item in items {
                guard let text = item.scalarText else { return nil }
                values.append(text.trimmingWhitespace())
            }
            labels = values
        } else {
            labels = trimmed.isEmpty ? [] : trimmed.split(separator: ";", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace() }
        }
        var seen = Set<String>()
        labels = labels.filter { !$0.isEmpty && seen.insert($0).inserted }
        return labels
    }
}
