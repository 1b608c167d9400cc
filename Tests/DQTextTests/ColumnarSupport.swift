@testable import DQText
import DQTestSupport

/// Whether a value dq read from a Parquet or Arrow file is what pyarrow's `to_pylist()` gave
/// (golden files hold JSON: integers and floats alike as numbers, lists as arrays).
func matches(_ value: ParquetValue, _ json: JSONValue) -> Bool {
    switch (value, json) {
    case (.null, .null): true
    case (.string(let a), .string(let b)): a == b
    case (.int(let a), .number(let b)): Double(a) == b
    case (.double(let a), .number(let b)): a == b
    case (.bool(let a), .bool(let b)): a == b
    case (.list(let a), .array(let b)): a.count == b.count && zip(a, b).allSatisfy { matches($0, $1) }
    default: false
    }
}

/// The error reading a fixture's every row ends with (every column kept, so every type is
/// converted); nil when the whole file was read.
func errorReadingEveryRow(of path: String) throws -> InputError? {
    var request = ColumnRequest()
    request.allMeta = true
    let reader = try LabelledRowReader(path: fixture(path), columns: request)
    do { while try reader.next() != nil {} } catch let error as InputError { return error }
    return nil
}
