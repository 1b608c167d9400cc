import Foundation
import Testing
@testable import DQLearning

private struct Golden: Decodable {
    struct Clip: Decodable { var norm: Float; var a: [Float]; var b: [Float] }
    struct Schedule: Decodable { var peak: Float; var warmup: Int; var total: Int; var rates: [Float] }
    var start: [Float]
    var gradients: [[Float]]
    var lr: Float
    var weight_decay: Float
    var decay: [[Float]]
    var no_decay: [[Float]]
    var clip: Clip
    var schedule: Schedule

    static func load(file: String = #filePath) throws -> Golden {
        let url = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent("Golden/optimizer_golden.json")
        return try JSONDecoder().decode(Golden.self, from: Data(contentsOf: url))
    }
}

@Test func adamWStepsMatchPyTorch() throws {
    let golden = try Golden.load()
    for decays in [true, false] {
        let p = Parameter(name: "p", shape: [4], decays: decays)
        for (i, x) in golden.start.enumerated() { p.value.data[i] = x }
        let optimiser = AdamW(weightDecay: golden.weight_decay)
        for (step, g) in golden.gradients.enumerated() {
            for (i, x) in g.enumerated() { p.gradient.data[i] = x }
            optimiser.update([p], learningRate: golden.lr)
            let want = decays ? golden.decay[step] : golden.no_decay[step]
            for i in 0..<4 { #expect(abs(p.value.data[i] - want[i]) < 1e-6, "step \(step) decays \(decays) [\(i)]") }
        }
    }
}

@Test func gradientClippingMatchesPyTorch() throws {
    let golden = try Golden.load()
    let a = Parameter(name: "a", shape: [2], decays: true), b = Parameter(name: "b", shape: [3], decays: true)
    a.gradient.data[0] = 3; a.gradient.data[1] = 4; b.gradient.data[1] = 12
    let norm = clipGradientNorm([a, b], maxNorm: 1)
    #expect(abs(norm - golden.clip.norm) < 1e-5)
    #expect(zip(a.gradient.values, golden.clip.a).allSatisfy { abs($0 - $1) < 1e-6 })
    #expect(zip(b.gradient.values, golden.clip.b).allSatisfy { abs($0 - $1) < 1e-6 })
}

@Test func linearScheduleMatchesTransformers() throws {
    let s = try Golden.load().schedule
    let schedule = LinearSchedule(peak: s.peak, warmupSteps: s.warmup, totalSteps: s.total)
    for (step, want) in s.rates.enumerated() { #expect(abs(schedule.rate(at: step) - want) < 1e-6, "step \(step)") }
}
