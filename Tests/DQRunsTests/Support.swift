import Foundation
import Testing
import DQAnalyses
import DQReports
@testable import DQRuns
import DQStore
import DQTestSupport
import DQText

/// A store with the planted reviews (20 reviews labelled as they read, 5 with wrong labels).
func reviewsStore() throws -> Store {
    let store = try Store(path: scratchPath("runs.sqlite"))
    try store.ingest(file: fixture("specs/planted-reviews.csv"), options: IngestOptions(dataset: "reviews"))
    return store
}

let reviews = DatasetSelection(name: "reviews")

/// The 500 TREC test questions as dataset "questions": enough for bow to learn something, which
/// 25 reviews are not (suspects then refuse to size a list).
func questionsStore() throws -> Store {
    let store = try Store(path: scratchPath("questions.sqlite"))
    try store.ingest(file: fixture("demo/trec/test.csv"), options: IngestOptions(dataset: "questions"))
    return store
}

let questions = DatasetSelection(name: "questions")

func bowOptions(folds: Int = 2) -> PVIRun.Options {
    var options = PVIRun.Options()
    options.scheme = .crossFit(folds: folds)
    options.null = .prior
    return options
}
