import FleetTicketsTesting
import FleetTicketsCore
import FleetTicketsGeocode
import Foundation
import InMemoryLogging
import Logging
import Testing

@Suite struct GeocoderConfigurationTests {
    func error(_ env: [String: String], provider: String? = nil) -> GeocoderConfigurationError? {
        do {
            _ = try GeocoderConfiguration(environment: env, provider: provider)
            return nil
        } catch {
            return error
        }
    }

    @Test func theDefaultsAreThePublicEndpointsAndFreeTiers() throws {
        let liq = try GeocoderConfiguration(environment: ["GEOCODER_PROVIDER": "LocationIQ", "GEOCODER_API_KEY": " k1 "])
        #expect(liq.provider == .locationiq && liq.apiKey == "k1")
        #expect(liq.baseURL == "https://us1.locationiq.com/v1/search")
        #expect(liq.rateLimit == GeocoderRateLimit(perSecond: 2, perMinute: 60))
        #expect(liq.countryCodes == ["ke"])
        #expect(liq.userAgent == "fleettickets/\(GeocoderConfiguration.clientVersion) (+field-ops ticket geocoder)")

        let oc = try GeocoderConfiguration(environment: ["GEOCODER_API_KEY": "k2", "GEOCODER_COUNTRY_CODES": "KE, tz"], provider: "opencage")
        #expect(oc.baseURL == "https://api.opencagedata.com/geocode/v1/json")
        #expect(oc.rateLimit == GeocoderRateLimit(perSecond: 1))
        #expect(oc.countryCodes == ["ke", "tz"])

        let nom = try GeocoderConfiguration(environment: ["GEOCODER_PROVIDER": "nominatim", "GEOCODER_URL": "http://nominatim.internal:8080/",
                                                          "GEOCODER_API_KEY": "ignored"])
        #expect(nom.baseURL == "http://nominatim.internal:8080/search")
        #expect(nom.apiKey == nil, "Nominatim is never sent a key")
        #expect(nom.rateLimit.perSecond == 1)
        let explicit = try GeocoderConfiguration(provider: .nominatim, apiKey: nil, baseURL: "https://geo.example/nominatim/search.php",
                                                 rateLimit: GeocoderRateLimit(perSecond: 20))
        #expect(explicit.baseURL == "https://geo.example/nominatim/search.php" && explicit.rateLimit.perSecond == 20)
    }

    @Test func eachMistakeNamesItsVariable() {
        #expect(error([:])?.variable == "GEOCODER_PROVIDER")
        #expect(error(["GEOCODER_PROVIDER": "google"])?.description.contains("locationiq, opencage, nominatim") == true)
        #expect(error([:], provider: "locationiq") == GeocoderConfigurationError(variable: "GEOCODER_API_KEY", problem: "is not set (the LocationIQ API key)"))
        #expect(error(["GEOCODER_API_KEY": "  "], provider: "opencage")?.variable == "GEOCODER_API_KEY")
        #expect(error(["GEOCODER_PROVIDER": "nominatim"])?.variable == "GEOCODER_URL")
        #expect(error(["GEOCODER_PROVIDER": "nominatim", "GEOCODER_URL": "nominatim.internal"])?.variable == "GEOCODER_URL")
        #expect(error(["GEOCODER_PROVIDER": "opencage", "GEOCODER_API_KEY": "k", "GEOCODER_COUNTRY_CODES": "kenya"])?.variable == "GEOCODER_COUNTRY_CODES")
    }

    @Test func theKeyIsNeverShown() throws {
        let configuration = try GeocoderConfiguration(environment: ["GEOCODER_PROVIDER": "opencage", "GEOCODER_API_KEY": ProviderStubs.key])
        for text in ["\(configuration)", String(reflecting: configuration), configuration.debugDescription] {
            #expect(!text.contains(ProviderStubs.key))
        }
        #expect("\(configuration)".contains("key set"))
        // A key pasted into the URL is not echoed back either.
        let bad = error(["GEOCODER_PROVIDER": "opencage", "GEOCODER_API_KEY": "k", "GEOCODER_URL": "ftp://x/?key=\(ProviderStubs.key)"])
        #expect(bad?.variable == "GEOCODER_URL" && bad?.description.contains(ProviderStubs.key) == false)
    }
}

