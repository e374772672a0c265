@testable import DispatchService
import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Logging
import ServiceLifecycle
import Testing

/// The SDK's worker in the service's `ServiceGroup`: it drains while the group runs, and a graceful
/// shutdown ends it between files with what it applied committed and archived.
@Suite struct WorkerInGroupTests {
    // A worker that ignored the shutdown would keep the group running: the limit fails the test instead.
    @Test(.timeLimit(.minutes(1))) func aGracefulShutdownOfTheGroupStopsTheWorkerAfterItsFiles() async throws {
        let store = InMemoryTicketStore()
        let bucket = InMemoryChangeSource()
        let key = Fixtures.key(.inc, hour: 9)
        bucket.put(key, text: Fixtures.csv([Fixtures.row("W1"), Fixtures.row("W2")]))
        let worker = IngestWorker(source: bucket, connect: { WorkerServices(store: store, runs: store, gazetteer: nil) },
                                  settings: WorkerSettings(every: .milliseconds(100), datasets: [.inc]),
                                  logger: Logger(label: "dispatch-service.tests", factory: { _ in SwiftLogNoOpLogHandler() }))
        let group = ServiceGroup(configuration: .init(services: [.init(service: worker)],
                                                      logger: Logger(label: "group", factory: { _ in SwiftLogNoOpLogHandler() })))
        let running = Task { try await group.run() }
        let deadline = ContinuousClock.now + .seconds(30)
        while store.tickets(of: .inc).count < 2 && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(store.tickets(of: .inc).count == 2, "the worker drained while the group ran")
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(bucket.object(key) == nil && bucket.object(Dataset.inc.processedKey(for: key)) != nil,
                "the file was archived")
        // Once stopped, a new file stays where it is.
        let later = Fixtures.key(.inc, hour: 10)
        bucket.put(later, text: Fixtures.csv([Fixtures.row("W3")]))
        try await Task.sleep(for: .milliseconds(300))
        #expect(bucket.object(later) != nil && store.tickets(of: .inc).count == 2, "the worker stopped with the group")
    }
}
