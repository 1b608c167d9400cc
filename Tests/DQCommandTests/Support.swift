import Foundation
import DQTestSupport

/// The output of one run of the `dq` binary.
struct CommandResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs the `dq` binary built next to this test bundle.
func dq(_ arguments: [String], environment: [String: String] = [:], directory: String? = nil) throws -> CommandResult {
    let products = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let process = Process()
    process.executableURL = products.appendingPathComponent("dq")
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
