import ArgumentParser
import DQReports
import DQStore
import DQText
import Foundation

/// `--db`, shared by every command that touches the store.
struct StoreOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The store file. Default: $DQ_DB, else ./dq.sqlite.", valueName: "path"))
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

    var splits: [String]? { split.map { $0.split(separator: ",").map(String.init) } }

    /// `splits`, each checked to be a split of the dataset: a misspelt split is an error that
    /// names the dataset's splits, not an empty selection.
    func splits(in store: Store, dataset: Int64, name: String) throws -> [String]? {
        guard let splits else { return nil }
        let known = try store.splits(dataset: dataset).map(\.name)
        for split in splits where !known.contains(split) {
            throw CommandError("dataset \(name) has no split '\(split)' (its splits: \(known.joined(separator: ", ")))")
        }
        return splits
    }
}

/// `--format` and `--out`, shared by every reporting command.
struct OutputOptions: ParsableArguments {
    @Option(help: "How to print results: table (aligned, for a terminal), csv or json.")
    var format: OutputFormat = .table

    @Option(help: ArgumentHelp("Write the results to this file instead of standard output.", valueName: "file"))
    var out: String?

    func validate() throws {
        try AtomicFile.checkFolder(of: out, option: "--out")
    }

    /// Prints or writes `tables`; a file is written whole or not at all.
    func emit(_ tables: [Table]) throws {
        let text = Table.render(tables, as: format)
        guard let out else {
            print(text, terminator: "")
            return
        }
        try AtomicFile.write(text, to: out)
        Terminal.note("wrote \(out)")
    }
}

/// `--format` for the printed tables and `--out` for a file of every sample's results, shared
/// by the analyses that score samples (`dq pvi`, `dq cartography`).
struct SampleOutputOptions: ParsableArguments {
    @Option(help: "How to print the summary tables: table, csv or json.")
    var format: OutputFormat = .table

    @Option(help: ArgumentHelp("Write every sample's results to this file (CSV, or JSON when it ends in .json).", valueName: "file"))
    var out: String?

    func validate() throws {
        try AtomicFile.checkFolder(of: out, option: "--out")
    }

    /// Prints the summary tables.
    func print(_ tables: [Table]) {
        Swift.print(Table.render(tables, as: format), terminator: "")
    }

    /// Writes `table` to `--out`, if given.
    func writeSamples(_ table: Table) throws {
        guard let out else { return }
        try AtomicFile.write(Table.render([table], as: out.hasSuffix(".json") ? .json : .csv), to: out)
        Terminal.note("wrote \(out)")
    }
}

/// Writes files through a temporary sibling and a rename, so a reader never sees half a file.
enum AtomicFile {
    /// Checks, before a command does any work, that a file can be written at `path` (given
    /// with `option`): its folder exists, and the path is not itself a folder. nil passes.
    static func checkFolder(of path: String?, option: String) throws {
        guard let path else { return }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            throw ValidationError("\(option) \(path) is a folder; give a file name")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw ValidationError("\(option) \(path): the folder \(folder) does not exist; create it first")
        }
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
