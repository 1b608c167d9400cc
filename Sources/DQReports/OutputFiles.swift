import DQText
import Foundation

/// Where and how a command's tables go. Every CSV written is one table that
/// `pandas.read_csv` and spreadsheets load as it is: several tables go to a folder, one
/// `NAME.csv` each, or (on standard output) only the first, with a note naming the others.
/// JSON is one document keyed by table name; terminal tables are printed one after another.
package struct TableOutput: Sendable {
    package var format: OutputFormat
    /// Only the table of this name.
    package var table: String?
    /// A file, or with CSV and several tables a folder (made if missing); nil: standard output.
    package var out: String?

    package init(format: OutputFormat, table: String? = nil, out: String? = nil) {
        self.format = format
        self.table = table
        self.out = out
    }

    /// Writes `tables`; returns notes for the person (files written, tables left out).
    package func emit(_ all: [Table]) throws -> [String] {
        var tables = all
        if let table {
            tables = all.filter { $0.name == table }
            guard !tables.isEmpty else { throw OutputError.unknownTable(table, known: all.map(\.name)) }
        }
        // A folder (`out/`, or one that exists) gets one CSV file per table, even for one table.
        var isFolder: ObjCBool = false
        let toFolder = out.map { $0.hasSuffix("/") || (FileManager.default.fileExists(atPath: $0, isDirectory: &isFolder) && isFolder.boolValue) } ?? false
        guard format == .csv, tables.count > 1 || toFolder else { return try write(Table.render(tables, as: format), to: out) }
        guard let out else {
            return try write(Table.render([tables[0]], as: .csv), to: nil)
                + ["printed table \(tables[0].name); the others (\(tables.dropFirst().map(\.name).joined(separator: ", "))): --table NAME, or --out DIR for one CSV file each"]
        }
        guard !out.lowercased().hasSuffix(".csv") else { throw OutputError.severalTables(out, tables.map(\.name)) }
        try OutputFiles.makeFolder(out)
        return try tables.flatMap { try write(Table.render([$0], as: .csv), to: (out as NSString).appendingPathComponent($0.name + ".csv")) }
    }

    private func write(_ text: String, to path: String?) throws -> [String] {
        guard let path else {
            try OutputFiles.writeStandardOutput(text)
            return []
        }
        try OutputFiles.write(text, to: path)
        return ["wrote \(path)"]
    }
}

/// What stops a file from being written.
package enum OutputError: Error, Equatable, CustomStringConvertible {
    case unknownTable(String, known: [String])
    case isAFolder(String)
    case noFolder(String, folder: String)
    case isAFile(String)
    case cannotWrite(String, reason: String)
    case isADatabase(String)
    case severalTables(String, [String])

    package var description: String {
        switch self {
        case let .unknownTable(name, known): return "--table \(name): no such table; this command has: \(known.joined(separator: ", "))"
        case let .isAFolder(path): return "\(path) is a folder; give a file name"
        case let .noFolder(path, folder): return "\(path): the folder \(folder) does not exist; create it first"
        case let .isAFile(path): return "\(path) is a file; several tables need a folder (or pick one with --table)"
        case let .cannotWrite(path, reason): return "\(path): cannot write: \(reason)"
        case let .severalTables(path, names):
            return "\(path): there are \(names.count) tables (\(names.joined(separator: ", "))); give a folder for one CSV file each, or pick one with --table NAME"
        case let .isADatabase(path): return "\(path) is an SQLite database (a dq store?); dq does not write over one: give another file name"
        }
    }
}

