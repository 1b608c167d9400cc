import DQReports
import Foundation

/// Messages for people on standard error, kept apart from results on standard output: what a
/// run tells the person waiting for it at a terminal (progress only when standard error is one).
package enum Terminal {
    package static let stderrIsTerminal = isatty(STDERR_FILENO) == 1

    /// How much a run says on standard error besides its notes.
    package enum Chatter: Sendable {
        /// No progress line.
        case quiet
        /// A progress line on a terminal.
        case normal
        /// The progress line, and each fit's detail (folds, solver iterations) as notes.
        case verbose
    }

    /// Set once from `--quiet` / `--verbose` before the run starts; `DQ_VERBOSE=1` asks for
    /// `verbose` when neither flag is given.
    nonisolated(unsafe) package static var chatter: Chatter =
        ["1", "true", "yes"].contains(ProcessInfo.processInfo.environment["DQ_VERBOSE"]?.lowercased() ?? "") ? .verbose : .normal

    /// A line of information (not a result).
    package static func note(_ message: String) {
        fflush(nil)
        FileHandle.standardError.write(Data((Table.visible(message) + "\n").utf8))
    }

    /// Rewrites the current progress line (only on a terminal).
    package static func progress(_ message: String) {
        guard stderrIsTerminal, chatter != .quiet else { return }
        FileHandle.standardError.write(Data(("\r\u{1B}[K" + Table.visible(message)).utf8))
    }

    /// Clears the progress line.
    package static func endProgress() {
        guard stderrIsTerminal, chatter != .quiet else { return }
        FileHandle.standardError.write(Data("\r\u{1B}[K".utf8))
    }

    /// A run's notes and progress on standard error; Ctrl-C stops it at its next checkpoint.
    package static var observer: RunObserver {
        var observer = RunObserver(note: note, progress: progress, endProgress: endProgress, checkInterrupt: Interrupt.check)
        if chatter == .verbose { observer.detail = { endProgress(); note($0) } }
        return observer
    }
}

/// Ctrl-C while long work runs: the first press asks the work to stop at its next checkpoint
/// (which rolls back what it had not committed); the default behaviour is restored afterwards.
package enum Interrupt {
    nonisolated(unsafe) private static var requested: sig_atomic_t = 0

    package struct Requested: Error, CustomStringConvertible {
        package var description: String { "interrupted; nothing from the unfinished step was stored" }
    }

    package static func during<T>(_ body: () throws -> T) throws -> T {
        requested = 0
        signal(SIGINT) { _ in Interrupt.requested = 1 }
        defer { signal(SIGINT, SIG_DFL) }
        // A parent that runs dq from a thread blocking SIGINT passes the block on, and Ctrl-C
        // would wait unseen until dq exits; the block comes back afterwards.
        var interrupt = sigset_t(), before = sigset_t()
        sigemptyset(&interrupt)
        sigaddset(&interrupt, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &interrupt, &before)
        defer { pthread_sigmask(SIG_SETMASK, &before, nil) }
        return try body()
    }

    /// Throws when Ctrl-C was pressed.
    package static func check() throws {
        if requested != 0 { throw Requested() }
    }
}

extension Terminal {
    /// Runs `body` with the terminal's observer, Ctrl-C stopping it at its next checkpoint.
    package static func run<T>(_ body: (RunObserver) throws -> T) throws -> T {
        try Interrupt.during { try body(observer) }
    }
}
