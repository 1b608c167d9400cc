import DQText
import Foundation

/// Reads, checks and hashes rows on a second thread while the caller stores them, so that
/// parsing overlaps with SQLite's work. Rows come out in file order, in batches; a reading
/// error is rethrown by `next()` at the point where it happened.
final class RowPipeline: @unchecked Sendable {
    struct Batch {
        var outcomes: [(outcome: RowOutcome, hash: UInt64)] = []
        /// Bytes of the file read when the batch was complete.
        var bytesRead = 0
    }

    private let condition = NSCondition()
    private var ready: [Batch] = []
    private var finished = false
    private var failure: Error?
    private var stopped = false
    private let capacity: Int
    private let done = DispatchSemaphore(value: 0)

    /// Starts reading `reader` at once. `hash` computes the content hash of an accepted row.
    init(reader: LabelledRowReader, batchSize: Int = 4096, capacity: Int = 4, hash: @escaping @Sendable (LabelledRow) -> UInt64) {
        self.capacity = capacity
        // The reader belongs to the reading thread from here on; the caller must not touch it
        // again until `stop()` has returned.
        nonisolated(unsafe) let reader = reader
        let thread = Thread { [self] in
            defer { done.signal() }
            do {
                var batch = Batch()
                while let outcome = try reader.next() {
                    if case .accepted(let row) = outcome {
                        batch.outcomes.append((outcome, hash(row)))
                    } else {
                        batch.outcomes.append((outcome, 0))
                    }
                    if batch.outcomes.count == batchSize {
                        batch.bytesRead = reader.bytesConsumed
                        guard put(batch) else { return }
                        batch = Batch()
                    }
                }
                batch.bytesRead = reader.bytesConsumed
                if !batch.outcomes.isEmpty { _ = put(batch) }
                finish(nil)
            } catch {
                finish(error)
            }
        }
        thread.start()
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
