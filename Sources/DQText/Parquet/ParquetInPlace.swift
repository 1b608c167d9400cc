/// Reading a text column without a `String` per value: ingest's byte path for Parquet.
///
/// A cursor made with `inPlace` keeps each decoded page (and the dictionary page) as bytes and
/// notes where each row's value starts and ends in them; ingest checks and copies those bytes
/// into its batch as it does a CSV field's. The values are the ones `nextValue()` decodes:
/// `ParquetTests` compares the two readings on every fixture.
extension ParquetFile.Column {
    /// A flat (not list) BYTE_ARRAY column that can be read: its values can stay in place.
    package var readsInPlace: Bool {
        type == .byteArray && maxRepetition == 0 && listDefinition == nil && unsupported == nil
    }
}

extension ParquetFile {
    /// A byte array's value as `nextValue()` gives it: text when it is valid UTF-8, else bytes.
    static func textValue(_ bytes: ArraySlice<UInt8>) -> ParquetValue {
        String(validating: bytes, as: UTF8.self).map(ParquetValue.string) ?? .bytes(Array(bytes))
    }

    /// The start and end of each of `count` PLAIN byte arrays (a 4-byte little-endian length,
    /// then the bytes) from `start` in `data`, two entries per value.
    static func byteArrayBounds(_ data: UnsafeRawBufferPointer, from start: Int, count: Int) throws -> [Int] {
        var bounds: [Int] = []
        bounds.reserveCapacity(2 * min(count, data.count / 4 + 1))
        var at = start
        for _ in 0..<count {
            guard data.count - at >= 4 else { throw ChunkFailure(message: "PLAIN values end early: truncated or corrupt") }
            let length = Int(UInt32(littleEndian: data.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
            at += 4
            guard length <= data.count - at else { throw ChunkFailure(message: "PLAIN values end early: truncated or corrupt") }
            bounds.append(at)
            bounds.append(at + length)
            at += length
        }
        return bounds
    }
}

extension ParquetFile.ColumnCursor {
    /// Moves to the next row of an in-place cursor.
    func advanceInPlace() throws {
        current += 1
        while current >= bounds.count / 2 {
            guard try loadPage() else { throw ParquetFile.ChunkFailure(message: "the column chunk holds fewer rows than its row group") }
            current = 0
        }
    }

    /// The current row's value as bytes (nil when it is null), sharing the page's storage.
    package var currentBytes: ArraySlice<UInt8>? {
        let start = bounds[2 * current], end = bounds[2 * current + 1]
        guard start >= 0 else { return nil }
        return boundsInDictionary ? dictionaryData[start..<end] : pageData[start..<end]
    }

    /// Sets `bounds` for a data page's rows from its values (PLAIN or dictionary indices) in
    /// `pageData`; rows whose definition level is below the maximum are null.
    func place(_ page: DataPage, encoding: Int32) throws {
        let values: [Int]
        switch Parquet.Encoding(rawValue: encoding) {
        case .plain:
            values = try pageData.withUnsafeBytes { try ParquetFile.byteArrayBounds($0, from: page.valuesStart, count: page.present) }
            boundsInDictionary = false
        case .plainDictionary, .rleDictionary:
            guard let dictionaryBounds else { throw ParquetFile.ChunkFailure(message: "dictionary-encoded values but no dictionary page") }
            let indices = try pageData.withUnsafeBytes {
                try ParquetFile.dictionaryIndices(UnsafeRawBufferPointer(rebasing: $0[page.valuesStart...]), count: page.present,
                                                  entries: dictionaryBounds.count / 2)
            }
            var indexed: [Int] = []
            indexed.reserveCapacity(2 * indices.count)
            for index in indices {
                indexed.append(dictionaryBounds[2 * Int(index)])
                indexed.append(dictionaryBounds[2 * Int(index) + 1])
            }
            values = indexed
            boundsInDictionary = true
        default:
            throw ParquetFile.ChunkFailure(message: "values in \(ParquetFile.encodingName(encoding)), which dq does not read (it reads PLAIN, dictionary and boolean RLE encodings)")
        }
        let maxDefinition = Int32(column.maxDefinition)
        bounds.removeAll(keepingCapacity: true)
        bounds.reserveCapacity(2 * page.definitions.count)
        var taken = 0
        for level in page.definitions {
            if level == maxDefinition {
                bounds.append(values[taken])
                bounds.append(values[taken + 1])
                taken += 2
            } else {
                bounds.append(-1)
                bounds.append(-1)
            }
        }
    }
}
