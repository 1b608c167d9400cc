extension Sequence {
    /// The elements grouped by `key`: the groups in order of their first element, each group's
    /// elements in sequence order.
    package func groupedInOrder<Key: Hashable>(by key: (Element) -> Key) -> [(key: Key, elements: [Element])] {
        var position: [Key: Int] = [:]
        var groups: [(key: Key, elements: [Element])] = []
        for element in self {
            let k = key(element)
            if let p = position[k] {
                groups[p].elements.append(element)
            } else {
                position[k] = groups.count
                groups.append((k, [element]))
            }
        }
        return groups
    }
}
