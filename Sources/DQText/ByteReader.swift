import Foundation

/// Reads a file in fixed-size chunks so that memory stays flat whatever the file's size.
///
/// A UTF-8 byte-order mark at the start of the file is skipped.
package final class ByteReader {
    package let path: String
    private let fd: Int32
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var atEOF = false
    /// Bytes handed out so far (after the byte-order mark), for progress reports.
    package private(set) var bytesConsumed = 0

    package init(path: String, chunkSize: Int = 1 << 20) throws {
        self.path = path
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw InputError(file: path, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        guard (status.st_mode & S_IFMT) != S_IFDIR else {
            throw InputError(file: path, message: "is a directory, expected a data file")
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else {
            throw InputError(file: path, message: "cannot open: \(String(cString: strerror(errno)))")
        }
        self.fd = fd
        self.buffer = [UInt8](repeating: 0, count: chunkSize)
        try refill()
        if end - start >= 3, buffer[0] == 0xEF, buffer[1] == 0xBB, buffer[2] == 0xBF {
            start = 3
        }
    }

    deinit { close(fd) }

    /// The size of the file in bytes, or nil when it cannot be known (a pipe).
    package var fileSize: Int? {
        var status = stat()
        guard fstat(fd, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(status.st_size)
    }

    private func refill() throws {
        guard !atEOF else { return }
        let count = buffer.withUnsafeMutableBytes { raw in
            read(fd, raw.baseAddress!, raw.count)
        }
        guard count >= 0 else {
            throw InputError(file: path, message: "read failed: \(String(cString: strerror(errno)))")
        }
        start = 0
        end = count
        if count == 0 { atEOF = true }
    }

    /// Calls `body` with the next run of unread bytes; `body` returns how many it consumed
    /// (at least one unless it wants to stop). Returns false at end of file.
    @inline(__always)
    package func withNextBytes(_ body: (UnsafeBufferPointer<UInt8>) throws -> Int) throws -> Bool {
        if start == end {
            try refill()
            if start == end { return false }
        }
        let used = try buffer.withUnsafeBufferPointer { all in
            try body(UnsafeBufferPointer(rebasing: all[start..<end]))
        }
        start += used
        bytesConsumed += used
        return true
    }
}
