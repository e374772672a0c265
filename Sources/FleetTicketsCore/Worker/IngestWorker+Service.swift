import ServiceLifecycle

extension IngestWorker: Service {
    /// Drains until the service group shuts down gracefully or the task is cancelled (see the
    /// type's notes for what each leaves behind), then returns. Never throws: dependency
    /// failures are retried with backoff and data errors park their dataset.
    public func run() async throws {
        await run(until: StopSignal())
    }
}
