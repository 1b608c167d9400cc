import Foundation
import Testing
import DQTestSupport

/// The output of one run of the `dq` binary.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// The `dq` binary built next to this test bundle.
let dqExecutable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("dq")

/// Starts the `dq` binary without waiting for it; its output goes where it is sent (by default,
/// nowhere).
func startDQ(_ arguments: [String], standardOutput: Any = FileHandle.nullDevice, standardError: Any = FileHandle.nullDevice) throws -> Process {
    let process = Process()
    process.executableURL = dqExecutable
    process.arguments = arguments
    process.standardOutput = standardOutput
    process.standardError = standardError
    try process.run()
    return process
}

/// A store holding the first `rows` questions of the demo's TREC training file as dataset trec
/// (with `fine_label` as metadata).
func trecStore(rows: Int = 400) throws -> String {
    let db = newStorePath()
    let lines = try String(contentsOfFile: fixture("demo/trec/train.csv"), encoding: .utf8).split(separator: "\r\n", omittingEmptySubsequences: false)
    let path = scratchPath("trec.csv")
    try lines.prefix(rows + 1).joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    #expect(try dq(["ingest", path, "--dataset", "trec", "--meta", "fine_label", "--db", db]).status == 0)
    return db
}

/// Runs the `dq` binary built next to this test bundle.
func dq(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil) throws -> CommandResult {
    let process = Process()
    process.executableURL = dqExecutable
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment
    env["DQ_DB"] = nil
    env.merge(environment) { $1 }
    process.environment = env
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    let out = Pipe(), err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return CommandResult(
        status: process.terminationStatus,
        stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
}

/// A path for a new store in the temporary folder.
func newStorePath() -> String {
    scratchPath("cli.sqlite")
}
