import FleetTicketsTesting
import FleetTicketsHTTP
import Foundation
import Logging
import Testing
@testable import FleetTicketsS3

/// Retries and failures against a scripted server on loopback; no S3 server needed.
@Suite("HTTP retries and S3 errors against a scripted server")
struct HTTPClientRetryTests {
    static let slowDown = "<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>"
    static let emptyListing = "<ListBucketResult><IsTruncated>false</IsTruncated></ListBucketResult>"

    static func s3Client(_ server: ScriptedHTTPServer, maxRetries: Int = 3, clock: ImmediateClock = ImmediateClock(),
                         secret: String = "s3cr3t-value") throws -> S3Client {
        var configuration = try S3Configuration(endpoint: server.url, accessKey: "AKIDEXAMPLE", secretKey: secret, bucket: "isptickets")
        configuration.maxRetries = maxRetries
        return S3Client(configuration: configuration, logger: LiveS3.logger, clock: clock)
    }

    @Test func slowDownIsRetriedWithGrowingBackoffUntilItSucceeds() async throws {
        let server = try ScriptedHTTPServer([.status(503, body: Self.slowDown), .status(503, body: Self.slowDown),
                                             .status(200, body: Self.emptyListing)])
        defer { server.stop() }
        let clock = ImmediateClock()
        let client = HTTPClient(retryPolicy: HTTPRetryPolicy(maxRetries: 4, baseDelay: .milliseconds(200), maxDelay: .seconds(5)),
                                clock: clock, logger: LiveS3.logger)
        let response = try await client.execute(HTTPRequest(url: server.url + "/isptickets?list-type=2"))
        #expect(response.status == 200)
        #expect(response.retries == 2)
        #expect(server.requests.count == 3)
        let sleeps = clock.sleeps
        #expect(sleeps.count == 2)
        #expect(sleeps[0] <= .milliseconds(200) && sleeps[0] >= .milliseconds(90))
        #expect(sleeps[1] <= .milliseconds(400) && sleeps[1] >= .milliseconds(190))
    }

    @Test func headersAreReadWithoutTheirSurroundingWhitespace() async throws {
        let server = try ScriptedHTTPServer([.raw("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Tight:tight\r\n"
                                                  + "X-Spaced: \t spaced value \t \r\nX-Empty:\r\nX-Colon: a: b\r\nConnection: close\r\n\r\nok")])
        defer { server.stop() }
        let response = try await HTTPClient(logger: LiveS3.logger).execute(HTTPRequest(url: server.url + "/"))
        #expect(response.status == 200)
        #expect(response.headers["X-Tight"] == "tight")
        #expect(response.headers["X-Spaced"] == "spaced value")
        #expect(response.headers["X-Empty"] == "")
        #expect(response.headers["X-Colon"] == "a: b")
        #expect(String(decoding: response.body, as: UTF8.self) == "ok")
    }

    @Test func persistentSlowDownEndsInAnS3ErrorWithRetriesAndStatus() async throws {
        let server = try ScriptedHTTPServer([.status(503, body: Self.slowDown)])
        defer { server.stop() }
        let client = try Self.s3Client(server, maxRetries: 2)
        let error = await #expect(throws: S3Error.self) { _ = try await client.listObjects(prefix: "automations/inc/changes/") }
        #expect(error?.status == 503, "\(String(describing: error)) \(server.requests)")
        #expect(error?.serverCode == "SlowDown")
        #expect(error?.code == .throttled)
        #expect(error?.retries == 2)
        #expect(error?.operation == .listObjects)
        #expect(server.requests.count == 3)
        #expect(error.map { "\($0)" }?.contains("after 2 retries") == true)
    }

    @Test func clientErrorsAreNotRetried() async throws {
        let server = try ScriptedHTTPServer([.status(404, body: "<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>")])
        defer { server.stop() }
        let client = try Self.s3Client(server)
        let error = await #expect(throws: S3Error.self) { _ = try await client.getObject("a/b c.csv") }
        #expect(error?.status == 404)
        #expect(error?.retries == 0)
        #expect(error?.key == "a/b c.csv")
        #expect(server.requests.count == 1)
        #expect(server.requests.first == "GET /isptickets/a/b%20c.csv HTTP/1.1")
    }

    @Test(arguments: [
        ("SignatureDoesNotMatch", "RUSTFS_SECRET_KEY"),
        ("InvalidAccessKeyId", "RUSTFS_ACCESS_KEY"),
        ("AccessDenied", "RUSTFS_ACCESS_KEY and RUSTFS_SECRET_KEY"),
    ])
    func forbiddenNamesTheVariableToCheck(code: String, variable: String) async throws {
        let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        let server = try ScriptedHTTPServer([.status(403, body: "<Error><Code>\(code)</Code><Message>Denied for \(secret); Signature=0123abcd</Message></Error>")])
        defer { server.stop() }
        let client = try Self.s3Client(server, secret: secret)
        let error = await #expect(throws: S3Error.self) { _ = try await client.headObject("k.csv") }
        #expect(error?.status == 403)
        #expect(error?.retries == 0)
        #expect(error?.code == .accessDenied)
        // The description says what failed; the hint names the setting, for the caller to advise.
        #expect(error?.hint?.contains(variable) == true)
        let text = error.map { "\($0) \($0.hint ?? "") \(String(reflecting: $0))" } ?? ""
        #expect(!text.contains(secret))
        #expect(!text.contains("0123abcd"))
    }

