import Foundation
import Testing
import DQAnalyses
import DQReports
@testable import DQRuns
import DQStore
import DQTestSupport
import DQText

@Test func labelIssuesUseTheRunsLabelOrderAndProbabilities() throws {
    let store = try reviewsStore()
    let pvi = try PVIRun.run(store: store, dataset: reviews, options: bowOptions())
    let outcome = try LabelIssuesRun.run(store: store, dataset: reviews, options: LabelIssuesRun.Options())
    let direct = ConfidentLearning.findLabelIssues(
        ConfidentLearning.Input(labels: pvi.results.map { pvi.labels.firstIndex(of: $0.sample.label)! },
                                probabilities: pvi.results.flatMap(\.probabilities), classes: 2))
    #expect(outcome.result.ranked == direct.ranked)
    let stored = try store.labelIssues(run: outcome.run)
    #expect(stored.map(\.sampleID) == direct.ranked.map { pvi.results[$0].sample.id })
    #expect(try store.run(outcome.run).parameters(LabelIssuesParameters.self).pviRun == pvi.run)
    #expect(outcome.tables(top: 5).map(\.name) == ["label_health", "noise_matrix", "issues"])
}

/// A little-endian NumPy `.npy` file (format 1.0) of `values` with `shape`, as numpy.save writes it.
private func npy(_ values: [Double], rows: Int, columns: Int?, descr: String) throws -> String {
    var header = "{'descr': '\(descr)', 'fortran_order': False, 'shape': (\(rows),\(columns.map { " \($0)" } ?? "")), }"
    while (10 + header.utf8.count + 1) % 64 != 0 { header += " " }
    header += "\n"
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.utf8.count & 0xFF), UInt8(header.utf8.count >> 8)] + Array(header.utf8)
    for v in values {
        let bits = descr == "<f8" ? v.bitPattern : UInt64(bitPattern: Int64(v))
        for shift in stride(from: 0, to: 64, by: 8) { bytes.append(UInt8((bits >> UInt64(shift)) & 0xFF)) }
    }
    return temporaryFile(bytes, suffix: ".npy")
}

@Test func npyProbabilitiesAreCheckedAsTheCSVPathChecksThem() throws {
    let store = try Store(path: scratchPath("npy-checks.sqlite"))
    let labels = try npy([0, 1, 0], rows: 3, columns: nil, descr: "<i8")
    for (values, expected) in [([0.9, 0.1, .nan, 0.5, 0.3, 0.7], "row 1, column 0: nan is not a probability in [0, 1]"),
                               ([0.9, 0.1, -0.2, 1.2, 0.3, 0.7], "row 1, column 0: -0.2 is not a probability in [0, 1]"),
                               ([0.9, 0.1, 0.5, 0.5, .infinity, 0.7], "row 2, column 0: inf is not a probability in [0, 1]"),
                               ([0.9, 0.1, 0.5, 0.4, 0.3, 0.7], "row 1 sums to 0.9, expected 1")] {
        var options = LabelIssuesRun.Options()
        (options.probabilities, options.labelsFile) = (try npy(values, rows: 3, columns: 2, descr: "<f8"), labels)
        do {
            _ = try LabelIssuesRun.run(store: store, dataset: DatasetSelection(), options: options)
            Issue.record("accepted \(values)")
        } catch let error as InputError {
            #expect(error.message == expected, "\(error)")
        }
    }
}
