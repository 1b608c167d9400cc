import ArgumentParser
import DQReports
import DQRuns
import DQStore
import DQText
import Foundation

/// `--db`, shared by every command that touches the store.
struct StoreOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The store file. Default: $DQ_DB, else ./dq.sqlite.", valueName: "path"))
    var db: String?

    func open() throws -> Store {
        try Store(path: Store.resolvePath(db))
    }
}

extension OutputFormat: ExpressibleByArgument {}

/// `--dataset` and `--split`, for commands that analyse one dataset.
struct DatasetOptions: ParsableArguments {
    @Option(help: "The dataset. Default: the only one in the store.")
    var dataset: String?

    @Option(help: ArgumentHelp("Only these splits, comma-separated.", valueName: "split"))
    var split: String?

    var selection: DatasetSelection {
        DatasetSelection(name: dataset, splits: split.map { $0.split(separator: ",").map(String.init) })
    }
}

/// `--format`, `--table` and `--out`, shared by every reporting command.
struct OutputOptions: ParsableArguments {
    @Option(help: "How to print results: table (aligned, for a terminal), csv or json.")
    var format: OutputFormat = .table

    @Option(help: ArgumentHelp("Only this table (its name is the key in --format json).", valueName: "name"))
    var table: String?

    @Option(help: ArgumentHelp("Write the results here instead of standard output; with --format csv and several tables, a folder that gets one NAME.csv per table.", valueName: "path"))
    var out: String?

    func validate() throws {
        try AtomicFile.checkFolder(of: out, option: "--out", folderAllowed: format == .csv)
    }

    func emit(_ tables: [Table]) throws {
        try TableOutput(format: format, table: table, out: out).emit(tables)
    }
}

/// `--format` and `--table` for the printed summary tables and `--out` for a file of every
/// sample's results, shared by the analyses that score samples (pvi, cartography, label-issues).
struct SampleOutputOptions: ParsableArguments {
    @Option(help: "How to print the summary tables: table, csv or json.")
    var format: OutputFormat = .table

    @Option(help: ArgumentHelp("Print only this summary table.", valueName: "name"))
    var table: String?

    @Option(help: ArgumentHelp("Write every sample's results to this file (CSV, or JSON when it ends in .json).", valueName: "file"))
    var out: String?

    func validate() throws {
        try AtomicFile.checkFolder(of: out, option: "--out")
    }

    /// Prints the summary tables.
    func print(_ tables: [Table]) throws {
        try TableOutput(format: format, table: table, out: nil).emit(tables)
    }

    /// Writes `table` to `--out`, if given.
    func writeSamples(_ table: Table) throws {
        guard let out else { return }
        try AtomicFile.write(Table.render([table], as: out.hasSuffix(".json") ? .json : .csv), to: out)
        Terminal.note("wrote \(out)")
    }
}

/// Where and how tables go. Every CSV written is one table that pandas.read_csv loads as it
/// is: several tables go to a folder, one file each, or (on standard output) the first one,
/// with a note naming the others. JSON is one document keyed by table name.
struct TableOutput {
    var format: OutputFormat
    var table: String?
    var out: String?

    func emit(_ all: [Table]) throws {
        var tables = all
        if let table {
            tables = all.filter { $0.name == table }
            guard !tables.isEmpty else {
                throw ValidationError("--table \(table): no such table; this command has: \(all.map(\.name).joined(separator: ", "))")
            }
        }
        guard format == .csv, tables.count > 1 else {
            try write(Table.render(tables, as: format), to: out)
            return
        }
        guard let out else {
            try write(Table.render([tables[0]], as: .csv), to: nil)
            Terminal.note("printed table \(tables[0].name); the others (\(tables.dropFirst().map(\.name).joined(separator: ", "))): --table NAME, or --out DIR for one CSV file each")
            return
        }
        try AtomicFile.makeFolder(out, option: "--out")
        for table in tables {
            try write(Table.render([table], as: .csv), to: (out as NSString).appendingPathComponent(table.name + ".csv"))
        }
    }

    private func write(_ text: String, to path: String?) throws {
        guard let path else { return try StandardOutput.write(text) }
        try AtomicFile.write(text, to: path)
        Terminal.note("wrote \(path)")
    }
}

/// Standard output, with write errors reported (a full disk or a closed pipe is an error).
enum StandardOutput {
    static func write(_ text: String) throws {
        fflush(nil)
        var text = text
        try text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(STDOUT_FILENO, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw CommandError("cannot write to standard output: \(String(cString: strerror(errno)))") }
                offset += written
            }
        }
    }
}

/// Writes files through a temporary sibling and a rename, so a reader never sees half a file.
enum AtomicFile {
    /// Checks, before a command does any work, that a file can be written at `path` (given
    /// with `option`): its folder exists, and the path is not itself a folder (unless
    /// `folderAllowed`). nil passes.
    static func checkFolder(of path: String?, option: String, folderAllowed: Bool = false) throws {
        guard let path else { return }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            if folderAllowed { return }
            throw ValidationError("\(option) \(path) is a folder; give a file name")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ValidationError("\(option) \(path): the folder \(folder) does not exist; create it first")
        }
    }

    /// Makes the folder `path` (its parent must exist); an existing file there is an error.
    static func makeFolder(_ path: String, option: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw CommandError("\(option) \(path) is a file; several tables need a folder (or pick one with --table)") }
            return
        }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
    }

    static func write(_ text: String, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try Data(text.utf8).write(to: temporary)
            // rename(2) replaces an existing file atomically (Foundation's replaceItemAt on Linux
            // loses the destination instead).
            guard rename(temporary.path, url.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw InputError(file: path, message: "cannot write: \(error.localizedDescription)")
        }
    }
}

/// A problem a command meets while running — with the data, the store or a file, not with how
/// it was called — printed as `Error: …` without the usage text; the exit status is 1.
struct CommandError: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
