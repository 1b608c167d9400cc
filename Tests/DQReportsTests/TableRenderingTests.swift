import Foundation
import Testing
import DQReports
import DQText

private let table = Table(
    name: "labels", title: "Labels", columns: ["label", "count", "share"],
    rows: [[.text("positive"), .int(1234), .real(0.6666666, digits: 3)],
           [.text("neg, \"quoted\""), .int(5), .missing]])

@Test func terminalTablesAlignTextLeftAndNumbersRight() {
    let text = Table.render([table], as: .table)
    #expect(text == """
        Labels
        label          count  share
        ─────────────  ─────  ─────
        positive       1,234  0.667
        neg, "quoted"      5      –

        """)
}

@Test func terminalCellsShowLineBreaksAndCutLongText() {
    let long = Table(name: "t", title: "T", columns: ["text"], rows: [[.text("a\nb " + String(repeating: "x", count: 100))]])
    let line = Table.render([long], as: .table, maxCellWidth: 10).split(separator: "\n")[3]
    #expect(line == "a⏎b xxxxx…")
}

@Test func csvQuotesAndKeepsFullPrecision() {
    #expect(Table.render([table], as: .csv) == "label,count,share\npositive,1234,0.6666666\n\"neg, \"\"quoted\"\"\",5,\n")
}

@Test func csvNeutralisesSpreadsheetFormulas() {
    #expect(CSVCell.escape("=SUM(A1:A9)") == "'=SUM(A1:A9)")
    #expect(CSVCell.escape("+1 great") == "'+1 great")
    #expect(CSVCell.escape("-5 stars") == "'-5 stars")
    #expect(CSVCell.escape("@mention") == "'@mention")
    #expect(CSVCell.escape("=HYPERLINK(\"x\",\"y\")") == "\"'=HYPERLINK(\"\"x\"\",\"\"y\"\")\"")
    #expect(CSVCell.escape("fine = ok") == "fine = ok")
    // Numbers are numeric cells, not text: a negative number stays a number.
    let numbers = Table(name: "n", title: "N", columns: ["x"], rows: [[.real(-0.5, digits: 1)]])
    #expect(Table.render([numbers], as: .csv) == "x\n-0.5\n")
}

@Test func jsonIsOneDocumentKeyedByTableNameForOneTableAsForSeveral() throws {
    let one = try JSONValue.parse(Table.render([table], as: .json))
    #expect(one == .object([("labels", .array([
        .object([("label", .string("positive")), ("count", .number(1234)), ("share", .number(0.6666666))]),
        .object([("label", .string("neg, \"quoted\"")), ("count", .number(5)), ("share", .null)]),
    ]))]))
    var other = table
    other.name = "other"
    let two = try JSONValue.parse(Table.render([table, other], as: .json))
    guard case .object(let members) = two else { Issue.record("not an object"); return }
    #expect(members.map(\.key) == ["labels", "other"])
}

@Test func numbersAreFormattedForPeople() {
    #expect(1234567.formatted(thousands: true) == "1,234,567")
    #expect((-1234).formatted(thousands: true) == "-1,234")
    #expect((-0.0001).formatted(digits: 3) == "0.000")
    #expect(2.5.formatted(digits: 1) == "2.5")
    #expect(Double.nan.formatted(digits: 2) == "nan")
}

@Test func severalTablesAsCSVGoToAFolderOneFileEachAndAnUnknownTableIsNamed() throws {
    var other = table
    other.name = "other"
    let folder = NSTemporaryDirectory() + "dq-output-\(UUID().uuidString)"
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let notes = try TableOutput(format: .csv, out: folder).emit([table, other])
    #expect(notes == ["wrote \(folder)/labels.csv", "wrote \(folder)/other.csv"])
    #expect(try String(contentsOfFile: folder + "/other.csv", encoding: .utf8) == Table.render([table], as: .csv))
    // One table picked by name goes to a file as it is.
    let file = folder + "/picked.csv"
    #expect(try TableOutput(format: .csv, table: "other", out: file).emit([table, other]) == ["wrote \(file)"])
    #expect(throws: OutputError.unknownTable("nope", known: ["labels", "other"])) {
        try TableOutput(format: .json, table: "nope").emit([table, other])
    }
    // A file where a folder is needed is refused; so is a missing parent folder.
    #expect(throws: OutputError.severalTables(file, ["labels", "other"])) { try TableOutput(format: .csv, out: file).emit([table, other]) }
    #expect(throws: OutputError.isAFile(file)) { try OutputFiles.makeFolder(file) }
    #expect(throws: OutputError.self) { try OutputFiles.check(folder + "/missing/x.csv") }
    #expect(throws: OutputError.isAFolder(folder)) { try OutputFiles.check(folder) }
    try OutputFiles.check(folder, folderAllowed: true)
}

@Test func terminalTablesShowControlCharactersInsteadOfSendingThem() {
    let hostile = Table(name: "t", title: "title \u{1B}[2K", columns: ["text"],
                        rows: [[.text("retitle\u{1B}]0;pwned\u{07} and \u{9B}31m red\u{7F}")]], note: "note \u{1B}c")
    let text = Table.render([hostile], as: .table)
    #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0.value == 0x07 || $0.value == 0x9B || $0.value == 0x7F })
    #expect(text.contains("retitle␛]0;pwned␇ and \u{FFFD}31m red␡"))
    #expect(text.contains("title ␛[2K") && text.contains("note ␛c"))
    #expect(Table.visible("plain text, é and 漢字") == "plain text, é and 漢字")
}

@Test func filesMeantForProgramsKeepTextThatLooksLikeAFormula() {
    let data = Table(name: "d", title: "", columns: ["text", "label"], rows: [[.text("-5 degrees"), .text("-1")], [.text("=1+1"), .text("+")]])
    #expect(Table.render([data], as: .csv, guardFormulas: false) == "text,label\n-5 degrees,-1\n=1+1,+\n")
    #expect(Table.render([data], as: .csv) == "text,label\n'-5 degrees,'-1\n'=1+1,'+\n")
}

@Test func anOutputPathThatIsADatabaseOrItsLogIsRefused() throws {
    let folder = NSTemporaryDirectory() + "dq-db-\(UUID().uuidString)"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let store = folder + "/dq.sqlite"
    let header = Data("SQLite format 3\0".utf8) + Data(repeating: 0, count: 84)
    FileManager.default.createFile(atPath: store, contents: header)
    FileManager.default.createFile(atPath: store + "-wal", contents: Data([0x37, 0x7F, 0x06, 0x82]))
    #expect(throws: OutputError.isADatabase(store)) { try OutputFiles.check(store) }
    #expect(throws: OutputError.isADatabase(store)) { try OutputFiles.write("report", to: store) }
    #expect(throws: OutputError.isADatabase(store)) { try OutputFiles.write("report", to: store + "-wal") }
    #expect(try Data(contentsOf: URL(fileURLWithPath: store)) == header)
    // Any other file is written over as before.
    try OutputFiles.write("a,b\n", to: folder + "/out.csv")
    try OutputFiles.write("c,d\n", to: folder + "/out.csv")
    #expect(try String(contentsOfFile: folder + "/out.csv", encoding: .utf8) == "c,d\n")
}

@Test func aDeviceIsWrittenInPlaceAndAFullOneIsAnError() throws {
    #expect(throws: OutputError.self) { try OutputFiles.write("some text\n", to: "/dev/full") }
    try OutputFiles.write("some text\n", to: "/dev/null")
    var status = stat()
    #expect(stat("/dev/full", &status) == 0 && (status.st_mode & S_IFMT) == S_IFCHR)
}

/// A fresh folder for one test's files.
private func folder(_ name: String) throws -> String {
    let path = NSTemporaryDirectory() + "dq-out-\(name)-\(getpid())"
    try? FileManager.default.removeItem(atPath: path)
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

@Test func writingThroughASymbolicLinkWritesItsTargetAndKeepsTheLink() throws {
    let dir = try folder("link")
    try "old".write(toFile: dir + "/t.csv", atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: dir + "/l.csv", withDestinationPath: "t.csv")
    try OutputFiles.write("new\n", to: dir + "/l.csv")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/l.csv") == "t.csv")
    #expect(try String(contentsOfFile: dir + "/t.csv", encoding: .utf8) == "new\n")
    // A dangling link: its target is made, the link kept.
    try FileManager.default.createSymbolicLink(atPath: dir + "/d.csv", withDestinationPath: dir + "/made.csv")
    try OutputFiles.write("made\n", to: dir + "/d.csv")
    #expect(try FileManager.default.destinationOfSymbolicLink(atPath: dir + "/d.csv") == dir + "/made.csv")
    #expect(try String(contentsOfFile: dir + "/made.csv", encoding: .utf8) == "made\n")
}

@Test func aFIFOIsCheckedWithoutOpeningItAndWrittenInPlace() throws {
    let fifo = try folder("fifo") + "/pipe"
    #expect(mkfifo(fifo, 0o600) == 0)
    // Opening the FIFO for reading would wait for a writer: bounded here, so a regression fails fast.
    let checked = DispatchSemaphore(value: 0)
    DispatchQueue.global().async { _ = try? OutputFiles.check(fifo); checked.signal() }
    if checked.wait(timeout: .now() + 10) == .timedOut {
        Issue.record("checking a FIFO waits for a writer")
        close(open(fifo, O_WRONLY | O_NONBLOCK))
    }
    #expect(OutputFiles.destination(fifo) == .inPlace(fifo))
    let reader = open(fifo, O_RDONLY | O_NONBLOCK)
    #expect(reader >= 0)
    defer { close(reader) }
    try OutputFiles.write("through the pipe\n", to: fifo)
    var buffer = [UInt8](repeating: 0, count: 64)
    let count = read(reader, &buffer, 64)
    #expect(String(decoding: buffer.prefix(max(count, 0)), as: UTF8.self) == "through the pipe\n")
    var status = stat()
    #expect(lstat(fifo, &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO, "the FIFO is still a FIFO")
}

@Test func theStandardStreamsAreWrittenAsTheyAreAndAFullDeviceIsAnError() {
    // `--out /dev/stdout` with standard output redirected to a file must never rename over /dev/stdout.
    #expect(OutputFiles.destination("/dev/stdout") == .stream(STDOUT_FILENO))
    #expect(OutputFiles.destination("/proc/self/fd/1") == .stream(STDOUT_FILENO))
    #expect(OutputFiles.destination("/dev/stderr") == .stream(STDERR_FILENO))
    #expect(OutputFiles.destination("/dev/full") == .inPlace("/dev/full"))
    #expect(throws: OutputError.self) { try OutputFiles.write("x", to: "/dev/full") }
}

/// `out/` names a folder even before it exists: a file named `out` was written instead.
@Test func aPathEndingInASlashIsAFolderNeverAFile() throws {
    let folder = NSTemporaryDirectory() + "dq-slash-\(UUID().uuidString)/"
    #expect(throws: OutputError.isAFolder(folder)) { try OutputFiles.check(folder) }
    #expect(throws: OutputError.isAFolder(folder)) { try OutputFiles.write("x", to: folder) }
    #expect(!FileManager.default.fileExists(atPath: String(folder.dropLast())))
    // A table with CSV to such a path goes into the folder, one file per table.
    try OutputFiles.check(folder, folderAllowed: true)
    let notes = try TableOutput(format: .csv, out: folder).emit([Table(name: "labels", title: "", columns: ["a"], rows: [[.int(1)]])])
    #expect(notes == ["wrote \(folder)labels.csv"])
    #expect(try String(contentsOfFile: folder + "labels.csv", encoding: .utf8) == "a\n1\n")
}

/// CSV headers and JSON keys are identifiers that pandas, R and SQL take as they are; the
/// terminal keeps the display names.
@Test func columnNamesForProgramsAreIdentifiers() throws {
    let cases = [("consensus ≠ given label", "consensus_not_given_label"), ("95% low", "low_95"), ("95% high", "high_95"),
                 ("accuracy g′", "accuracy_g_prime"), ("mean Δ PVI (bits)", "mean_delta_pvi_bits"), ("α without", "alpha_without"),
                 ("p(L|t) data", "p_l_t_data"), ("#", "rank"), ("last ingest", "last_ingest"), ("text_pair", "text_pair"),
                 ("HUM", "HUM"), ("Sci/Tech", "sci_tech"), ("V-info (bits)", "v_info_bits"), ("2nd label", "n_2nd_label"), ("—", "column")]
    for (name, key) in cases { #expect(Table.identifier(name) == key, "\(name)") }
    // Whatever the name, the key is an identifier; a key met twice gets a suffix.
    var rng = SystemRandomNumberGenerator()
    let alphabet = Array("aZ9 _-%#≠′Δα(),./|é😀\t\"'=+")
    for _ in 0..<1_000 {
        let name = String((0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
        #expect(Table.identifier(name).wholeMatch(of: /[A-Za-z_][A-Za-z0-9_]*/) != nil, "\(name.debugDescription)")
    }
    let table = Table(name: "t", title: "", columns: ["95% low", "95 % low", "given label"], rows: [[.int(1), .int(2), .text("a")]])
    #expect(Table.render([table], as: .csv).hasPrefix("low_95,low_95_2,given_label\n"))
    #expect(try JSONValue.parse(Table.render([table], as: .json))["t"]?[0]?["given_label"] == .string("a"))
    #expect(Table.render([table], as: .table).contains("given label"))
}
