import FleetTicketsCore
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// One page of a ListObjectsV2 answer.
struct ListObjectsPage: Sendable {
    var objects: [SourceObjectFields] = []
    var isTruncated = false
    var nextContinuationToken: String?

    struct SourceObjectFields: Sendable {
        var key = ""
        var size: Int64 = 0
        var etag: String?
    }

    /// Parses `<ListBucketResult>`; nil when the body is not that document.
    static func parse(_ body: [UInt8]) -> ListObjectsPage? {
        let reader = ElementReader()
        guard reader.read(body), reader.root == "ListBucketResult" else { return nil }
        var page = ListObjectsPage()
        var current = SourceObjectFields()
        for event in reader.events {
            switch (event.path, event.isEnd) {
            case (["ListBucketResult", "Contents"], false): current = SourceObjectFields()
            case (["ListBucketResult", "Contents"], true): page.objects.append(current)
            case (["ListBucketResult", "Contents", "Key"], true): current.key = event.text
            case (["ListBucketResult", "Contents", "Size"], true): current.size = Int64(event.text.trimmed) ?? 0
            case (["ListBucketResult", "Contents", "ETag"], true): current.etag = unquotedETag(event.text)
            case (["ListBucketResult", "IsTruncated"], true): page.isTruncated = event.text.trimmed.lowercased() == "true"
            case (["ListBucketResult", "NextContinuationToken"], true): page.nextContinuationToken = event.text.trimmed
            default: break
            }
        }
        return page
    }
}

/// S3's `<Error>` document: code, message, request id.
struct S3ErrorDocument: Sendable {
    var code: String?
    var message: String?
    var requestID: String?

    /// Parses `<Error>` (at the root or nested one level, as some servers do); nil otherwise.
    static func parse(_ body: [UInt8]) -> S3ErrorDocument? {
        // Every CopyObject answer is checked for an error sent after its 200: most hold none,
        // and a body without the word is answered without building an XML parser.
        guard mentionsError(body) else { return nil }
        let reader = ElementReader()
        guard reader.read(body) else { return nil }
        var document = S3ErrorDocument()
        var isError = false
        for event in reader.events where event.isEnd {
            guard let parent = event.path.dropLast().last, parent == "Error" else { continue }
            isError = true
            switch event.path.last {
            case "Code"?: document.code = document.code ?? event.text.trimmed
            case "Message"?: document.message = document.message ?? event.text.trimmed
            case "RequestId"?: document.requestID = document.requestID ?? event.text.trimmed
            default: break
            }
        }
        return isError ? document : nil
    }

    /// Whether the bytes hold `Error` anywhere (every `<Error>` element does).
    static func mentionsError(_ body: [UInt8]) -> Bool {
        let word = Array("Error".utf8)
        guard body.count >= word.count else { return false }
        return (0...(body.count - word.count)).contains { body[$0..<($0 + word.count)].elementsEqual(word) }
    }
}

/// A DeleteObjects answer: the keys the server could not delete, with its code and message.
struct DeleteResult: Sendable {
    struct Failure: Sendable {
        var key = ""
        var code: String?
        var message: String?
    }

    var errors: [Failure] = []

    /// Parses `<DeleteResult>`; nil when the body is not that document.
    static func parse(_ body: [UInt8]) -> DeleteResult? {
        let reader = ElementReader()
        guard reader.read(body), reader.root == "DeleteResult" else { return nil }
        var result = DeleteResult()
        var current = Failure()
        for event in reader.events {
            switch (event.path, event.isEnd) {
            case (["DeleteResult", "Error"], false): current = Failure()
            case (["DeleteResult", "Error"], true): result.errors.append(current)
            case (["DeleteResult", "Error", "Key"], true): current.key = event.text
            case (["DeleteResult", "Error", "Code"], true): current.code = event.text.trimmed
            case (["DeleteResult", "Error", "Message"], true): current.message = event.text.trimmed
            default: break
            }
        }
        return result
    }
}

/// S3 quotes ETags (`"9b2c…"`); we keep them bare.
func unquotedETag(_ raw: String) -> String {
    var text = raw.trimmed
    if text.hasPrefix("W/") { text.removeFirst(2) }
    if text.count >= 2, text.hasPrefix("\""), text.hasSuffix("\"") { text = String(text.dropFirst().dropLast()) }
    return text
}

extension String {
    var trimmed: String { trimmingWhitespaceAndNewlines() }
}

/// Flattens a small XML document into start and end events, each with its element path
/// and (for ends) the element's own text, untrimmed (keys may begin or end with spaces).
private final class ElementReader: NSObject, XMLParserDelegate {
    struct Event {
        var path: [String]
        var isEnd: Bool
        var text: String
    }

    private(set) var events: [Event] = []
    private(set) var root: String?
    private var path: [String] = []
    private var text = ""

    func read(_ body: [UInt8]) -> Bool {
        let parser = XMLParser(data: Data(body))
        parser.delegate = self
        parser.shouldProcessNamespaces = true
        return parser.parse()
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        if root == nil { root = name }
        path.append(name)
        text = ""
        events.append(Event(path: path, isEnd: false, text: ""))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        events.append(Event(path: path, isEnd: true, text: text))
        text = ""
        path.removeLast()
    }
}
