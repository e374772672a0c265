import FleetTicketsCore
import Foundation
import Testing
@testable import FleetTicketsS3

/// DeleteObjects: the request's body and checksum, the answer's per-key errors, the batch
/// move of S3ChangeSource, and the one-at-a-time fallback, against the local S3 server and a
/// scripted one.
@Suite("S3 DeleteObjects and batch moves")
struct S3DeleteObjectsTests {
    @Test func contentMD5MatchesRFC1321sTestSuite() {
        // RFC 1321, appendix A.5.
        let hex = { (text: String) in ContentMD5.digest(Array(text.utf8)).map { String(format: "%02x", $0) }.joined() }
        #expect(hex("") == "d41d8cd98f00b204e9800998ecf8427e")
        #expect(hex("abc") == "900150983cd24fb0d6963f7d28e17f72")
        #expect(hex("message digest") == "f96b697d7cb7938d525a2f31aaf161d0")
        #expect(hex(String(repeating: "1234567890", count: 8)) == "57edf4a22be3c955ac49da2e2107b67a")
        #expect(ContentMD5.base64(of: Array("abc".utf8)) == "kAFQmDzST7DWlj99KOF/cg==")
    }

    @Test func theRequestBodyEscapesKeysSoAParserReadsThemBack() throws {
        let keys = ["a&b<c>d\"e'f.csv", " lead and trail ", "tab\there", "line\nfeed", "carriage\rreturn", "ünï 東京 🚚"]
        let body = DeleteObjectsBody.xml(keys)
        let text = String(decoding: body, as: UTF8.self)
        #expect(text.hasPrefix(#"<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet>"#))
        #expect(!text.contains("\r"), "a literal CR would come back as LF")
        // Read back as a server would: the same keys, in order.
        let reparsed = try #require(DeleteResult.parse(Array(text.replacingOccurrences(of: "<Delete ", with: "<DeleteResult ")
            .replacingOccurrences(of: "</Delete>", with: "</DeleteResult>")
            .replacingOccurrences(of: "<Object>", with: "<Error>").replacingOccurrences(of: "</Object>", with: "</Error>").utf8)))
        #expect(reparsed.errors.map(\.key) == keys)
    }

    @Test func keysXMLCannotCarryAreTold() {
        #expect(DeleteObjectsBody.canCarry("automations/inc/changes/2026-06-15T17-00-00.csv"))
        #expect(DeleteObjectsBody.canCarry("tab\tline\nreturn\r"))
        #expect(!DeleteObjectsBody.canCarry("bell\u{07}.csv"))
        #expect(!DeleteObjectsBody.canCarry("nul\u{00}.csv"))
        #expect(!DeleteObjectsBody.canCarry("nonchar\u{FFFF}.csv"))
    }

    @Test func theAnswerNamesTheKeysItCouldNotDelete() throws {
        let xml = """
        <?xml version="1.0" encoding="UTF-8"?>
        <DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
          <Deleted><Key>gone.csv</Key></Deleted>
          <Error><Key>kept &amp; locked.csv</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>
        </DeleteResult>
        """
        let result = try #require(DeleteResult.parse(Array(xml.utf8)))
        #expect(result.errors.map(\.key) == ["kept & locked.csv"])
        #expect(result.errors.first?.code == "AccessDenied")
        #expect(DeleteResult.parse(Array("<Error><Code>NotImplemented</Code></Error>".utf8)) == nil)
    }

    @Test func aPerKeyErrorIsReturnedForThatKeyOnly() async throws {
        let answer = """
        <?xml version="1.0" encoding="UTF-8"?><DeleteResult><Error><Key>b.csv</Key><Code>AccessDenied</Code>\
        <Message>Access Denied</Message></Error></DeleteResult>
        """
        let server = try ScriptedHTTPServer([.status(200, body: answer)])
        defer { server.stop() }
        let client = S3Client(configuration: try S3Configuration(endpoint: server.url, accessKey: "k", secretKey: "s", bucket: "b"),
                              logger: LiveS3.logger)
        let failures = try await client.deleteObjects(["a.csv", "b.csv"])
        #expect(Array(failures.keys) == ["b.csv"])
        #expect(failures["b.csv"]?.serverCode == "AccessDenied")
        #expect(failures["b.csv"]?.operation == .deleteObjects)
        #expect(server.requests == ["POST /b?delete= HTTP/1.1"], "one request for both keys")
    }

    @Test func aServerRefusingDeleteObjectsGetsOneDeletePerKey() async throws {
        let refusal = "<Error><Code>NotImplemented</Code><Message>A header you provided implies functionality that is not implemented</Message></Error>"
        let server = try ScriptedHTTPServer([.status(501, body: refusal), .status(204)])
        defer { server.stop() }
        var configuration = try S3Configuration(endpoint: server.url, accessKey: "k", secretKey: "s", bucket: "b")
        configuration.maxRetries = 0
        let client = S3Client(configuration: configuration, logger: LiveS3.logger)
        let failures = try await client.deleteObjects(["a.csv", "b c.csv"])
        #expect(failures.isEmpty)
        #expect(server.requests.first == "POST /b?delete= HTTP/1.1")
        #expect(server.requests.dropFirst().sorted() == ["DELETE /b/a.csv HTTP/1.1", "DELETE /b/b%20c.csv HTTP/1.1"])
    }
}

@Suite("S3 DeleteObjects against a local S3 server", .enabled(if: LiveS3.isEnabled, LiveS3.skipReason))
struct S3DeleteObjectsLiveTests {
    static let awkwardKeys = [
        "del/plain.csv", "del/with space/a b.csv", "del/amp&lt<gt>.csv", "del/quote\"apos'.csv",
        "del/ünïcödé/Nairobi – 東京 🚚.csv", "del/percent%20plus+semi;.csv",
    ]

    @Test func deletesEveryKeyInRequestsOfTheGivenSize() async throws {
        let client = try await LiveS3.freshBucket("delete-objects")
        for key in Self.awkwardKeys + ["kept/other.csv"] { try await client.putObject(key, bytes: Array(key.utf8)) }

        // Three requests of two keys; a key that is not there counts as deleted.
        let failures = try await client.deleteObjects(Self.awkwardKeys.dropLast() + ["del/never-there.csv"], keysPerRequest: 2)
        #expect(failures.isEmpty, "\(failures)")
        #expect(try await client.listObjects(prefix: "del/").map(\.key) == [Self.awkwardKeys.last!])
        #expect(try await client.listObjects(prefix: "kept/").count == 1, "only the keys asked for")
    }

    @Test func aBatchMoveCopiesEachThenDeletesTheOriginals() async throws {
        let client = try await LiveS3.freshBucket("batch-move")
        let source = S3ChangeSource(client: client, logger: LiveS3.logger)
        let keys = (0..<5).map { "automations/inc/changes/2026-06-15T1\($0)-00-00.csv" }
        for key in keys { try await client.putObject(key, bytes: Array("rows of \(key)\n".utf8)) }
        let missing = "automations/inc/changes/2026-06-15T19-00-00.csv"
        let moves = (keys + [missing]).map { ObjectMove($0, to: Dataset.inc.processedKey(for: $0)) }

        let failures = await source.move(moves)
        #expect(Array(failures.keys) == [missing], "only the missing file fails")
        #expect(failures[missing] as? ChangeSourceError == .notFound(key: missing, location: source.location))
        #expect(try await source.list(prefix: Dataset.inc.changesPrefix).isEmpty)
        for key in keys {
            #expect(try await source.readAll(Dataset.inc.processedKey(for: key)) == Array("rows of \(key)\n".utf8))
        }
    }
}
