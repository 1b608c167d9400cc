import Foundation

/// The rules the build itself does not check, read from the package's own files: SwiftPM lets
/// a target import its dependencies' dependencies, and `--explicit-target-dependency-import-check`
/// accepts those too, so a target's import lines are compared here with what Package.swift
/// declares for it, and with the table in docs/architecture.md.
struct PackageRules {
    struct Target: Equatable {
        var name: String
        var kind: String
        var path: String
        var dependencies: Set<String>
    }

    /// Modules of the toolchain and the system, which no target needs to declare.
    static let system: Set<String> = ["Foundation", "FoundationEssentials", "Dispatch", "Glibc", "Darwin", "Testing", "XCTest", "Synchronization", "FoundationNetworking"]

    /// The targets of a Package.swift, from its `.target(…)`, `.executableTarget(…)`,
    /// `.testTarget(…)` and `.systemLibrary(…)` entries.
    static func targets(manifest: String) -> [Target] {
        var out: [Target] = []
        let kinds = ["target", "executableTarget", "testTarget", "systemLibrary"]
        var rest = Substring(manifest)
        while let range = kinds.compactMap({ rest.range(of: ".\($0)(") }).min(by: { $0.lowerBound < $1.lowerBound }) {
            let kind = String(rest[rest.index(after: range.lowerBound)..<rest.index(before: range.upperBound)])
            // The entry runs to its closing parenthesis.
            var depth = 1, end = range.upperBound
            while end < rest.endIndex && depth > 0 {
                if rest[end] == "(" { depth += 1 } else if rest[end] == ")" { depth -= 1 }
                end = rest.index(after: end)
            }
            let entry = String(rest[range.upperBound..<end])
            rest = rest[end...]
            guard let name = firstQuoted(after: "name:", in: entry) else { continue }
            var dependencies: Set<String> = []
            if let start = entry.range(of: "dependencies:") {
                var depth = 0, list = ""
                for c in entry[start.upperBound...] {
                    if c == "[" { depth += 1 } else if c == "]" { depth -= 1; if depth == 0 { break } }
                    if depth > 0 { list.append(c) }
                }
                // Plain names, and `.product(name: "X", …)`; the package of a product is not a module.
                var cleaned = list
                while let package = cleaned.range(of: #"package:\s*"[^"]*""#, options: .regularExpression) { cleaned.removeSubrange(package) }
                dependencies = Set(quoted(in: cleaned))
            }
            let base = kind == "testTarget" ? "Tests" : "Sources"
            out.append(Target(name: name, kind: kind, path: firstQuoted(after: "path:", in: entry) ?? "\(base)/\(name)", dependencies: dependencies))
        }
        return out
    }

    /// A source file's imported modules, with their lines (1-based).
    static func imports(in source: String) -> [(module: String, line: Int)] {
        source.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { number, line in
            let words = line.split(whereSeparator: \.isWhitespace)
            guard let at = words.firstIndex(of: "import"), at + 1 < words.count,
                  words[..<at].allSatisfy({ $0.hasPrefix("@") || ["public", "package", "internal", "private", "fileprivate"].contains($0) })
            else { return nil }
            return (String(words[at + 1].split(separator: ".")[0]), number + 1)
        }
    }

    /// Every import of a module that `target` does not declare: "path:line: imports X".
    static func undeclaredImports(of target: Target, files: [(path: String, source: String)]) -> [String] {
        files.flatMap { file in
            imports(in: file.source).filter { !target.dependencies.contains($0.module) && !system.contains($0.module) && $0.module != target.name }
                .map { "\(file.path):\($0.line): \(target.name) imports \($0.module), which Package.swift does not list among its dependencies" }
        }
    }

    /// The `uses` column of docs/architecture.md's target table: target name → modules.
    static func documentedUses(architecture: String) -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        for line in architecture.split(separator: "\n") where line.hasPrefix("| `") {
            let cells = line.split(separator: "|", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard cells.count >= 4 else { continue }
            let names = cells[1].split(separator: ",").map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "` "))  }
            let uses = cells[cells.count - 2] == "—" ? [] : cells[cells.count - 2].split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            for name in names { out[name] = Set(uses) }
        }
        return out
    }

    /// Functions declared `package` or `public` whose bodies run over `limit` lines:
    /// "path:line: name is N lines".
    static func longFunctions(in source: String, path: String, limit: Int) -> [String] {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var out: [String] = []
        for (number, line) in lines.enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            guard trimmed.hasPrefix("package ") || trimmed.hasPrefix("public "), let name = functionName(trimmed) else { continue }
            // The body: from the line with the first `{` to the line whose `}` closes it.
            var depth = 0, opened = false, last = number
            scan: for index in number..<lines.count {
                for c in code(lines[index]) {
                    if c == "{" { depth += 1; opened = true } else if c == "}" { depth -= 1 }
                    if opened && depth == 0 { last = index; break scan }
                }
            }
            if last - number + 1 > limit { out.append("\(path):\(number + 1): \(name) is \(last - number + 1) lines (at most \(limit))") }
        }
        return out
    }

    private static func functionName(_ declaration: String) -> String? {
        guard let range = declaration.range(of: #"\bfunc\s+[^(<\s]+"#, options: .regularExpression) else { return nil }
        return String(declaration[range].dropFirst(4)).trimmingCharacters(in: .whitespaces)
    }

    /// A line without its string literals and trailing comment (braces in them do not count).
    private static func code(_ line: String) -> String {
        var out = "", inString = false, previous: Character = " "
        for c in line {
            if inString {
                if c == "\"" && previous != "\\" { inString = false }
            } else if c == "\"" {
                inString = true
            } else if c == "/" && previous == "/" {
                out.removeLast()
                break
            } else {
                out.append(c)
            }
            previous = c
        }
        return out
    }

    private static func firstQuoted(after key: String, in text: String) -> String? {
        guard let range = text.range(of: key) else { return nil }
        return quoted(in: String(text[range.upperBound...])).first
    }

    private static func quoted(in text: String) -> [String] {
        text.split(separator: "\"", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }
}
