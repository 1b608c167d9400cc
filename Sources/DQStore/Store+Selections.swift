extension Store {
    /// Records the samples a selection kept (call inside the run's transaction).
    package func writeSelection(run: Int64, samples: [Int64]) throws {
        try database.runForEach("INSERT INTO selections (run_id, sample_id) VALUES (?, ?)", samples) { [.integer(run), .integer($0)] }
    }

    /// The samples a selection run kept, in sample order.
    package func selection(run: Int64) throws -> [Int64] {
        try database.rows("SELECT sample_id FROM selections WHERE run_id = ? ORDER BY sample_id", [.integer(run)]).map { try $0.int64(0) }
    }
}
