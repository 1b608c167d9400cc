/// One stored sample.
public struct Sample: Sendable, Equatable {
    /// The store's id of the sample.
    public var id: Int64
    public var split: String
    /// The line of its source file on which the sample's row starts.
    public var sourceRow: Int
    /// The id the source file gave it, if any.
    public var externalID: String?
    public var text: String
    public var textPair: String?
    public var label: String
    /// Metadata columns as a JSON object text, if any were kept.
    public var metadata: String?

    /// The id a user knows the sample by: the source's id, else `#` and the store's id.
    public var displayID: String { externalID ?? "#\(id)" }
}

extension Store {
    private static let sampleColumns = "id, split, source_row, external_id, text, text_pair, label, metadata"

    private static func sample(_ row: Row) -> Sample {
        Sample(
            id: Int64(row.int(0)), split: row.string(1), sourceRow: row.int(2), externalID: row.optionalString(3),
            text: row.string(4), textPair: row.optionalString(5), label: row.string(6), metadata: row.optionalString(7))
    }

    /// Calls `body` for every sample of a dataset (optionally only some splits) in store order,
    /// reading one row at a time so memory stays flat for large datasets.
    public func forEachSample(dataset: Int64, splits: [String]? = nil, _ body: (Sample) throws -> Void) throws {
        var sql = "SELECT \(Store.sampleColumns) FROM samples WHERE dataset_id = ?"
        var values: [SQLValue] = [.integer(dataset)]
        if let splits, !splits.isEmpty {
            sql += " AND split IN (\(Array(repeating: "?", count: splits.count).joined(separator: ", ")))"
            values += splits.map { .text($0) }
        }
        sql += " ORDER BY id"
        let statement = try database.prepare(sql)
        try statement.bind(values)
        while let row = try statement.step() { try body(Store.sample(row)) }
    }

    /// All samples of a dataset (optionally only some splits) in store order.
    public func samples(dataset: Int64, splits: [String]? = nil) throws -> [Sample] {
        var out: [Sample] = []
        try forEachSample(dataset: dataset, splits: splits) { out.append($0) }
        return out
    }

    /// The number of samples of a dataset (optionally only some splits).
    public func sampleCount(dataset: Int64, splits: [String]? = nil) throws -> Int {
        var sql = "SELECT count(*) FROM samples WHERE dataset_id = ?"
        var values: [SQLValue] = [.integer(dataset)]
        if let splits, !splits.isEmpty {
            sql += " AND split IN (\(Array(repeating: "?", count: splits.count).joined(separator: ", ")))"
            values += splits.map { .text($0) }
        }
        return try database.row(sql, values)?.int(0) ?? 0
    }
}
