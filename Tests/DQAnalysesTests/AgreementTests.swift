import Foundation
import Testing
@testable import DQAnalyses

private struct AgreementGolden: Decodable {
    struct Pair: Decodable {
        var a: Int
        var b: Int
        var overlap: Int
        var cohen: Double?
    }
    struct Case: Decodable {
        var name: String
        var labels: Int
        var wide: [[Int?]]
        var alpha: Double
        var fleiss: Double
        var light: Double
        var per_label_alpha: [Double?]
        var per_label_fleiss: [Double?]
        var pairs: [Pair]
    }
    var cases: [Case]
}

private func agreementGolden() throws -> AgreementGolden {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/agreement.json")
    return try JSONDecoder().decode(AgreementGolden.self, from: Data(contentsOf: url))
}

/// krippendorff, statsmodels and scikit-learn on Fleiss's diagnoses, Krippendorff's 2011 example
/// and a sparse seeded case (make_agreement_golden.py).
@Test func agreementEqualsKrippendorffStatsmodelsAndScikitLearn() throws {
    let golden = try agreementGolden()
    #expect(golden.cases.map(\.name) == ["diagnoses", "krippendorff2011", "sparse"])
    for c in golden.cases {
        let matrix = AnnotationMatrix(wide: c.wide, labelCount: c.labels)
        let result = InterAnnotatorAgreement.measure(matrix, resamples: 0)
        #expect(abs(result.alpha.estimate! - c.alpha) < 1e-9, "\(c.name) alpha")
        #expect(abs(result.fleiss.estimate! - c.fleiss) < 1e-9, "\(c.name) fleiss")
        #expect(abs(result.meanCohen.estimate! - c.light) < 1e-9, "\(c.name) light")
        for label in 0..<c.labels {
            switch (result.perLabel[label].alpha.estimate, c.per_label_alpha[label]) {
            case let (ours?, theirs?): #expect(abs(ours - theirs) < 1e-9, "\(c.name) alpha of label \(label)")
            case (nil, nil): break
            default: Issue.record("\(c.name) label \(label): alpha defined on one side only")
            }
            switch (result.perLabel[label].fleiss.estimate, c.per_label_fleiss[label]) {
            case let (ours?, theirs?): #expect(abs(ours - theirs) < 1e-9, "\(c.name) fleiss of label \(label)")
            case (nil, nil): break
            default: Issue.record("\(c.name) label \(label): fleiss defined on one side only")
            }
        }
        // α without each annotator equals α of the data with that annotator's column removed.
        for annotator in result.perAnnotator {
            let reduced = AnnotationMatrix(wide: c.wide.map { row in row.enumerated().map { $0.offset == annotator.annotator ? nil : $0.element } },
                                           labelCount: c.labels)
            let expected = InterAnnotatorAgreement.krippendorffAlpha(reduced)
            #expect(abs((annotator.alphaWithout ?? .nan) - (expected ?? .nan)) < 1e-12 || (annotator.alphaWithout == nil && expected == nil))
        }
        #expect(result.pairs.count == c.pairs.count)
        for (ours, theirs) in zip(result.pairs, c.pairs) {
            #expect(ours.a == theirs.a && ours.b == theirs.b && ours.overlap == theirs.overlap)
            if let kappa = theirs.cohen { #expect(abs(ours.cohen.estimate! - kappa) < 1e-9, "\(c.name) cohen \(ours.a)-\(ours.b)") }
            // The standalone function agrees with the pairwise table.
            let a = c.wide.map { $0[ours.a] }, b = c.wide.map { $0[ours.b] }
            #expect(InterAnnotatorAgreement.cohenKappa(a, b, labelCount: c.labels) == ours.cohen.estimate)
        }
    }
}

/// Hand-computed: two annotators, four items, labels 0/1.
/// Agreement 3/4; shares a = (2/4, 2/4), b = (1/4, 3/4); p_e = 1/2·1/4 + 1/2·3/4 = 1/2;
/// κ = (3/4 − 1/2)/(1/2) = 1/2. α: n = 8 values, n_0 = 3, n_1 = 5, one disagreeing unit
/// contributing 2 to Σ(m² − Σn²)/(m − 1); α = 1 − 7·2/(64 − 9 − 25) = 1 − 14/30 = 8/15.
@Test func agreementOnAHandComputedCase() {
    let matrix = AnnotationMatrix(wide: [[0, 0], [0, 1], [1, 1], [1, 1]], labelCount: 2)
    let result = InterAnnotatorAgreement.measure(matrix, resamples: 0)
    #expect(abs(result.pairs[0].cohen.estimate! - 0.5) < 1e-15)
    #expect(abs(result.alpha.estimate! - 8.0 / 15.0) < 1e-15)
    #expect(result.pairs[0].observed == 0.75)
    #expect(result.disputed.map(\.item) == [1])
    #expect(result.disputed[0].disagreement == 1)
}

@Test func agreementIsUndefinedWhenEveryoneGivesOneLabel() {
    let matrix = AnnotationMatrix(wide: [[0, 0], [0, 0]], labelCount: 2)
    let result = InterAnnotatorAgreement.measure(matrix, resamples: 50)
    #expect(result.alpha.estimate == nil && result.fleiss.estimate == nil && result.pairs[0].cohen.estimate == nil)
    #expect(result.disputed.isEmpty)
}

/// The intervals come from resamples over items: they hold the estimate on a sizeable case,
/// shrink with more items, and are the same for the same seed.
@Test func agreementIntervalsAreSeededAndShrinkWithMoreItems() throws {
    let golden = try agreementGolden()
    let sparse = golden.cases.first { $0.name == "sparse" }!
    let matrix = AnnotationMatrix(wide: sparse.wide, labelCount: sparse.labels)
    let a = InterAnnotatorAgreement.measure(matrix, resamples: 200, seed: 5)
    let b = InterAnnotatorAgreement.measure(matrix, resamples: 200, seed: 5)
    #expect(a.alpha == b.alpha && a.pairs.map(\.cohen) == b.pairs.map(\.cohen))
    let alpha = a.alpha
    #expect(alpha.low! < alpha.estimate! && alpha.estimate! < alpha.high!)
    let small = AnnotationMatrix(wide: Array(sparse.wide.prefix(100)), labelCount: sparse.labels)
    let smallAlpha = InterAnnotatorAgreement.measure(small, resamples: 200, seed: 5).alpha
    #expect(smallAlpha.high! - smallAlpha.low! > alpha.high! - alpha.low!)
}

private struct MetricGolden: Decodable {
    struct Case: Decodable {
        var name: String
        var values: [Double]
        var wide: [[Int?]]
        var nominal: Double
        var ordinal: Double
        var interval: Double
        var ratio: Double?
    }
    var cases: [Case]
}

/// Krippendorff's α for ordered labels equals the `krippendorff` package's at every level of
/// measurement (make_krippendorff_metrics_golden.py), on the paper's example (0.743, 0.815,
/// 0.849, 0.797), ConvAbuse-like severities listed out of order, and ratio data; the nominal
/// metric equals the nominal engine's α; the bootstrap gives the ordered α an interval.
@Test func orderedAlphaEqualsTheKrippendorffPackage() throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/krippendorff_metrics.json")
    let golden = try JSONDecoder().decode(MetricGolden.self, from: Data(contentsOf: url))
    #expect(golden.cases.map(\.name) == ["krippendorff2011", "severity", "ratio"])
    for c in golden.cases {
        let matrix = AnnotationMatrix(wide: c.wide, labelCount: c.values.count)
        for (metric, expected) in [(InterAnnotatorAgreement.Metric.nominal, c.nominal), (.ordinal, c.ordinal), (.interval, c.interval)] + (c.ratio.map { [(.ratio, $0)] } ?? []) {
            let alpha = try #require(InterAnnotatorAgreement.krippendorffAlpha(matrix, metric: metric, values: c.values))
            #expect(abs(alpha - expected) < 1e-9, "\(c.name) \(metric): \(alpha) vs \(expected)")
        }
        #expect(abs(InterAnnotatorAgreement.krippendorffAlpha(matrix, metric: .nominal, values: c.values)! - InterAnnotatorAgreement.krippendorffAlpha(matrix)!) < 1e-12)
        let measured = InterAnnotatorAgreement.measure(matrix, resamples: 200, scale: (.ordinal, c.values))
        let scaled = try #require(measured.scaledAlpha)
        #expect(abs(scaled.estimate! - c.ordinal) < 1e-9 && scaled.low! <= scaled.estimate! && scaled.estimate! <= scaled.high!)
    }
}
