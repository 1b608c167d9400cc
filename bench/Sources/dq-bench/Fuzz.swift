// dq-bench fuzz: mutated real files through dq's readers, looking for crashes, hangs and rows
// that differ from what an independent reference parser reads (`make fuzz`, docs/store.md).
import DQAnalyses
import DQLearning
import DQText
import Foundation

/// The path of the input being read, for the crash handler and the watchdog (C strings, so the
/// signal handler can use them without allocating).
nonisolated(unsafe) var fuzzInputPath: UnsafeMutablePointer<CChar>?
nonisolated(unsafe) var fuzzKeepPath: UnsafeMutablePointer<CChar>?
nonisolated(unsafe) var fuzzProgress = 0

/// On a crash, the input that caused it is moved to the findings folder (rename(2) is safe in
/// a signal handler) and the process dies of the same signal.
func installCrashHandler() {
    for sig in [SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE] {
        signal(sig) { sig in
            if let from = fuzzInputPath, let to = fuzzKeepPath { rename(from, to) }
            signal(sig, SIG_DFL)
            raise(sig)
        }
    }
}

/// A reference reader of RFC 4180 records, written apart from `CSVReader`: fields separated by
/// the delimiter, `"` quoting with `""` for a quote, records ending at LF, CRLF or CR outside
/// quotes; text after a closing quote is kept and a quote inside an unquoted field is kept, as
/// Python's csv module does. Blank lines are skipped. Returns each record's raw field bytes.
func referenceRecords(_ input: [UInt8], delimiter: UInt8) -> [[[UInt8]]] {
    var bytes = input[...]
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
    enum State { case start, plain, quoted, closed }
    var records: [[[UInt8]]] = [], fields: [[UInt8]] = [], field: [UInt8] = []
    var state = State.start, any = false, quotedSeen = false
    func endRecord() {
        fields.append(field)
        if !(fields.count == 1 && fields[0].isEmpty && !quotedSeen) { records.append(fields) }
        fields = []; field = []; state = .start; any = false; quotedSeen = false
    }
    var i = bytes.startIndex
    while i < bytes.endIndex {
        let b = bytes[i]
        switch state {
        case .start, .plain:
            if state == .start && b == 0x22 { state = .quoted; any = true; quotedSeen = true }
            else if b == delimiter { fields.append(field); field = []; state = .start; any = true }
            else if b == 0x0A { endRecord() }
            else if b == 0x0D { endRecord(); if i + 1 < bytes.endIndex && bytes[i + 1] == 0x0A { i += 1 } }
            else { field.append(b); state = .plain; any = true }
        case .quoted:
            if b == 0x22 { state = .closed } else { field.append(b) }
        case .closed:
            if b == 0x22 { field.append(b); state = .quoted }
            else if b == delimiter { fields.append(field); field = []; state = .start }
            else if b == 0x0A { endRecord() }
            else if b == 0x0D { endRecord(); if i + 1 < bytes.endIndex && bytes[i + 1] == 0x0A { i += 1 } }
            else { field.append(b); state = .plain }
        }
        i += 1
    }
    if any || !field.isEmpty || state == .quoted { endRecord() }
    return records
}

struct FuzzCounts {
    var inputs = 0, acceptedRows = 0, rejectedRows = 0, refusedFiles = 0, compared = 0, mismatches = 0
}

