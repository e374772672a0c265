import FleetTicketsTesting
import FleetTicketsCore
import FleetTicketsGeocode
import FleetTicketsHTTP
import Foundation
import Testing

/// Each provider against a stub replaying its documented answers and status codes.
@Suite struct HTTPGeocoderTests {
    let near = ProviderStubs.kasarani

    func query(_ text: String = "Kasarani Mwiki") -> PlaceQuery {
        PlaceQuery(text: text, near: near, countryCodes: ["ke"])
    }

    @Test(arguments: GeocoderProvider.allCases)
    func aHitIsParsedIntoNumericCandidates(provider: GeocoderProvider) async throws {
        let server = try StubGeocoderServer(ProviderStubs.hit(provider))
        defer { server.stop() }
        let geocoder = ProviderStubs.geocoder(try ProviderStubs.configuration(provider, server: server))
        let candidates = try await geocoder.candidates(for: query())

        #expect(geocoder.provider == provider.rawValue)
        let best = try #require(candidates.first)
        #expect(best.coordinate == ProviderStubs.mwiki)
        #expect(best.provider == provider.rawValue)
        #expect(best.label?.hasPrefix("Mwiki, ") == true)
        switch provider {
        case .locationiq:
            #expect(candidates.count == 2)
            #expect(candidates[1].coordinate == Coordinate(latitude: -0.1, longitude: 34.76))
            #expect(best.quality == 0.45)
        case .nominatim: #expect(best.quality == 0.3)
        case .opencage: #expect(best.quality == 0.7, "confidence 7 of 10")
        }
    }

    @Test(arguments: GeocoderProvider.allCases)
    func theRequestIsWhatTheProviderDocuments(provider: GeocoderProvider) async throws {
        let server = try StubGeocoderServer(ProviderStubs.hit(provider))
        defer { server.stop() }
        let geocoder = ProviderStubs.geocoder(try ProviderStubs.configuration(provider, server: server))
        _ = try await geocoder.candidates(for: query())
        _ = try await geocoder.candidates(for: PlaceQuery(text: "Kasarani", near: nil, countryCodes: ["ke", "tz"]))

        let requests = server.requests
        try #require(requests.count == 2)
        let first = requests[0], q = first.query
        #expect(first.method == "GET")
        #expect(q["q"] == "Kasarani Mwiki")
        #expect(first.target.contains("q=Kasarani%20Mwiki"))
        #expect(q["limit"] == "5")
        #expect(first.header("User-Agent") == "fleettickets/\(GeocoderConfiguration.clientVersion) (+field-ops ticket geocoder)")
        #expect(first.header("Accept") == "application/json")
        for request in requests {
            #expect(!request.headers.contains { $0.value.contains(ProviderStubs.key) }, "the key is never sent in a header")
        }
        switch provider {
        case .locationiq, .nominatim:
            #expect(first.path == (provider == .locationiq ? "/v1/search" : "/search"))
            #expect(q["format"] == "json")
            #expect(q["countrycodes"] == "ke")
            // lng-0.25, lat+0.25, lng+0.25, lat-0.25 around the cluster, preferred but not bounded.
            #expect(q["viewbox"] == "36.6473,-0.9719,37.1473,-1.4719")
            #expect(q["bounded"] == nil)
            #expect(q["countrycode"] == nil && q["proximity"] == nil)
            #expect(requests[1].query["viewbox"] == nil, "no bias without a cluster")
            #expect(requests[1].query["countrycodes"] == "ke,tz")
        case .opencage:
            #expect(first.path == "/geocode/v1/json")
            #expect(q["countrycode"] == "ke")
            #expect(q["proximity"] == "-1.2219,36.8973")
            #expect(q["no_annotations"] == "1")
            #expect(q["viewbox"] == nil && q["countrycodes"] == nil)
            #expect(requests[1].query["proximity"] == nil)
            #expect(requests[1].query["countrycode"] == "ke,tz")
        }
        if provider.needsKey {
            #expect(requests.allSatisfy { $0.query["key"] == ProviderStubs.key }, "the key goes in the key= query parameter")
        } else {
            #expect(requests.allSatisfy { $0.query["key"] == nil && !$0.target.contains(ProviderStubs.key) }, "Nominatim gets no key")
        }
    }

    @Test(arguments: GeocoderProvider.allCases)
    func aMissIsAnEmptyAnswer(provider: GeocoderProvider) async throws {
        let server = try StubGeocoderServer(ProviderStubs.miss(provider))
        defer { server.stop() }
        let geocoder = ProviderStubs.geocoder(try ProviderStubs.configuration(provider, server: server))
        #expect(try await geocoder.candidates(for: query("Nowhere Particular")).isEmpty)
        #expect(server.requests.count == 1, "a miss is an answer, not retried")
    }

