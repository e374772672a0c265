// dispatch-service: the fleettickets SDK embedded in a Hummingbird 2 service (see README.md).
import DispatchService
import Foundation
import Logging

LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardError(label: label)
    handler.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .notice
    return handler
}
let logger = Logger(label: "dispatch-service")
do {
    try await DispatchServiceApp.run(try ServiceOptions(arguments: Array(CommandLine.arguments.dropFirst())), logger: logger)
} catch let error as ServiceOptionsError {
    FileHandle.standardError.write(Data("dispatch-service: \(error)\n".utf8))
    exit(2)
} catch {
    FileHandle.standardError.write(Data("dispatch-service: \(error)\n".utf8))
    exit(1)
}
