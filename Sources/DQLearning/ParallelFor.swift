import Dispatch
import Foundation
import Synchronization

/// Runs independent jobs on the cores, contiguous ranges of jobs per core.
enum ParallelFor {
    static func run(count: Int, _ body: @Sendable (Int) -> Void) {
        let workers = min(Threading.cores, count)
        guard workers > 1 else {
            Subnormals.flushed { for job in 0..<count { body(job) } }
            return
        }
        ForkJoin.perform(shares: workers, of: count) { _, jobs in
            Subnormals.flushed { for job in jobs { body(job) } }
        }
    }
}

/// `DispatchQueue.concurrentPerform` for the short parallel steps of training and inference:
/// `body(0..<iterations)` on the calling thread and the kernels' own worker threads, returning
/// when every iteration has returned.
///
/// A training step of tiny-bert splits about 60 products and element-wise passes between the
/// cores, many taking tens of microseconds. Dispatch wakes a sleeping thread for each, at least
/// 10 µs apiece on the target VMs (11 µs against 1 µs here, for a split of two 5–100 µs
/// bodies), and a profile of tiny-bert training showed the second core idle a quarter of the
/// time. The worker threads here spin for a while after each step, waiting for the next,
/// before they sleep.
///
/// A call made while the threads are busy (from inside a body, or from a second thread) runs
/// its iterations on the calling thread, one after another.
enum ForkJoin {
    /// Share `worker` of 0..<n cut `workers` ways: ⌈n/workers⌉ values each, in order, the last
    /// shares shorter or empty (8 shares of 10 values: five of 2, then three empty).
    static func share(_ worker: Int, of n: Int, workers: Int) -> Range<Int> {
        let chunk = (n + workers - 1) / workers
        return min(n, worker * chunk)..<min(n, (worker + 1) * chunk)
    }

    /// `body(worker, share(worker, of: n, workers: workers))` for every worker, in parallel.
    static func perform(shares workers: Int, of n: Int, _ body: (_ worker: Int, _ share: Range<Int>) -> Void) {
        perform(iterations: workers) { body($0, share($0, of: n, workers: workers)) }
    }

    static func perform(iterations: Int, _ body: (Int) -> Void) {
        // One core (`DQ_THREADS=1`, or a caller limited by `Threading.withCores(1)`): in order.
        guard iterations > 1, Threading.cores > 1 else {
            for i in 0..<iterations { body(i) }
            return
        }
        if #available(macOS 15.0, *), iterations <= CorePool.maxIterations {
            if let pool = CorePool.shared, pool.begin() {
                pool.run(iterations: iterations, body)
            } else {
                for i in 0..<iterations { body(i) }
            }
            return
        }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedSendable(body)
            DispatchQueue.concurrentPerform(iterations: iterations) { box.value($0) }
        }
    }
}

/// The worker threads of `ForkJoin`: `Threading.available − 1` of them, started on first use.
///
/// One job at a time. Its iterations are handed out by one atomic word holding the job's number,
/// its iteration count and the next unclaimed iteration, so that a worker still finishing with
/// an earlier job can never claim an iteration of the next one: its compare-and-swap names the
/// old job and fails. The caller returns once every iteration has counted itself done, and no
/// worker touches the job's closure except to run an iteration it has claimed.
@available(macOS 15.0, *)
final class CorePool: @unchecked Sendable {
    static let maxIterations = 0xFFFF
    /// nil on one core.
    static let shared: CorePool? = Threading.available > 1 ? CorePool(workers: Threading.available - 1) : nil

    /// Job number (bits 32…) | iteration count (bits 16–31) | next iteration (bits 0–15).
    private let ticket = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)
    private let busy = Atomic<Bool>(false)
    private let workers: [Worker]
    /// The running job's body; set before its ticket is published, cleared after it finished.
    private var body: ((Int) -> Void)?
    private var job = 0

    /// How long a waiting worker spins before it sleeps: longer than the gaps between a
    /// training step's parallel passes, short beside anything a person would notice.
    private static let spinNanoseconds: UInt64 = 200_000

    private final class Worker: @unchecked Sendable {
        let sleeping = Atomic<Bool>(false)
        let wake = DispatchSemaphore(value: 0)
    }

    /// `firstJob` lets a test start near the job numbers' wrap. A pool lives as long as the
    /// process: its threads hold it.
    init(workers count: Int, firstJob: Int = 0) {
        job = firstJob
        workers = (0..<count).map { _ in Worker() }
        for worker in workers {
            let thread = Thread { self.serve(worker) }
            thread.name = "dq-kernels"
            thread.start()
        }
    }

    /// Claims the pool for one job; false when another job holds it.
    func begin() -> Bool {
        busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    }

    func run(iterations: Int, _ body: (Int) -> Void) {
        withoutActuallyEscaping(body) { body in
            self.body = body
            // Job numbers wrap at 2³¹, so that a number shifted into the ticket stays positive.
            job = (job + 1) & 0x7FFF_FFFF
            finished.store(0, ordering: .relaxed)
            ticket.store(job << 32 | iterations << 16, ordering: .sequentiallyConsistent)
            for worker in workers where worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                worker.wake.signal()
            }
            while let i = claim(job) {
                body(i)
                finished.add(1, ordering: .sequentiallyConsistent)
            }
            var spins = 0
            while finished.load(ordering: .sequentiallyConsistent) < iterations {
                spins += 1
                if spins % 4096 == 0 { sched_yield() }
            }
            self.body = nil
        }
        busy.store(false, ordering: .releasing)
    }

    /// The next unclaimed iteration of job `job`, or nil when it has none left (or is over).
    private func claim(_ job: Int) -> Int? {
        var word = ticket.load(ordering: .sequentiallyConsistent)
        while word >> 32 == job, word & 0xFFFF < (word >> 16) & 0xFFFF {
            let (exchanged, now) = ticket.compareExchange(expected: word, desired: word + 1, ordering: .sequentiallyConsistent)
            if exchanged { return word & 0xFFFF }
            word = now
        }
        return nil
    }

    /// Called only for a claimed iteration, so the job's caller is still waiting and `body`
    /// is its closure. Not inlined, so that the closure's retain and release both happen
    /// before the iteration is counted done (the caller checks that nothing kept it).
    @inline(never)
    private func invoke(_ i: Int) {
        body.unsafelyUnwrapped(i)
    }

    private func serve(_ worker: Worker) {
        var seen = 0
        while true {
            var spins = 0
            var since = DispatchTime.now().uptimeNanoseconds
            var current = ticket.load(ordering: .sequentiallyConsistent) >> 32
            while current == seen {
                spins += 1
                // A load takes well under a nanosecond here; the clock is read every 1,024.
                if spins % 1024 == 0, DispatchTime.now().uptimeNanoseconds - since >= Self.spinNanoseconds {
                    worker.sleeping.store(true, ordering: .sequentiallyConsistent)
                    if ticket.load(ordering: .sequentiallyConsistent) >> 32 == seen {
                        worker.wake.wait()
                    } else if !worker.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
                        // A caller saw the flag and signalled after the job arrived: take it.
                        worker.wake.wait()
                    }
                    since = DispatchTime.now().uptimeNanoseconds
                }
                current = ticket.load(ordering: .sequentiallyConsistent) >> 32
            }
            seen = current
            while let i = claim(current) {
                invoke(i)
                finished.add(1, ordering: .sequentiallyConsistent)
            }
        }
    }
}
