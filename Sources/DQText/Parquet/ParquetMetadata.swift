/// The parts of Parquet's metadata (apache/parquet-format, src/main/thrift/parquet.thrift) a
/// reader of tables of text needs, with the format's field ids. Everything else is skipped.
package enum Parquet {
    package enum PhysicalType: Int32, Sendable {
        case boolean = 0, int32 = 1, int64 = 2, int96 = 3, float = 4, double = 5, byteArray = 6, fixedLenByteArray = 7
    }

    package enum Repetition: Int32, Sendable {
        case required = 0, optional = 1, repeated = 2
    }

    package enum Codec: Int32, Sendable {
        case uncompressed = 0, snappy = 1, gzip = 2, lzo = 3, brotli = 4, lz4 = 5, zstd = 6, lz4Raw = 7

        package var name: String {
            switch self {
            case .uncompressed: "UNCOMPRESSED"
            case .snappy: "SNAPPY"
            case .gzip: "GZIP"
            case .lzo: "LZO"
            case .brotli: "BROTLI"
            case .lz4: "LZ4"
            case .zstd: "ZSTD"
            case .lz4Raw: "LZ4_RAW"
            }
        }
    }

    package enum Encoding: Int32, Sendable {
        case plain = 0, plainDictionary = 2, rle = 3, bitPacked = 4, deltaBinaryPacked = 5, deltaLengthByteArray = 6
        case deltaByteArray = 7, rleDictionary = 8, byteStreamSplit = 9

        package var name: String {
            switch self {
            case .plain: "PLAIN"
            case .plainDictionary: "PLAIN_DICTIONARY"
            case .rle: "RLE"
            case .bitPacked: "BIT_PACKED"
            case .deltaBinaryPacked: "DELTA_BINARY_PACKED"
            case .deltaLengthByteArray: "DELTA_LENGTH_BYTE_ARRAY"
            case .deltaByteArray: "DELTA_BYTE_ARRAY"
            case .rleDictionary: "RLE_DICTIONARY"
            case .byteStreamSplit: "BYTE_STREAM_SPLIT"
            }
        }
    }

    package struct SchemaElement: Sendable {
        package var type: PhysicalType?
        package var typeLength: Int32?
        package var repetition: Repetition?
        package var name = ""
        package var numChildren: Int32?
        package var convertedType: Int32?
        /// The LogicalType union's field id (1 STRING, 3 LIST, …), if any.
        package var logicalType: Int16?
    }

    package struct ColumnMetaData: Sendable {
        package var type: PhysicalType = .byteArray
        package var path: [String] = []
        package var codec: Int32 = 0
        package var numValues: Int64 = 0
        package var totalCompressedSize: Int64 = 0
        package var dataPageOffset: Int64 = 0
        package var dictionaryPageOffset: Int64?
    }

    package struct RowGroup: Sendable {
        package var columns: [ColumnMetaData] = []
        package var numRows: Int64 = 0
    }

    package struct FileMetaData: Sendable {
        package var version: Int32 = 0
        package var schema: [SchemaElement] = []
        package var numRows: Int64 = 0
        package var rowGroups: [RowGroup] = []
        package var createdBy: String?
    }

    package enum PageType: Int32 {
        case dataPage = 0, indexPage = 1, dictionaryPage = 2, dataPageV2 = 3
    }

    struct PageHeader {
        var type: Int32 = -1
        var uncompressedSize: Int32 = 0
        var compressedSize: Int32 = 0
        // Data page (v1 and v2) and dictionary page fields.
        var numValues: Int32 = 0
        var encoding: Int32 = 0
        var definitionLevelEncoding: Int32 = 3
        var repetitionLevelEncoding: Int32 = 3
        // v2 only.
        var numNulls: Int32 = 0
        var numRows: Int32 = 0
        var definitionLevelsByteLength: Int32 = 0
        var repetitionLevelsByteLength: Int32 = 0
        var isCompressed = true
    }
}

extension ThriftCompactReader {
    mutating func fileMetaData() throws -> Parquet.FileMetaData {
        var meta = Parquet.FileMetaData()
        try structure { r, id, type in
            switch (id, type) {
            case (1, .i32): meta.version = try r.int32()
            case (2, .list): meta.schema = try r.list { try $0.schemaElement() }
            case (3, .i64): meta.numRows = try r.zigzag()
            case (4, .list): meta.rowGroups = try r.list { try $0.rowGroup() }
            case (6, .binary): meta.createdBy = try r.string()
            default: return false
            }
            return true
        }
        return meta
    }

