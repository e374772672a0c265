import Foundation
import Logging

/// One JSON object per log line on standard error, for containers and log shippers.
///
/// A line carries, from weakest to strongest, the handler's metadata, the metadata provider's
/// (a trace id from the task's context, say) and the event's own, then the event's error as
/// `error` when it has one. The event's own fields (`ts`, `level`, `logger`, `msg`) always win:
/// a metadata key with one of those names is kept as `meta.<name>` instead of overwriting
/// them, so a line's level and message can be trusted whatever a caller attaches; so is an
/// `error` key when the event carries an error. Every value is a string.
struct JSONLinesLogHandler: LogHandler {
    let label: String
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    /// Where encoded lines go (standard error; a test captures them).
    var write: @Sendable (Data) -> Void = { FileHandle.standardError.write($0) }

    /// The fields every line carries, which metadata cannot replace.
    static let reserved: Set<String> = ["ts", "level", "logger", "msg"]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty { merged.merge(provided, uniquingKeysWith: { $1 }) }
        if let own = event.metadata { merged.merge(own, uniquingKeysWith: { $1 }) }
        write(Self.line(label: label, level: event.level, message: "\(event.message)", metadata: merged, error: event.error))
    }

    /// The encoded line, newline included.
    static func line(label: String, level: Logger.Level, message: String, metadata: Logger.Metadata,
                     error: (any Error)? = nil, at date: Date = Date()) -> Data {
        var object: [String: String] = [:]
        for (k, v) in metadata {
            object[reserved.contains(k) || (error != nil && k == "error") ? "meta.\(k)" : k] = "\(v)"
        }
        if let error { object["error"] = "\(error)" }
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
