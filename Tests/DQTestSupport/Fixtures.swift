import Foundation

/// The path of a file under the repository's Fixtures/ folder.
package func fixture(_ name: String, file: String = #filePath) -> String {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent(name).path
}

/// The test process's scratch folder: created on first use, removed with everything in it when
/// the process exits, so test runs leave nothing behind in the temporary folder.
private let scratchFolder: String = {
    let folder = NSTemporaryDirectory() + "dq-tests-\(getpid())"
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    atexit { try? FileManager.default.removeItem(atPath: NSTemporaryDirectory() + "dq-tests-\(getpid())") }
    return folder
}()

/// A new, unused path in the scratch folder whose name ends with `name` (e.g. "store.sqlite").
package func scratchPath(_ name: String) -> String {
    scratchFolder + "/\(UUID().uuidString)-\(name)"
}

/// Writes `bytes` to a new scratch file and returns its path.
package func temporaryFile(_ bytes: [UInt8], suffix: String) -> String {
    let path = scratchPath("data\(suffix)")
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
    return path
}
