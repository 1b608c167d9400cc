import Foundation
import Testing
import DQTestSupport

/// The README's tour shows what dq prints. This runs the tour's commands that take seconds
/// (not the tiny-bert cartography, nor what follows from it), in order on a fresh store, and
/// checks that every output line the README shows is a line dq prints, up to run numbers,
/// timestamps, timings and column padding. `scripts/readme-tour.sh` regenerates them all.
@Test func theReadmeShowsWhatDqPrints() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
    let folder = scratchPath("readme-tour")
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: folder + "/Fixtures", withDestinationPath: root.appendingPathComponent("Fixtures").path)
    let fast: Set<String> = ["ingest", "datasets", "stats", "pvi", "label-issues", "inconsistent", "conflicts", "evaluate"]
    var checked = 0
    for (command, shown) in tourSegments(readme) {
        let words = command.split(separator: " ").map(String.init)
        guard let name = words.first, fast.contains(name), !words.contains(where: { $0.hasPrefix("embeddings:") || $0.hasPrefix("--embed") }) else { continue }
        let result = try dq(words, directory: folder)
        #expect(result.status == 0, "dq \(command): \(result.stderr)")
        let printed = Set(result.stdout.split(separator: "\n").map { normalised(String($0)) })
        for line in shown where !line.trimmingCharacters(in: .whitespaces).hasPrefix("…") && !line.trimmingCharacters(in: .whitespaces).isEmpty {
            #expect(printed.contains(normalised(line)), "dq \(command) no longer prints: \(line)")
            checked += 1
        }
    }
    #expect(checked > 50, "the tour's outputs were found in the README (\(checked) lines)")
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
