/// One record of a delimited file: its fields' unescaped bytes, stored back to back.
package struct CSVRecord {
    /// The bytes of every field, concatenated.
    package internal(set) var bytes: [UInt8] = []
    /// `ends[i]` is the offset in `bytes` just past field `i`.
    package internal(set) var ends: [Int] = []
    /// The physical line (1-based) on which the record starts.
    package internal(set) var line = 0
    /// True when the file ended inside a quoted field.
    package internal(set) var unterminatedQuote = false
    /// Whether a field of the record was quoted: a line holding only `""` is a record of one
    /// empty field, as Python's csv reads it, not a blank line.
    var quoted = false

    package var count: Int { ends.count }

    package init() {}

    /// Where field `index` lies in `bytes`.
    package func fieldRange(_ index: Int) -> Range<Int> {
        (index == 0 ? 0 : ends[index - 1])..<ends[index]
    }

    /// The bytes of field `index`.
    package func fieldBytes(_ index: Int) -> ArraySlice<UInt8> {
        bytes[fieldRange(index)]
    }

    /// Field `index` as a string, or nil when its bytes are not valid UTF-8.
    package func field(_ index: Int) -> String? {
        let slice = fieldBytes(index)
        return slice.withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) }
    }

    /// The record written back as one CSV line (fields quoted where needed, invalid UTF-8
    /// replaced by U+FFFD): how a rejected record is kept for the user to inspect.
    package func rawText(delimiter: UInt8) -> String {
        let separator = String(UnicodeScalar(delimiter))
        return (0..<count).map { index -> String in
            let text = String(decoding: fieldBytes(index), as: UTF8.self)
            let needsQuotes = text.utf8.contains { $0 == delimiter || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
            return needsQuotes ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }.joined(separator: separator)
    }

    mutating func reset(line: Int) {
        bytes.removeAll(keepingCapacity: true)
        ends.removeAll(keepingCapacity: true)
        self.line = line
        unterminatedQuote = false
        quoted = false
    }
}

/// A streaming reader of delimiter-separated records as RFC 4180 defines them: fields may be
/// quoted with `"`, a quote inside a quoted field is doubled, and quoted fields may hold the
/// delimiter and line breaks. Records end with LF, CRLF or a lone CR. Blank lines are skipped.
///
/// Lenient where Python's `csv` module is lenient: text after a closing quote is kept, and a
/// quote inside an unquoted field is an ordinary character.
package final class CSVReader {
    package let delimiter: UInt8
    package let maxRecordBytes: Int
    private let input: ByteReader
    private var line = 1
    private var skipLineFeed = false

    package var path: String { input.path }
    package var bytesConsumed: Int { input.bytesConsumed }
    package var fileSize: Int? { input.fileSize }

    package init(path: String, delimiter: UInt8 = UInt8(ascii: ","), maxRecordBytes: Int = 64 << 20) throws {
        self.input = try ByteReader(path: path)
        self.delimiter = delimiter
        self.maxRecordBytes = maxRecordBytes
    }

    private enum State { case fieldStart, unquoted, quoted, quoteInQuoted }

    /// Reads the next record into `record`; returns false at end of input.
    package func read(into record: inout CSVRecord) throws -> Bool {
        while true {
            guard try readRecord(into: &record) else { return false }
            let blank = record.count == 1 && record.ends[0] == 0 && !record.unterminatedQuote && !record.quoted
            if !blank { return true }
        }
    }

    private func readRecord(into record: inout CSVRecord) throws -> Bool {
        var state = State.fieldStart
        var sawAnything = false
        var done = false
        let quote = UInt8(ascii: "\""), lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")
        let delimiter = self.delimiter
        record.reset(line: line)

        while !done {
            let more = try input.withNextBytes { chunk in
                var i = 0
                let n = chunk.count
                if skipLineFeed {
                    skipLineFeed = false
                    if chunk[0] == lf { return 1 }
                }
                while i < n {
                    let byte = chunk[i]
                    switch state {
                    case .unquoted, .fieldStart:
                        if state == .fieldStart && byte == quote {
                            state = .quoted
                            record.quoted = true
                            sawAnything = true
                            i += 1
                            continue
                        }
                        // Copy a run of ordinary bytes at once.
                        var j = i
                        while j < n {
                            let b = chunk[j]
                            if b == delimiter || b == lf || b == cr { break }
                            j += 1
                        }
                        if j > i {
                            record.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[i..<j]))
                            state = .unquoted
                            sawAnything = true
                            i = j
                            continue
                        }
                        if byte == delimiter {
                            record.ends.append(record.bytes.count)
                            state = .fieldStart
                            sawAnything = true
                            i += 1
                        } else {
                            // End of record.
                            record.ends.append(record.bytes.count)
                            if byte == lf {
                                line += 1
                            } else if i + 1 < n {
                                if chunk[i + 1] == lf { i += 1 }
                                line += 1
                            } else {
                                skipLineFeed = true
                                line += 1
                            }
                            done = true
                            return i + 1
                        }
                    case .quoted:
                        var j = i
                        while j < n {
                            let b = chunk[j]
                            if b == quote { break }
                            if b == lf { line += 1 }
                            j += 1
                        }
                        record.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[i..<j]))
                        if j < n {
                            state = .quoteInQuoted
                            j += 1
                        }
                        i = j
                    case .quoteInQuoted:
                        if byte == quote {
                            record.bytes.append(quote)
                            state = .quoted
                            i += 1
                        } else {
                            // The quoted part ended; what follows is unquoted text.
                            state = .unquoted
                            if byte != delimiter && byte != lf && byte != cr {
                                record.bytes.append(byte)
                                i += 1
                            }
                        }
                    }
                }
                return n
            }
            if record.bytes.count > maxRecordBytes {
                throw InputError(
                    file: input.path, line: record.line,
                    message: "a record longer than \(maxRecordBytes >> 20) MiB starts here (an unterminated quote?)")
            }
            if !more {
                if !sawAnything { return false }
                if state == .quoted { record.unterminatedQuote = true }
                record.ends.append(record.bytes.count)
                done = true
            }
        }
        return true
    }
}
