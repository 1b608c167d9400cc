import Foundation
import Testing
import DQStore
import DQTestSupport

/// Runs the `dq` binary and kills it with SIGKILL after `delay` seconds (if it is still running);
/// returns its exit status or the signal that ended it.
private func killed(_ arguments: [String], after delay: Double) throws -> Int32 {
    let process = try startDQ(arguments)
    usleep(useconds_t(delay * 1_000_000))
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    return process.terminationStatus
}

/// Delays spread over a command's running time, the same for every run of the suite.
private func delays(count: Int, upTo longest: Double, seed: UInt64) -> [Double] {
    var state = seed
    return (0..<count).map { _ in
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return longest * Double(state >> 11) / Double(1 << 53)
    }
}

private func count(_ store: Store, _ sql: String, _ values: [SQLValue] = []) throws -> Int {
    try store.database.row(sql, values)?.int(0) ?? -1
}

@Test func aStoreKilledAtRandomPointsHoldsWholeOperationsOnly() throws {
    // Small sizes: a 20,000-row file, a bow pvi on 400 questions, 400 corrections.
    var csv = "id,text,label\n"
    for i in 0..<20_000 { csv += "r\(i),row \(i) of the crash test with some words,\(["a", "b"][i % 2])\n" }
    let big = scratchPath("crash.csv")
    try csv.write(toFile: big, atomically: true, encoding: .utf8)
    let rows = try String(contentsOfFile: fixture("demo/trec/train.csv"), encoding: .utf8).split(separator: "\r\n", omittingEmptySubsequences: false)
    let trec = scratchPath("trec.csv")
    try rows.prefix(401).joined(separator: "\n").write(toFile: trec, atomically: true, encoding: .utf8)
    var corrections = "id,corrected_label\n"
    for i in 0..<400 { corrections += "train-\(i),LOC\n" }
    let fixes = scratchPath("fixes.csv")
    try corrections.write(toFile: fixes, atomically: true, encoding: .utf8)

    for (trial, delay) in delays(count: 4, upTo: 1.5, seed: 7).enumerated() {
        let db = scratchPath("crash-\(trial).sqlite")
        #expect(try dq(["ingest", trec, "--dataset", "trec", "--db", db]).status == 0)

        // Ingest: the file is in the store whole, or not at all.
        _ = try killed(["ingest", big, "--dataset", "big", "--db", db], after: delay / 3)
        var store = try Store(path: db)
        #expect(try store.database.row("PRAGMA integrity_check")?.string(0) == "ok")
        let stored = try count(store, "SELECT coalesce(sum(rows_new), 0) FROM ingests i JOIN datasets d ON d.id = i.dataset_id WHERE d.name = 'big'")
        #expect(stored == 0 || stored == 20_000, "trial \(trial): \(stored) rows of the file")

        // pvi: a succeeded run with every sample scored, or a failed one with nothing stored.
        _ = try killed(["pvi", "--dataset", "trec", "--model", "bow", "--folds", "2", "--db", db], after: delay)
        store = try Store(path: db)
        #expect(try store.database.row("PRAGMA integrity_check")?.string(0) == "ok")
        for run in try store.runs(dataset: nil, kind: .pvi) {
            let scored = try count(store, "SELECT count(*) FROM pvi_scores WHERE run_id = ?", [.integer(run.id)])
            #expect(run.status != .running, "trial \(trial): a dead run is still running")
            #expect(run.status == .succeeded ? scored == 400 : scored == 0, "trial \(trial): \(run.status) run with \(scored) rows")
        }

        // Corrections: the whole file applied, or none of it.
        _ = try killed(["corrections", "import", fixes, "--dataset", "trec", "--db", db], after: delay / 3)
        store = try Store(path: db)
        #expect(try store.database.row("PRAGMA integrity_check")?.string(0) == "ok")
        let imports = try count(store, "SELECT count(*) FROM correction_imports")
        // Rows that change a label (a sample already LOC is kept: a row with equal labels).
        let applied = try count(store, "SELECT count(*) FROM corrections WHERE old_label <> new_label")
        #expect(imports == 0 && applied == 0 || imports == 1 && applied > 0, "trial \(trial): \(imports) imports, \(applied) corrections")
        let current = try count(store, """
            SELECT count(*) FROM ingests i JOIN datasets d ON d.id = i.dataset_id
            JOIN samples s ON s.id BETWEEN i.first_sample_id AND i.last_sample_id WHERE d.name = 'trec' AND s.label != 'LOC'
            """)
        #expect(imports == 0 || applied == current, "trial \(trial): every correction of the file or none")
    }
}

@Test func anEvaluateKilledWhileItWorksIsShownAsFailedByTheNextCommand() throws {
    let db = scratchPath("evaluate-killed.sqlite")
    #expect(try dq(["ingest", fixture("demo/trec/train.csv"), "--dataset", "trec", "--db", db]).status == 0)
    let process = try startDQ(["evaluate", "--dataset", "trec", "--repeats", "5", "--db", db])
    // The run is recorded before its repeats: wait until the store shows it running, then kill it.
    var running: Int64?
    for _ in 0..<3000 where running == nil && process.isRunning {
        running = try Store(path: db).runs(dataset: nil, kind: .evaluate).first { $0.status == .running }?.id
        if running == nil { usleep(10_000) }
    }
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    let id = try #require(running, "dq evaluate never showed as running")
    let runs = try dq(["runs", "--format", "csv", "--db", db])
    #expect(runs.status == 0)
    let row = try #require(runs.stdout.split(separator: "\n").first { $0.hasPrefix("\(id),") }, "\(runs.stdout)")
    #expect(row.contains(",failed,"), "\(row)")
    #expect(try Store(path: db).run(id).message?.contains("ended before it finished") == true)
}