/// Mutations of a seed file: byte flips, insertions of the bytes that matter to the formats,
/// deletions, duplications, splices with another seed, truncation.
struct Mutator {
    var rng: SplitMix64
    let interesting: [UInt8] = Array("\",\t\n\r\\{}[]:0 \"\"".utf8) + [0x00, 0x7F, 0x80, 0xBF, 0xC3, 0xE2, 0xEF, 0xBB, 0xF0, 0xFF]

    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(rng.next() % UInt64(n)) }

    mutating func mutate(_ seed: [UInt8], other: [UInt8]) -> [UInt8] {
        var out = seed
        for _ in 0..<(1 + below(4)) {
            let at = below(out.count + 1)
            switch below(7) {
            case 0 where !out.isEmpty: out[min(at, out.count - 1)] ^= UInt8(1 << below(8))
            case 1: out.insert(interesting[below(interesting.count)], at: at)
            case 2 where !out.isEmpty: out.removeSubrange(min(at, out.count - 1)..<min(out.count, at + 1 + below(8)))
            case 3 where !out.isEmpty:
                let start = below(out.count), end = min(out.count, start + 1 + below(16))
                out.insert(contentsOf: out[start..<end], at: min(at, out.count))
            case 4 where !other.isEmpty:
                let start = below(other.count), end = min(other.count, start + 1 + below(64))
                out.insert(contentsOf: other[start..<end], at: at)
            case 5: out = Array(out.prefix(at))
            default: out.insert(interesting[below(interesting.count)], at: at)
            }
        }
        return out
    }
}

/// Reads `path` with `LabelledRowReader` both ways (row by row and in batches) and compares every
/// accepted row with the reference: the same records, fields and labels (trimmed).
func checkDelimited(_ path: String, bytes: [UInt8], format: InputFormat, counts: inout FuzzCounts, report: (String) -> Void) {
    let reader: LabelledRowReader
    do { reader = try LabelledRowReader(path: path, format: format, columns: ColumnRequest()) } catch {
        counts.refusedFiles += 1
        return
    }
    var outcomes: [RowOutcome] = []
    do { while let outcome = try reader.next() { outcomes.append(outcome) } } catch { counts.refusedFiles += 1; return }
    guard let columns = reader.columns else { return }
    // The batch path must give the same rows.
    if let batchReader = try? LabelledRowReader(path: path, format: format, columns: ColumnRequest()) {
        var batch = LabelledRowBatch(), lines: [Int] = []
        while (try? batchReader.read(into: &batch, limit: 7)) == true { lines += batch.lines }
        let expected = outcomes.map { outcome -> Int in
            switch outcome { case .accepted(let row): row.line; case .rejected(let row): row.line }
        }
        if lines != expected { counts.mismatches += 1; report("batch path lines \(lines.prefix(8)) != row path \(expected.prefix(8))") }
    }
    if format == .jsonl { return checkJSONLines(bytes: bytes, outcomes: outcomes, columns: columns, counts: &counts, report: report) }
    let records = referenceRecords(bytes, delimiter: format == .tsv ? 0x09 : 0x2C)
    for (k, outcome) in outcomes.enumerated() {
        guard case .accepted(let row) = outcome else { counts.rejectedRows += 1; continue }
        counts.acceptedRows += 1
        guard k + 1 < records.count else { counts.mismatches += 1; report("row \(k) has no reference record"); continue }
        let fields = records[k + 1].map { String(decoding: $0, as: UTF8.self) }
        counts.compared += 1
        let same = fields.count == columns.columns.count && fields[columns.text] == row.text
            && fields[columns.label].trimmingWhitespace() == row.label
            && columns.textPair.map { fields[$0] == row.textPair } ?? true
        if !same { counts.mismatches += 1; report("line \(row.line): dq read \(row.text.debugDescription) / \(row.label.debugDescription), the reference \(fields)") }
    }
}

/// JSON Lines: every accepted row's text and label as Foundation's JSON parser reads the line.
func checkJSONLines(bytes: [UInt8], outcomes: [RowOutcome], columns: ResolvedColumns, counts: inout FuzzCounts, report: (String) -> Void) {
    var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
    if let first = lines.first, first.starts(with: [0xEF, 0xBB, 0xBF]) { lines[0] = first.dropFirst(3) }
    for outcome in outcomes {
        guard case .accepted(let row) = outcome else { counts.rejectedRows += 1; continue }
        counts.acceptedRows += 1
        guard row.line - 1 < lines.count,
              let object = try? JSONSerialization.jsonObject(with: Data(lines[row.line - 1]), options: [.fragmentsAllowed]) as? [String: Any] else {
            counts.mismatches += 1
            report("line \(row.line): dq accepted a line Foundation does not read as an object")
            continue
        }
        counts.compared += 1
        if let text = object[columns.columns[columns.text]] as? String, text != row.text {
            counts.mismatches += 1
            report("line \(row.line): text \(row.text.debugDescription) vs \(text.debugDescription)")
        }
        if let label = object[columns.columns[columns.label]] as? String, label.trimmingWhitespace() != row.label {
            counts.mismatches += 1
            report("line \(row.line): label \(row.label.debugDescription) vs \(label.debugDescription)")
        }
    }
}

