/// Where long work stands, for a progress display: the engine reports, the CLI renders
/// (`ProgressMeter` does the arithmetic). Handlers are called on the working task and must
/// return quickly.
public struct ProgressEvent: Sendable {
    /// What is being worked on, e.g. `ingest inc`, `geocode locations`.
    public var task: String
    /// The unit of a step, e.g. `file`, `place`, `cluster`.
    public var unit: String
    /// The step in flight (1-based), or the step just finished.
    public var step: Int
    /// Steps in all.
    public var steps: Int
    /// The step's item (a key, a place name).
    public var item: String?
    /// Bytes of the steps finished before this one.
    public var bytesDone: Int64
    /// Bytes of all steps (0 when unknown).
    public var bytesTotal: Int64
    /// Rows read by the steps finished before this one.
    public var rowsDone: Int
    /// Live counts of the file in flight (ingest only); `ProgressMeter` shows them.
    package var tally: FileTally?
    /// The step is finished (or the work is: `step == steps`).
    public var finished: Bool

    /// An event.
    public init(task: String, unit: String, step: Int, steps: Int, item: String? = nil, bytesDone: Int64 = 0,
                bytesTotal: Int64 = 0, rowsDone: Int = 0, finished: Bool = false) {
        self.task = task
        self.unit = unit
        self.step = step
        self.steps = steps
        self.item = item
        self.bytesDone = bytesDone
        self.bytesTotal = bytesTotal
        self.rowsDone = rowsDone
        self.finished = finished
    }
}

/// Receives progress events.
public typealias ProgressHandler = @Sendable (ProgressEvent) -> Void
