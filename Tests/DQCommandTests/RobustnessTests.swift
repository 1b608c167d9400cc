import Foundation
import Testing
import DQStore
import DQTestSupport

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
    // 3,000 questions: on 400 a fast clean build finished all ten folds inside the 0.2 s wait.
    let db = try trecStore(rows: 3_000)
    let errors = Pipe()
    // Converged fits and ten folds: several seconds of work, stopped within one L-BFGS iteration.
    let process = try startDQ(["pvi", "--model", "bow", "--folds", "10", "--held-out-tolerance", "0", "--db", db], standardError: errors)
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
