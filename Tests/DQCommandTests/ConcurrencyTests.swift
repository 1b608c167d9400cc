import Foundation
import Testing
import DQStore
import DQTestSupport

/// A CSV of `rows` short labelled texts, the same bytes for the same `seed`.
private func generatedCSV(rows: Int, seed: Int) throws -> String {
    let path = scratchPath("generated-\(seed).csv")
    var text = "id,text,label\n"
    for i in 0..<rows { text += "s\(seed)-\(i),text number \(i) of file \(seed) with a few more words,\(["a", "b", "c"][i % 3])\n" }
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

@Test func twoIngestsAtOnceIntoANewStoreBothLandWhole() throws {
    let files = try [1, 2].map { try generatedCSV(rows: 30_000, seed: $0) }
    for trial in 0..<3 {
        let db = scratchPath("concurrent-\(trial).sqlite")
        let ingests = try files.enumerated().map { i, file in try startDQ(["ingest", file, "--dataset", "d\(i)", "--db", db]) }
        // A reader during the writes waits for its turn instead of failing.
        let reader = try dq(["datasets", "--db", db])
        for process in ingests { process.waitUntilExit() }
        #expect(ingests.map(\.terminationStatus) == [0, 0], "trial \(trial)")
        #expect(reader.status == 0, "trial \(trial): \(reader.stderr)")
        let store = try Store(path: db)
        #expect(try store.datasetSummaries().map(\.rowCount) == [30_000, 30_000])
        #expect(try store.database.row("PRAGMA integrity_check")?.string(0) == "ok")
        #expect(try store.database.row("PRAGMA journal_mode")?.string(0) == "wal")
        #expect(try store.schemaVersion() == (try Store(path: newStorePath()).schemaVersion()))  // every migration, applied once
    }
}
