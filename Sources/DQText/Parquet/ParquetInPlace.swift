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

    /// A v1 data page, decompressed in `pageData`: definition levels, then the values.
    func placeV1(header: Parquet.PageHeader) throws {
        let count = Int(header.numValues)
        try pageData.withUnsafeBytes { page in
            var at = 0
            var definitions: [Int32]?
            if column.maxDefinition > 0 {
                guard header.definitionLevelEncoding == Parquet.Encoding.rle.rawValue else {
                    throw ParquetFile.ChunkFailure(message: "definition levels in \(ParquetFile.encodingName(header.definitionLevelEncoding)), dq reads RLE")
                }
                definitions = try ParquetFile.prefixedLevels(page, at: &at, count: count, max: column.maxDefinition)
            }
            try place(page, from: at, count: count, definitions: definitions, encoding: header.encoding)
        }
    }

    /// A v2 data page: levels uncompressed at the front of `payload`, then the values,
    /// compressed or not, which become `pageData`.
    func placeV2(_ payload: [UInt8], header: Parquet.PageHeader, uncompressed: Int) throws {
        let count = Int(header.numValues)
        let repLength = Int(header.repetitionLevelsByteLength), defLength = Int(header.definitionLevelsByteLength)
        guard repLength >= 0, defLength >= 0, repLength + defLength <= payload.count else {
            throw ParquetFile.ChunkFailure(message: "a v2 page's level lengths exceed the page")
        }
        var definitions: [Int32]?
        try payload.withUnsafeBytes { raw in
            if column.maxDefinition > 0 {
                definitions = try ParquetFile.hybrid(UnsafeRawBufferPointer(rebasing: raw[repLength..<repLength + defLength]), count: count,
                                                     bitWidth: ParquetFile.bitWidth(column.maxDefinition), max: column.maxDefinition)
            }
            let body = UnsafeRawBufferPointer(rebasing: raw[(repLength + defLength)...])
            pageData = header.isCompressed ? try decompress(body, expected: uncompressed - repLength - defLength) : Array(body)
        }
        try pageData.withUnsafeBytes { try place($0, from: 0, count: count, definitions: definitions, encoding: header.encoding) }
    }

    /// Sets `bounds` for a page's `count` rows, whose values (PLAIN or dictionary indices) start
    /// at `start` in `page`; rows whose definition level is below the maximum are null.
    private func place(_ page: UnsafeRawBufferPointer, from start: Int, count: Int, definitions: [Int32]?, encoding: Int32) throws {
        let maxDefinition = Int32(column.maxDefinition)
        let present = definitions.map { $0.count { $0 == maxDefinition } } ?? count
        let values: [Int]
        switch Parquet.Encoding(rawValue: encoding) {
        case .plain:
            values = try ParquetFile.byteArrayBounds(page, from: start, count: present)
            boundsInDictionary = false
        case .plainDictionary, .rleDictionary:
            guard let dictionaryBounds else { throw ParquetFile.ChunkFailure(message: "dictionary-encoded values but no dictionary page") }
            var indexed: [Int] = []
            if present > 0 {
                guard !dictionaryBounds.isEmpty else { throw ParquetFile.ChunkFailure(message: "dictionary-encoded values but an empty dictionary") }
                guard page.count > start else { throw ParquetFile.ChunkFailure(message: "dictionary indices missing") }
                let width = Int(page[start])
                guard width <= 32 else { throw ParquetFile.ChunkFailure(message: "dictionary index width \(width) bits is invalid") }
                let indices = try ParquetFile.hybrid(UnsafeRawBufferPointer(rebasing: page[(start + 1)...]), count: present, bitWidth: width,
                                                     max: dictionaryBounds.count / 2 - 1)
                indexed.reserveCapacity(2 * present)
                for index in indices {
                    indexed.append(dictionaryBounds[2 * Int(index)])
                    indexed.append(dictionaryBounds[2 * Int(index) + 1])
                }
            }
            values = indexed
            boundsInDictionary = true
        default:
            throw ParquetFile.ChunkFailure(message: "values in \(ParquetFile.encodingName(encoding)), which dq does not read (it reads PLAIN, dictionary and boolean RLE encodings)")
        }
        guard let definitions else {
            bounds = values
            return
        }
        bounds.removeAll(keepingCapacity: true)
        bounds.reserveCapacity(2 * count)
        var taken = 0
        for level in definitions {
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
