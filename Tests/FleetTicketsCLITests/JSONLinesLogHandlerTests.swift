import Foundation
import Logging
import Synchronization
import Testing
@testable import fleettickets

/// The JSON lines: a metadata provider's trace id and the event's error reach every line.
@Suite struct JSONLinesLogHandlerTests {
    /// Lines a handler wrote, decoded.
    final class Captured: Sendable {
        let lines = Mutex<[[String: String]]>([])
        func append(_ data: Data) {
            let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: String] ?? ["undecodable": String(decoding: data, as: UTF8.self)]
            lines.withLock { $0.append(object) }
        }
    }

    @TaskLocal static var traceID: String?

    @Test func aProvidersTraceIDIsOnEveryLineAndTheEventsErrorOnItsLine() throws {
        struct Refused: Error, CustomStringConvertible { var description: String { "the server refused the row" } }
        let captured = Captured()
        let provider = Logger.MetadataProvider { Self.traceID.map { ["trace_id": "\($0)"] } ?? [:] }
        var logger = Logger(label: "fleettickets") { label in
            var handler = JSONLinesLogHandler(label: label, metadataProvider: provider)
            handler.write = { captured.append($0) }
            handler.logLevel = .debug
            return handler
        }
        logger[metadataKey: "dataset"] = "inc"
        Self.$traceID.withValue("4bf92f3577b34da6") {
            logger.info("applying a file", metadata: ["key": "automations/inc/changes/2026-06-15T06-00-00.csv"])
            logger.warning("a retry", metadata: ["error": "an earlier sentence"])
            logger.error("apply failed", error: Refused())
            logger.debug("explicit metadata wins", metadata: ["trace_id": "override"])
        }
        logger.notice("outside any trace")
        let lines = captured.lines.withLock { $0 }
        #expect(lines.count == 5)
        #expect(lines.prefix(3).allSatisfy { $0["trace_id"] == "4bf92f3577b34da6" }, "\(lines)")
        #expect(lines.allSatisfy { $0["dataset"] == "inc" }, "the handler's own metadata stays")
        #expect(lines[1]["error"] == "an earlier sentence", "metadata named error is kept when the event has no error")
        #expect(lines[2]["error"] == "the server refused the row")
        #expect(lines[2]["msg"] == "apply failed" && lines[2]["level"] == "error")
        #expect(lines[3]["trace_id"] == "override", "the event's metadata beats the provider's")
        #expect(lines[4]["trace_id"] == nil)
    }

    @Test func anEventErrorMovesACallersErrorKeyAside() throws {
        struct Lost: Error {}
        let data = JSONLinesLogHandler.line(label: "fleettickets", level: .error, message: "m", metadata: ["error": "from metadata"], error: Lost())
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: String])
        #expect(object["error"] == "Lost()")
        #expect(object["meta.error"] == "from metadata")
    }
}
