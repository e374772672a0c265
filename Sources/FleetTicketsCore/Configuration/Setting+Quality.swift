import Foundation

extension Setting {
    /// The most the content may lag the export schedule.
    public static let qualityMaxContentLag = Setting(
        "FLEETTICKETS_MAX_CONTENT_LAG", flags: ["--max-content-lag"],
        meaning: "`status --check`: the most the newest last_seen_at applied may trail the newest export slot, e.g. 1h (unset: not judged)")
    /// The most rows of the last EAT day without a cluster.
    public static let qualityMaxWithoutCluster = Setting(
        "FLEETTICKETS_MAX_WITHOUT_CLUSTER", flags: ["--max-without-cluster"],
        meaning: "`status --check`: the most rows of the last EAT day without a cluster, a count or a share of the day's rows like 2% (unset: not judged)")
    /// The most rows of the last EAT day with a cluster the gazetteer does not know.
    public static let qualityMaxUnknownCluster = Setting(
        "FLEETTICKETS_MAX_UNKNOWN_CLUSTER", flags: ["--max-unknown-cluster"],
        meaning: "`status --check`: the most rows of the last EAT day whose cluster has no centroid, a count or a share like 5% (unset: not judged)")
    /// The most timestamps of the last EAT day that did not parse.
    public static let qualityMaxUnparsedTimestamps = Setting(
        "FLEETTICKETS_MAX_UNPARSED_TIMESTAMPS", flags: ["--max-unparsed-timestamps"],
        meaning: "`status --check`: the most non-blank timestamps of the last EAT day that did not parse, a count or a share of the day's rows (unset: not judged)")
    /// The most open tickets without a position.
    public static let qualityMaxOpenWithoutPosition = Setting(
        "FLEETTICKETS_MAX_OPEN_WITHOUT_POSITION", flags: ["--max-open-without-position"],
        meaning: "`status --check`: the most open tickets without a position, a count or a share of the open tickets like 10% (unset: not judged)")
    /// The most rows of the last EAT day dropped, per reason.
    public static let qualityMaxDropped = Setting(
        "FLEETTICKETS_MAX_DROPPED", flags: ["--max-dropped"],
        meaning: "`status --check`: the most rows of the last EAT day dropped per reason, e.g. missing_ticket_id=0,alarm=10% (a share of the rows read; unset: not judged)")

    /// The quality thresholds, in the order docs/settings.md lists them.
    static let quality: [Setting] = [
        .qualityMaxContentLag, .qualityMaxWithoutCluster, .qualityMaxUnknownCluster, .qualityMaxUnparsedTimestamps,
        .qualityMaxOpenWithoutPosition, .qualityMaxDropped,
    ]
}

extension QualityThresholds {
    /// The thresholds the settings give; an unset one stays unset.
    /// - Throws: `SettingsError` naming where the first unusable value came from.
    init(values: SettingValues) throws(SettingsError) {
        self.init(
            maxContentLag: try FleetTicketsSettings.parseOptional(values, .qualityMaxContentLag, FleetTicketsSettings.parsePositiveDuration),
            maxWithoutCluster: try FleetTicketsSettings.parseOptional(values, .qualityMaxWithoutCluster, QualityThresholds.parseLimit),
            maxUnknownCluster: try FleetTicketsSettings.parseOptional(values, .qualityMaxUnknownCluster, QualityThresholds.parseLimit),
            maxUnparsedTimestamps: try FleetTicketsSettings.parseOptional(values, .qualityMaxUnparsedTimestamps, QualityThresholds.parseLimit),
            maxOpenWithoutPosition: try FleetTicketsSettings.parseOptional(values, .qualityMaxOpenWithoutPosition, QualityThresholds.parseLimit),
            maxDropped: try FleetTicketsSettings.parseOptional(values, .qualityMaxDropped, QualityThresholds.parseDropped) ?? [:])
    }
}
