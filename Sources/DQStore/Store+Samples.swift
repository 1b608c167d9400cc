import DQText
extension Store {
    private static let sampleColumns = "s.id, i.split, s.source_row, s.external_id, s.text, s.text_pair, s.label, s.metadata"

    private static func sample(_ row: Row) throws -> Sample {
        Sample(
            id: try row.int64(0), split: try row.string(1), sourceRow: try row.int(2), externalID: try row.optionalString(3),
            text: try row.string(4), textPair: try row.optionalString(5), label: try row.string(6), metadata: try row.optionalString(7))
    }

    /// The `FROM … WHERE …` part of a query over a dataset's samples, optionally only some
    /// splits, with its bound values: a join on the ingests' id ranges (see `Migrations`). CROSS JOIN
    /// makes SQLite loop over ingests outside and read each range by rowid inside.
    private static func scope(dataset: Int64, splits: [String]?) -> (sql: String, values: [SQLValue]) {
        var sql = """
            FROM ingests i CROSS JOIN samples s ON s.id BETWEEN i.first_sample_id AND i.last_sample_id
            WHERE i.dataset_id = ?
            """
        var values: [SQLValue] = [.integer(dataset)]
        if let splits, !splits.isEmpty {
            sql += " AND i.split IN (\(Array(repeating: "?", count: splits.count).joined(separator: ", ")))"
            values += splits.map { .text($0) }
        }
        return (sql, values)
    }

    /// The samples with these store ids, in the order given; an unknown id is an error.
    package func samples(ids: [Int64]) throws -> [Sample] {
        let statement = try database.prepare("SELECT \(Store.sampleColumns) FROM samples s JOIN ingests i ON i.id = s.ingest_id WHERE s.id = ?")
        return try ids.map { id in
            statement.reset()
            try statement.bind([.integer(id)])
            guard let row = try statement.step() else { throw StoreError.inconsistent("no sample \(id)") }
            return try Store.sample(row)
        }
    }

    /// Calls `body` for every sample of a dataset (optionally only some splits) in store order,
    /// reading one row at a time so memory stays flat for large datasets.
    package func forEachSample(dataset: Int64, splits: [String]? = nil, _ body: (Sample) throws -> Void) throws {
        let scope = Store.scope(dataset: dataset, splits: splits)
        let statement = try database.prepare("SELECT \(Store.sampleColumns) \(scope.sql) ORDER BY i.id, s.id")
        try statement.bind(scope.values)
        while let row = try statement.step() { try body(try Store.sample(row)) }
    }

    /// Calls `body` for every sample whose store id lies in `ranges` (as `sampleIDRanges` gives
    /// them), in order, one row at a time.
    package func forEachSample(ids ranges: [ClosedRange<Int64>], _ body: (Sample) throws -> Void) throws {
        let statement = try database.prepare(
            "SELECT \(Store.sampleColumns) FROM samples s JOIN ingests i ON i.id = s.ingest_id WHERE s.id BETWEEN ? AND ? ORDER BY s.id")
        for range in ranges {
            statement.reset()
            try statement.bind([.integer(range.lowerBound), .integer(range.upperBound)])
            while let row = try statement.step() { try body(try Store.sample(row)) }
        }
    }

