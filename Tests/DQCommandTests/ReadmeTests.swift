import Foundation
import Testing
import DQTestSupport

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// A scratch folder that sees the repository's fixtures as ./Fixtures, as the docs' commands do.
private func folderWithFixtures(_ name: String) throws -> String {
    let folder = scratchPath(name)
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: folder + "/Fixtures", withDestinationPath: root.appendingPathComponent("Fixtures").path)
    return folder
}

/// The README's tour shows what dq prints. This runs the tour's commands (all but the tiny-bert
/// data map, whose printed output the README does not show), in order on a fresh store, and
/// checks that every output line the README shows is a line dq prints, or part of one (prose
/// the README wraps), up to run numbers, timestamps, timings and column padding.
/// `scripts/readme-tour.sh` regenerates them all.
@Test func theReadmeShowsWhatDqPrints() throws {
    let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
    let folder = try folderWithFixtures("readme-tour")
    let fast: Set<String> = ["ingest", "datasets", "stats", "pvi", "divergence", "label-issues", "inconsistent", "conflicts", "evaluate", "suspects"]
    var checked = 0, ran: [String] = []
    for (command, shown) in tourSegments(readme) {
        let words = command.split(separator: " ").map(String.init)
        guard let name = words.first, fast.contains(name), !words.contains(where: { $0.hasPrefix("embeddings:") || $0.hasPrefix("--embed") || $0.hasPrefix("--format") }),
              !ran.contains("suspects") || name != "pvi" else { continue }  // the review loop after the tour
        ran.append(name)
        let result = try dq(words, directory: folder)
        #expect(result.status == 0, "dq \(command): \(result.stderr)")
        let printed = result.stdout.split(separator: "\n").map { normalised(String($0)) }
        for line in shown where !line.trimmingCharacters(in: .whitespaces).hasPrefix("…") && !line.trimmingCharacters(in: .whitespaces).isEmpty {
            let wanted = normalised(line.replacingOccurrences(of: " …", with: ""))
            #expect(printed.contains(wanted) || (wanted.count >= 24 && printed.contains { $0.contains(wanted) }), "dq \(command) no longer prints: \(line)")
            checked += 1
        }
    }
    #expect(ran.contains("suspects") && ran.contains("evaluate"), "\(ran)")
    #expect(checked > 80, "the tour's outputs were found in the README (\(checked) lines)")
}

/// docs/guide.md's commands run as written after `make demo`: the demo's commands (but its
/// tiny-bert trainings, minutes in a debug build) fill the store, then every command of the
/// guide runs on it, but the tiny-bert data map and what needs it; the V-information the
/// guide quotes is what `dq vinfo compare` prints.
@Test func theGuideRunsAsWrittenAfterTheDemo() throws {
    let folder = try folderWithFixtures("guide")
    try FileManager.default.createDirectory(atPath: folder + "/demo-out", withIntermediateDirectories: true)
    let makefile = try String(contentsOf: root.appendingPathComponent("Makefile"), encoding: .utf8)
    var demo = 0
    // The Makefile's own variables (NAME := value), then the demo's folder and store.
    var variables = ["$(DEMO_DB)": "demo-out/dq.sqlite", "$(DEMO_DIR)": "demo-out"]
    for line in makefile.split(separator: "\n") {
        if let match = line.wholeMatch(of: /([A-Z_]+) := ([^$]*)/) { variables["$(\(match.1))"] = String(match.2) }
    }
    for line in makefile.split(separator: "\n") where line.hasPrefix("\t$(DQ) ") && !line.contains("tiny-bert") {
        let command = variables.reduce(String(line.dropFirst("\t$(DQ) ".count).split(separator: ">")[0])) {
            $0.replacingOccurrences(of: $1.key, with: $1.value)
        }
        let result = try dq(command.split(separator: " ").map(String.init), directory: folder)
        #expect(result.status == 0, "make demo: dq \(command): \(result.stderr)")
        demo += 1
    }
    #expect(demo >= 20, "the demo's commands were found in the Makefile (\(demo))")
    let guide = try String(contentsOf: root.appendingPathComponent("docs/guide.md"), encoding: .utf8)
    var commands = 0, vinfo = ""
    for line in guide.split(separator: "\n") where line.hasPrefix("dq ") {
        let command = line.dropFirst(3).split(separator: "#")[0].trimmingCharacters(in: .whitespaces)
        if command.hasPrefix("cartography") || command.contains("--region") { continue }  // the tiny-bert data map
        let result = try dq(command.split(separator: " ").map(String.init), environment: ["DQ_DB": "demo-out/dq.sqlite"], directory: folder)
        #expect(result.status == 0, "docs/guide.md: dq \(command): \(result.stderr)")
        if command.hasPrefix("vinfo compare") { vinfo = result.stdout }
        commands += 1
    }
    #expect(commands >= 25, "the guide's commands were found (\(commands))")
    // "Without the question words TREC's bow V-information falls from 1.36 to 0.86 bits; shuffling the words costs 0.13 bits."
    let quoted = try #require(guide.firstMatch(of: /falls\s+from\s+(\d\.\d\d)\s+to\s+(\d\.\d\d)\s+bits;\s+shuffling\s+the\s+words\s+costs\s+(\d\.\d\d)\s+bits/))
    func field(_ pattern: String, _ index: Int) -> String? {
        let row = vinfo.split(separator: "\n").first { $0.range(of: pattern, options: .regularExpression) != nil }?.split(separator: " ")
        return row.flatMap { index < $0.count ? String($0[index]) : nil }
    }
    func bits(_ text: String?) -> String? { text.flatMap(Double.init).map { String(format: "%.2f", abs($0)) } }
    #expect(bits(field(#"bow\s+original\s+all"#, 6)) == String(quoted.1), "\(vinfo)")
    #expect(bits(field(#"bow\s+drop-tokens\s+all"#, 6)) == String(quoted.2), "\(vinfo)")
    let shuffled = try #require(field(#"bow\s+shuffle\s+all"#, 0), "\(vinfo)")
    #expect(bits(field(#"^\s*\#(shuffled)\s+\d+\s+-?\d\.\d+\s"#, 2)) == String(quoted.3), "\(vinfo)")
}

/// Each "$ dq …" line of the README's code blocks with the lines shown under it.
private func tourSegments(_ readme: String) -> [(command: String, shown: [String])] {
    var segments: [(command: String, shown: [String])] = []
    var inBlock = false
    for line in readme.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
        if line.hasPrefix("```") { inBlock.toggle(); continue }
        guard inBlock else { continue }
        if line.hasPrefix("$ ") {
            // Only dq commands of the tour, without shell comments.
            let command = line.dropFirst(2).split(separator: "#")[0].trimmingCharacters(in: .whitespaces)
            segments.append((command.hasPrefix("dq ") ? String(command.dropFirst(3)) : "", []))
        } else if !segments.isEmpty {
            segments[segments.count - 1].shown.append(line)
        }
    }
    return segments.filter { !$0.command.isEmpty }
}

/// A line up to what changes from run to run: run numbers, timestamps, seconds, padding.
private func normalised(_ line: String) -> String {
    var s = line
    for (pattern, replacement) in [(#"\d{4}-\d\d-\d\dT[\d:.]+Z"#, "TIME"), (#"run \d+"#, "run N"), (#"\d+\.\d ± \d+\.\d$"#, "SECONDS"),
                                   (#"^(Fixtures/\S+.*)\s\d+\.\d\d$"#, "$1 SECONDS"), (#"\s+"#, " ")] {
        s = s.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
    }
    return s.trimmingCharacters(in: .whitespaces)
}
