import Foundation
import Synchronization

/// Runs programs for tests without holding a thread of Swift's cooperative pool.
///
/// On a two-core machine the cooperative pool has two threads; a test that blocks one in
/// `waitUntilExit()` while Chromium renders for seconds stalls every other test in the process
/// (their timeouts then fire for no fault of theirs). Output is read on threads of its own and
/// the exit is awaited by polling.
///
/// ```swift
/// let result = try await ChildProcess.run(URL(fileURLWithPath: "/usr/bin/env"), ["true"])
/// #expect(result.status == 0)
/// ```
public enum ChildProcess {
    /// What a finished program left.
    public struct Result: Sendable {
        /// Its exit status (or the signal that ended it, when it was killed).
        public var status: Int32
        public var stdout: String
        public var stderr: String
        /// True when it was still running at the time limit and was killed.
        public var timedOut = false

        public var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
    }

    /// Runs `executable` with `arguments` to its end, killed after `timeout` seconds.
    /// `environment` nil inherits ours. Standard input is empty.
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String]? = nil,
        directory: URL? = nil, timeout: Double = 120
    ) async throws -> Result {
        try await start(executable, arguments, environment: environment, directory: directory).wait(timeout: timeout)
    }

    /// Starts `executable` in the background (a worker a test signals later); its output is
    /// collected as it comes.
    public static func start(
        _ executable: URL, _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil
    ) throws -> Running {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        if let environment { process.environment = environment }
        if let directory { process.currentDirectoryURL = directory }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        return Running(process: process, out: out, err: err)
    }

    /// A started program. `@unchecked Sendable`: the output buffers are behind a Mutex, and the
    /// `Process` is only signalled and polled after `run()` (its own state is thread-safe for that).
    public final class Running: @unchecked Sendable {
        private let process: Process
        private let buffers = Mutex((out: Data(), err: Data()))
        private let readers = DispatchGroup()

        fileprivate init(process: Process, out: Pipe, err: Pipe) {
            self.process = process
            // A reader per pipe, so a chatty program can never fill one and stall.
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

        public var arguments: [String] { process.arguments ?? [] }
        public var isRunning: Bool { process.isRunning }

        /// Standard error so far.
        public var stderrSoFar: String { String(decoding: buffers.withLock { $0.err }, as: UTF8.self) }

        /// SIGTERM, as a container runtime sends it.
        public func terminate() { process.terminate() }

        /// Waits for the exit; a program still going after `timeout` seconds is killed (SIGKILL)
        /// and its result says `timedOut`.
        public func wait(timeout: Double) async throws -> Result {
            let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
            while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            let timedOut = process.isRunning
            if timedOut { kill(process.processIdentifier, SIGKILL) }
            // Both end at once once the program has exited: the pipes close with it.
            process.waitUntilExit()
            readers.wait()
            let (o, e) = buffers.withLock { ($0.out, $0.err) }
            return Result(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                          stderr: String(decoding: e, as: UTF8.self), timedOut: timedOut)
        }
    }

    /// An executable SwiftPM built beside the running test bundle (the examples, `fleettickets`).
    public static func builtProduct(_ name: String) -> URL {
        let bundle = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }?.bundleURL
            ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return bundle.deletingLastPathComponent().appendingPathComponent(name)
    }
}
