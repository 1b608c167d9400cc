import Foundation
import Testing
import DQTestSupport

/// The option tables in docs/commands are made from the commands' parsers (`dq CMD
/// --experimental-dump-help`), so that the docs cannot drift from the flags. This test fails
/// when a page's table differs from what the parser gives; `make docs` (DQ_UPDATE_DOCS=1)
/// writes the tables instead.
private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Each page of docs/commands and the commands it documents.
private let pages: [(page: String, commands: [[String]])] = [
    ("agreement", [["agreement"]]), ("artefacts", [["artefacts"]]), ("check", [["check"]]), ("bias", [["bias"]]), ("cartography", [["cartography"]]),
    ("conflicts", [["conflicts"]]), ("consensus", [["consensus"]]), ("corrections", [["corrections", "import"], ["corrections", "list"]]),
    ("datasets", [["datasets"]]), ("divergence", [["divergence"]]), ("evaluate", [["evaluate"]]),
    ("export", [["export", "suspects"], ["export", "dataset"], ["export", "annotations"]]), ("inconsistent", [["inconsistent"]]), ("ingest", [["ingest"]]),
    ("label-issues", [["label-issues"]]), ("models", [["models", "list"], ["models", "fetch"]]), ("pvi", [["pvi"]]), ("report", [["report"]]),
    ("runs", [["runs"]]), ("select", [["select"]]), ("stats", [["stats"]]), ("suspects", [["suspects"]]), ("vinfo", [["vinfo", "compare"]]),
]

private let end = "<!-- end of options -->"

private func begin(_ command: [String]) -> String {
    "<!-- options of `dq \(command.joined(separator: " "))`: made from its parser by `make docs`; change the help in Sources/dq, not here -->"
}

/// The options table of one command, from its parser.
private func table(_ command: [String]) throws -> String {
    let result = try dq(command + ["--experimental-dump-help"])
    #expect(result.status == 0, "\(command): \(result.stderr)")
    let json = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
    let arguments = (json?["command"] as? [String: Any])?["arguments"] as? [[String: Any]] ?? []
    func cell(_ text: String) -> String { text.replacingOccurrences(of: "|", with: "\\|") }
    var rows = ["| option | value | default | meaning |", "| --- | --- | --- | --- |"]
    for argument in arguments where argument["shouldDisplay"] as? Bool ?? true {
        let names = (argument["names"] as? [[String: Any]] ?? []).compactMap { name -> String? in
            guard let text = name["name"] as? String else { return nil }
            return (name["kind"] as? String) == "short" ? "-\(text)" : "--\(text)"
        }
        guard !names.contains("--help") && !names.contains("--version") else { continue }
        let kind = argument["kind"] as? String
        let valueName = argument["valueName"] as? String ?? ""
        let option = kind == "positional" ? "`<\(valueName)>`" : names.map { "`\($0)`" }.joined(separator: ", ")
        let values = (argument["allValues"] as? [String]).map { $0.joined(separator: ", ") } ?? (kind == "flag" ? "" : valueName)
        let fallback = kind == "flag" ? "off" : (argument["isOptional"] as? Bool ?? true) ? "–" : "required"
        let byDefault = (argument["defaultValue"] as? String).map { "`\($0)`" } ?? fallback
        let repeats = argument["isRepeating"] as? Bool ?? false ? " (one or more)" : ""
        rows.append("| \(option) | \(cell(values)) | \(cell(byDefault)) | \(cell(argument["abstract"] as? String ?? ""))\(repeats) |")
    }
    return rows.joined(separator: "\n")
}

/// `text` with each command's block replaced by its table; a page without a block gets an
/// "Options" section at its end.
private func generated(_ text: String, commands: [[String]]) throws -> String {
    var text = text
    for command in commands {
        let block = begin(command) + "\n\n" + (try table(command)) + "\n\n" + end
        if let start = text.range(of: begin(command)), let stop = text.range(of: end, range: start.upperBound..<text.endIndex) {
            text.replaceSubrange(start.lowerBound..<stop.upperBound, with: block)
        } else {
            let heading = commands.count > 1 ? "## Options of `dq \(command.joined(separator: " "))`" : "## Options"
            text = text.trimmingCharacters(in: .newlines) + "\n\n" + heading + "\n\n" + block + "\n"
        }
    }
    return text
}

@Test func everyCommandPageHasTheOptionTableItsParserGives() throws {
    let update = ProcessInfo.processInfo.environment["DQ_UPDATE_DOCS"] == "1"
    var stale: [String] = []
    // Every page is in the list, so none is left out of the check.
    let files = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("docs/commands").path).filter { $0.hasSuffix(".md") }
    #expect(Set(files.map { String($0.dropLast(3)) }) == Set(pages.map(\.page)), "docs/commands pages and the list here differ")
    for (page, commands) in pages {
        let path = root.appendingPathComponent("docs/commands/\(page).md").path
        let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? "# `dq \(commands[0].joined(separator: " "))`\n"
        let expected = try generated(text, commands: commands)
        guard expected != text else { continue }
        if update { try expected.write(toFile: path, atomically: true, encoding: .utf8) } else { stale.append(page) }
    }
    #expect(stale.isEmpty, "docs/commands pages whose option tables differ from the parsers: \(stale.joined(separator: ", ")); run `make docs`")
}

@Test func theOptionTableShowsEveryFlagWithItsDefault() throws {
    let rendered = try table(["suspects"])
    for flag in ["`--top`", "`--all`", "`--show`", "`--split`", "`--db`", "`--format`", "`--out`"] {
        #expect(rendered.contains("| \(flag) |"), "\(flag) missing from\n\(rendered)")
    }
    #expect(rendered.contains("| `--show` | show | `20` |"), "\(rendered)")
    #expect(rendered.contains("| `--all` |  | off |"), "\(rendered)")
}
