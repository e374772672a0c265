import Dispatch
import FleetTicketsCore
import Foundation
import Synchronization

/// Draws one progress line on standard error while long work runs (ingest, reseed, geocode):
/// file i of N, rows per second, time left. Only on a terminal: off one it is never created,
/// so logs and pipes stay clean. The arithmetic is `ProgressMeter`'s.
final class ProgressReporter: @unchecked Sendable {  // state under a Mutex; the timer is only cancelled, which Dispatch makes thread-safe
    private struct State {
        var meter = ProgressMeter()
        var width = 0
        var active = false
    }

    private let state = Mutex(State())
    private let started = ContinuousClock.now
    private let timer: DispatchSourceTimer

    /// A reporter when standard error is a terminal, else nil.
    static func onTerminal() -> ProgressReporter? {
        isatty(STDERR_FILENO) == 1 ? ProgressReporter() : nil
    }

    private init() {
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "fleettickets.progress"))
        timer.schedule(deadline: .now() + .milliseconds(250), repeating: .milliseconds(250))
        timer.setEventHandler { [weak self] in self?.redraw() }
        timer.resume()
    }

    /// The handler to give an engine.
    var handler: ProgressHandler {
        { [self] event in
            state.withLock {
                $0.meter.update(event, at: elapsed)
                $0.active = true
            }
            redraw()
        }
    }

    /// Clears the line and stops redrawing; call before printing the report.
    func finish() {
        timer.cancel()
        state.withLock { s in
            if s.width > 0 { write("\r" + String(repeating: " ", count: s.width) + "\r") }
            s.width = 0
            s.active = false
        }
    }

    private var elapsed: Double {
        let d = started.duration(to: .now)
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    private func redraw() {
        let now = elapsed
        state.withLock { s in
            guard s.active, var line = s.meter.line(at: now) else { return }
            if line.count > 118 { line = String(line.prefix(117)) + "…" }
            let pad = max(0, s.width - line.count)
            write("\r" + line + String(repeating: " ", count: pad))
            s.width = line.count
        }
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
