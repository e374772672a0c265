import ArgumentParser
import FleetTicketsCore
import FleetTicketsPostgres
import Foundation
import Logging

/// `fleettickets geocode clusters|locations`: finds where the work is.
struct Geocode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Geocode cluster centroids or the places of actionable tickets (dry run unless --apply).",
        discussion: """
        clusters: one coordinate per cluster without one. locations: the places of actionable \
        INC and CRQ tickets (one gazetteer, one budget), network codes stripped from \
        location_name, answers further than the radius from the cluster rejected. Every answer \
        (hits, misses, rejections) is cached in tickets.geo_clusters / tickets.geo_locations \
        with verified = false; ticket positions are re-resolved afterwards.
        """
    )

    enum Target: String, ExpressibleByArgument { case clusters, locations }

    @Argument(help: "clusters or locations")
    var target: Target

    @Flag(help: "Ask the provider and save. Without it: print the plan, ask nothing.")
    var apply = false

    @Option(help: Setting.geocodeBudget.help("Maximum provider requests this run."))
    var budget: Int?

    @OptionGroup var choice: GeocoderChoice

    @Option(help: Setting.geocodeRadius.help("Reject answers further than this many km from the cluster centroid."))
    var radius: Double?

    @Flag(help: "Print the report as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    var overrides: SettingsOverrides {
        var overrides = choice.overrides
        overrides.set(.geocodeBudget, budget.map(String.init), flag: "--budget")
        overrides.set(.geocodeRadius, radius.map { "\($0)" })
        return overrides
    }

    func validate() throws { try global.validate(overrides) }

    func run() async throws {
        let logger = global.bootstrapLogging()
        let settings = try global.settings(overrides)
        let geocoder = try GeocoderChoice.open(settings, logger: logger)
        let store = try await global.openStore(try global.requireDatabaseURL(settings), logger: logger)
        defer { store.close() }
        var engine = GeocodeEngine(store: store, geocoder: geocoder, settings: settings.geocode, logger: logger)
        let progress = ProgressReporter.onTerminal()
        engine.progress = progress?.handler
        defer { progress?.finish() }
        let report: GeocodeReport
        do {
            report = target == .clusters ? try await engine.geocodeClusters(apply: apply) : try await engine.geocodeLocations(apply: apply)
            progress?.finish()
        } catch let error as GeocoderError {
            throw CommandFailure(status: ErrorAdvice.status(for: error), message: Sentences.join("Geocoding stopped: \(explained: error)"))
        } catch {
            throw CommandFailure(status: .dependency, message: Sentences.join("Geocoding failed: \(explained: error)"))
        }
        print(json ? ReportPrinter.json(report) : ReportPrinter.text(report))
    }
}

/// The geocoder chosen by flag or settings (`geocode` and `run` share these flags).
struct GeocoderChoice: ParsableArguments {
    @Option(help: Setting.geocoderProvider.help("locationiq, opencage, nominatim or gazetteer."))
    var provider: String?

    @Option(help: Setting.geocoderGazetteer.help("Gazetteer CSV file for the gazetteer provider."))
    var gazetteer: String?

    /// The flags as settings overrides.
    var overrides: SettingsOverrides {
        var overrides = SettingsOverrides()
        overrides.set(.geocoderProvider, provider)
        overrides.set(.geocoderGazetteer, gazetteer)
        return overrides
    }

    /// The configured provider; a usage error when none is chosen or it is not configured.
    static func open(_ settings: FleetTicketsSettings, logger: Logger) throws -> any Geocoder {
        switch settings.geocoderProvider {
        case "gazetteer":
            guard let path = settings.gazetteerFile else {
                throw CommandFailure(status: .usage, message: "The gazetteer provider needs a file: pass --gazetteer FILE or set GEOCODER_GAZETTEER.")
            }
            do {
                return try GazetteerGeocoder(file: URL(fileURLWithPath: path))
            } catch {
                throw CommandFailure(status: .usage, message: Sentences.join("Could not load the gazetteer \(path): \(error)"))
            }
        case nil:
            throw CommandFailure(status: .usage, message: "No geocoder chosen: pass --provider or set GEOCODER_PROVIDER (locationiq, opencage, nominatim or gazetteer).")
        case let name?:
            return try HTTPGeocoders.open(name, settings: settings, logger: logger)
        }
    }
}
