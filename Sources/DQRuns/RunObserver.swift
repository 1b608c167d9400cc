import DQLearning
import DQReports
import Foundation

/// What a run tells the person waiting for it, and how it learns that they want it to stop.
/// The command line prints notes and progress on standard error and turns Ctrl-C into an
/// error thrown by `checkInterrupt`; tests use `silent`.
package struct RunObserver {
    /// A line of information (not a result).
    package var note: (String) -> Void
    /// Replaces the current progress line.
    package var progress: (String) -> Void
    /// Clears the progress line.
    package var endProgress: () -> Void
    /// Throws when the run should stop (Ctrl-C); called at every checkpoint of long work.
    package var checkInterrupt: () throws -> Void
    /// A line of detail (each fit's solver iterations), for whoever asked for it.
    package var detail: (String) -> Void = { _ in }

    package init(note: @escaping (String) -> Void, progress: @escaping (String) -> Void, endProgress: @escaping () -> Void,
                checkInterrupt: @escaping () throws -> Void) {
        self.note = note
        self.progress = progress
        self.endProgress = endProgress
        self.checkInterrupt = checkInterrupt
    }

    /// Says nothing and never stops a run.
    package static var silent: RunObserver {
        RunObserver(note: { _ in }, progress: { _ in }, endProgress: {}, checkInterrupt: {})
    }
}

/// Progress of a run made of several trainings (folds × input and null models): a line per
/// BERT step with the current fit, its epoch, step, loss and speed, the share of the whole run
/// done and the time left for all of it. The interrupt is checked at each step.
final class TrainingProgress {
    var fits: Int
    private let observer: RunObserver
    private(set) var label = ""
    private var fitsStarted = 0
    private let started = Date()

    init(fits: Int, observer: RunObserver) {
        self.fits = max(1, fits)
        self.observer = observer
    }

    /// A new fit begins.
    func begin(_ label: String) {
        fitsStarted += 1
        self.label = label
    }

    /// A progress line for a fit that reports no steps (bow, the embeddings probe): `message`,
    /// the share of the run's fits begun, and the time left at the pace so far.
    func show(_ message: String) {
        let done = Double(max(fitsStarted, 1) - 1) / Double(fits)
        let elapsed = Date().timeIntervalSince(started)
        let left = done > 0 ? " · about \(Self.duration(elapsed * (1 - done) / done)) left" : ""
        observer.progress("\(message) · fit \(max(fitsStarted, 1)) of \(fits), \(Self.duration(elapsed)) so far\(left)")
    }

    /// "42s", "3m05s".
    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return s < 60 ? "\(s)s" : "\(s / 60)m" + String(format: "%02d", s % 60) + "s"
    }

    func step(_ progress: DQLearning.TrainingProgress) throws {
        try observer.checkInterrupt()
        let done = (Double(max(fitsStarted, 1) - 1) + Double(progress.step) / Double(max(progress.totalSteps, 1))) / Double(fits)
        let elapsed = Date().timeIntervalSince(started)
        let eta = done > 0 ? Int(elapsed * (1 - done) / done) : 0
        observer.progress("\(label) epoch \(progress.epoch)/\(progress.epochs), step \(progress.step)/\(progress.totalSteps), loss \(progress.loss.formatted(digits: 4)), \(Int(progress.samplesPerSecond)) samples/s; run \(Int(100 * done))%, ETA \(eta / 60)m\(eta % 60)s")
    }
}

/// A progress line for work counted in equal parts (texts embedded, resamples drawn): the
/// stage, how many of how many, the time so far and the time left at the pace so far. At most
/// ten lines a second; the interrupt is checked at each update. Sendable for work on worker
/// threads, of which one at a time reports.
final class CountProgress: @unchecked Sendable {
    private let stage: String
    private let total: Int
    private let observer: RunObserver
    private let started = Date()
    private var shown = Date.distantPast

    init(_ stage: String, total: Int, observer: RunObserver) {
        (self.stage, self.total, self.observer) = (stage, max(total, 1), observer)
    }

    func update(_ done: Int) throws {
        try observer.checkInterrupt()
        show(done)
    }

    /// The line alone, for work that cannot stop midway (a worker thread's resamples).
    func show(_ done: Int) {
        let now = Date()
        guard now.timeIntervalSince(shown) >= 0.1 || done >= total else { return }
        shown = now
        let elapsed = now.timeIntervalSince(started)
        let left = done > 0 ? " · about \(TrainingProgress.duration(elapsed * Double(total - done) / Double(done))) left" : ""
        observer.progress("\(stage): \(done.formatted(thousands: true)) of \(total.formatted(thousands: true)), \(TrainingProgress.duration(elapsed)) so far\(left)")
    }
}