    @Test func headErrorsWithoutABodyStillExplainThemselves() async throws {
        let server = try ScriptedHTTPServer([.status(403)])
        defer { server.stop() }
        let error = await #expect(throws: S3Error.self) { _ = try await Self.s3Client(server).headObject("k.csv") }
        #expect(error?.serverCode == nil)
        #expect(error?.code == .accessDenied)
        #expect(error?.hint?.contains("RUSTFS_ACCESS_KEY") == true)
    }

    @Test func aSuccessThatIsNotAListingIsAMalformedResponseNamingThePrefix() async throws {
        let server = try ScriptedHTTPServer([.status(200, body: "not a listing")])
        defer { server.stop() }
        let error = await #expect(throws: S3Error.self) { _ = try await Self.s3Client(server).listObjects(prefix: "automations/") }
        #expect(error?.code == .malformedResponse)
        #expect(error?.status == 200)
        #expect(error?.key == "automations/")
    }

    @Test func emptyRepliesAreRetried() async throws {
        let server = try ScriptedHTTPServer([.hangUp, .hangUp, .status(200, body: Self.emptyListing)])
        defer { server.stop() }
        let listed = try await Self.s3Client(server).listObjects(prefix: "")
        #expect(listed.isEmpty)
        #expect(server.requests.count == 3)
    }

    @Test func refusedConnectionsAreRetriedThenNameTheEndpointVariable() async throws {
        let server = try ScriptedHTTPServer([.hangUp])
        server.stop()  // the port is now closed
        let clock = ImmediateClock()
        let client = try Self.s3Client(server, maxRetries: 3, clock: clock)
        let error = await #expect(throws: S3Error.self) { _ = try await client.listObjects(prefix: "") }
        #expect(error?.status == nil)
        #expect(error?.code == .unreachable)
        #expect(error?.curlCode == 7)
        #expect(error?.retries == 3)
        #expect(error?.hint?.contains("RUSTFS_ENDPOINT") == true)
        #expect(error?.transportFailure?.contains("curl error 7") == true)
        #expect(clock.sleeps.count == 3)
    }

    @Test func stalledTransfersTimeOutAndAreRetried() async throws {
        let server = try ScriptedHTTPServer([.stall(seconds: 3)])
        defer { server.stop() }
        let client = HTTPClient(retryPolicy: HTTPRetryPolicy(maxRetries: 1), clock: ImmediateClock(), logger: LiveS3.logger)
        // libcurl averages the speed over a few seconds; a high floor makes the stall show at once.
        let request = HTTPRequest(url: server.url + "/slow", timeouts: HTTPTimeouts(lowSpeedBytesPerSecond: 1000, lowSpeedTime: .seconds(1)))
        let error = await #expect(throws: HTTPError.self) { _ = try await client.execute(request) }
        #expect(error?.isTimeout == true)
        #expect(error?.retries == 1)
        #expect(error?.lastStatus == 200)
    }

    @Test func cancellingARequestThrowsCancellationError() async throws {
        // The server would answer after 900 s; a cancelled request must not wait for it. The
        // bound is half the server's delay: the whole suite shares two cores.
        let server = try ScriptedHTTPServer([.stall(seconds: 900)])
        defer { server.stop() }
        let client = HTTPClient(clock: ImmediateClock(), logger: LiveS3.logger)
        let task = Task { try await client.execute(HTTPRequest(url: server.url + "/slow")) }
        try await Task.sleep(for: .milliseconds(200))
        task.cancel()
        let started = ContinuousClock.now
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        #expect(started.duration(to: .now) < .seconds(450))
    }

    @Test func aStalledConsumerHoldsTheDownloadBack() async throws {
        let size = 64 * 1024 * 1024
        let server = try ScriptedHTTPServer([.body(count: size)])
        defer { server.stop() }
        let client = HTTPClient(logger: LiveS3.logger)
        let response = try await client.stream(HTTPRequest(url: server.url + "/big"))
        #expect(response.status == 200)
        #expect(response.contentLength == Int64(size))
        var iterator = response.body.makeAsyncIterator()
        var received = try await iterator.next()?.count ?? 0
        try await Task.sleep(for: .seconds(1))
        // Buffered: a few chunks in the channel plus the kernel's socket buffers, not the body.
        let sentWhileStalled = server.bodyBytesSent
        #expect(sentWhileStalled < 24 * 1024 * 1024, "\(sentWhileStalled) bytes sent while the consumer slept")
        while let chunk = try await iterator.next() { received += chunk.count }
        #expect(received == size)
    }

    @Test func queryStringsStayOutOfErrors() async throws {
        let server = try ScriptedHTTPServer([.hangUp])
        server.stop()
        let client = HTTPClient(retryPolicy: .never, logger: LiveS3.logger)
        let error = await #expect(throws: HTTPError.self) {
            _ = try await client.execute(HTTPRequest(url: server.url + "/search?key=SECRET-API-KEY&q=Nairobi"))
        }
        #expect(error.map { "\($0)" }?.contains("SECRET-API-KEY") == false)
    }
}
