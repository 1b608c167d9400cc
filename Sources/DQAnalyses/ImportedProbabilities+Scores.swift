import DQText

/// What dq computes from probabilities read from files (`ImportedProbabilities` in DQText reads
/// them): PVI, and confident learning's row source over a NumPy array.
extension ImportedProbabilities {
    /// PVI of the samples the file lists. Ids in the file that are not samples are an error.
    package static func score(_ rows: [String: Row], samples: [Sample], labels: [String], path: String) throws -> [PVIEstimation.Result] {
        let known = Set(samples.map(\.displayID))
        let unknown = rows.keys.filter { !known.contains($0) }.sorted()
        guard unknown.isEmpty else {
            throw InputError(file: path, message: "\(unknown.count) ids are not samples of this dataset (first: \(unknown.prefix(5).joined(separator: ", ")))")
        }
        let index = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
        return samples.compactMap { sample in
            guard let row = rows[sample.displayID], let y = index[sample.label] else { return nil }
            return PVIEstimation.Result(
                sample: sample, fold: -1,
                score: PointwiseVInformation.score(label: y, inputProbabilities: row.input, nullProbabilities: row.null),
                probabilities: row.input)
        }
    }

    /// A NumPy array of probabilities as confident learning's row source, read about 8 MB at a time.
    package struct NumPyRows: ConfidentLearning.ProbabilityRows {
        package let array: NumPyArray
        package var blockBytes = 8 << 20

        package init(array: NumPyArray) { self.array = array }

        package var count: Int { array.rows }
        package var classes: Int { array.columns }
        package var singlePrecision: Bool { array.element == .float(bytes: 4) }

        /// Each block of rows, checked as the CSV path checks its rows: every value a probability
        /// in [0, 1] (no NaN or infinity), every row summing to 1 within 10⁻³.
        package func forEachBlock(_ body: (Int, UnsafeBufferPointer<Double>) throws -> Void) throws {
            let k = array.columns
            try array.forEachBlock(blockBytes: blockBytes) { first, values in
                for start in stride(from: 0, to: values.count, by: max(k, 1)) {
                    let row = values[start..<min(start + k, values.count)]
                    if let bad = row.firstIndex(where: { !($0 >= 0 && $0 <= 1) }) {
                        throw InputError(file: array.path, message: "row \(first + start / k), column \(bad - start): \(row[bad]) is not a probability in [0, 1]")
                    }
                    let sum = row.reduce(0, +)
                    if abs(sum - 1) > 1e-3 { throw InputError(file: array.path, message: "row \(first + start / k) sums to \(sum), expected 1") }
                }
                try values.withUnsafeBufferPointer { try body(first, $0) }
            }
        }
    }
}
