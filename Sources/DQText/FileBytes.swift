#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Positional reads (`pread`) of whole byte ranges, for the readers of binary formats (Parquet,
/// Arrow, NumPy) that jump around a file instead of streaming it.
enum FileBytes {
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
