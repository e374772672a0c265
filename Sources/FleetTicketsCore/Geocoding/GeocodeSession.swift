import Foundation
import Logging

extension GeocodeEngine {
    /// One run's conversation with the provider: its budget, its pacing across runs, and what
    /// each failure means for the rest of the run.
    struct Session {
        let engine: GeocodeEngine
        let budget: GeocodeBudget
        /// The run must stop asking (quota, budget, credentials).
        var stop = false
        /// A failure to rethrow once the answers so far are saved and geometries resolved.
        var fatal: (any Error)?
        /// The provider refused to go on (quota or credentials), as opposed to the budget ending.
        var refused = false

        init(engine: GeocodeEngine, budget: GeocodeBudget) {
            self.engine = engine
            self.budget = budget
        }

        /// Waits until the provider's pacing since the last request of any earlier run has passed,
        /// so back-to-back runs never exceed its rate as the provider sees it.
        func waitForPacing() async throws {
            let pacing = engine.geocoder.pacing
            guard pacing > .zero, let last = try await engine.store.lastGeocoderRequest(provider: engine.geocoder.provider) else { return }
            let since = engine.clock.now.timeIntervalSince(last)
            let pacingSeconds = Double(pacing.components.seconds) + Double(pacing.components.attoseconds) / 1e18
            let wait = pacingSeconds - since
            // A last request "in the future" (clocks of two hosts disagree) waits one pacing at most.
            if wait > 0 { try await engine.sleep(.seconds(min(wait, pacingSeconds))) }
        }

        /// Asks once (with the geocoder's own retries); nil when there is no answer to record,
        /// with `stop` set when the run must stop asking.
        mutating func ask(_ query: PlaceQuery, report: inout GeocodeReport) async throws -> [GeocodeCandidate]? {
            report.asked += 1
            let spentBefore = budget.spent
            defer { report.requests = budget.spent }
            let started = ContinuousClock.now
            do {
                let found = try await engine.geocoder.candidates(for: query, budget: budget)
                engine.metrics.asked(provider: engine.geocoder.provider, seconds: started.duration(to: .now).seconds)
                try await note(sentSince: spentBefore)
                return found
            } catch {
                engine.metrics.asked(provider: engine.geocoder.provider, seconds: started.duration(to: .now).seconds)
                try? await note(sentSince: spentBefore)
                try handle(error, report: &report)
                return nil
            }
        }

        /// Remembers the time of the last request sent, for the next run's spacing.
        private func note(sentSince before: Int) async throws {
            guard budget.spent > before else { return }
            try await engine.store.recordGeocoderRequest(provider: engine.geocoder.provider, at: engine.clock.now)
        }

        /// Records a provider failure and decides what it means for the rest of the run.
        private mutating func handle(_ failure: any Error, report: inout GeocodeReport) throws {
            if failure is CancellationError { throw failure }
            let provider = engine.geocoder.provider
            let error = failure as? GeocoderError ?? .unavailable(provider: provider, message: "\(failure)")
            switch error.code {
            case .quotaExhausted:
                report.asked -= 1  // not answered: asked again next run
                report.stoppedEarly = "\(error)"
                engine.logger.warning("geocoder quota exhausted; stopping", metadata: ["provider": "\(provider)"])
                stop = true
                refused = true
            case .budgetSpent:
                report.asked -= 1
                report.stoppedEarly = "\(error)"
                engine.logger.notice("geocode budget spent (retries included); stopping", metadata: ["provider": "\(provider)"])
                stop = true
            case .unauthorized:
                report.asked -= 1
                stop = true
                refused = true
                fatal = error
            default:  // unavailable, and any code added later: this place fails, the run goes on
                report.failed += 1
                engine.logger.warning("geocoder request failed; the next run asks again", metadata: ["error": "\(error)"])
            }
        }
    }
}
