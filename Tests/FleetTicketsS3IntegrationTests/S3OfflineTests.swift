import FleetTicketsHTTP
import FleetTicketsCore
import Testing
@testable import FleetTicketsS3

/// Encoding, XML, configuration and error text: no server involved.
@Suite("S3 pieces that need no server")
struct S3OfflineTests {
    @Test func keysArePercentEncodedPerRFC3986KeepingSlashes() {
        #expect(S3URLEncoding.path("automations/inc/changes/2026-06-15T17-00-00.csv") == "automations/inc/changes/2026-06-15T17-00-00.csv")
        #expect(S3URLEncoding.path("a b/c+d/ü~_.-") == "a%20b/c%2Bd/%C3%BC~_.-")
        #expect(S3URLEncoding.path("x?y#z%&=") == "x%3Fy%23z%25%26%3D")
        #expect(S3URLEncoding.query("automations/inc/") == "automations%2Finc%2F")
    }

    @Test func queryParametersAreSortedAndEncoded() {
        let query = S3URLEncoding.queryString(["prefix": "a b/", "list-type": "2", "continuation-token": "1/x+y=="])
        #expect(query == "continuation-token=1%2Fx%2By%3D%3D&list-type=2&prefix=a%20b%2F")
    }

    @Test func listPagesParse() throws {
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
          <Name>isptickets</Name><Prefix>automations/</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
          <IsTruncated>true</IsTruncated><NextContinuationToken>tok/en+1==</NextContinuationToken>
          <Contents><Key> lead &amp; trail .csv </Key><LastModified>2026-06-15T14:00:00.000Z</LastModified>
            <ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag><Size>1234</Size><StorageClass>STANDARD</StorageClass></Contents>
          <Contents><Key>automations/ünï.csv</Key><ETag>"abc-2"</ETag><Size>0</Size></Contents>
        </ListBucketResult>
        """
        let page = try #require(ListObjectsPage.parse(Array(xml.utf8)))
        #expect(page.isTruncated)
        #expect(page.nextContinuationToken == "tok/en+1==")
        #expect(page.objects.map(\.key) == [" lead & trail .csv ", "automations/ünï.csv"])
        #expect(page.objects.map(\.size) == [1234, 0])
        #expect(page.objects.map(\.etag) == ["9b2cf535f27731c974343645a3985328", "abc-2"])
        #expect(ListObjectsPage.parse(Array("<Error><Code>X</Code></Error>".utf8)) == nil)
    }

    @Test func errorDocumentsParse() throws {
        let xml = "<?xml version=\"1.0\"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>a</Key><RequestId>R1</RequestId></Error>"
        let document = try #require(S3ErrorDocument.parse(Array(xml.utf8)))
        #expect(document.code == "NoSuchKey")
        #expect(document.message == "The specified key does not exist.")
        #expect(document.requestID == "R1")
        #expect(S3ErrorDocument.parse(Array("<ErrorResponse><Error><Code>SlowDown</Code></Error></ErrorResponse>".utf8))?.code == "SlowDown")
        #expect(S3ErrorDocument.parse(Array("not xml".utf8)) == nil)
        #expect(S3ErrorDocument.parse([]) == nil)
        // A copy's answer is read for an error sent after its 200.
        #expect(S3ErrorDocument.parse(Array("<CopyObjectResult><ETag>\"e\"</ETag></CopyObjectResult>".utf8)) == nil)
        #expect(S3ErrorDocument.parse(Array("<?xml version=\"1.0\"?>\n\n<Error><Code>InternalError</Code></Error>".utf8))?.code == "InternalError")
        #expect(S3ErrorDocument.mentionsError(Array("Error".utf8)))
        #expect(!S3ErrorDocument.mentionsError(Array("Erro".utf8)) && !S3ErrorDocument.mentionsError(Array("error>".utf8)))
    }

    @Test func configurationComesFromTheEnvironment() throws {
        let configuration = try S3Configuration(environment: [
            "RUSTFS_ENDPOINT": "https://rustfs.example:9000/", "RUSTFS_ACCESS_KEY": "AKIAEXAMPLE",
            "RUSTFS_SECRET_KEY": "super-secret", "TICKETS_BUCKET": "other",
        ])
        #expect(configuration.endpoint == "https://rustfs.example:9000")
        #expect(configuration.endpointHost == "rustfs.example:9000")
        #expect(configuration.region == "us-east-1")
        #expect(configuration.bucket == "other")
        #expect(!"\(configuration)".contains("super-secret"))
        #expect(!String(reflecting: configuration).contains("super-secret"))
        #expect(!"\(configuration)".contains("AKIAEXAMPLE"))
    }

    @Test func awsVariablesAreFallbacks() throws {
        let configuration = try S3Configuration(environment: [
            "RUSTFS_ENDPOINT": "http://127.0.0.1:9000", "AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "secret",
            "RUSTFS_REGION": "af-south-1",
        ])
        #expect(configuration.accessKey == "id")
        #expect(configuration.secretKeyVariable == "AWS_SECRET_ACCESS_KEY")
        #expect(configuration.region == "af-south-1")
        #expect(configuration.bucket == "isptickets")
    }

    @Test(arguments: [
        ([:], "RUSTFS_ENDPOINT"),
        (["RUSTFS_ENDPOINT": "ftp://x"], "RUSTFS_ENDPOINT"),
        (["RUSTFS_ENDPOINT": "http://x", "RUSTFS_SECRET_KEY": "s"], "RUSTFS_ACCESS_KEY"),
        (["RUSTFS_ENDPOINT": "http://x", "RUSTFS_ACCESS_KEY": "a", "RUSTFS_SECRET_KEY": ""], "RUSTFS_SECRET_KEY"),
        (["RUSTFS_ENDPOINT": "http://x", "RUSTFS_ACCESS_KEY": "a", "RUSTFS_SECRET_KEY": "s", "RUSTFS_CA_BUNDLE": "/no/such.pem"], "RUSTFS_CA_BUNDLE"),
    ] as [([String: String], String)])
    func missingSettingsNameTheirVariable(environment: [String: String], variable: String) {
        #expect(throws: S3ConfigurationError.self) { try S3Configuration(environment: environment) }
        do {
            _ = try S3Configuration(environment: environment)
        } catch {
            #expect(error.variable == variable)
            #expect("\(error)".contains(variable))
        }
    }

    @Test func backoffIsCappedAndJittered() {
        let policy = HTTPRetryPolicy(maxRetries: 10, baseDelay: .milliseconds(100), maxDelay: .seconds(1))
        for retry in 0..<12 {
            let ceiling = min(Duration.milliseconds(100) * (1 << retry), .seconds(1))
            let delay = policy.delay(beforeRetry: retry)
            #expect(delay <= ceiling && delay >= ceiling / 2, "retry \(retry): \(delay)")
        }
        #expect(policy.shouldRetry(status: 503) && policy.shouldRetry(status: 500) && !policy.shouldRetry(status: 501))
        #expect(!policy.shouldRetry(status: 404) && !policy.shouldRetry(status: 403) && !policy.shouldRetry(status: 429))
        #expect(policy.shouldRetry(curlCode: 7) && policy.shouldRetry(curlCode: 28) && policy.shouldRetry(curlCode: 56))
        #expect(!policy.shouldRetry(curlCode: 60) && !policy.shouldRetry(curlCode: 6))
    }

    @Test func signingNeverPrintsTheSecret() {
        let signing = HTTPRequestSigning.awsSigV4(scope: "aws:amz:us-east-1:s3", accessKey: "a", secretKey: "zzz-secret")
        #expect(!"\(signing)".contains("zzz-secret"))
        #expect(!String(reflecting: HTTPRequest(url: "http://x", signing: signing)).contains("zzz-secret"))
    }
}