    /// Calls `body` with the UTF-8 bytes of the text, text pair and label of every sample whose
    /// store id lies in `ranges` (as `sampleIDRanges` gives them), in order, without making
    /// strings: the fastest way through a large dataset. Each range is a plain rowid range scan
    /// of the samples table. The buffers are valid only during the call.
    package func forEachSampleBytes(ids ranges: [ClosedRange<Int64>],
                                   _ body: (_ text: UnsafeBufferPointer<UInt8>, _ textPair: UnsafeBufferPointer<UInt8>?,
                                            _ label: UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        let statement = try database.prepare("SELECT text, text_pair, label FROM samples WHERE id BETWEEN ? AND ? ORDER BY id")
        let empty = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
        for range in ranges {
            statement.reset()
            try statement.bind([.integer(range.lowerBound), .integer(range.upperBound)])
            while try statement.advance() {
                try body(statement.textBytes(0) ?? empty, statement.textBytes(1), statement.textBytes(2) ?? empty)
            }
        }
    }

    /// All samples of a dataset (optionally only some splits) in store order.
    package func samples(dataset: Int64, splits: [String]? = nil) throws -> [Sample] {
        var out: [Sample] = []
        try forEachSample(dataset: dataset, splits: splits) { out.append($0) }
        // The pages read stay cached for nothing while the samples are analysed.
        database.releaseCache()
        return out
    }

    /// How many samples of a dataset carry each label (each label of a multi-label sample's
    /// list), most frequent first, then by name.
    package func labelCounts(dataset: Int64) throws -> [(label: String, count: Int)] {
        var stored: [String: Int] = [:]
        for range in try sampleIDRanges(dataset: dataset) {
            for row in try database.rows("SELECT label, count(*) FROM samples WHERE id BETWEEN ? AND ? GROUP BY label",
                                         [.integer(range.lowerBound), .integer(range.upperBound)]) {
                stored[try row.string(0), default: 0] += try row.int(1)
            }
        }
        return try labelCounts(stored, dataset: dataset)
    }

    /// `labelCounts(dataset:)` right after `summaries`, the ingests of one file: counted while
    /// reading when the dataset was empty before them (no pass over a million stored texts),
    /// else read from the store.
    package func labelCounts(dataset: Int64, after summaries: [IngestSummary]) throws -> [(label: String, count: Int)] {
        guard summaries.first?.datasetWasEmpty == true, summaries.allSatisfy({ $0.newSamplesByLabel != nil }) else {
            return try labelCounts(dataset: dataset)
        }
        return try labelCounts(summaries.reduce(into: [:]) { $0.merge($1.newSamplesByLabel!, uniquingKeysWith: +) }, dataset: dataset)
    }

    /// Counts of stored label values (combinations, for multi-label data) as counts of labels,
    /// the most frequent first.
    private func labelCounts(_ stored: [String: Int], dataset: Int64) throws -> [(label: String, count: Int)] {
        let multiLabel = try database.row("SELECT multi_label FROM datasets WHERE id = ?", [.integer(dataset)])?.int(0) == 1
        var counts: [String: Int] = [:]
        for (label, count) in stored {
            for name in multiLabel ? label.split(separator: ";").map(String.init) : [label] { counts[name, default: 0] += count }
        }
        return counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { ($0.key, $0.value) }
    }

    /// The store ids of a dataset's samples (optionally only some splits): one range per ingest
    /// (an ingest's samples get consecutive ids), in store order. Read from the ingests, without
    /// touching the samples.
    package func sampleIDRanges(dataset: Int64, splits: [String]? = nil) throws -> [ClosedRange<Int64>] {
        var sql = "SELECT first_sample_id, last_sample_id FROM ingests WHERE dataset_id = ? AND first_sample_id IS NOT NULL"
        var values: [SQLValue] = [.integer(dataset)]
        if let splits, !splits.isEmpty {
            sql += " AND split IN (\(Array(repeating: "?", count: splits.count).joined(separator: ", ")))"
            values += splits.map { .text($0) }
        }
        return try database.rows(sql + " ORDER BY id", values).map { try $0.int64(0)...$0.int64(1) }
    }

    /// How many ids of the source files name more than one sample of a dataset (a file that
    /// repeats an id with another text or label): such a sample is then known by `#` and its
    /// store id.
    package func repeatedExternalIDs(dataset: Int64) throws -> Int {
        let scope = Store.scope(dataset: dataset, splits: nil)
        return try database.row("""
            SELECT count(*) FROM (SELECT s.external_id \(scope.sql) AND s.external_id IS NOT NULL GROUP BY s.external_id HAVING count(*) > 1)
            """, scope.values)?.int(0) ?? 0
    }

    /// The number of samples of a dataset (optionally only some splits).
    package func sampleCount(dataset: Int64, splits: [String]? = nil) throws -> Int {
        let scope = Store.scope(dataset: dataset, splits: splits)
        return try database.row("SELECT count(*) \(scope.sql)", scope.values)?.int(0) ?? 0
    }
}
