import Foundation

/// The one set of defaults: what a setting is when neither a flag (or an embedder's
/// override), the environment nor the `.env` file gives it.
///
/// Every default the product has lives here; the types that take these values
/// (`GeocodeSettings`, `WorkerSettings`, `HealthCheck`, the S3 configuration) default to these
/// constants, and `Setting.all` shows them, so the documentation, `--help` and the code cannot
/// disagree. See docs/settings.md.
public enum SettingDefaults {
    /// Provider requests per geocode run (`geocode`) and per worker tick (`run`).
    ///
    /// 100, not more: the worker geocodes between drains, so a tick's budget is time the next
    /// drain waits (100 requests at a free tier's pace, about one a second, is under two
    /// minutes); a backfill passes a larger `--budget` once.
    public static let geocodeBudget = 100
    /// Answers further than this from their cluster's centroid are rejected (wrong-city guard).
    public static let geocodeRadiusKilometres = 25.0
    /// Countries a geocoder search is restricted to when a query names none.
    public static let geocoderCountryCodes = ["ke"]
    /// Time from the start of one worker tick to the start of the next.
    public static let workerInterval: Duration = .seconds(60)
    /// The shortest worker interval accepted (a tighter loop only burns listings).
    public static let minimumWorkerInterval: Duration = .milliseconds(100)
    /// The datasets drained, shown and checked, in this order.
    public static let datasets: [Dataset] = Dataset.all
    /// How old waiting files and the newest applied export may get before `status --check`
    /// calls a dataset behind or stale.
    public static let statusMaxAge: TimeInterval = 45 * 60
    /// The S3 signing region.
    public static let bucketRegion = "us-east-1"
    /// The bucket holding the change files.
    public static let bucketName = "isptickets"
    /// The `.env` file read from the working directory.
    public static let environmentFile = ".env"
}
