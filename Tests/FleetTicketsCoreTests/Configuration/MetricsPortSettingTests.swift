import FleetTicketsCore
import Testing

/// `METRICS_PORT` / `--metrics-port`: unset means no endpoint; a value must be a TCP port.
@Suite struct MetricsPortSettingTests {
    func settings(env: [String: String]) throws -> FleetTicketsSettings {
        try FleetTicketsSettings(values: SettingValues(environment: env))
    }

    @Test func unsetMeansNoEndpointAndAPortIsRead() throws {
        #expect(try settings(env: [:]).metricsPort == nil)
        #expect(try settings(env: ["METRICS_PORT": " 9464 "]).metricsPort == 9464)
        #expect(try settings(env: ["METRICS_PORT": "65535"]).metricsPort == 65_535)
    }

    @Test func anythingButAPortNamesWhereItCameFrom() {
        for bad in ["0", "65536", "-1", "http", "94 64"] {
            let error = #expect(throws: SettingsError.self) { try settings(env: ["METRICS_PORT": bad]) }
            #expect(error?.description == "METRICS_PORT must be a TCP port number from 1 to 65535 (got '\(bad)')")
        }
    }
}
