import FleetTicketsTesting
import Foundation
import Synchronization
import Testing

/// Runs the built `fleettickets` executable the way an operator or a scheduler does.
enum CLI {
    /// The executable SwiftPM built beside the test bundle (`FLEETTICKETS_BINARY` overrides).
    static var binary: URL {
        if let path = ProcessInfo.processInfo.environment["FLEETTICKETS_BINARY"], !path.isEmpty { return URL(fileURLWithPath: path) }
        return ChildProcess.builtProduct("fleettickets")
    }

    /// What a finished run left.
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
    }

    /// The environment a run sees: only PATH and HOME from ours (so a developer's DATABASE_URL
    /// never leaks in), plus `env`.
    static func environment(_ env: [String: String]) -> [String: String] {
        let mine = ProcessInfo.processInfo.environment
        var out = ["PATH": mine["PATH"] ?? "/usr/bin:/bin", "HOME": mine["HOME"] ?? "/tmp"]
        for (k, v) in env { out[k] = v }
        return out
    }

    /// Runs to the end (killed after `timeout` seconds, which fails the test).
    static func run(_ arguments: [String], env: [String: String] = [:], in directory: URL? = nil,
                    timeout: Double = 120, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Result {
        let running = try start(arguments, env: env, in: directory)
        return try await running.wait(timeout: timeout, sourceLocation: sourceLocation)
    }

    /// Starts a run in the background (the worker).
    static func start(_ arguments: [String], env: [String: String] = [:], in directory: URL? = nil) throws -> Running {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = environment(env)
        process.currentDirectoryURL = directory ?? FileManager.default.temporaryDirectory
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let running = Running(process: process, out: out, err: err)
        try process.run()
        running.startReading()
        return running
    }

    /// A started process whose output is collected as it comes.
    final class Running: @unchecked Sendable {  // the buffers are behind a Mutex; the process is only signalled and polled
        let process: Process
        private let out: Pipe
        private let err: Pipe
        private let buffers = Mutex((out: Data(), err: Data()))
        private let readers = DispatchGroup()

        init(process: Process, out: Pipe, err: Pipe) {
            self.process = process
            self.out = out
            self.err = err
        }

        func startReading() {
            for (handle, isOut) in [(out.fileHandleForReading, true), (err.fileHandleForReading, false)] {
                readers.enter()
                Thread { [self] in
                    while true {
                        let chunk = handle.availableData
                        if chunk.isEmpty { break }
                        buffers.withLock { isOut ? $0.out.append(chunk) : $0.err.append(chunk) }
                    }
                    readers.leave()
                }.start()
            }
        }

        var stderrSoFar: String { String(decoding: buffers.withLock { $0.err }, as: UTF8.self) }

        /// SIGTERM, as a container runtime sends it.
        func terminate() { process.terminate() }

        /// Waits for the exit; a run still going after `timeout` seconds is killed and fails the test.
        func wait(timeout: Double, sourceLocation: SourceLocation = #_sourceLocation) async throws -> Result {
            let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
            while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            if process.isRunning {
                kill(process.processIdentifier, SIGKILL)
                Issue.record("fleettickets \(process.arguments ?? []) did not finish within \(timeout) s", sourceLocation: sourceLocation)
            }
            process.waitUntilExit()
            readers.wait()
            let (o, e) = buffers.withLock { ($0.out, $0.err) }
            return Result(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
        }
    }

    /// A new empty folder.
    static func scratchFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ft-cli-\(UUID().uuidString.prefix(8))", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