/// Reads a Parquet or Arrow file with `LabelledRowReader` both ways (row by row and in batches,
/// every other column kept as metadata, so every type is converted) and compares the lines the
/// two paths give. Returns dq's accepted rows (text, label, id) when the file was read, nil when
/// dq refused it.
func checkColumnar(_ path: String, format: InputFormat, counts: inout FuzzCounts, report: (String) -> Void) -> [[String?]]? {
    var request = ColumnRequest()
    request.allMeta = true
    var outcomes: [RowOutcome] = []
    do {
        let reader = try LabelledRowReader(path: path, format: format, columns: request)
        while let outcome = try reader.next() { outcomes.append(outcome) }
    } catch {
        counts.refusedFiles += 1
        return nil
    }
    var lines: [Int] = [], batchRefused = false
    do {
        let batchReader = try LabelledRowReader(path: path, format: format, columns: request)
        var batch = LabelledRowBatch()
        while try batchReader.read(into: &batch, limit: 7) { lines += batch.lines }
    } catch { batchRefused = true }
    let expected = outcomes.map { outcome -> Int in
        switch outcome { case .accepted(let row): row.line; case .rejected(let row): row.line }
    }
    if batchRefused || lines != expected {
        counts.mismatches += 1
        report(batchRefused ? "the batch path refused a file the row path read" : "batch path lines \(lines.prefix(8)) != row path \(expected.prefix(8))")
    }
    var rows: [[String?]] = []
    for outcome in outcomes {
        guard case .accepted(let row) = outcome else { counts.rejectedRows += 1; continue }
        counts.acceptedRows += 1
        rows.append([String(row.line), row.text, row.label, row.externalID])
    }
    return rows
}

/// A mutated input dq read, kept with dq's rows for `bench/fuzz_pyarrow.py`, which reads it
/// with pyarrow and compares; or one dq refused, to count the files pyarrow reads that dq does not.
func keepForPyarrow(_ input: [UInt8], ext: String, rows: [[String?]]?, folder: String, index: Int) {
    let stem = folder + "/\(index)"
    try? Data(input).write(to: URL(fileURLWithPath: stem + "." + ext))
    let json = JSONValue.object([
        ("refused", .bool(rows == nil)),
        ("rows", .array((rows ?? []).map { row in .array(row.map { $0.map(JSONValue.string) ?? .null }) })),
    ])
    try? Data(json.jsonText.utf8).write(to: URL(fileURLWithPath: stem + ".json"))
}

