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

    @Option(help: "Maximum provider requests this run (default: $GEOCODER_BUDGET or 500).")
    var budget: Int?

    @OptionGroup var choice: GeocoderChoice

    @Option(help: "Reject answers further than this many km from the cluster centroid.")
    var radius: Double = 25

    @Flag(help: "Print the report as JSON.")
    var json = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let logger = global.bootstrapLogging()
        let env = try global.environment()
        var settings = GeocoderChoice.settings(env, radius: radius)
        do {
            if let budget {
                settings.budget = try GeocodeSettings.budget(String(budget), from: "--budget")
            } else if let text = env["GEOCODER_BUDGET"], !text.trimmingCharacters(in: .whitespaces).isEmpty {
                settings.budget = try GeocodeSettings.budget(text, from: "GEOCODER_BUDGET")
            }
        } catch {
            throw CommandFailure(status: .usage, message: "The geocode budget is not usable: \(error). Fix it and rerun.")
        }
        let geocoder = try choice.open(env: env, logger: logger)
        let store = try global.openStore(try global.requireDatabaseURL(env), logger: logger)
        defer { store.close() }
        var engine = GeocodeEngine(store: store, geocoder: geocoder, settings: settings, logger: logger)
        let progress = ProgressReporter.onTerminal()
        engine.progress = progress?.handler
        defer { progress?.finish() }
        let report: GeocodeReport
        do {
            report = target == .clusters ? try await engine.geocodeClusters(apply: apply) : try await engine.geocodeLocations(apply: apply)
            progress?.finish()
        } catch let error as GeocoderError {
            throw CommandFailure(status: ErrorAdvice.status(for: error), message: "Geocoding stopped: \(explained: error)")
        } catch {
            throw CommandFailure(status: .dependency, message: "Geocoding failed: \(explained: error)")
        }
        print(json ? ReportPrinter.json(report) : ReportPrinter.text(report))
    }
}

/// The geocoder chosen by flag or environment (`geocode` and `run` share these flags).
struct GeocoderChoice: ParsableArguments {
    @Option(help: "locationiq, opencage, nominatim or gazetteer (default: $GEOCODER_PROVIDER).")
    var provider: String?

    @Option(help: "Gazetteer CSV file for the gazetteer provider (default: $GEOCODER_GAZETTEER).")
    var gazetteer: String?

    /// A provider is chosen by flag or environment.
    func isConfigured(_ env: [String: String]) -> Bool { !(provider ?? env["GEOCODER_PROVIDER"] ?? "").isEmpty }

    /// Settings from the environment: `GEOCODER_COUNTRY_CODES` (comma-separated) over the defaults.
    static func settings(_ env: [String: String], radius: Double = 25) -> GeocodeSettings {
        var settings = GeocodeSettings(radiusKilometres: radius)
        if let codes = env["GEOCODER_COUNTRY_CODES"], !codes.isEmpty {
            settings.countryCodes = codes.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        }
        return settings
    }

    func open(env: [String: String], logger: Logger) throws -> any Geocoder {
        let name = (provider ?? env["GEOCODER_PROVIDER"] ?? "").lowercased()
        switch name {
        case "gazetteer":
            guard let path = gazetteer ?? env["GEOCODER_GAZETTEER"], !path.isEmpty else {
                throw CommandFailure(status: .usage, message: "The gazetteer provider needs a file: pass --gazetteer FILE or set GEOCODER_GAZETTEER.")
            }
            do {
                return try GazetteerGeocoder(file: URL(fileURLWithPath: path))
            } catch {
                throw CommandFailure(status: .usage, message: "Could not load the gazetteer \(path): \(error).")
            }
        case "":
            throw CommandFailure(status: .usage, message: "No geocoder chosen: pass --provider or set GEOCODER_PROVIDER (locationiq, opencage, nominatim or gazetteer).")
        default:
            return try HTTPGeocoders.open(name, env: env, logger: logger)
        }
    }
}
