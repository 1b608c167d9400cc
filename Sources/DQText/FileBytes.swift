#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Positional reads (`pread`) of whole byte ranges, for the readers of binary formats (Parquet,
/// Arrow, NumPy) that jump around a file instead of streaming it.
enum FileBytes {
    /// `path` opened for reading, with its size; the caller closes the descriptor.
    static func openForReading(_ path: String) throws -> (descriptor: Int32, size: Int) {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw InputError(file: path, message: "cannot open: \(String(cString: strerror(errno)))") }
        var stats = stat()
        guard fstat(descriptor, &stats) == 0 else {
            close(descriptor)
            throw InputError(file: path, message: "cannot read its size")
        }
        return (descriptor, Int(stats.st_size))
    }

    /// The first `count` bytes of `path` (fewer if it is shorter); nil when it cannot be read.
    /// For telling formats apart by their magic numbers.
    static func prefix(_ path: String, count: Int) -> [UInt8]? {
        guard let (descriptor, size) = try? openForReading(path) else { return nil }
        defer { close(descriptor) }
        return try? read(descriptor, path: path, offset: 0, count: min(count, size))
    }

    /// The whole of `path`.
    static func read(path: String) throws -> [UInt8] {
        let (descriptor, size) = try openForReading(path)
        defer { close(descriptor) }
        return try read(descriptor, path: path, offset: 0, count: size)
    }

    /// `count` bytes at `offset`; a short file is an error naming `path` and where it ended.
    static func read(_ descriptor: Int32, path: String, offset: Int, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let n = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done)) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw InputError(file: path, message: n == 0 ? "truncated at byte \(offset + done)" : "read failed: \(String(cString: strerror(errno)))")
            }
            done += n
        }
        return bytes
    }
}
