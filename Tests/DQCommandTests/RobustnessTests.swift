import Foundation
import Testing
import DQStore
import DQTestSupport

private func trecStore(rows: Int = 400) throws -> String {
    let db = newStorePath()
    let lines = try String(contentsOfFile: fixture("demo/trec/train.csv"), encoding: .utf8).split(separator: "\r\n", omittingEmptySubsequences: false)
    let path = scratchPath("trec.csv")
    try lines.prefix(rows + 1).joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
    #expect(try dq(["ingest", path, "--dataset", "trec", "--db", db]).status == 0)
    return db
}

@Test func optionsThatCannotMeanAnythingAreRefusedBeforeAnyWork() throws {
    let db = try trecStore(rows: 20)
    let refused: [[String]] = [
        ["pvi", "--l2", "nan"], ["pvi", "--l2", "-1"], ["pvi", "--folds", "9223372036854775807"], ["pvi", "--model", "tiny-bert", "--batch-size", "9223372036854775807"],
        ["pvi", "--model", "tiny-bert", "--epochs", "9223372036854775807"], ["pvi", "--model", "tiny-bert", "--lr", "inf"],
        ["label-issues", "--min-examples-per-class", "9223372036854775807"], ["vinfo", "compare", "--bootstrap", "1000000000"],
        ["inconsistent", "--specs", fixture("demo/trec-specs.json"), "--rrf-k", "nan"], ["divergence", "--alpha", "inf"],
    ]
    for arguments in refused {
        let result = try dq(arguments + ["--db", db])
        #expect(result.status == 64, "\(arguments): \(result.status) \(result.stderr)")
    }
    #expect(try Store(path: db).runs(dataset: nil).isEmpty)
}

@Test func ctrlCDuringABowPVIRunStopsItAndStoresNothing() throws {
    let db = try trecStore()
    let process = Process()
    process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("dq")
    process.arguments = ["pvi", "--model", "bow", "--folds", "5", "--db", db]
    let errors = Pipe()
    process.standardError = errors
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    // Stop it once the first fit has begun.
    var waited = 0
    while (try? Store(path: db).runs(dataset: nil, kind: .pvi).isEmpty) ?? true, waited < 20_000 {
        usleep(20_000)
        waited += 20
    }
    usleep(200_000)
    kill(process.processIdentifier, SIGINT)
    process.waitUntilExit()
    let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    #expect(process.terminationStatus == 1 && stderr.contains("interrupted"), "\(process.terminationStatus): \(stderr)")
    let runs = try Store(path: db).runs(dataset: nil, kind: .pvi)
    #expect(runs.map(\.status) == [.failed])
    #expect(try Store(path: db).pviRows(run: runs[0].id).isEmpty)
}

@Test func hintsAreSafeToPasteIntoAShell() throws {
    let db = newStorePath()
    let result = try dq(["ingest", fixture("csv/ragged-rows.csv"), "--dataset", "x; touch F", "--db", db])
    #expect(result.status == 0)
    #expect(result.stderr.contains("next: dq stats --dataset 'x; touch F'"), "\(result.stderr)")
    let missing = try dq(["label-issues", "--dataset", "x; touch F", "--db", db])
    #expect(missing.stderr.contains("run `dq pvi --dataset 'x; touch F' --model bow` first"), "\(missing.stderr)")
}
