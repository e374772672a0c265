import Foundation
import Logging

/// Settings of a geocode run (SPEC 4), from configuration.
public struct GeocodeSettings: Sendable, Hashable {
    /// Maximum provider requests this run.
    public var budget: Int
    /// Results further than this from the cluster centroid are rejected (wrong-city guard).
    public var radiusKilometres: Double
    /// Countries the provider is restricted to.
    public var countryCodes: [String]
    /// Misses and rejections older than this are asked again.
    public var retryAfter: TimeInterval

    public init(budget: Int = 500, radiusKilometres: Double = 25, countryCodes: [String] = ["ke"], retryAfter: TimeInterval = 30 * 86_400) {
        self.budget = budget
        self.radiusKilometres = radiusKilometres
        self.countryCodes = countryCodes
        self.retryAfter = retryAfter
    }
}

/// Finds where the work is: cluster centroids, then precise places for actionable tickets of
/// both datasets (one gazetteer, one budget), guarded against wrong-city answers, cached
/// whatever the answer, then ticket geometries re-resolved.
public struct GeocodeEngine: Sendable {
    public let store: any GazetteerStore
    public let geocoder: any Geocoder
    public let settings: GeocodeSettings
    public let clock: WallClock
    public let logger: Logger
    /// Told before each provider request, for a progress display.
    public var progress: ProgressHandler?

    public init(store: any GazetteerStore, geocoder: any Geocoder, settings: GeocodeSettings = GeocodeSettings(),
                clock: WallClock = .system, logger: Logger = Logger(label: "fleettickets.geocode", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.store = store
        self.geocoder = geocoder
        self.settings = settings
        self.clock = clock
        self.logger = logger
    }

    /// One coordinate per cluster that has none.
    public func geocodeClusters(apply: Bool) async throws -> GeocodeReport {
        let started = ContinuousClock.now
        var report = GeocodeReport(kind: .clusters, dryRun: !apply, provider: geocoder.provider, budget: settings.budget)
        report.placementBefore = try await store.placement()
        let needs = try await store.clustersNeedingCoordinates()
        report.needed = needs.count
        let asked = needs.prefix(max(0, settings.budget))
        report.deferred = needs.count - asked.count
        report.sample = asked.prefix(5).map { "\($0.cluster) (\($0.tickets) tickets)" }
        var answers: [ClusterAnswer] = []
        for (index, need) in asked.enumerated() {
            report.asked += 1
            if !apply { continue }
            progress?(ProgressEvent(task: "geocode clusters", unit: "cluster", step: index + 1, steps: asked.count, item: need.cluster))
            let query = PlaceQuery(text: need.cluster, near: nil, countryCodes: settings.countryCodes)
            do {
                if let best = try await geocoder.candidates(for: query).first(where: { $0.coordinate.isPlausible }) {
                    report.hits += 1
                    answers.append(ClusterAnswer(cluster: need.cluster, coordinate: best.coordinate, query: query.text, provider: best.provider))
                } else {
                    report.misses += 1
                }
            } catch {
                if try handle(error, report: &report) { break }
            }
        }
        try await finish(apply: apply, report: &report) { try await store.save(clusters: answers) }
        report.seconds = started.duration(to: .now).seconds
        return report
    }

    /// Precise positions for the places of actionable tickets.
    public func geocodeLocations(apply: Bool) async throws -> GeocodeReport {
        let started = ContinuousClock.now
        var report = GeocodeReport(kind: .locations, dryRun: !apply, provider: geocoder.provider, budget: settings.budget)
        report.placementBefore = try await store.placement()
        let needs = try await store.placesNeedingGeocode(retryBefore: clock.now.addingTimeInterval(-settings.retryAfter))
        let plan = GeocodePlan(needs, budget: settings.budget)
        report.needed = needs.count
        report.unusable = plan.unusable.count
        report.withoutCentroid = plan.withoutCentroid.count
        report.deferred = plan.deferred.count
        report.sample = plan.requests.prefix(5).map { "\($0.place.query)\($0.cluster.map { " near \($0)" } ?? "") (\($0.tickets) tickets)" }
        var answers: [LocationAnswer] = plan.unusable.map {
            LocationAnswer(locationName: $0.locationName, cluster: $0.cluster, query: "", status: .miss,
                           coordinate: nil, distanceKilometres: nil, provider: geocoder.provider)
        }
        for (index, request) in plan.requests.enumerated() {
            report.asked += 1
            if !apply { continue }
            progress?(ProgressEvent(task: "geocode locations", unit: "place", step: index + 1, steps: plan.requests.count,
                                    item: request.place.query))
            let query = PlaceQuery(text: request.place.query, near: request.centroid, countryCodes: settings.countryCodes)
            let status: LocationAnswer.Status
            var coordinate: Coordinate?
            var distance: Double?
            do {
                let candidates = try await geocoder.candidates(for: query).filter { $0.coordinate.isPlausible }
                // The nearest plausible candidate is judged: the provider's best may be a namesake elsewhere.
                let nearest = candidates.min {
                    $0.coordinate.distanceKilometres(to: request.centroid) < $1.coordinate.distanceKilometres(to: request.centroid)
                }
                if let nearest {
                    coordinate = nearest.coordinate
                    distance = nearest.coordinate.distanceKilometres(to: request.centroid)
                    status = distance! <= settings.radiusKilometres ? .hit : .rejected
                } else {
                    status = .miss
                }
            } catch {
                if try handle(error, report: &report) { break }
                continue
            }
            switch status {
            case .hit: report.hits += 1
            case .miss: report.misses += 1
            case .rejected:
                report.rejected += 1
                logger.info("rejected a far answer", metadata: ["place": "\(request.place)", "km": "\(Int(distance ?? 0))"])
            }
            for name in request.locationNames {
                answers.append(LocationAnswer(locationName: name, cluster: request.cluster, query: request.place.query, status: status,
                                              coordinate: coordinate, distanceKilometres: distance, provider: geocoder.provider))
            }
        }
        try await finish(apply: apply, report: &report) { try await store.save(locations: answers) }
        report.seconds = started.duration(to: .now).seconds
        return report
    }

    /// Records a provider failure; true when the run must stop asking. Credentials are a
    /// configuration error for the whole run and are thrown.
    private func handle(_ failure: any Error, report: inout GeocodeReport) throws -> Bool {
        if failure is CancellationError { throw failure }
        let error = failure as? GeocoderError ?? .unavailable(provider: geocoder.provider, message: "\(failure)")
        switch error {
        case .quotaExhausted:
            report.stoppedEarly = "\(error)"
            logger.warning("geocoder quota exhausted; stopping", metadata: ["provider": "\(geocoder.provider)"])
            return true
        case .unauthorized:
            throw error
        case .unavailable:
            report.failed += 1
            logger.warning("geocoder request failed; the next run asks again", metadata: ["error": "\(error)"])
            return false
        }
    }

    private func finish(apply: Bool, report: inout GeocodeReport, save: () async throws -> Void) async throws {
        guard apply else {
            report.placementAfter = report.placementBefore
            return
        }
        try await save()
        report.geometriesChanged = try await store.resolveGeometries()
        report.placementAfter = try await store.placement()
    }
}
