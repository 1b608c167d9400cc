import Testing
import DQTestSupport
import DQText

@Test func parsesNestedValuesKeepingKeyOrder() throws {
    let value = try JSONValue.parse(#"{"b": [1, 2.5, -3e2], "a": {"x": null, "y": true}, "s": "é\u00e9\n\ud83d\ude00"}"#)
    guard case .object(let members) = value else { Issue.record("not an object"); return }
    #expect(members.map(\.key) == ["b", "a", "s"])
    #expect(value["b"] == .array([.number(1), .number(2.5), .number(-300)]))
    #expect(value["a"]?["y"] == .bool(true))
    #expect(value["s"] == .string("éé\n😀"))
}

@Test func syntaxErrorsGiveLineAndColumn() {
    #expect(throws: JSONSyntaxError(line: 2, column: 9, message: "expected ',' or '}', found '\"'")) {
        try JSONValue.parse("{\"a\": 1,\n \"b\": 2 \"c\": 3}")
    }
    #expect(throws: JSONSyntaxError(line: 1, column: 1, message: "expected a value, found end of input")) {
        try JSONValue.parse("")
    }
    #expect(throws: JSONSyntaxError(line: 1, column: 8, message: "unexpected text after the JSON value")) {
        try JSONValue.parse("[1, 2] 3")
    }
    #expect(throws: JSONSyntaxError.self) { try JSONValue.parse("{\"a\": 01}") }
    #expect(throws: JSONSyntaxError.self) { try JSONValue.parse("\"tab\there\"") }
}

@Test func writingEscapesWhatJSONRequires() throws {
    let value = JSONValue.object([("k\"ey", .string("line\nbreak\u{01}\\")), ("n", .number(3)), ("f", .number(0.5))])
    #expect(value.jsonText == #"{"k\"ey":"line\nbreak\u0001\\","n":3,"f":0.5}"#)
    #expect(try JSONValue.parse(value.jsonText) == value)
}

@Test func scalarTextWritesWholeNumbersWithoutAFraction() {
    #expect(JSONValue.number(3).scalarText == "3")
    #expect(JSONValue.number(2.5).scalarText == "2.5")
    #expect(JSONValue.bool(false).scalarText == "false")
    #expect(JSONValue.array([]).scalarText == nil)
}

@Test func aKeyRepeatedInOneObjectIsAnError() {
    // Found by the fuzzer: dq kept the first "text", Foundation and Python the last.
    #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(#"{"text": "third", "text": "first", "label": "pos"}"#) }
    #expect((try? JSONValue.parse(#"{"a": {"text": 1}, "text": 2}"#)) != nil)
}

@Test func theFuzzersRepeatedKeyLineIsRejectedNotGuessed() throws {
    let reader = try LabelledRowReader(path: fixture("fuzz/repeated-key.jsonl"), columns: ColumnRequest())
    var outcomes: [RowOutcome] = []
    while let outcome = try reader.next() { outcomes.append(outcome) }
    for outcome in outcomes {
        if case .accepted(let row) = outcome { #expect(row.text != "third" || row.line != 3) }
    }
}

@Test func integersBeyondTwoToThe53KeepTheirDigits() throws {
    // Two tweet ids that one Double cannot tell apart.
    let value = try JSONValue.parse(#"{"a": 1598765432109876543, "b": 1598765432109876544, "c": -9007199254740993, "d": 123456789012345, "e": 1.5e300}"#)
    #expect(value["a"]?.scalarText == "1598765432109876543" && value["b"]?.scalarText == "1598765432109876544")
    #expect(value["c"]?.scalarText == "-9007199254740993")
    // Up to 15 digits, and numbers with a fraction or exponent, stay numbers.
    #expect(value["d"] == .number(123_456_789_012_345) && value["e"] == .number(1.5e300))
}