/// Files written whole or not at all, and standard output with its write errors reported.
package enum OutputFiles {
    /// Checks, before any work, that a file can be written at `path`: its folder exists, and
    /// the path is not itself a folder (unless `folderAllowed`).
    package static func check(_ path: String, folderAllowed: Bool = false) throws {
        try refuseDatabase(path)
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
            if folderAllowed { return }
            throw OutputError.isAFolder(path)
        }
        // `out/` names a folder even before it exists: never a file named `out`.
        if path.hasSuffix("/") && !folderAllowed { throw OutputError.isAFolder(path) }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw OutputError.noFolder(path, folder: folder)
        }
    }

    /// Makes the folder `path` (its parent must exist); an existing file there is an error.
    package static func makeFolder(_ path: String) throws {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) {
            guard isFolder.boolValue else { throw OutputError.isAFile(path) }
            return
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        } catch {
            throw OutputError.cannotWrite(path, reason: error.localizedDescription)
        }
    }

    /// Writes `text` through a temporary sibling and a rename, so a reader never sees half a file.
    package static func write(_ text: String, to path: String) throws {
        var text = text
        try write(to: path, text: { text }) { file in
            // From the string's own UTF-8 storage: a copy of a CSV of a million rows would double it.
            try text.withUTF8 { utf8 in
                guard let stream = fopen(file.path, "wb") else { throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))]) }
                let written = fwrite(utf8.baseAddress, 1, utf8.count, stream)
                let closed = fclose(stream)
                guard written == utf8.count, closed == 0 else {
                    throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))])
                }
            }
        }
    }

    /// Where a write to a path really goes.
    package enum Destination: Equatable {
        /// A standard stream the path names (`/dev/stdout`, `/dev/fd/2`, …), written as it is.
        case stream(Int32)
        /// A device, FIFO or socket, written in place.
        case inPlace(String)
        /// A regular file, new or not: a symbolic link's final target, never the link itself.
        case file(String)
    }

    package static func destination(_ path: String) -> Destination {
        switch path {
        case "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1": return .stream(STDOUT_FILENO)
        case "/dev/stderr", "/dev/fd/2", "/proc/self/fd/2": return .stream(STDERR_FILENO)
        default: break
        }
        var status = stat()
        if stat(path, &status) == 0 && (status.st_mode & S_IFMT) != S_IFREG && (status.st_mode & S_IFMT) != S_IFDIR { return .inPlace(path) }
        // A link (or a chain of them, at most 40 as the kernel allows) is followed to its target,
        // which a dangling link names too.
        var current = path
        for _ in 0..<40 {
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: current) else { break }
            current = target.hasPrefix("/") ? target : URL(fileURLWithPath: current).deletingLastPathComponent().appendingPathComponent(target).path
        }
        return .file(current)
    }

    /// Writes `bytes` through a temporary sibling and a rename, so a reader never sees half a
    /// file; a standard stream, device or pipe is written in place, and a symbolic link's target
    /// is written, the link kept.
    package static func write(bytes: Data, to path: String) throws {
        try write(to: path, text: { String(decoding: bytes, as: UTF8.self) }) { try bytes.write(to: $0) }
    }

    /// Writes a file through `fill(temporary)`, renamed over `path` once complete; streams and
    /// devices get `text()` as it is.
    private static func write(to path: String, text: () -> String, fill: (URL) throws -> Void) throws {
        if path.hasSuffix("/") { throw OutputError.isAFolder(path) }
        let target: String
        switch destination(path) {
        case .stream(let fd): return try writeAll(text(), to: fd, name: path)
        case .inPlace(let device): return try writeSpecial(text(), to: device)
        case .file(let file): target = file
        }
        try refuseDatabase(target)
        let url = URL(fileURLWithPath: target)
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try fill(temporary)
            // rename(2) replaces an existing file atomically (Foundation's replaceItemAt on Linux
            // loses the destination instead).
            guard rename(temporary.path, url.path) == 0 else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSLocalizedDescriptionKey: String(cString: strerror(errno))])
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw OutputError.cannotWrite(path, reason: error.localizedDescription)
        }
    }

    /// Refuses `path` when it is an SQLite database, or the journal, write-ahead log or shared
    /// memory file of one: `--out` pointed at the store by mistake must not destroy it.
    package static func refuseDatabase(_ path: String) throws {
        if isDatabase(path) { throw OutputError.isADatabase(path) }
        for suffix in ["-wal", "-shm", "-journal"] where path.hasSuffix(suffix) && isDatabase(String(path.dropLast(suffix.count))) {
            throw OutputError.isADatabase(String(path.dropLast(suffix.count)))
        }
    }

    /// True when the file at `path` is a regular file that starts with SQLite's header. Nothing
    /// else is opened: opening a FIFO for reading would wait for a writer.
    static func isDatabase(_ path: String) -> Bool {
        var status = stat()
        guard stat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return false }
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let header = (try? handle.read(upToCount: 16)) ?? Data()
        return header == Data("SQLite format 3\0".utf8)
    }

    /// Writes to a device or pipe (`/dev/stdout`, a FIFO) in place: it cannot be replaced by a
    /// rename, and every failed write is an error (`/dev/full` says ENOSPC).
    static func writeSpecial(_ text: String, to path: String) throws {
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { throw OutputError.cannotWrite(path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        try writeAll(text, to: fd, name: path)
    }

    static func writeAll(_ text: String, to fd: Int32, name: String) throws {
        var text = text
        try text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Foundation.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written < 0 && errno == EINTR { continue }
                guard written > 0 else { throw OutputError.cannotWrite(name, reason: String(cString: strerror(errno))) }
                offset += written
            }
        }
    }

    /// Writes to standard output, reporting a failed write (a full disk, a closed pipe).
    package static func writeStandardOutput(_ text: String) throws {
        fflush(nil)
        try writeAll(text, to: STDOUT_FILENO, name: "standard output")
    }
}
