import FleetTicketsCore
import FleetTicketsGeocode
import Logging

/// The keyed HTTP providers (LocationIQ, OpenCage, Nominatim), configured from the settings.
enum HTTPGeocoders {
    static func open(_ name: String, settings: FleetTicketsSettings, logger: Logger) throws -> any Geocoder {
        let configuration: GeocoderConfiguration
        do {
            configuration = try GeocoderConfiguration(settings: settings, provider: name)
        } catch {
            throw CommandFailure(status: .usage, message: Sentences.join(
                "The \(name) geocoder is not configured: \(error)", "Set it in the environment or .env"))
        }
        logger.info("geocoder configured", metadata: ["geocoder": "\(configuration)"])
        return configuration.makeGeocoder(logger: logger)
    }
}
