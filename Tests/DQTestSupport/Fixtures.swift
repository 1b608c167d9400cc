import Foundation

/// The path of a file under the repository's Fixtures/ folder.
public func fixture(_ name: String, file: String = #filePath) -> String {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent(name).path
}

/// Writes `bytes` to a new temporary file and returns its path.
public func temporaryFile(_ bytes: [UInt8], suffix: String) -> String {
    let path = NSTemporaryDirectory() + "dq-test-\(UUID().uuidString)\(suffix)"
    FileManager.default.createFile(atPath: path, contents: Data(bytes))
    return path
}
