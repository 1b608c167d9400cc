/// Who labelled which item how: the annotations of a dataset, grouped by item (compressed rows).
///
/// Items, annotators and labels are positions (0-based). An item holds at most one label per
/// annotator (single-label data).
package struct AnnotationMatrix: Sendable {
    package let itemCount: Int
    package let annotatorCount: Int
    package let labelCount: Int
    /// Item `i`'s annotations are `offsets[i]..<offsets[i + 1]` of `annotators` and `labels`.
    package let offsets: [Int]
    package let annotators: [Int32]
    package let labels: [Int32]

    /// `item`, `annotator` and `label` are parallel, one entry per annotation; entries of an item
    /// need not be adjacent.
    package init(itemCount: Int, annotatorCount: Int, labelCount: Int, item: [Int32], annotator: [Int32], label: [Int32]) {
        precondition(item.count == annotator.count && item.count == label.count)
        var offsets = [Int](repeating: 0, count: itemCount + 1)
        for i in item { offsets[Int(i) + 1] += 1 }
        for i in 0..<itemCount { offsets[i + 1] += offsets[i] }
        var next = offsets
        var annotators = [Int32](repeating: 0, count: item.count)
        var labels = [Int32](repeating: 0, count: item.count)
        for (k, i) in item.enumerated() {
            let slot = next[Int(i)]
            annotators[slot] = annotator[k]
            labels[slot] = label[k]
            next[Int(i)] += 1
        }
        self.itemCount = itemCount
        self.annotatorCount = annotatorCount
        self.labelCount = labelCount
        self.offsets = offsets
        self.annotators = annotators
        self.labels = labels
    }

    /// From a wide table: `rows[i][a]` is annotator `a`'s label of item `i`, or nil.
    package init(wide rows: [[Int?]], labelCount: Int) {
        var item: [Int32] = [], annotator: [Int32] = [], label: [Int32] = []
        for (i, row) in rows.enumerated() {
            for (a, value) in row.enumerated() {
                if let value {
                    item.append(Int32(i))
                    annotator.append(Int32(a))
                    label.append(Int32(value))
                }
            }
        }
        self.init(itemCount: rows.count, annotatorCount: rows.map(\.count).max() ?? 0, labelCount: labelCount,
                  item: item, annotator: annotator, label: label)
    }

    /// The number of annotations of item `i`.
    @inlinable package func count(_ i: Int) -> Int { offsets[i + 1] - offsets[i] }

    /// The same items, annotators and labels with only the annotations of `members`.
    package func restricted(to members: Set<Int32>) -> AnnotationMatrix {
        var item: [Int32] = [], annotator: [Int32] = [], label: [Int32] = []
        for i in 0..<itemCount {
            for slot in offsets[i]..<offsets[i + 1] where members.contains(annotators[slot]) {
                item.append(Int32(i)); annotator.append(annotators[slot]); label.append(labels[slot])
            }
        }
        return AnnotationMatrix(itemCount: itemCount, annotatorCount: annotatorCount, labelCount: labelCount, item: item, annotator: annotator, label: label)
    }

    /// Item `i`'s annotations as (annotator, label).
    package func annotations(_ i: Int) -> [(annotator: Int, label: Int)] {
        (offsets[i]..<offsets[i + 1]).map { (Int(annotators[$0]), Int(labels[$0])) }
    }

    /// Per item, how many annotators gave each label: (label, count) pairs, labels ascending.
    package func labelCounts(_ i: Int) -> [(label: Int, count: Int)] {
        var counts: [Int: Int] = [:]
        for k in offsets[i]..<offsets[i + 1] { counts[Int(labels[k]), default: 0] += 1 }
        return counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }
}
