import Dispatch
import Foundation
import FleetTicketsCore

/// SIGTERM and SIGINT as a cooperative stop: the first one calls `onFirst` (which asks the work
/// to stop at the next safe point, between files); a second one exits at once (status 130),
/// leaving the database to roll back the file in flight.
final class SignalTrap: @unchecked Sendable {  // sources are only touched on `queue`
    private let queue = DispatchQueue(label: "fleettickets.signals")
    private var sources: [DispatchSourceSignal] = []
    private var received = 0

    /// Starts trapping; `onFirst` runs on the first signal, with its number.
    init(signals: [Int32] = [SIGTERM, SIGINT], onFirst: @escaping @Sendable (Int32) -> Void) {
        for number in signals {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { [unowned self] in
                received += 1
                if received == 1 {
                    onFirst(number)
                } else {
                    FileHandle.standardError.write(Data("second signal: exiting now; the file in flight is rolled back\n".utf8))
                    Foundation.exit(130)
                }
            }
            source.resume()
            sources.append(source)
        }
    }

    /// Starts trapping; `stop` is requested on the first signal.
    convenience init(_ stop: StopSignal, signals: [Int32] = [SIGTERM, SIGINT]) {
        self.init(signals: signals) { _ in stop.request() }
    }
}
