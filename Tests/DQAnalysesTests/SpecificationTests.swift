import Foundation
import Testing
import DQTestSupport
import DQAnalyses
import DQText

private let labels = ["positive", "negative"]

private func parseError(_ text: String) -> SpecificationError? {
    do {
        _ = try Specification.parse(text, file: "specs.json", labels: labels)
        return nil
    } catch {
        return error
    }
}

@Test func theIssuesExampleSpecsParse() throws {
    let text = try String(contentsOfFile: fixture("specs/planted-reviews-specs.json"), encoding: .utf8)
    let specs = try Specification.parse(text, file: "specs.json", labels: labels)
    #expect(specs == [
        Specification(name: "praise", label: "positive", kind: .query("great wonderful loved it")),
        Specification(name: "refund", label: "negative", kind: .examples(["I want my money back", "it broke after a day"])),
        Specification(name: "no-recommend", label: "negative", kind: .pattern("(?i)\\bwould not recommend")),
    ])
}

@Test func badSpecsAreErrorsNamingTheSpecAndItsJSONPath() {
    #expect(parseError("{\"specs\": [ {\"name\": \"a\", \"label\": \"positive\" \"query\": \"x\"} ]}")?.location.hasPrefix("line 1, column ") == true)
    #expect(parseError("[]")?.location == "$")
    #expect(parseError("{\"specs\": []}")?.location == "$.specs")
    let unknownLabel = parseError("{\"specs\": [{\"name\": \"a\", \"label\": \"positive\", \"query\": \"good\"}, {\"name\": \"b\", \"label\": \"neutral\", \"query\": \"ok\"}]}")
    #expect(unknownLabel?.location == "$.specs[1].label")
    #expect(unknownLabel?.description.contains("spec \"b\": the dataset has no label \"neutral\" (its labels: positive, negative)") == true)
    let regex = parseError("{\"specs\": [{\"name\": \"p\", \"label\": \"negative\", \"pattern\": \"(unclosed\"}]}")
    #expect(regex?.location == "$.specs[0].pattern")
    #expect(regex?.message.contains("not a valid regular expression") == true)
    #expect(parseError("{\"specs\": [{\"name\": \"q\", \"label\": \"negative\", \"query\": \"  \"}]}")?.location == "$.specs[0].query")
    #expect(parseError("{\"specs\": [{\"name\": \"q\", \"label\": \"negative\", \"query\": \"!!\"}]}")?.location == "$.specs[0].query")
    #expect(parseError("{\"specs\": [{\"name\": \"q\", \"label\": \"negative\", \"querry\": \"bad\"}]}")?.location == "$.specs[0].querry")
    #expect(parseError("{\"specs\": [{\"name\": \"q\", \"label\": \"negative\", \"query\": \"a\", \"pattern\": \"b\"}]}")?.location == "$.specs[0]")
    #expect(parseError("{\"specs\": [{\"name\": \"e\", \"label\": \"negative\", \"examples\": [\"fine\", 3]}]}")?.location == "$.specs[0].examples[1]")
    #expect(parseError("{\"specs\": [{\"name\": \"e\", \"label\": \"negative\", \"query\": \"a\"}, {\"name\": \"e\", \"label\": \"positive\", \"query\": \"b\"}]}")?.location == "$.specs[1].name")
}

@Test func everyPlantedInconsistentLabelIsAmongTheTopSuspects() throws {
    let rows = try String(contentsOfFile: fixture("specs/planted-reviews.csv"), encoding: .utf8)
        .split(separator: "\n").dropFirst().map { line -> (id: String, text: String, label: String) in
            let fields = line.split(separator: ",")
            return (String(fields[0]), fields.dropFirst().dropLast().joined(separator: ","), String(fields.last!))
        }
    let specs = try Specification.parse(try String(contentsOfFile: fixture("specs/planted-reviews-specs.json"), encoding: .utf8),
                                        file: "specs.json", labels: labels)
    for method in RankAggregation.allCases {
        var options = SpecificationRanking.Options()
        options.aggregation = method
        options.top = 3
        let suspects = try SpecificationRanking.suspects(documents: rows.map(\.text), labels: rows.map(\.label), specs: specs, options: options)
        let found = Set(suspects.map { rows[$0.index].id })
        #expect(found.isSuperset(of: ["p01", "p02", "p03", "p04", "p05"]), "\(method): \(found.sorted())")
        for s in suspects {
            #expect(rows[s.index].label != s.suggestedLabel)
            #expect(s.evidence.map(\.spec) == (s.suggestedLabel == "positive" ? ["praise"] : ["refund", "no-recommend"]))
        }
    }
}

