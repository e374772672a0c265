import Foundation
import Logging

/// Settings of a geocode run: budget, wrong-city radius, countries, retry period.
///
/// The defaults are `SettingDefaults`'; `FleetTicketsSettings.geocode` fills them from
/// configuration.
public struct GeocodeSettings: Sendable, Hashable {
    /// Maximum provider requests this run (or worker tick).
    public var budget: Int
    /// Results further than this from the cluster centroid are rejected (wrong-city guard).
    public var radiusKilometres: Double
    /// Countries the provider is restricted to.
    public var countryCodes: [String]
    /// Misses and rejections older than this are asked again.
    public var retryAfter: TimeInterval

    public init(budget: Int = SettingDefaults.geocodeBudget, radiusKilometres: Double = SettingDefaults.geocodeRadiusKilometres,
                countryCodes: [String] = SettingDefaults.geocoderCountryCodes, retryAfter: TimeInterval = 30 * 86_400) {
        self.budget = budget
        self.radiusKilometres = radiusKilometres
        self.countryCodes = countryCodes
        self.retryAfter = retryAfter
    }
}

extension GeocodeSettings {
    /// A request budget as written in `GEOCODER_BUDGET` or `--budget`: a whole number, zero or
    /// more. Anything else is refused (a typo must not silently mean "the default").
    /// - Throws: `GeocodeSettingsError` naming the source and the text.
    public static func budget(_ text: String, from source: String) throws -> Int {
        do {
            return try parseBudget(text)
        } catch {
            throw GeocodeSettingsError(message: "\(source) \(error)")
        }
    }

    /// The rule behind ``budget(_:from:)`` (and `FleetTicketsSettings`).
    static func parseBudget(_ text: String) throws(SettingsProblem) -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)), value >= 0 else {
            throw SettingsProblem("must be a whole number of requests, 0 or more (got '\(text)')")
        }
        return value
    }

    /// Country codes as `GEOCODER_COUNTRY_CODES` lists them: trimmed and lowercased, each two
    /// ASCII letters (ISO 3166-1 alpha-2), at least one. The one rule for the engine's
    /// settings and the HTTP geocoders' configuration.
    /// - Returns: the codes, or the problem (a predicate such as `must be two-letter …`).
    package static func checkCountryCodes(_ codes: [String]) -> (codes: [String], problem: String?) {
        let cleaned = codes.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
        for code in cleaned where code.count != 2 || !code.allSatisfy({ $0.isASCII && $0.isLetter }) {
            return (cleaned, "must be two-letter ISO 3166-1 codes separated by commas, got '\(code)'")
        }
        return cleaned.isEmpty ? (cleaned, "names no country (e.g. ke)") : (cleaned, nil)
    }
}

/// A geocode setting that cannot be used: a usage error naming what to fix.
public struct GeocodeSettingsError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, naming the setting.
    public var message: String
    /// The message.
    public var description: String { message }
}

/// Finds where the work is: cluster centroids, then precise places for actionable tickets of
/// both datasets (one gazetteer, one budget), guarded against wrong-city answers, cached
/// whatever the answer, then ticket geometries re-resolved.
///
/// Keeps what it pays for: each answer is saved as it arrives (a kill or a refused key
/// mid-run loses none), every request sent counts against the budget (retries too), and the
/// provider's pacing is kept across runs through the last request time the store remembers.
public struct GeocodeEngine: Sendable {
    public let store: any GazetteerStore
    public let geocoder: any Geocoder
    public let settings: GeocodeSettings
    public let clock: WallClock
    public let logger: Logger
    let sleep: @Sendable (Duration) async throws -> Void
    /// Told before each provider question, for a progress display.
    public var progress: ProgressHandler?
    /// Where applying runs count the provider's answers and time its requests (docs/operations.md, "Metrics").
    public var metrics: FleetTicketsMetrics

    /// An engine that places names through `geocoder` and keeps every answer in `store`, within
    /// `settings`' budget, timing with `clock`, logging to `logger` and emitting to `metrics`.
    /// `sleep` is how it waits out the provider's pacing left over from an earlier run (tests
    /// pass one that records instead of waiting).
    public init(store: any GazetteerStore, geocoder: any Geocoder, settings: GeocodeSettings = GeocodeSettings(),
                clock: WallClock = .system, logger: Logger = Logger(label: "fleettickets.geocode", factory: { _ in SwiftLogNoOpLogHandler() }),
                metrics: FleetTicketsMetrics = FleetTicketsMetrics(),
                sleep: @escaping @Sendable (Duration) async throws -> Void = { try await Task.sleep(for: $0) }) {
        self.store = store
        self.geocoder = geocoder
        self.settings = settings
        self.clock = clock
        self.logger = logger
        self.metrics = metrics
        self.sleep = sleep
    }

