import Foundation
import Testing
import DQTestSupport
import DQText

/// The examples `dq --help` prints: the indented lines that start with `dq `, split at spaces.
private func rootExamples() throws -> [[String]] {
    let help = try dq(["--help"])
    #expect(help.status == 0)
    return help.stdout.split(separator: "\n").filter { $0.hasPrefix("  dq ") }.map { String($0).trimmingWhitespace() }
        .map { $0.split(separator: " ").dropFirst().map(String.init) }
}

@Test func everyExampleOfTheMainHelpRunsAsPrintedOnAFreshStore() throws {
    let folder = scratchPath("help-examples")
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for file in ["reviews.csv", "specs.json"] {
        try FileManager.default.copyItem(atPath: fixture("help/\(file)"), toPath: folder + "/" + file)
    }
    let examples = try rootExamples()
    #expect(examples.count >= 12)
    // Pretrained weights found on the machine would change what cartography trains; none are used.
    let environment = ["DQ_CACHE": folder + "/cache", "HF_HUB_CACHE": folder + "/hub"]
    for example in examples {
        let result = try dq(example, environment: environment, directory: folder)
        #expect(result.status == 0, "dq \(example.joined(separator: " ")): \(result.stderr)")
    }
    // The store is ./dq.sqlite, and the last examples leave the files they name.
    for file in ["dq.sqlite", "review.csv", "report.html"] {
        #expect(FileManager.default.fileExists(atPath: folder + "/" + file), "\(file)")
    }
    let report = try String(contentsOfFile: folder + "/report.html", encoding: .utf8)
    #expect(!report.contains("Not run yet"), "every analysis of the tour is in the report")
}
