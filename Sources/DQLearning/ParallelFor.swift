import Foundation

/// Runs independent jobs on the cores, contiguous ranges of jobs per core.
enum ParallelFor {
    static func run(count: Int, _ body: @Sendable (Int) -> Void) {
        let workers = min(Threading.cores, count)
        guard workers > 1 else {
            Subnormals.flushed { for job in 0..<count { body(job) } }
            return
        }
        let chunk = (count + workers - 1) / workers
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            Subnormals.flushed { for job in (w * chunk)..<min(count, (w + 1) * chunk) { body(job) } }
        }
    }
}
