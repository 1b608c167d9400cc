// dq-bench: timings of dq's numeric kernels for `make bench` (bench/run.sh compares them with
// the Python peers in the same run). Prints one JSON object per measurement.
import DQLearning
import Foundation

func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

/// Best time of `repeats` runs after one warm-up.
func best(_ repeats: Int, _ body: () -> Void) -> Double {
    body()
    return (0..<repeats).map { _ in seconds(body) }.min()!
}

func gemmBenchmark(sizes: [Int]) {
    var rng = SplitMix64(seed: 1)
    for n in sizes {
        let a = (0..<(n * n)).map { _ in rng.nextFloat() - 0.5 }
        let b = (0..<(n * n)).map { _ in rng.nextFloat() - 0.5 }
        var c = [Float](repeating: 0, count: n * n)
        let repeats = max(3, min(50, Int(2e9 / (2 * pow(Double(n), 3)))))
        let time = best(repeats) {
            gemm(transA: false, transB: false, m: n, n: n, k: n, alpha: 1, a: a, lda: n, b: b, ldb: n, beta: 0, c: &c, ldc: n)
        }
        let gflops = 2 * pow(Double(n), 3) / time / 1e9
        print("{\"bench\": \"gemm\", \"n\": \(n), \"threads\": \(Threading.cores), \"seconds\": \(time), \"gflops\": \(gflops)}")
    }
}

let arguments = CommandLine.arguments.dropFirst()
switch arguments.first {
case "gemm":
    gemmBenchmark(sizes: arguments.dropFirst().compactMap { Int($0) }.isEmpty
        ? [64, 128, 256, 512, 1024, 2048] : arguments.dropFirst().compactMap { Int($0) })
default:
    FileHandle.standardError.write(Data("usage: dq-bench gemm [sizes…]\n".utf8))
    exit(2)
}
