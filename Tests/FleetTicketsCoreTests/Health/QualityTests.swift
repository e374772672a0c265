import FleetTicketsCore
import FleetTicketsTesting
import Foundation
import Testing

/// The quality figures and their thresholds over the in-memory store: the known dataset of
/// `QualityScenario`, loaded through the real ingest.
@Suite struct QualityTests {
    @Test func theKnownDatasetGivesTheKnownFiguresAndThresholdsJudgeThem() async throws {
        let wrong = try await QualityScenario(store: InMemoryTicketStore()).run()
        #expect(wrong == [])
    }

    @Test func theFiguresAreInTheStatusJSONUnderSnakeCaseKeys() async throws {
        let scenario = QualityScenario(store: InMemoryTicketStore())
        try await scenario.load()
        let status = try #require(try await scenario.read().datasets.first)
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        let object = try #require(try JSONSerialization.jsonObject(with: encoder.encode(status)) as? [String: Any])
        let quality = try #require(object["quality"] as? [String: Any])
        for key in ["content_lag_seconds", "rows", "rows_without_cluster", "rows_with_unknown_cluster", "unparsed_timestamps",
                    "dropped", "open_without_position", "day"] {
            #expect(quality[key] != nil, "quality.\(key)")
        }
        #expect(quality["content_lag_seconds"] as? Double == 1800)
        #expect(quality["dropped"] as? [String: Int] == ["alarm": 1, "missing_ticket_id": 1, "sentinel": 1, "superseded": 1])
    }

    @Test func anEmptyStoreHasNoDayAndNothingToJudge() async throws {
        let store = InMemoryTicketStore()
        let report = try await StatusReader(store: store, runs: store, source: .unavailable(reason: "none"),
                                            check: HealthCheck(quality: QualityScenario.exceeded)).read([.inc])
        let quality = try #require(report.datasets.first?.quality)
        #expect(quality == DatasetQuality())
        #expect(report.problems.map(\.kind) == [.unchecked], "an empty day exceeds no threshold: \(report.problems)")
    }

    @Test func limitsAreCountsOrShares() {
        #expect(QualityLimit("12") == .count(12))
        #expect(QualityLimit(" 2.5% ") == .share(0.025))
        #expect(QualityLimit("-1") == nil && QualityLimit("120%") == nil && QualityLimit("many") == nil)
        #expect(QualityLimit.share(0.3).description == "30%" && QualityLimit.count(0).description == "0")
        #expect(QualityLimit.count(0).isExceeded(by: 1, of: 10) && !QualityLimit.count(1).isExceeded(by: 1, of: 10))
        #expect(!QualityLimit.share(0.5).isExceeded(by: 3, of: 0), "a share of nothing exceeds nothing")
    }

    @Test func theThresholdsAreSettingsWithFlagsAndVariables() throws {
        var overrides = SettingsOverrides()
        overrides.set(.qualityMaxWithoutCluster, "2%")
        let env = ["FLEETTICKETS_MAX_CONTENT_LAG": "1h", "FLEETTICKETS_MAX_DROPPED": "missing_ticket_id=0, alarm=10%",
                   "FLEETTICKETS_MAX_OPEN_WITHOUT_POSITION": "25", "FLEETTICKETS_MAX_WITHOUT_CLUSTER": "9"]
        let settings = try FleetTicketsSettings(values: SettingValues(overrides: overrides, environment: env))
        #expect(settings.quality == QualityThresholds(maxContentLag: 3600, maxWithoutCluster: .share(0.02), maxOpenWithoutPosition: .count(25),
                                                      maxDropped: [.missingTicketID: .count(0), .alarm: .share(0.1)]))
        #expect(settings.healthCheck.quality == settings.quality)
        #expect(try FleetTicketsSettings(values: SettingValues()).quality == QualityThresholds(), "unset by default")
    }

    @Test func aBadThresholdNamesWhereItCameFrom() {
        func error(_ env: [String: String]) -> String? {
            (#expect(throws: SettingsError.self) { try FleetTicketsSettings(values: SettingValues(environment: env)) })?.description
        }
        #expect(error(["FLEETTICKETS_MAX_UNKNOWN_CLUSTER": "lots"])
                == "FLEETTICKETS_MAX_UNKNOWN_CLUSTER must be a count like 12 or a share like 2% (got 'lots')")
        #expect(error(["FLEETTICKETS_MAX_DROPPED": "typo=1"])
                == "FLEETTICKETS_MAX_DROPPED must be REASON=LIMIT pairs like missing_ticket_id=0,alarm=10% with reasons among alarm, sentinel, missing_ticket_id, superseded (got 'typo=1')")
        #expect(error(["FLEETTICKETS_MAX_CONTENT_LAG": "0"]) == "FLEETTICKETS_MAX_CONTENT_LAG must be a duration like 45m, 2h or 90s (got '0')")
    }
}
