import Foundation
import Testing
import DQStore
import DQTestSupport
import DQText

/// `dq check` on 400 TREC questions: every step runs, the report and the review file are
/// written next to the store, and a second check reuses every run; bad input stores nothing.
@Test func checkRunsTheMainJobInOneCommandAndReusesItsRuns() throws {
    let folder = scratchPath("check")
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let lines = try String(contentsOfFile: fixture("demo/trec/train.csv"), encoding: .utf8).split(separator: "\r\n", omittingEmptySubsequences: false)
    try lines.prefix(401).joined(separator: "\n").write(toFile: folder + "/questions.csv", atomically: true, encoding: .utf8)
    let empty = ["DQ_CACHE": folder + "/cache", "HF_HUB_CACHE": folder + "/hub"]
    func steps(_ result: CommandResult) throws -> [String] {
        guard case .array(let rows)? = try JSONValue.parse(result.stdout)["check_steps"] else { return [] }
        return rows.map { "\($0["step"]?.scalarText ?? ""),\($0["run"]?.scalarText ?? ""),\($0["status"]?.scalarText ?? "")" }
    }
    let first = try dq(["check", "questions.csv", "--fast", "--format", "json"], environment: empty, directory: folder)
    #expect(first.status == 0, "\(first.stderr)")
    #expect(try steps(first) == ["pvi (bow),1,ran", "divergence,2,ran", "label-issues,3,ran", "conflicts,4,ran", "evaluate,5,ran", "suspects,6,ran"])
    #expect(first.stdout.contains("\"likely wrong labels\"") && first.stdout.contains("\"hardest label pairs\""), "\(first.stdout)")
    for file in ["questions-report.html", "questions-review.csv", "dq.sqlite"] {
        #expect(FileManager.default.fileExists(atPath: folder + "/" + file), "\(file)")
    }
    let store = try Store(path: folder + "/dq.sqlite")
    let suspects = try store.suspects(run: 6).count
    let review = try String(contentsOfFile: folder + "/questions-review.csv", encoding: .utf8).split(separator: "\n")
    #expect(review.first?.hasPrefix("id,text,") == true && review.count == suspects + 1)
    // Again on the same file: nothing new is ingested, every analysis is reused, the list is made anew.
    let second = try dq(["check", "questions.csv", "--fast", "--format", "json"], environment: empty, directory: folder)
    #expect(second.status == 0)
    #expect(try steps(second) == ["pvi (bow),1,reused", "divergence,2,reused", "label-issues,3,reused", "conflicts,4,reused", "evaluate,5,reused",
                                  "suspects,7,ran"])
    #expect(second.stderr.contains("pvi (bow): run 1 of "), "it says which run it reuses: \(second.stderr)")

    // A file without a label column: ingest's message, status 1, no sample stored.
    try "text,foo\nhello,1\n".write(toFile: folder + "/nolabel.csv", atomically: true, encoding: .utf8)
    let bad = try dq(["check", "nolabel.csv", "--db", "bad.sqlite"], directory: folder)
    #expect(bad.status == 1 && bad.stderr.contains("cannot tell which column holds the label"), "\(bad.stderr)")
    #expect(try Store(path: folder + "/bad.sqlite").database.row("SELECT count(*) FROM samples")?.int(0) == 0)
    let missing = try dq(["check", "absent.csv", "--db", "bad.sqlite"], directory: folder)
    #expect(missing.status == 1 && missing.stderr.contains("absent.csv"), "\(missing.stderr)")
}

/// `dq check` on multi-label data: a PVI run per label, multi-label confident learning and its
/// suspects, with the report and a review file whose suggestions are label lists.
@Test func checkOnMultiLabelDataListsSuspectsWithLabelLists() throws {
    let folder = scratchPath("check-multi")
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: fixture("annotations/topics.csv"), toPath: folder + "/topics.csv")
    let result = try dq(["check", "topics.csv", "--multi-label", "--fast"], directory: folder)
    #expect(result.status == 0 && result.stdout.contains("suspects") && result.stdout.contains("review file"), "\(result.stderr)")
    let review = try String(contentsOfFile: folder + "/topics-review.csv", encoding: .utf8).split(separator: "\n")
    #expect(review.count == 158 && review.dropFirst().allSatisfy { $0.contains("remove?") || $0.contains("add?") }, "\(review.count) \(review.prefix(3))")
    #expect(FileManager.default.fileExists(atPath: folder + "/topics-report.html"))
    #expect(result.stdout.contains("evaluate (flipped memberships)"), "\(result.stdout)")
}

