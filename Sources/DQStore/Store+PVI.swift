/// One sample's PVI as stored (table `pvi_scores`), with its out-of-sample probabilities
/// (table `sample_probabilities`, packed: see `PackedFloats`).
package struct PVIRow: Sendable, Equatable {
    package var sampleID: Int64
    package var fold: Int
    package var label: String
    package var predicted: String
    package var pInput: Double
    package var pNull: Double
    package var hNull: Double
    package var hInput: Double
    package var pvi: Double
    package var correct: Bool
    /// p′(· | x) in the run's label order.
    package var probabilities: [Double]

    package init(sampleID: Int64, fold: Int, label: String, predicted: String, pInput: Double, pNull: Double,
                hNull: Double, hInput: Double, pvi: Double, correct: Bool, probabilities: [Double]) {
        self.sampleID = sampleID
        self.fold = fold
        self.label = label
        self.predicted = predicted
        self.pInput = pInput
        self.pNull = pNull
        self.hNull = hNull
        self.hInput = hInput
        self.pvi = pvi
        self.correct = correct
        self.probabilities = probabilities
    }
}

extension Store {
    /// Writes a run's PVI rows (call inside the run's transaction: `recordRun`).
    package func writePVI(run: Int64, rows: [PVIRow]) throws {
        try database.runForEach("""
            INSERT INTO pvi_scores (run_id, sample_id, fold, label, predicted, p_input, p_null, h_null, h_input, pvi, correct)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, rows) { row in
            [.integer(run), .integer(row.sampleID), .integer(Int64(row.fold)), .text(row.label), .text(row.predicted),
             .real(row.pInput), .real(row.pNull), .real(row.hNull), .real(row.hInput), .real(row.pvi), .integer(row.correct ? 1 : 0)]
        }
        try database.runForEach("INSERT INTO sample_probabilities (run_id, sample_id, probabilities) VALUES (?, ?, ?)", rows) { row in
            [.integer(run), .integer(row.sampleID), .blob(PackedFloats.pack(row.probabilities))]
        }
    }

    /// A run's PVI rows with their probabilities, in sample order.
    package func pviRows(run: Int64) throws -> [PVIRow] {
        try database.rows("""
            SELECT s.sample_id, s.fold, s.label, s.predicted, s.p_input, s.p_null, s.h_null, s.h_input, s.pvi, s.correct, p.probabilities
            FROM pvi_scores s JOIN sample_probabilities p ON p.run_id = s.run_id AND p.sample_id = s.sample_id
            WHERE s.run_id = ? ORDER BY s.sample_id
            """, [.integer(run)]).map { row in
            guard let probabilities = PackedFloats.unpack(try row.blob(10)) else {
                throw StoreError.inconsistent("run \(run): the probabilities of sample \(try row.int64(0)) are not a whole number of doubles")
            }
            return PVIRow(sampleID: try row.int64(0), fold: try row.int(1), label: try row.string(2), predicted: try row.string(3),
                          pInput: try row.double(4), pNull: try row.double(5), hNull: try row.double(6), hInput: try row.double(7),
                          pvi: try row.double(8), correct: try row.bool(9), probabilities: probabilities)
        }
    }
}

/// A floating-point type stored by its bit pattern (Float: 4 bytes, Double: 8).
package protocol BitPatternFloat {
    associatedtype Bits: FixedWidthInteger
    var bitPattern: Bits { get }
    init(bitPattern: Bits)
}

extension Float: BitPatternFloat {}
extension Double: BitPatternFloat {}

/// Vectors stored as packed little-endian IEEE 754 values, exact and read without parsing:
/// probability vectors as doubles (8 bytes a value; JSON text took about 20, see docs/store.md),
/// sentence embeddings as floats (4 bytes).
package enum PackedFloats {
    package static func pack<T: BitPatternFloat>(_ values: [T]) -> [UInt8] {
        let width = T.Bits.bitWidth / 8
        var bytes: [UInt8] = []
        bytes.reserveCapacity(width * values.count)
        for value in values {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// The values of `bytes`, or nil when its length is not a multiple of the type's width.
    package static func unpack<T: BitPatternFloat>(_ bytes: [UInt8], as type: T.Type = Double.self) -> [T]? {
        let width = T.Bits.bitWidth / 8
        guard bytes.count % width == 0 else { return nil }
        return stride(from: 0, to: bytes.count, by: width).map { start in
            var bits: T.Bits = 0
            for k in 0..<width { bits |= T.Bits(bytes[start + k]) << (8 * k) }
            return T(bitPattern: bits)
        }
    }
}
