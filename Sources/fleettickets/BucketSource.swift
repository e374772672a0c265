import FleetTicketsCore
import Logging

/// The bucket source (`--from-bucket`, the default).
enum BucketSource {
    static func open(env: [String: String], logger: Logger) throws -> any ChangeSource {
        throw CommandFailure(status: .usage, message: "Reading from the bucket is not available in this build yet; use --dir DIR or --csv FILE.")
    }
}
