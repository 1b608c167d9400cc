import DQAnalyses
import DQLearning
import DQReports
import DQStore
import DQText

extension CartographyRun.Outcome {
    /// Region counts per label (regions overlap: ambiguous samples are often hard-to-learn too),
    /// then the `top` hardest and most ambiguous samples.
    /// With `--by annotator`: the regions over each annotator's samples.
    var annotatorTable: Table? {
        guard let annotatorsOf else { return nil }
        let slices = AnnotatorSlices.slices(results.map { Optional($0.sample.id) }, members: annotatorsOf)
        return Table(
            name: "regions_by_annotator", title: "Cartography regions by annotator (the samples each annotator labelled)",
            columns: ["annotator", "samples", "easy-to-learn", "ambiguous", "hard-to-learn", "mean confidence"],
            rows: slices.map { slice in
                let members = slice.positions.map { results[$0] }
                return [.text(slice.annotator), .int(members.count)]
                    + CartographyRegion.allCases.map { region in .int(members.filter { $0.point.regions.contains(region) }.count) }
                    + [.real(members.map(\.point.confidence).reduce(0, +) / Double(members.count), digits: 3)]
            },
            note: "A sample is in the slice of every annotator who labelled it; confidence is the model's in the sample's given label.")
    }

    package func tables(top: Int) -> [Table] {
        var rows: [[Cell]] = []
        for label in labels + ["(all)"] {
            let members = results.filter { label == "(all)" || $0.sample.label == label }
            guard !members.isEmpty else { continue }
            var row: [Cell] = [.text(label), .int(members.count)]
            for region in CartographyRegion.allCases {
                row.append(.int(members.filter { $0.point.regions.contains(region) }.count))
            }
            row.append(.int(members.filter { $0.point.regions.isSuperset(of: [.ambiguous, .hard]) }.count))
            row.append(.int(members.filter { $0.point.regions.isEmpty }.count))
            let meanConfidence = members.map(\.point.confidence).reduce(0, +) / Double(members.count)
            row.append(.real(meanConfidence, digits: 3))
            rows.append(row)
        }
        var tables = [Table(name: "regions", title: "Cartography regions per label, run \(run)",
                            columns: ["label", "samples", "easy-to-learn", "ambiguous", "hard-to-learn", "ambiguous and hard", "in none",
                                      "mean confidence"],
                            rows: rows,
                            note: "Each region is selected on its own (allenai/cartography): a sample can be in two, or in none.")]
        let hardest = results.filter { $0.point.regions.contains(.hard) }.sorted { $0.point.confidence < $1.point.confidence }
        let mostVariable = results.filter { $0.point.regions.contains(.ambiguous) }.sorted { $0.point.variability > $1.point.variability }
        tables.append(Self.sampleTable(Array(hardest.prefix(top)), name: "hard_to_learn",
                                       title: "Hard-to-learn (lowest confidence: likeliest mislabels)"))
        tables.append(Self.sampleTable(Array(mostVariable.prefix(top)), name: "ambiguous", title: "Ambiguous (most variable)"))
        if let annotatorTable { tables.insert(annotatorTable, at: 1) }
        return tables
    }

    static func sampleTable(_ members: [CartographyEstimation.Result], name: String, title: String) -> Table {
        Table(name: name, title: title, columns: ["id", "label", "confidence", "variability", "correctness", "text"],
              rows: members.map { r in
                  [.text(r.sample.displayID), .text(r.sample.label), .real(r.point.confidence, digits: 3),
                   .real(r.point.variability, digits: 3), .real(r.point.correctness, digits: 2), .text(r.sample.displayText)]
              })
    }

    /// Every sample's point, as `--out` writes them.
    package var sampleTable: Table {
        Table(
            name: "samples", title: "Cartography per sample",
            columns: ["id", "label", "confidence", "variability", "correctness", "forgetting", "easy_to_learn", "ambiguous",
                      "hard_to_learn"],
            rows: results.map { r in
                [.text(r.sample.displayID), .text(r.sample.label), .real(r.point.confidence), .real(r.point.variability),
                 .real(r.point.correctness), .int(r.point.forgettingEvents)]
                    + CartographyRegion.allCases.map { .int(r.point.regions.contains($0) ? 1 : 0) }
            }).withTexts(results.lazy.map { Optional($0.sample) })
    }

    /// The data map as an SVG document.
    package var dataMapSVG: String {
        DataMapSVG.render(
            results.map { DataMapSVG.Point(variability: $0.point.variability, confidence: $0.point.confidence, correctness: $0.point.correctness) },
            title: "Data map: \(datasetName), \(modelName), run \(run)")
    }
}