/// The key never shows in an error description or a log line, whatever the provider sends back.
@Suite struct KeyHygieneTests {
    @Test func noErrorNorLogLineContainsTheKey() async throws {
        let key = ProviderStubs.key
        let echoes: [StubGeocoderServer.Reply] = [
            .json(401, #"{"error":"Invalid key \#(key)"}"#),
            .json(403, #"{"error":"Access restricted for key=\#(key)"}"#),
            .json(400, #"{"error":"Invalid Request: /v1/search?key=\#(key)&q=x"}"#),
            .json(500, "<html>upstream failed for key=\(key)</html>"),
            .json(429, #"{"error":"Rate Limited Day for \#(key)"}"#),
            .json(200, "not json, but the key: \(key)"),
        ]
        let handler = InMemoryLogHandler()
        var logger = Logger(label: "test", factory: { _ in handler })
        logger.logLevel = .trace
        var descriptions: [String] = []
        for provider in [GeocoderProvider.locationiq, .opencage] {
            for reply in echoes {
                let server = try StubGeocoderServer(reply)
                defer { server.stop() }
                let geocoder = ProviderStubs.geocoder(try ProviderStubs.configuration(provider, server: server, maxRetries: 1), logger: logger)
                do {
                    _ = try await geocoder.candidates(for: PlaceQuery(text: "Mwiki", near: ProviderStubs.kasarani))
                    Issue.record("\(provider) answered \(reply.status)")
                } catch {
                    descriptions += ["\(error)", String(reflecting: error), error.localizedDescription]
                }
                #expect(server.requests.allSatisfy { $0.query["key"] == key }, "the key was sent, so there was something to leak")
            }
        }
        // Transport failures: a timeout and a refused connection.
        let slow = try StubGeocoderServer(.slow(2, ProviderStubs.hit(.opencage)))
        let timingOut = ProviderStubs.geocoder(try ProviderStubs.configuration(.opencage, server: slow, timeout: .milliseconds(200), maxRetries: 0),
                                               logger: logger)
        do { _ = try await timingOut.candidates(for: PlaceQuery(text: "Mwiki")) } catch { descriptions.append("\(error)") }
        slow.stop()
        let refused = ProviderStubs.geocoder(try ProviderStubs.configuration(.locationiq, server: slow, maxRetries: 1), logger: logger)
        do { _ = try await refused.candidates(for: PlaceQuery(text: "Mwiki")) } catch { descriptions.append("\(error)") }

        #expect(descriptions.count == 2 * 6 * 3 + 2)
        for text in descriptions {
            #expect(!text.contains(key), "leaked: \(text)")
        }
        #expect(descriptions.contains { $0.contains("[redacted]") }, "echoed keys are scrubbed, not merely absent")
        #expect(!handler.entries.isEmpty, "retries were logged")
        for entry in handler.entries {
            let line = "\(entry.message) \(entry.metadata)"
            #expect(!line.contains(key), "leaked in a log line: \(line)")
        }
    }
}

@Suite struct GeocoderRateLimiterTests {
    @Test func thePerMinuteWindowAndHoldOffs() async throws {
        let clock = ImmediateClock()
        let limiter = GeocoderRateLimiter(GeocoderRateLimit(perSecond: 1000, perMinute: 3), clock: clock)
        for _ in 0..<3 { try await limiter.acquire() }
        #expect(clock.sleeps.allSatisfy { $0 <= .milliseconds(3) }, "three within the minute go at 1 ms spacing")
        try await limiter.acquire()
        let fourth = try #require(clock.sleeps.last)
        #expect(fourth > .seconds(60.9) && fourth <= .seconds(61), "the fourth waits for the first to leave the window (and a second of margin): \(fourth)")

        let held = GeocoderRateLimiter(GeocoderRateLimit(perSecond: 1000), clock: clock)
        await held.holdOff(for: .seconds(7))
        try await held.acquire()
        #expect(clock.sleeps.last.map { $0 > .seconds(6.9) && $0 <= .seconds(7) } == true)
    }

    @Test func theNextRequestLeavesThePublishedSpacingAfterTheLastAnswer() async throws {
        let clock = VirtualClock()
        let limiter = GeocoderRateLimiter(GeocoderRateLimit(perSecond: 2), clock: clock)
        try await limiter.acquire()
        // A request that took 3 s on the way (a slow connect): its send slot is long past when
        // it arrives, but the next one still waits the published 0.5 s after its answer.
        try await clock.sleep(for: .seconds(3))
        await limiter.answered()
        try await limiter.acquire()
        #expect(clock.sleeps.last == .milliseconds(500), "\(clock.sleeps)")
        // A quick answer leaves the send spacing (0.625 s, margin included) in charge.
        await limiter.answered()
        try await limiter.acquire()
        #expect(clock.sleeps.last == .milliseconds(625), "\(clock.sleeps)")
    }

    @Test func aCancelledWaiterThrows() async throws {
        let limiter = GeocoderRateLimiter(GeocoderRateLimit(perSecond: 0.1))
        try await limiter.acquire()
        let waiter = Task { try await limiter.acquire() }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
    }
}