/// Under a terminal, long work shows where it is and the time left; piped, or with --quiet, it
/// prints no progress (and no per-fit detail unless --verbose or DQ_VERBOSE asks for it).
/// `script` gives the command a terminal.
@Test func progressWithATimeEstimateOnATerminalAndNoneWhenPiped() throws {
    let db = try trecStore()
    let script = "/usr/bin/script"
    try #require(FileManager.default.isExecutableFile(atPath: script), "util-linux's script gives dq a terminal here")
    func underTerminal(_ arguments: [String]) throws -> (status: Int32, shown: String) {
        let line = ([dqExecutable.path] + arguments).map { "'\($0)'" }.joined(separator: " ") + " > /dev/null"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: script)
        process.arguments = ["-q", "-e", "-c", line, "/dev/null"]
        process.currentDirectoryURL = URL(fileURLWithPath: scratchPath("progress-\(arguments[0])"))
        try FileManager.default.createDirectory(at: process.currentDirectoryURL!, withIntermediateDirectories: true)
        let out = Pipe()
        (process.standardOutput, process.standardError) = (out, Pipe())
        try process.run()
        let shown = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, shown)
    }
    let questions = fixture("demo/trec/test.csv")
    let commands = [["pvi", "--model", "bow", "--db", db], ["evaluate", "--repeats", "2", "--db", db], ["suspects", "--db", db],
                    ["ingest", questions, "--db", "ingest.sqlite"], ["check", questions, "--fast", "--db", "check.sqlite"]]
    for command in commands {
        let (status, shown) = try underTerminal(command)
        #expect(status == 0 && shown.contains(" of ") && shown.contains("left"), "\(command): \(shown.suffix(300))")
        let quiet = try underTerminal(command + ["--quiet"])
        #expect(quiet.status == 0 && !quiet.shown.contains("left"), "\(command) --quiet: \(quiet.shown.suffix(300))")
        if command[0] == "pvi" || command[0] == "evaluate" {
            let piped = try dq(command)
            #expect(piped.status == 0 && !piped.stderr.contains("left") && !piped.stderr.contains("L-BFGS"), "\(command): \(piped.stderr)")
        }
    }
    let verbose = try dq(["pvi", "--model", "bow", "--db", db], environment: ["DQ_VERBOSE": "1"])
    #expect(verbose.stderr.contains("L-BFGS iterations"), "\(verbose.stderr)")
    let flag = try dq(["pvi", "--model", "bow", "--verbose", "--db", db])
    #expect(flag.stderr.contains("L-BFGS iterations"), "\(flag.stderr)")
}

@Test func aMisspeltCommandGetsTheNearestOne() throws {
    let result = try dq(["sucpects", "--db", scratchPath("typo.sqlite")])
    #expect(result.status != 0 && result.stderr.contains("unknown command 'sucpects'; did you mean `dq suspects`?"), "\(result.stderr)")
    let swapped = try dq(["ingset", "x.csv"])
    #expect(swapped.stderr.contains("did you mean `dq ingest`?"), "\(swapped.stderr)")
    // An option: the nearest the command has, also after a subcommand's own subcommand.
    let option = try dq(["suspects", "--datset", "trec"])
    #expect(option.status != 0 && option.stderr.contains("unknown option '--datset'; did you mean --dataset?"), "\(option.stderr)")
    let nested = try dq(["export", "suspects", "--fromat=csv"])
    #expect(nested.stderr.contains("did you mean --format?"), "\(nested.stderr)")
    // Nothing near: the parser's own message.
    let far = try dq(["frobnicate"])
    #expect(far.status != 0 && !far.stderr.contains("did you mean"), "\(far.stderr)")
}

/// A file too small for five folds: dq check says so and names the commands that take fewer
/// folds, not a flag it does not have.
@Test func checkOnAFileTooSmallForItsFoldsNamesTheStepsToRunInstead() throws {
    let folder = scratchPath("check-tiny")
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try "text,label\nthe cat sat,a\na dog ran,b\nthe cat ran,a\na dog sat,b\nthe bird sang,a\na fish swam,b\n"
        .write(toFile: folder + "/tiny.csv", atomically: true, encoding: .utf8)
    let result = try dq(["check", "tiny.csv", "--fast"], directory: folder)
    #expect(result.status != 0, "\(result.stdout)")
    #expect(result.stderr.contains("dq check cross-fits in 5 folds, and dataset tiny is too small for that (6 samples cannot be split into 5 folds)")
            && result.stderr.contains("dq pvi --dataset tiny --folds 2") && !result.stderr.contains("use fewer --folds"), "\(result.stderr)")
}
