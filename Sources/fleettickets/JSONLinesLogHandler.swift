import Foundation
import Logging

/// One JSON object per log line on standard error, for containers and log shippers.
///
/// The event's own fields (`ts`, `level`, `logger`, `msg`) always win: a metadata key with one
/// of those names is kept as `meta.<name>` instead of overwriting them, so a line's level and
/// message can be trusted whatever a caller attaches. Every value is a string.
struct JSONLinesLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    /// The fields every line carries, which metadata cannot replace.
    static let reserved: Set<String> = ["ts", "level", "logger", "msg"]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        FileHandle.standardError.write(Self.line(label: label, level: event.level, message: "\(event.message)",
                                                 metadata: metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 })))
    }

    /// The encoded line, newline included.
    static func line(label: String, level: Logger.Level, message: String, metadata: Logger.Metadata, at date: Date = Date()) -> Data {
        var object: [String: String] = [:]
        for (k, v) in metadata {
            object[reserved.contains(k) ? "meta.\(k)" : k] = "\(v)"
        }
        object["ts"] = date.formatted(.iso8601)
        object["level"] = level.rawValue
        object["logger"] = label
        object["msg"] = message
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var line = (try? encoder.encode(object)) ?? Data(#"{"level":"error","msg":"a log line could not be encoded"}"#.utf8)
        line.append(0x0A)
        return line
    }
}
