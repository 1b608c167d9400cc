import DQText
import Foundation

/// Reads and checks rows on a second thread, and sorts them with a `RowTriage`, while the
/// caller stores them, so that reading overlaps with SQLite's work. Rows come out in file order,
/// in batches; a reading error is rethrown by `next()` at the point where it happened.
final class RowPipeline: @unchecked Sendable {
    struct Batch {
        var rows = LabelledRowBatch()
        /// What becomes of each row of `rows`.
        var dispositions: [RowDisposition] = []
        /// Bytes of the file read when the batch was complete.
        var bytesRead = 0
    }

    private let condition = NSCondition()
    private var ready: [Batch] = []
    /// Batches handed back by the caller, whose buffers the reading thread fills again.
    private var spare: [Batch] = []
    private var finished = false
    private var failure: Error?
    private var stopped = false
    private let capacity: Int
    private let done = DispatchSemaphore(value: 0)

    /// Starts reading `reader` at once. `triage` belongs to the reading thread until `stop()`.
    init(reader: LabelledRowReader, triage: RowTriage, batchSize: Int = 4096, capacity: Int = 4) {
        self.capacity = capacity
        // The reader belongs to the reading thread from here on; the caller must not touch it
        // again until `stop()` has returned.
        nonisolated(unsafe) let reader = reader
        let thread = Thread { [self] in
            defer { done.signal() }
            do {
                while true {
                    var batch = takeSpare() ?? Batch()
                    guard try reader.read(into: &batch.rows, limit: batchSize) else { break }
                    triage.classify(batch.rows, into: &batch.dispositions)
                    batch.bytesRead = reader.bytesConsumed
                    guard put(batch) else { return }
                }
                finish(nil)
            } catch {
                finish(error)
            }
        }
        thread.start()
    }

    private func takeSpare() -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        return spare.popLast()
    }

    /// Hands a batch that `next()` returned back for reuse, once the caller is done with it.
    func recycle(_ batch: Batch) {
        condition.lock()
        defer { condition.unlock() }
        if spare.count < 2 { spare.append(batch) }
    }

    /// Waits for room, then queues `batch`; false when the consumer has stopped.
    private func put(_ batch: Batch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while ready.count >= capacity && !stopped { condition.wait() }
        if stopped { return false }
        ready.append(batch)
        condition.broadcast()
        return true
    }

    private func finish(_ error: Error?) {
        condition.lock()
        finished = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// The next batch, nil at the end of the file; throws the reader's error.
    func next() throws -> Batch? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !finished { condition.wait() }
        if !ready.isEmpty {
            let batch = ready.removeFirst()
            condition.broadcast()
            return batch
        }
        if let failure { throw failure }
        return nil
    }

    private var joined = false

    /// Stops the reading thread and waits for it to end. Calling it again does nothing.
    func stop() {
        guard !joined else { return }
        joined = true
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
        done.wait()
    }
}