    @Test(arguments: GeocoderProvider.allCases)
    func aRateLimitIsWaitedOutHonouringRetryAfter(provider: GeocoderProvider) async throws {
        let server = try StubGeocoderServer(ProviderStubs.rateLimited(provider, retryAfter: "3"), ProviderStubs.hit(provider))
        defer { server.stop() }
        let clock = ImmediateClock()
        let geocoder = ProviderStubs.geocoder(try ProviderStubs.configuration(provider, server: server), clock: clock)
        let candidates = try await geocoder.candidates(for: query())
        #expect(candidates.first?.coordinate == ProviderStubs.mwiki)
        #expect(server.requests.count == 2)
        #expect(clock.sleeps.contains { $0 > .milliseconds(2900) && $0 <= .seconds(3) }, "waited the 3 s Retry-After: \(clock.sleeps)")
    }

    @Test func aRateLimitWithoutRetryAfterBacksOffForReal() async throws {
        let server = try StubGeocoderServer(ProviderStubs.rateLimited(.locationiq), ProviderStubs.hit(.locationiq))
        defer { server.stop() }
        let policy = HTTPRetryPolicy(maxRetries: 2, baseDelay: .milliseconds(100), maxDelay: .milliseconds(100))
        let geocoder = ProviderStubs.geocoder(try ProviderStubs.configuration(.locationiq, server: server), retryPolicy: policy)
        #expect(try await geocoder.candidates(for: query()).count == 2)
        let requests = server.requests
        try #require(requests.count == 2)
        #expect(requests[0].arrived.duration(to: requests[1].arrived) >= .milliseconds(45), "backed off (at least half the base delay)")
    }

    @Test(arguments: GeocoderProvider.allCases)
    func aRateLimitThatKeepsFailingIsUnavailable(provider: GeocoderProvider) async throws {
        let server = try StubGeocoderServer(ProviderStubs.rateLimited(provider))
        defer { server.stop() }
        let geocoder = ProviderStubs.geocoder(try ProviderStubs.configuration(provider, server: server, maxRetries: 2))
        let error = await #expect(throws: GeocoderError.self) { try await geocoder.candidates(for: query()) }
        guard let error, error.code == .unavailable else { Issue.record("expected unavailable, got \(String(describing: error))"); return }
        let (name, message) = (error.provider, error.message ?? "")
        #expect(name == provider.rawValue)
        #expect(message.contains("429") && message.contains("after 2 retries"), "\(message)")
        #expect(server.requests.count == 3)
    }

    @Test func aRetryAfterLongerThanTheRunWaitsIsUnavailableAtOnce() async throws {
        let server = try StubGeocoderServer(ProviderStubs.rateLimited(.opencage, retryAfter: "3600"))
        defer { server.stop() }
        let clock = ImmediateClock()
        let geocoder = ProviderStubs.geocoder(try ProviderStubs.configuration(.opencage, server: server), clock: clock)
        let error = await #expect(throws: GeocoderError.self) { try await geocoder.candidates(for: query()) }
        #expect("\(error!)".contains("3600 s"))
        #expect(server.requests.count == 1)
        #expect(!clock.sleeps.contains { $0 > .seconds(60) })
    }

    @Test func theDailyLimitIsTheQuota() async throws {
        let server = try StubGeocoderServer(ProviderStubs.locationIQDailyLimit)
        defer { server.stop() }
        let geocoder = ProviderStubs.geocoder(try ProviderStubs.configuration(.locationiq, server: server))
        let error = await #expect(throws: GeocoderError.self) { try await geocoder.candidates(for: query()) }
        guard let error, error.code == .quotaExhausted else { Issue.record("expected quota, got \(String(describing: error))"); return }
        let (name, message) = (error.provider, error.message ?? "")
        #expect(name == "locationiq" && message.contains("Rate Limited Day"))
        #expect(server.requests.count == 1, "a spent quota is not retried")
    }

    @Test func openCage402IsTheQuota() async throws {
        let server = try StubGeocoderServer(ProviderStubs.openCageQuota)
        defer { server.stop() }
        let geocoder = ProviderStubs.geocoder(try ProviderStubs.configuration(.opencage, server: server))
        let error = await #expect(throws: GeocoderError.self) { try await geocoder.candidates(for: query()) }
        guard let error, error.code == .quotaExhausted else { Issue.record("expected quota, got \(String(describing: error))"); return }
        let message = error.message ?? ""
        #expect(message == "HTTP 402: quota exceeded")
        #expect(server.requests.count == 1)
    }

    @Test(arguments: GeocoderProvider.allCases)
    func aRefusedKeyNamesTheVariable(provider: GeocoderProvider) async throws {
        let server = try StubGeocoderServer(ProviderStubs.unauthorized(provider))
        defer { server.stop() }
        let geocoder = ProviderStubs.geocoder(try ProviderStubs.configuration(provider, server: server))
        let error = await #expect(throws: GeocoderError.self) { try await geocoder.candidates(for: query()) }
        let variable = provider.needsKey ? "GEOCODER_API_KEY" : "GEOCODER_URL"
        #expect(error == .unauthorized(provider: provider.rawValue, variable: variable))
        #expect("\(error!)".contains(variable))
        #expect(server.requests.count == 1, "credentials are not retried")
    }

