import FleetTicketsCore
import FleetTicketsS3
import Logging

/// The bucket source (`--from-bucket`, the default), from the RUSTFS_* / TICKETS_BUCKET settings.
enum BucketSource {
    static func open(settings: FleetTicketsSettings, logger: Logger) throws -> any ChangeSource {
        do {
            return S3ChangeSource(configuration: try S3Configuration(settings: settings), logger: logger)
        } catch {
            throw CommandFailure(status: .usage, message: Sentences.join(
                "The bucket is not configured: \(error)", "Set it in the environment or .env, or use --dir / --csv"))
        }
    }
}
