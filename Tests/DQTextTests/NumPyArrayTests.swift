import Foundation
import Testing
import DQTestSupport
@testable import DQText

// Fixtures/npy was written by numpy 2.4 (Fixtures/npy/make_npy_fixtures.py).

@Test func readsNumPyArraysOfEveryFormatVersionAndDtypeAsNumpyWroteThem() throws {
    let f64 = try NumPyArray(path: fixture("npy/probs64.npy"))
    #expect(f64.shape == [400, 5] && f64.element == .float(bytes: 8) && f64.descr == "<f8" && f64.dataOffset == 128)
    let values = try f64.readAll()
    #expect(values.count == 2000)
    // Each row is a probability vector.
    for row in 0..<400 { #expect(abs(values[row * 5..<row * 5 + 5].reduce(0, +) - 1) < 1e-12) }
    // Format 2.0 (a 4-byte header length) holds the same values.
    let v2 = try NumPyArray(path: fixture("npy/probs_v2.npy"))
    let v2Values = try v2.readAll()
    #expect(v2.shape == [400, 5] && v2.dataOffset == 128 && v2Values == values)
    // float32 is float64 rounded to single precision.
    let f32 = try NumPyArray(path: fixture("npy/probs32.npy"))
    let f32Values = try f32.readAll()
    #expect(f32.element == .float(bytes: 4) && f32Values == values.map { Double(Float($0)) })
    // Labels as int64 and int32 agree; rows read in blocks equal the whole.
    let labels = try NumPyArray(path: fixture("npy/labels.npy"))
    #expect(labels.shape == [400] && labels.rows == 400 && labels.columns == 1 && labels.element == .signed(bytes: 8))
    #expect(try labels.readAll() == (try NumPyArray(path: fixture("npy/labels_i32.npy")).readAll()))
    var blocks: [Double] = []
    var firsts: [Int] = []
    try f64.forEachBlock(blockBytes: 7 * 5 * 8) { first, block in
        #expect(block.count == min(7, 400 - first) * 5)
        firsts.append(first)
        blocks += block
    }
    #expect(blocks == values && firsts == Array(stride(from: 0, to: 400, by: 7)))
}

@Test func headersAreParsedAsPythonLiterals() throws {
    let fields = try NumPyArray.parseHeader("{'descr': '>i2', 'fortran_order': False, 'shape': (3, 4L, ), }   \n", path: "x.npy")
    #expect(fields == ["descr": .string(">i2"), "fortran_order": .bool(false), "shape": .tuple([3, 4])])
    #expect(try NumPyArray.parseHeader("{'shape': (7,), 'descr': '<u1', 'fortran_order': True}", path: "x.npy")["shape"] == .tuple([7]))
    #expect(try NumPyArray.element(">f8", path: "x.npy") == (.float(bytes: 8), true))
}

@Test func bigEndianArraysAreSwapped() throws {
    let path = scratchPath("big.npy")
    var header = Array("{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }".utf8)
    while (10 + header.count + 1) % 64 != 0 { header.append(0x20) }
    header.append(0x0A)
    var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [1, 0, UInt8(header.count & 0xFF), UInt8(header.count >> 8)] + header
    for value: Float in [0.25, -3] { withUnsafeBytes(of: value.bitPattern.bigEndian) { bytes += $0 } }
    try Data(bytes).write(to: URL(fileURLWithPath: path))
    #expect(try NumPyArray(path: path).readAll() == [0.25, -3])
}

@Test func badNumPyFilesAreRefusedWithWhatWasFound() throws {
    #expect(throws: InputError.self) { try NumPyArray(path: fixture("npy/golden.json")) }
    do {
        _ = try NumPyArray(path: fixture("npy/probs_fortran.npy"))
        Issue.record("Fortran order accepted")
    } catch let error as InputError {
        #expect(error.description.contains("Fortran order") && error.description.contains("probs_fortran.npy"))
    }
    // Truncated: the data is shorter than the shape says.
    let bytes = try Data(contentsOf: URL(fileURLWithPath: fixture("npy/probs64.npy")))
    let truncated = scratchPath("truncated.npy")
    try bytes.prefix(1000).write(to: URL(fileURLWithPath: truncated))
    do {
        _ = try NumPyArray(path: truncated)
        Issue.record("truncated file accepted")
    } catch let error as InputError {
        #expect(error.description.contains("truncated") && error.description.contains("(400, 5)") && error.description.contains("16000 bytes"), "\(error)")
    }
    #expect(throws: InputError.self) { try NumPyArray.element("<c16", path: "x.npy") }
    #expect(!NumPyArray.isNumPy(path: fixture("npy/golden.json")) && NumPyArray.isNumPy(path: fixture("npy/labels.npy")))
}
