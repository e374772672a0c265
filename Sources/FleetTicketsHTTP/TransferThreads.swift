import Dispatch
import Foundation
import Synchronization

/// Long-lived threads for blocking libcurl transfers.
///
/// A transfer runs on an idle thread when there is one, else on a new one, so a transfer never
/// waits for another to end (a streamed download holds its thread for as long as its reader
/// takes). A thread whose transfer ended parks for the next one, up to `keeping` idle threads;
/// the others end. A new thread per request would pay a thread's creation and a round through
/// the kernel's scheduler on every request, a sizeable share of a small file's HTTP work.
final class TransferThreads: Sendable {
    static let shared = TransferThreads(keeping: 16)

    /// One thread's mailbox: the job it is to run next, and the semaphore it parks on.
    private final class Worker: Sendable {
        let job: Mutex<(@Sendable () -> Void)?>
        let wake = DispatchSemaphore(value: 0)

        init(_ job: @escaping @Sendable () -> Void) { self.job = Mutex(job) }

        /// Takes the job to run, leaving none.
        func take() -> (@Sendable () -> Void)? { job.withLock { job in defer { job = nil }; return job } }
    }

    private let idle = Mutex<[Worker]>([])
    private let keeping: Int

    init(keeping: Int) {
        self.keeping = keeping
    }

    /// Runs `job` on a thread of its own, outside the Swift concurrency pool.
    func run(_ job: @escaping @Sendable () -> Void) {
        if let worker = idle.withLock({ $0.popLast() }) {
            worker.job.withLock { $0 = job }
            worker.wake.signal()
            return
        }
        let worker = Worker(job)
        let thread = Thread { [self] in serve(worker) }
        thread.name = "fleettickets-http"
        thread.start()
    }

    /// How many threads wait for work (for tests).
    var idleCount: Int { idle.withLock { $0.count } }

    private func serve(_ worker: Worker) {
        while let job = worker.take() {
            job()
            let parked = idle.withLock { idle -> Bool in
                guard idle.count < keeping else { return false }
                idle.append(worker)
                return true
            }
            guard parked else { return }
            worker.wake.wait()
        }
    }
}
