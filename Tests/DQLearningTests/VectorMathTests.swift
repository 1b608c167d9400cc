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
