import FleetTicketsCore
import Logging

/// The keyed HTTP providers (LocationIQ, OpenCage, Nominatim).
enum HTTPGeocoders {
    static func open(_ name: String, env: [String: String], logger: Logger) throws -> any Geocoder {
        throw CommandFailure(status: .usage, message: "The \(name) provider is not available in this build yet; use --provider gazetteer.")
    }
}
