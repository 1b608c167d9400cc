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

    private let handOff: ThreadHandOff<Batch>
    /// Batches handed back by the caller, whose buffers the reading thread fills again.
    private var spare: [Batch] = []
    private let spareLock = NSLock()

    /// Starts reading `reader` at once. `triage` belongs to the reading thread until `stop()`.
    init(reader: LabelledRowReader, triage: RowTriage, batchSize: Int = 4096, capacity: Int = 4) {
        handOff = ThreadHandOff(capacity: capacity)
        // The reader belongs to the reading thread from here on; the caller must not touch it
        // again until `stop()` has returned.
        nonisolated(unsafe) let reader = reader
        handOff.start { [self] in
            while true {
                var batch = takeSpare() ?? Batch()
                guard try reader.read(into: &batch.rows, limit: batchSize) else { break }
                triage.classify(batch.rows, into: &batch.dispositions)
                batch.bytesRead = reader.bytesConsumed
                guard handOff.put(batch) else { return }
            }
        }
    }

    private func takeSpare() -> Batch? {
        spareLock.lock()
        defer { spareLock.unlock() }
        return spare.popLast()
    }

    /// Hands a batch that `next()` returned back for reuse, once the caller is done with it.
    func recycle(_ batch: Batch) {
        spareLock.lock()
        defer { spareLock.unlock() }
        if spare.count < 2 { spare.append(batch) }
    }

    /// The next batch, nil at the end of the file; throws the reader's error.
    func next() throws -> Batch? { try handOff.next() }

    /// Stops the reading thread and waits for it to end. Calling it again does nothing.
    func stop() { handOff.stop() }
}
