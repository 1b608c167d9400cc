import Foundation
import Testing
@testable import DQLearning

@Test func vectorExpAndErfAgreeWithTheCLibrary() {
    var worstExp: Double = 0, worstErf: Double = 0
    var x: Float = -20
    while x <= 20 {
        let lanes = SIMD8<Float>((0..<8).map { x + Float($0) * 0.0013 })
        let e = VectorMath.exp(lanes), r = VectorMath.erf(lanes)
        for j in 0..<8 {
            let v = Double(lanes[j])
            worstExp = max(worstExp, abs(Double(e[j]) - Foundation.exp(v)) / Foundation.exp(v))
            worstErf = max(worstErf, abs(Double(r[j]) - Foundation.erf(v)))
        }
        x += 0.0107
    }
    #expect(worstExp < 3e-7, "relative error of exp: \(worstExp)")
    #expect(worstErf < 5e-7, "absolute error of erf: \(worstErf)")
    // Far outside the range: finite, not garbage.
    let extreme = VectorMath.exp(SIMD8<Float>(repeating: -1000))
    #expect(extreme[0] >= 0 && extreme[0] < 1e-37)
}

@Test func softmaxRowsSumToOneAndSurviveHugeLogits() {
    var x: [Float] = [1000, 1001, 1002, -5, 0, 5]
    x.withUnsafeMutableBufferPointer { Softmax.inPlace($0.baseAddress!, rows: 2, count: 3) }
    let e = Foundation.exp(1.0)
    let expected = [1 / (1 + e + e * e), e / (1 + e + e * e), e * e / (1 + e + e * e)]
    let second = [-5.0, 0, 5].map { Foundation.exp($0) }
    for j in 0..<3 {
        #expect(abs(Double(x[j]) - expected[j]) < 1e-6)
        #expect(abs(Double(x[3 + j]) - second[j] / second.reduce(0, +)) < 1e-6)
    }
}

@Test func softmaxOfLongRowsMatchesTheDefinitionWhereverTheMaximumIs() {
    // 19 values: two eight-lane chunks and a tail; the largest value in each in turn.
    for spot in [0, 9, 18] {
        var row = (0..<19).map { Float($0 % 7) - 3 }
        row[spot] = 40
        let want = row.map { Foundation.exp(Double($0 - 40)) }
        var got = row
        got.withUnsafeMutableBufferPointer { Softmax.inPlace($0.baseAddress!, rows: 1, count: 19) }
        let total = want.reduce(0, +)
        for j in 0..<19 { #expect(abs(Double(got[j]) - want[j] / total) < 1e-6, "spot \(spot), value \(j)") }
    }
}

@Test func layerNormWithAResidualEqualsTheNormOfTheSumByHand() {
    // Width 21: two eight-lane chunks and a tail of five.
    let rows = 3, width = 21
    var rng = SplitMix64(seed: 4)
    let x = Matrix(rows: rows, columns: width, values: (0..<(rows * width)).map { _ in rng.nextFloat() * 4 - 2 })
    let residual = Matrix(rows: rows, columns: width, values: (0..<(rows * width)).map { _ in rng.nextFloat() - 0.5 })
    let norm = LayerNorm(name: "n", width: width, epsilon: 1e-5)
    for j in 0..<width {
        norm.gamma.value.data[j] = 0.5 + Float(j) / 10
        norm.beta.value.data[j] = Float(j % 3) - 1
    }
    let y = norm.forward(x, adding: residual)
    for r in 0..<rows {
        let sum = (0..<width).map { Double(x[r, $0]) + Double(residual[r, $0]) }
        let mean = sum.reduce(0, +) / Double(width)
        let variance = sum.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(width)
        for j in 0..<width {
            let want = Double(norm.gamma.value.data[j]) * (sum[j] - mean) / (variance + 1e-5).squareRoot()
                + Double(norm.beta.value.data[j])
            #expect(abs(Double(y[r, j]) - want) < 1e-5, "row \(r), column \(j)")
        }
    }
}

/// GELU and its gradient against the definition in Double (Foundation's erf) and against central
/// finite differences of the layer's own forward; width 21 puts values in the eight-lane chunks
/// and in the tail, and the upstream gradient differs per value, so a gradient that ignores it,
/// or takes another value's, fails.
@Test func geluAndItsGradientMatchTheDefinitionAndFiniteDifferences() {
    let rows = 4, width = 21
    var rng = SplitMix64(seed: 11)
    let values = (0..<(rows * width)).map { _ in rng.nextFloat() * 12 - 6 }
    let upstream = (0..<(rows * width)).map { _ in rng.nextFloat() * 2 - 1 }
    let x = Matrix(rows: rows, columns: width, values: values)
    let gelu = GELU()
    let y = gelu.forward(x)
    let dx = gelu.backward(Matrix(rows: rows, columns: width, values: upstream))
    for i in 0..<(rows * width) {
        let v = Double(values[i])
        let want = 0.5 * v * (1 + Foundation.erf(v / 2.0.squareRoot()))
        #expect(abs(Double(y.data[i]) - want) < 2e-6 * max(1, abs(want)), "gelu(\(v))")
        let slope = 0.5 * (1 + Foundation.erf(v / 2.0.squareRoot())) + v * Foundation.exp(-v * v / 2) / (2 * Double.pi).squareRoot()
        #expect(abs(Double(dx.data[i]) - Double(upstream[i]) * slope) < 2e-6, "gelu′(\(v))")
        // The layer's own forward, differenced (Float, so a coarse step and tolerance).
        let h: Float = 1e-2
        let up = GELU().forward(Matrix(rows: 1, columns: 1, values: [values[i] + h]), keep: false).data[0]
        let down = GELU().forward(Matrix(rows: 1, columns: 1, values: [values[i] - h]), keep: false).data[0]
        #expect(abs(Double((up - down) / (2 * h)) - slope) < 2e-3, "difference at \(v)")
    }
}