    @Test(arguments: GeocoderProvider.allCases)
    func aServerErrorIsRetriedThenAnswered(provider: GeocoderProvider) async throws {
        let server = try StubGeocoderServer(ProviderStubs.serverError(provider), ProviderStubs.hit(provider))
        defer { server.stop() }
        let geocoder = ProviderStubs.geocoder(try ProviderStubs.configuration(provider, server: server))
        #expect(try await geocoder.candidates(for: query()).first?.coordinate == ProviderStubs.mwiki)
        #expect(server.requests.count == 2)
    }

    @Test func aServerErrorThatPersistsIsUnavailable() async throws {
        let server = try StubGeocoderServer(ProviderStubs.serverError(.locationiq))
        defer { server.stop() }
        let geocoder = ProviderStubs.geocoder(try ProviderStubs.configuration(.locationiq, server: server, maxRetries: 1))
        let error = await #expect(throws: GeocoderError.self) { try await geocoder.candidates(for: query()) }
        #expect(error == .unavailable(provider: "locationiq",
                                      message: "HTTP 500: Unknown error - Please try again after some time after 1 retry"))
        #expect(server.requests.count == 2)
    }

    @Test func aSlowAnswerTimesOutAndIsUnavailable() async throws {
        // The stub would answer after 900 s; two 300 ms attempts must give up long before. The
        // bound is half the stub's delay, not a tight one: the whole suite shares two cores, and
        // under that load (other tests holding the two cooperative threads) this test has taken 112 s
        // where alone it takes 0.6 s.
        let server = try StubGeocoderServer(.slow(900, ProviderStubs.hit(.opencage)))
        defer { server.stop() }
        let configuration = try ProviderStubs.configuration(.opencage, server: server, timeout: .milliseconds(300), maxRetries: 1)
        let geocoder = ProviderStubs.geocoder(configuration)
        let started = ContinuousClock.now
        let error = await #expect(throws: GeocoderError.self) { try await geocoder.candidates(for: query()) }
        guard let error, error.code == .unavailable else { Issue.record("expected unavailable, got \(String(describing: error))"); return }
        let message = error.message ?? ""
        #expect(message.contains("timed out") && message.contains("after 1 retry"), "\(message)")
        #expect(server.requests.count == 2, "a timeout is retried")
        #expect(started.duration(to: .now) < .seconds(450), "gave up on the timeout, not on the server")
    }

    @Test(arguments: [GeocoderProvider.locationiq, .nominatim])
    func aWrongEndpointIsNotAMiss(provider: GeocoderProvider) async throws {
        let server = try StubGeocoderServer(.json(404, "<html><body>Not Found</body></html>"))
        defer { server.stop() }
        let geocoder = ProviderStubs.geocoder(try ProviderStubs.configuration(provider, server: server))
        let error = await #expect(throws: GeocoderError.self) { try await geocoder.candidates(for: query()) }
        guard let error, error.code == .unavailable else { Issue.record("expected unavailable, got \(String(describing: error))"); return }
        let message = error.message ?? ""
        #expect(message.contains("404") && message.contains("GEOCODER_URL"))
    }

    @Test(arguments: GeocoderProvider.allCases)
    func anUnreadableAnswerIsUnavailable(provider: GeocoderProvider) async throws {
        let server = try StubGeocoderServer(.json(200, provider == .opencage ? #"{"status":{"code":200}}"# : #"{"not":"an array"}"#))
        defer { server.stop() }
        let geocoder = ProviderStubs.geocoder(try ProviderStubs.configuration(provider, server: server))
        let error = await #expect(throws: GeocoderError.self) { try await geocoder.candidates(for: query()) }
        guard let error, error.code == .unavailable else { Issue.record("expected unavailable, got \(String(describing: error))"); return }
        let message = error.message ?? ""
        #expect(message.hasPrefix("unreadable answer"))
    }

    @Test func requestsAreSpacedByTheRateLimit() async throws {
        let server = try StubGeocoderServer(ProviderStubs.hit(.nominatim))
        defer { server.stop() }
        let configuration = try ProviderStubs.configuration(.nominatim, server: server, rate: GeocoderRateLimit(perSecond: 10))
        let geocoder = ProviderStubs.geocoder(configuration)
        // Two callers at once must share the limit too.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for caller in 0..<2 {
                group.addTask {
                    for i in 0..<3 { _ = try await geocoder.candidates(for: PlaceQuery(text: "Place \(caller) \(i)")) }
                }
            }
            try await group.waitForAll()
        }
        let arrivals = server.requests.map(\.arrived)
        try #require(arrivals.count == 6)
        // Six requests at 10/s are granted over ≥ 500 ms. Arrival times carry scheduling jitter
        // (the suite shares two cores), so the span is checked with a margin, not each gap.
        #expect(arrivals[0].duration(to: arrivals[5]) >= .milliseconds(380), "\(arrivals)")
    }
}