    mutating func schemaElement() throws -> Parquet.SchemaElement {
        var element = Parquet.SchemaElement()
        try structure { r, id, type in
            switch (id, type) {
            case (1, .i32): element.type = Parquet.PhysicalType(rawValue: try r.int32())
            case (2, .i32): element.typeLength = try r.int32()
            case (3, .i32): element.repetition = Parquet.Repetition(rawValue: try r.int32())
            case (4, .binary): element.name = try r.string()
            case (5, .i32): element.numChildren = try r.int32()
            case (6, .i32): element.convertedType = try r.int32()
            case (10, .structure):
                // A union: one field, whose id names the logical type.
                try r.structure { inner, innerID, innerType in
                    element.logicalType = innerID
                    try inner.skip(innerType)
                    return true
                }
            default: return false
            }
            return true
        }
        return element
    }

    mutating func rowGroup() throws -> Parquet.RowGroup {
        var group = Parquet.RowGroup()
        try structure { r, id, type in
            switch (id, type) {
            case (1, .list): group.columns = try r.list { try $0.columnChunk() }
            case (3, .i64): group.numRows = try r.zigzag()
            default: return false
            }
            return true
        }
        return group
    }

    mutating func columnChunk() throws -> Parquet.ColumnMetaData {
        var meta: Parquet.ColumnMetaData?
        try structure { r, id, type in
            guard id == 3, type == .structure else { return false }
            meta = try r.columnMetaData()
            return true
        }
        guard let meta else { throw Failure(offset: position, message: "a column chunk has no metadata (encrypted or external columns are not supported)") }
        return meta
    }

    mutating func columnMetaData() throws -> Parquet.ColumnMetaData {
        var meta = Parquet.ColumnMetaData()
        try structure { r, id, type in
            switch (id, type) {
            case (1, .i32):
                let raw = try r.int32()
                guard let physical = Parquet.PhysicalType(rawValue: raw) else { throw Failure(offset: r.position, message: "unknown physical type \(raw)") }
                meta.type = physical
            case (3, .list): meta.path = try r.list { try $0.string() }
            case (4, .i32): meta.codec = try r.int32()
            case (5, .i64): meta.numValues = try r.zigzag()
            case (7, .i64): meta.totalCompressedSize = try r.zigzag()
            case (9, .i64): meta.dataPageOffset = try r.zigzag()
            case (11, .i64): meta.dictionaryPageOffset = try r.zigzag()
            default: return false
            }
            return true
        }
        return meta
    }

    mutating func pageHeader() throws -> Parquet.PageHeader {
        var page = Parquet.PageHeader()
        try structure { r, id, type in
            switch (id, type) {
            case (1, .i32): page.type = try r.int32()
            case (2, .i32): page.uncompressedSize = try r.int32()
            case (3, .i32): page.compressedSize = try r.int32()
            case (5, .structure):
                try r.structure { d, id, type in
                    switch (id, type) {
                    case (1, .i32): page.numValues = try d.int32()
                    case (2, .i32): page.encoding = try d.int32()
                    case (3, .i32): page.definitionLevelEncoding = try d.int32()
                    case (4, .i32): page.repetitionLevelEncoding = try d.int32()
                    default: return false
                    }
                    return true
                }
            case (7, .structure):
                try r.structure { d, id, type in
                    switch (id, type) {
                    case (1, .i32): page.numValues = try d.int32()
                    case (2, .i32): page.encoding = try d.int32()
                    default: return false
                    }
                    return true
                }
            case (8, .structure):
                try r.structure { d, id, type in
                    switch (id, type) {
                    case (1, .i32): page.numValues = try d.int32()
                    case (2, .i32): page.numNulls = try d.int32()
                    case (3, .i32): page.numRows = try d.int32()
                    case (4, .i32): page.encoding = try d.int32()
                    case (5, .i32): page.definitionLevelsByteLength = try d.int32()
                    case (6, .i32): page.repetitionLevelsByteLength = try d.int32()
                    case (7, .booleanTrue), (7, .booleanFalse): page.isCompressed = ThriftCompactReader.boolean(type)
                    default: return false
                    }
                    return true
                }
            default: return false
            }
            return true
        }
        return page
    }
}
