import Dispatch
import Foundation
import Synchronization
import Testing
@testable import DQLearning

/// Counts how often each iteration of each job ran.
private final class Tally: @unchecked Sendable {
    let counts: UnsafeMutablePointer<Atomic<Int>>
    let size: Int

    init(size: Int) {
        self.size = size
        counts = .allocate(capacity: size)
        for i in 0..<size { (counts + i).initialize(to: Atomic(0)) }
    }

    func add(_ i: Int) { counts[i].add(1, ordering: .relaxed) }
    func value(_ i: Int) -> Int { counts[i].load(ordering: .relaxed) }

    deinit {
        counts.deinitialize(count: size)
        counts.deallocate()
    }
}

@Test func forkJoinRunsEveryIterationOnceAcrossManyJobs() {
    // Jobs of 2–9 iterations back to back, as a training step issues them, then some with a
    // pause before them long enough for the worker threads to go to sleep and be woken.
    let jobs = 4_000, widest = 9
    let tally = Tally(size: jobs * widest)
    for job in 0..<jobs {
        let iterations = 2 + job % (widest - 1)
        if job % 500 == 0 { usleep(2_000) }
        ForkJoin.perform(iterations: iterations) { i in
            if job % 7 == 0 { usleep(50) }  // uneven work: some iterations outlast the others
            tally.add(job * widest + i)
        }
        // Every iteration has returned when perform returns.
        let ran = (0..<iterations).map { tally.value(job * widest + $0) }
        #expect(ran == [Int](repeating: 1, count: iterations), "job \(job)")
    }
    let total = (0..<(jobs * widest)).reduce(0) { $0 + tally.value($1) }
    #expect(total == (0..<jobs).reduce(0) { $0 + 2 + $1 % (widest - 1) })
}

@Test func forkJoinCallsFromInsideABodyAndFromOtherThreadsComplete() {
    // A body that forks again (a GEMM inside a per-sequence pass), and several threads
    // forking at once: the pool runs one job at a time and the others run on their callers.
    let callers = 4, jobs = 300, inner = 3
    let tally = Tally(size: callers * jobs * 2 * inner)
    DispatchQueue.concurrentPerform(iterations: callers) { caller in
        for job in 0..<jobs {
            ForkJoin.perform(iterations: 2) { outer in
                ForkJoin.perform(iterations: inner) { i in
                    tally.add(((caller * jobs + job) * 2 + outer) * inner + i)
                }
            }
        }
    }
    let ran = (0..<tally.size).map(tally.value)
    #expect(ran.allSatisfy { $0 == 1 }, "\(ran.filter { $0 != 1 }.count) iterations ran other than once")
}

@Test func forkJoinWithOneIterationOrOneCoreRunsOnTheCallerInOrder() {
    var ran: [Int] = []
    ForkJoin.perform(iterations: 0) { ran.append($0) }
    ForkJoin.perform(iterations: 1) { ran.append($0) }
    #expect(ran == [0])
    // Limited to one core (as each part of BERT inference is): every iteration on the caller.
    let caller = pthread_self()
    var order: [Int] = []
    var elsewhere = 0
    Threading.withCores(1) {
        ForkJoin.perform(iterations: 6) { i in
            usleep(200)  // long enough for a worker thread, were one used, to take some
            order.append(i)
            if pthread_equal(pthread_self(), caller) == 0 { elsewhere += 1 }
        }
    }
    #expect(order == Array(0..<6) && elsewhere == 0)
}

@Test func forkJoinJobNumbersWrapWithoutLosingTheCaller() throws {
    // A pool of its own, started just before its job numbers wrap at 2³¹. After the wrap every
    // job must still be finished, and its caller must still take part: a number that went
    // negative in the ticket made the caller's claims fail, leaving the work to the worker.
    guard #available(macOS 15.0, *) else { return }
    let pool = CorePool(workers: 1, firstJob: 0x7FFF_FFFF - 20)
    let tally = Tally(size: 40 * 3)
    let callerRan = Tally(size: 40)
    let caller = pthread_self()
    for job in 0..<40 {
        #expect(pool.begin())
        pool.run(iterations: 3) { i in
            usleep(20)
            tally.add(job * 3 + i)
            if pthread_equal(pthread_self(), caller) != 0 { callerRan.add(job) }
        }
    }
    #expect((0..<tally.size).allSatisfy { tally.value($0) == 1 })
    // Each iteration sleeps, so the caller, which claims right after publishing, nearly always
    // runs one; half is a margin for a loaded machine.
    let afterWrap = (21..<40).filter { callerRan.value($0) > 0 }.count
    #expect(afterWrap >= 10, "the caller ran iterations in \(afterWrap) of 19 jobs after the wrap")
}

/// The shares of 0..<n cover it once, in order, ⌈n/workers⌉ values at most each, for more workers
/// than a small n can fill too: 8 workers over 10 jobs (an attention step's batch × heads on an
/// 8-core machine) once made the later shares' ranges run backwards, a trap.
@Test func sharesCoverTheRangeOnceForAnyNumberOfWorkers() {
    for n in 0...40 {
        for workers in 1...9 {
            let shares = (0..<workers).map { ForkJoin.share($0, of: n, workers: workers) }
            #expect(shares.flatMap { Array($0) } == Array(0..<n), "n \(n), workers \(workers)")
            #expect(shares.allSatisfy { $0.count <= (n + workers - 1) / workers })
        }
    }
    #expect((0..<8).map { ForkJoin.share($0, of: 10, workers: 8) }
            == [0..<2, 2..<4, 4..<6, 6..<8, 8..<10, 10..<10, 10..<10, 10..<10])
}