@Test func minSpecsKeepsOnlySamplesSeveralSpecificationsMatch() throws {
    let documents = ["refund now", "refund and would not recommend", "lovely", "great"]
    let specs = [Specification(name: "refund", label: "negative", kind: .query("refund")),
                 Specification(name: "no-recommend", label: "negative", kind: .pattern("would not recommend"))]
    var options = SpecificationRanking.Options()
    options.minSpecs = 2
    let all = Array(repeating: "positive", count: 4)
    #expect(try SpecificationRanking.suspects(documents: documents, labels: all, specs: specs, options: options).map(\.index) == [1])
    options.minSpecs = 1
    #expect(try SpecificationRanking.suspects(documents: documents, labels: all, specs: specs, options: options).map(\.index) == [1, 0])
}

@Test func aCatastrophicPatternIsStoppedWithAnErrorNamingItsSpec() throws {
    let documents = [String](repeating: String(repeating: "a", count: 30) + "b", count: 3) + ["fine text"]
    let specs = [Specification(name: "runaway", label: "x", kind: .pattern("(a+)+$"))]
    var options = SpecificationRanking.Options()
    options.patternTimeLimit = 0.3
    let start = Date()
    #expect(throws: SpecificationRanking.RankingError.patternTooSlow(spec: "runaway", seconds: 0.3, documents: 0)) {
        try SpecificationRanking.suspects(documents: documents, labels: ["y", "y", "y", "y"], specs: specs, options: options)
    }
    #expect(Date().timeIntervalSince(start) < 5)
    // Asked to stop, it stops at once and says it was cancelled.
    options.patternTimeLimit = 60
    #expect(throws: CancellationError.self) {
        try SpecificationRanking.suspects(documents: documents, labels: ["y", "y", "y", "y"], specs: specs, options: options,
                                          interrupted: { true })
    }
    // A well-behaved pattern under the same limit still matches.
    let ok = [Specification(name: "fine", label: "x", kind: .pattern("fine"))]
    #expect(try SpecificationRanking.suspects(documents: documents, labels: ["y", "y", "y", "y"], specs: ok, options: options).map(\.index) == [3])
}

@Test func theDefaultDepthIsTheLabelsSize() throws {
    // 100 sport texts with "goal" rank first for the query (ranks 0…99, tied at 99), then one news
    // text with "goal" (rank 100); `others` sport texts without it rank last. A fixed depth of 100
    // cannot reach the news text; the default depth, sport's size, reaches it once sport holds
    // more than 100 samples.
    func suspects(others: Int, depth: Int?) throws -> [Int] {
        let documents = Array(repeating: "goal goal goal match", count: 100) + ["goal and a policy paper"]
            + Array(repeating: "a match report", count: others)
        let labels = Array(repeating: "sport", count: 100) + ["news"] + Array(repeating: "sport", count: others)
        var options = SpecificationRanking.Options()
        options.depth = depth
        return try SpecificationRanking.suspects(documents: documents, labels: labels,
                                                 specs: [Specification(name: "goals", label: "sport", kind: .query("goal"))], options: options)
            .map(\.index)
    }
    #expect(SpecificationRanking.Options().depth(forLabelOfSize: 30) == 100)
    #expect(SpecificationRanking.Options().depth(forLabelOfSize: 1_900) == 1_900)
    #expect(try suspects(others: 0, depth: nil).isEmpty)
    #expect(try suspects(others: 200, depth: nil) == [100])
    #expect(try suspects(others: 200, depth: 100).isEmpty)
    #expect(try suspects(others: 0, depth: 101) == [100])
}
