import Foundation
import Testing
import DQTestSupport

/// Commands that write `--out` (tables, the dataset, the report) through a symbolic link, a FIFO
/// and /dev/full: the link's target is written and the link kept, the FIFO is written in place
/// (and not opened for reading first, which would wait for ever), and a full disk is an error.
@Test func everyKindOfOutputPathIsWrittenSafely() throws {
    let db = newStorePath()
    #expect(try dq(["ingest", fixture("demo/trec/test.csv"), "--dataset", "trec", "--db", db]).status == 0)
    let commands: [(name: String, arguments: [String], expect: String)] = [
        ("stats", ["stats", "--dataset", "trec", "--format", "csv", "--table", "labels"], "label,"),
        ("divergence", ["divergence", "--dataset", "trec", "--format", "json"], "{"),
        ("export", ["export", "dataset", "--dataset", "trec"], "id,split,text,label"),
        ("report", ["report", "--dataset", "trec"], "<!DOCTYPE html>"),
    ]
    Foundation.signal(SIGPIPE, SIG_IGN)
    for command in commands {
        // A symbolic link: its target gets the output, the link stays a link.
        let target = scratchPath("\(command.name)-target.out"), link = scratchPath("\(command.name)-link.out")
        try? FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        let linked = try dq(command.arguments + ["--out", link, "--db", db])
        #expect(linked.status == 0, "\(command.name): \(linked.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: link) == target, "\(command.name)")
        #expect((try? String(contentsOfFile: target, encoding: .utf8))?.hasPrefix(command.expect) == true, "\(command.name)")

        // A FIFO: written in place while a reader waits on the other end.
        let fifo = scratchPath("\(command.name).fifo")
        try? FileManager.default.removeItem(atPath: fifo)
        #expect(mkfifo(fifo, 0o600) == 0)
        nonisolated(unsafe) var received = Data()
        let reader = Thread {
            if let handle = FileHandle(forReadingAtPath: fifo) { received = handle.readDataToEndOfFile() }
        }
        reader.start()
        let piped = try dq(command.arguments + ["--out", fifo, "--db", db])
        while !reader.isFinished { usleep(1_000) }
        #expect(piped.status == 0, "\(command.name): \(piped.stderr)")
        #expect(String(decoding: received, as: UTF8.self).hasPrefix(command.expect), "\(command.name)")
        var status = stat()
        #expect(stat(fifo, &status) == 0 && (status.st_mode & S_IFMT) == S_IFIFO, "\(command.name): the FIFO was replaced")

        // A full disk: an error naming the path, not a silent success.
        let full = try dq(command.arguments + ["--out", "/dev/full", "--db", db])
        #expect(full.status != 0 && full.stderr.contains("/dev/full"), "\(command.name): \(full.status) \(full.stderr)")
    }
}
