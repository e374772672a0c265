import FleetTicketsCore
import ServiceLifecycle

/// The SDK's ingest worker as a swift-service-lifecycle `Service`, so it joins the service's
/// `ServiceGroup`: a graceful shutdown (SIGTERM, SIGINT) requests its stop, so the file in
/// flight is finished, committed and archived and the dataset locks released before `run()`
/// returns; a cancellation requests it too, and also ends the worker's sleep at once.
///
/// SEAM: this adapter goes away once `IngestWorker` is a `Service` itself; the group then
/// takes the worker directly.
public struct WorkerService<SleepClock: Clock<Duration>>: Service {
    /// The worker run.
    public let worker: IngestWorker<SleepClock>

    /// A service running `worker`.
    public init(_ worker: IngestWorker<SleepClock>) {
        self.worker = worker
    }

    public func run() async throws {
        let stop = StopSignal()
        _ = await withTaskCancellationOrGracefulShutdownHandler {
            await worker.run(until: stop)
        } onCancelOrGracefulShutdown: {
            stop.request()
        }
    }
}
