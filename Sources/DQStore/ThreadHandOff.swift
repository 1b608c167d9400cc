import Foundation

/// Items made on a second thread and taken in order by the caller, at most `capacity` of them
/// waiting: the hand-over that lets reading a file overlap with SQLite's work (`RowPipeline`,
/// `AnnotationGrouping`). An error the producer throws is rethrown by `next()` after the items
/// it handed over before it.
final class ThreadHandOff<Item>: @unchecked Sendable {
    private let condition = NSCondition()
    private var ready: [Item] = []
    private var finished = false
    private var failure: Error?
    private var stopped = false
    private var joined = false
    private let capacity: Int
    private let done = DispatchSemaphore(value: 0)

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Runs `produce` on a new thread. It hands items over with `put`, and should return when
    /// `put` returns false (the caller has stopped); what it throws ends the items.
    func start(_ produce: @escaping @Sendable () throws -> Void) {
        let thread = Thread { [self] in
            defer { done.signal() }
            do {
                try produce()
                finish(nil)
            } catch {
                finish(error)
            }
        }
        thread.start()
    }

    /// Producer: waits for room, then queues `item`; false once the caller has stopped.
    func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while ready.count >= capacity && !stopped { condition.wait() }
        if stopped { return false }
        ready.append(item)
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

    /// Caller: the next item, nil at the end; the producer's error, if it threw one.
    func next() throws -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while ready.isEmpty && !finished { condition.wait() }
        if !ready.isEmpty {
            let item = ready.removeFirst()
            condition.broadcast()
            return item
        }
        if let failure { throw failure }
        return nil
    }

    /// Caller: stops the producer and waits for its thread to end. Calling it again does nothing.
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