/// `dq-bench fuzz [INPUTS] [SEED]`: mutated fixture files through every reader.
func fuzz(inputs total: Int, seed: UInt64, fixtures: String, findings: String, only: Set<String>? = nil) throws {
    let fm = FileManager.default
    func files(_ folder: String, _ extensions: [String]) -> [(path: String, bytes: [UInt8])] {
        ((try? fm.contentsOfDirectory(atPath: fixtures + "/" + folder)) ?? []).sorted()
            .filter { name in extensions.contains { name.hasSuffix($0) } }
            .compactMap { name in fm.contents(atPath: fixtures + "/" + folder + "/" + name).map { (folder + "/" + name, [UInt8]($0)) } }
    }
    let targets: [(name: String, ext: String, seeds: [(path: String, bytes: [UInt8])])] = [
        ("csv", "csv", files("csv", [".csv"]) + files("specs", [".csv"]) + files("help", [".csv"])),
        ("tsv", "tsv", files("csv", [".csv"]).map { ($0.path, $0.bytes.map { $0 == 0x2C ? 0x09 : $0 }) }),
        ("jsonl", "jsonl", files("jsonl", [".jsonl"])),
        ("specs", "json", files("specs", [".json"]) + files("demo", [".json"]) + files("help", [".json"])),
        ("safetensors", "safetensors", [("tiny.safetensors", try tinySafeTensors())]),
        ("parquet", "parquet", files("parquet", [".parquet"]) + files("columnar-types", [".parquet"])),
        ("arrow", "arrow", files("arrow", [".arrow", ".arrows"]) + files("columnar-types", [".arrow"])),
        ("feather", "feather", files("arrow", [".feather"])),
        // A Hugging Face folder: one of its files mutated, the others as saved.
        ("hf", "hf", files("arrow/hf", [".json"]) + files("arrow/hf/train", [".json", ".arrow"]) + files("arrow/hf/test", [".json", ".arrow"])),
    ].filter { only?.contains($0.name) ?? true }
    // At most this many inputs per binary target are kept for the pyarrow comparison.
    let pyarrowQuota = 2_000
    var pyarrowKept: [String: (read: Int, refused: Int)] = [:]
    // Inputs are written to memory (/dev/shm); a crashing input is moved by rename(2) to a
    // folder there (the same file system) and copied to `findings` by the next run.
    let scratch = "/dev/shm/dq-fuzz-\(getpid())"
    try fm.createDirectory(atPath: findings, withIntermediateDirectories: true)
    let kept = "/dev/shm/dq-fuzz-kept"
    try fm.createDirectory(atPath: kept, withIntermediateDirectories: true)
    for name in (try? fm.contentsOfDirectory(atPath: kept)) ?? [] {
        try? fm.moveItem(atPath: kept + "/" + name, toPath: findings + "/" + name)
        FileHandle.standardError.write(Data("an earlier run crashed or hung on \(findings)/\(name)\n".utf8))
    }
    try fm.createDirectory(atPath: scratch, withIntermediateDirectories: true)
    defer { try? fm.removeItem(atPath: scratch) }
    // The Hugging Face folder's pristine copy; each input replaces one file, restored after.
    let hfFolder = scratch + "/hf"
    try fm.copyItem(atPath: fixtures + "/arrow/hf", toPath: hfFolder)
    for target in targets where ["parquet", "arrow", "feather", "hf"].contains(target.name) {
        try fm.createDirectory(atPath: findings + "/pyarrow/" + target.name, withIntermediateDirectories: true)
    }
    installCrashHandler()
    // Watchdog: no progress for 10 s is a hang; the input is kept and the process stops.
    Thread.detachNewThread {
        var last = -1
        while true {
            sleep(10)
            if fuzzProgress == last {
                if let from = fuzzInputPath, let to = fuzzKeepPath { rename(from, to) }
                FileHandle.standardError.write(Data("hang: an input took more than 10 s (kept in \(findings))\n".utf8))
                exit(3)
            }
            last = fuzzProgress
        }
    }
    var mutator = Mutator(rng: SplitMix64(seed: seed))
    var counts: [String: FuzzCounts] = [:]
    var mismatchesKept = 0
    let started = Date()
    for n in 0..<total {
        let target = targets[n % targets.count]
        guard !target.seeds.isEmpty else { continue }
        let seedFile = target.seeds[mutator.below(target.seeds.count)]
        let input = mutator.mutate(seedFile.bytes, other: target.seeds[mutator.below(target.seeds.count)].bytes)
        // A Hugging Face input is one of the folder's files, written over its pristine copy.
        let path = target.name == "hf"
            ? hfFolder + "/" + String(seedFile.path.dropFirst("arrow/hf/".count)) : scratch + "/input." + target.ext
        // Kept inputs are named by target, seed and number (and, in a folder, the file mutated).
        let name = "\(target.name)-\(seed)-\(n)." + (target.name == "hf" ? seedFile.path.replacingOccurrences(of: "/", with: "_") : target.ext)
        let keep = findings + "/" + name
        free(fuzzInputPath); free(fuzzKeepPath)
        fuzzInputPath = strdup(path); fuzzKeepPath = strdup(kept + "/" + name)
        fm.createFile(atPath: path, contents: Data(input))
        var c = counts[target.name] ?? FuzzCounts()
        c.inputs += 1
        let before = c.mismatches
        var notes: [String] = []
        switch target.name {
        case "csv": checkDelimited(path, bytes: input, format: .csv, counts: &c) { notes.append($0) }
        case "tsv": checkDelimited(path, bytes: input, format: .tsv, counts: &c) { notes.append($0) }
        case "jsonl": checkDelimited(path, bytes: input, format: .jsonl, counts: &c) { notes.append($0) }
        case "specs":
            let text = String(decoding: input, as: UTF8.self)
            if (try? Specification.parse(text, file: path, labels: ["positive", "negative", "1", "5", "DESC", "HUM", "LOC"])) == nil { c.refusedFiles += 1 }
            _ = try? JSONValue.parse(bytes: input)
        case "parquet", "arrow", "feather":
            let rows = checkColumnar(path, format: target.name == "parquet" ? .parquet : .arrow, counts: &c) { notes.append($0) }
            var kept = pyarrowKept[target.name] ?? (0, 0)
            if rows.map({ !$0.isEmpty && kept.read < pyarrowQuota }) ?? (kept.refused < pyarrowQuota / 2) {
                keepForPyarrow(input, ext: target.ext, rows: rows, folder: findings + "/pyarrow/" + target.name, index: n)
                if rows == nil { kept.refused += 1 } else { kept.read += 1 }
            }
            pyarrowKept[target.name] = kept
        case "hf":
            defer { fm.createFile(atPath: path, contents: Data(seedFile.bytes)) }
            guard let dataFiles = try? HuggingFaceFolder.dataFiles(hfFolder) else { c.refusedFiles += 1; break }
            for data in dataFiles {
                guard data.path.hasPrefix(hfFolder + "/") else {
                    c.mismatches += 1
                    notes.append("a data file outside the folder: \(data.path)")
                    continue
                }
                _ = checkColumnar(data.path, format: .arrow, counts: &c) { notes.append($0) }
            }
        default:
            if let file = try? SafeTensorsFile(path: path) {
                for name in file.tensors.keys.sorted() { _ = try? file.floats(name) }
            } else {
                c.refusedFiles += 1
            }
        }
        if c.mismatches > before && mismatchesKept < 100 {
            mismatchesKept += 1
            try? Data(input).write(to: URL(fileURLWithPath: keep))
            FileHandle.standardError.write(Data("mismatch in \(keep): \(notes.first ?? "")\n".utf8))
        }
        counts[target.name] = c
        fuzzProgress = n
        if n > 0 && n % 200_000 == 0 {
            FileHandle.standardError.write(Data("\(n) inputs, \(Int(Double(n) / Date().timeIntervalSince(started))) a second\n".utf8))
        }
    }
    let seconds = Date().timeIntervalSince(started)
    for target in targets {
        let c = counts[target.name] ?? FuzzCounts()
        print("{\"bench\": \"fuzz\", \"target\": \"\(target.name)\", \"inputs\": \(c.inputs), \"files_refused\": \(c.refusedFiles), \"rows_accepted\": \(c.acceptedRows), \"rows_rejected\": \(c.rejectedRows), \"rows_compared\": \(c.compared), \"mismatches\": \(c.mismatches)}")
    }
    print("{\"bench\": \"fuzz\", \"inputs\": \(total), \"seed\": \(seed), \"seconds\": \(seconds), \"crashes\": 0, \"hangs\": 0}")
}

/// A small safetensors file written by dq's own writer: two F32 tensors and metadata.
func tinySafeTensors() throws -> [UInt8] {
    let path = NSTemporaryDirectory() + "dq-fuzz-seed-\(getpid()).safetensors"
    try SafeTensorsFile.write([("a.weight", [2, 3], [1, 2, 3, 4, 5, 6]), ("b.bias", [2], [0.5, -0.5])], metadata: ["format": "pt"], to: path)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return [UInt8](FileManager.default.contents(atPath: path) ?? Data())
}
