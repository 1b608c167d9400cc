/// A cartography region (Swayamdipta et al., EMNLP 2020), named as the paper names it.
package enum CartographyRegion: String, Sendable, Codable, CaseIterable {
    case easy = "easy-to-learn"
    case ambiguous
    case hard = "hard-to-learn"
}

/// The regions a sample is in: regions are selected independently, so a sample can be in
/// several or in none. Stored as one 0/1 column per region.
package struct CartographyRegions: OptionSet, Sendable, Hashable {
    package let rawValue: Int
    package init(rawValue: Int) { self.rawValue = rawValue }
    package static let easy = CartographyRegions(rawValue: 1)
    package static let ambiguous = CartographyRegions(rawValue: 2)
    package static let hard = CartographyRegions(rawValue: 4)

    package init(_ region: CartographyRegion) {
        switch region {
        case .easy: self = .easy
        case .ambiguous: self = .ambiguous
        case .hard: self = .hard
        }
    }

    package func contains(_ region: CartographyRegion) -> Bool { contains(CartographyRegions(region)) }

    /// The regions' names joined by "+" (ambiguous+hard-to-learn), or "-" for none.
    package var names: String {
        let names = CartographyRegion.allCases.filter { contains($0) }.map(\.rawValue)
        return names.isEmpty ? "-" : names.joined(separator: "+")
    }
}
