@testable import DQText

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
