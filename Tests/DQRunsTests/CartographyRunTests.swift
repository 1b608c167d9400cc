import Foundation
import Testing
import DQAnalyses
import DQReports
@testable import DQRuns
import DQStore
import DQTestSupport
import DQText

@Test func cartographyRefusesAModelThatDoesNotTrainInEpochs() throws {
    let store = try reviewsStore()
    var options = CartographyRun.Options()
    options.model = ModelSettings(model: .bow)
    #expect(throws: OptionError("cartography needs a model trained in epochs: use {model} tiny-bert (the default) or a BERT directory")) {
        try CartographyRun.run(store: store, dataset: reviews, options: options)
    }
    #expect(try store.runs(dataset: nil).isEmpty)
}