    /// One coordinate per cluster that has none (misses are cached and asked again after the
    /// retry period, like places).
    public func geocodeClusters(apply: Bool) async throws -> GeocodeReport {
        let started = ContinuousClock.now
        var report = GeocodeReport(kind: .clusters, dryRun: !apply, provider: geocoder.provider, budget: settings.budget)
        report.placementBefore = try await store.placement()
        let needs = try await store.clustersNeedingCoordinates(retryBefore: clock.now.addingTimeInterval(-settings.retryAfter))
        report.needed = needs.count
        let planned = needs.prefix(max(0, settings.budget))
        report.sample = planned.prefix(5).map { "\($0.cluster) (\($0.tickets) tickets)" }
        guard apply else {
            report.asked = planned.count
            report.requests = planned.count
            report.deferred = needs.count - planned.count
            return finishDry(report, started: started)
        }
        let budget = GeocodeBudget(limit: settings.budget)
        var session = Session(engine: self, budget: budget)
        // Whatever ends the run (a refused key, a failing store), the answers it got are counted.
        defer { metrics.geocoded(report, refused: session.refused) }
        try await session.waitForPacing()
        for need in needs {
            guard budget.remaining > 0 else { break }
            progress?(ProgressEvent(task: "geocode clusters", unit: "cluster", step: report.asked + 1, steps: planned.count, item: need.cluster))
            let query = PlaceQuery(text: need.cluster, near: nil, countryCodes: settings.countryCodes)
            guard let candidates = try await session.ask(query, report: &report) else {
                if session.stop { break } else { continue }
            }
            if let best = candidates.first(where: { $0.coordinate.isPlausible }) {
                report.hits += 1
                try await store.save(clusters: [ClusterAnswer(cluster: need.cluster, coordinate: best.coordinate, query: query.text, provider: best.provider)])
            } else {
                report.misses += 1
                try await store.save(clusterMisses: [ClusterMiss(cluster: need.cluster, query: query.text, provider: geocoder.provider)])
            }
        }
        report.deferred = needs.count - report.asked
        return try await finish(report, session: session, started: started)
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
        report.sample = plan.requests.prefix(5).map { "\($0.place.query)\($0.cluster.map { " near \($0)" } ?? "") (\($0.tickets) tickets)" }
        guard apply else {
            report.asked = plan.requests.count
            report.requests = plan.requests.count
            report.deferred = plan.deferred.count
            return finishDry(report, started: started)
        }
        // Names with no place words are misses without a request: saved first, costing nothing.
        try await store.save(locations: plan.unusable.map {
            LocationAnswer(locationName: $0.locationName, cluster: $0.cluster, query: "", status: .miss,
                           coordinate: nil, distanceKilometres: nil, provider: geocoder.provider)
        })
        let budget = GeocodeBudget(limit: settings.budget)
        var session = Session(engine: self, budget: budget)
        // Whatever ends the run (a refused key, a failing store), the answers it got are counted.
        defer { metrics.geocoded(report, refused: session.refused) }
        try await session.waitForPacing()
        for request in plan.requests {
            guard budget.remaining > 0 else { break }
            progress?(ProgressEvent(task: "geocode locations", unit: "place", step: report.asked + 1, steps: plan.requests.count,
                                    item: request.place.query))
            let query = PlaceQuery(text: request.place.query, near: request.centroid, countryCodes: settings.countryCodes)
            guard let found = try await session.ask(query, report: &report) else {
                if session.stop { break } else { continue }
            }
            let answer = judge(found, near: request.centroid)
            switch answer.status {
            case .hit: report.hits += 1
            case .miss: report.misses += 1
            case .rejected:
                report.rejected += 1
                logger.info("rejected a far answer", metadata: ["place": "\(request.place)", "km": "\(Int(answer.distance ?? 0))"])
            }
            // Saved now, not at the end: a kill or a refused key later in the run keeps it.
            try await store.save(locations: request.locationNames.map { name in
                LocationAnswer(locationName: name, cluster: request.cluster, query: request.place.query, status: answer.status,
                               coordinate: answer.coordinate, distanceKilometres: answer.distance, provider: geocoder.provider)
            })
        }
        report.deferred = plan.requests.count + plan.deferred.count - report.asked
        return try await finish(report, session: session, started: started)
    }

    /// The nearest plausible candidate is judged: the provider's best may be a namesake elsewhere.
    private func judge(_ found: [GeocodeCandidate], near centroid: Coordinate)
        -> (status: LocationAnswer.Status, coordinate: Coordinate?, distance: Double?) {
        let nearest = found.filter { $0.coordinate.isPlausible }.min {
            $0.coordinate.distanceKilometres(to: centroid) < $1.coordinate.distanceKilometres(to: centroid)
        }
        guard let nearest else { return (.miss, nil, nil) }
        let distance = nearest.coordinate.distanceKilometres(to: centroid)
        return (distance <= settings.radiusKilometres ? .hit : .rejected, nearest.coordinate, distance)
    }

    private func finishDry(_ report: GeocodeReport, started: ContinuousClock.Instant) -> GeocodeReport {
        var report = report
        report.placementAfter = report.placementBefore
        report.seconds = started.duration(to: .now).seconds
        return report
    }

    /// Re-resolves geometries over what was saved, then rethrows a refused key, if that is
    /// what stopped the run (after its paid answers were kept).
    private func finish(_ report: GeocodeReport, session: Session, started: ContinuousClock.Instant) async throws -> GeocodeReport {
        var report = report
        report.requests = session.budget.spent
        report.geometriesChanged = try await store.resolveGeometries()
        report.placementAfter = try await store.placement()
        report.seconds = started.duration(to: .now).seconds
        if let fatal = session.fatal { throw fatal }
        return report
    }
}
