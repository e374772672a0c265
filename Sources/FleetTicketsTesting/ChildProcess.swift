import Foundation
import Synchronization

/// Runs programs for tests without holding a thread of Swift's cooperative pool.
///
/// On a two-core machine the cooperative pool has two threads; a test that blocks one in
/// `waitUntilExit()` while Chromium renders for seconds stalls every other test in the process
/// (their timeouts then fire for no fault of theirs). Output is read on threads of its own and
/// the exit is awaited by polling.
///
/// A started program is stopped on every way out of the code that started it (a return, a thrown
/// error, a failed `#require`, the task's cancellation): ``run(_:_:environment:directory:timeout:)``
/// and ``withRunning(_:_:environment:directory:grace:_:)`` see to it, so a failing test never
/// leaves a worker behind.
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

    /// Runs `executable` with `arguments` to its end, killed after `timeout` seconds (or at once
    /// when the task is cancelled). `environment` nil inherits ours. Standard input is empty.
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String]? = nil,
        directory: URL? = nil, timeout: Double = 120
    ) async throws -> Result {
        try await withRunning(executable, arguments, environment: environment, directory: directory) { running in
            try await running.wait(timeout: timeout)
        }
    }

    /// Starts `executable` in the background, runs `body` with it, and stops it however `body`
    /// ends: when it is still running then, SIGTERM, and SIGKILL if it has not exited after
    /// `grace` seconds; on cancellation SIGKILL at once. Returns once the program has exited.
    public static func withRunning<T>(
        _ executable: URL, _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil,
        grace: Double = 10, _ body: (Running) async throws -> T
    ) async throws -> T {
        let running = try start(executable, arguments, environment: environment, directory: directory)
        return try await withTaskCancellationHandler {
            do {
                let value = try await body(running)
                _ = await running.stop(grace: grace)
                return value
            } catch {
                _ = await running.stop(grace: grace)
                throw error
            }
        } onCancel: {
            running.kill()
        }
    }

    /// Starts `executable` in the background (a worker a test signals later); its output is
    /// collected as it comes. The caller must stop it on every path (``Running/stop(grace:)``);
    /// prefer ``withRunning(_:_:environment:directory:grace:_:)``, which does.
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

        /// SIGTERM, as a container runtime sends it (nothing once the program has exited).
        public func terminate() { signal(SIGTERM) }

        /// SIGINT, as Ctrl-C sends it (nothing once the program has exited).
        public func interrupt() { signal(SIGINT) }

        /// SIGKILL (nothing once the program has exited).
        public func kill() { signal(SIGKILL) }

        /// Waits for the exit; a program still going after `timeout` seconds is killed (SIGKILL)
        /// and its result says `timedOut`.
        /// - Throws: `CancellationError` when the task is cancelled while waiting (the program is
        ///   left running: ``withRunning(_:_:environment:directory:grace:_:)`` stops it).
        public func wait(timeout: Double) async throws -> Result {
            let deadline = ContinuousClock.now + .milliseconds(Int64(timeout * 1000))
            while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
            return finish()
        }

        /// Ends the program if it is still running: SIGTERM, then SIGKILL when it has not exited
        /// after `grace` seconds (at once when the task is cancelled). Returns its result, with
        /// `timedOut` when it had to be killed. Safe to call again, and after it exited.
        @discardableResult
        public func stop(grace: Double = 10) async -> Result {
            terminate()
            let deadline = ContinuousClock.now + .milliseconds(Int64(grace * 1000))
            while process.isRunning && ContinuousClock.now < deadline && !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(20))
            }
            return finish()
        }

        /// Kills a program still running, reaps it and collects its output.
        private func finish() -> Result {
            let timedOut = process.isRunning
            if timedOut { kill() }
            // Both end at once once the program has exited: the pipes close with it.
            process.waitUntilExit()
            readers.wait()
            let (o, e) = buffers.withLock { ($0.out, $0.err) }
            return Result(status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
                          stderr: String(decoding: e, as: UTF8.self), timedOut: timedOut)
        }

        /// Sends `number` while the program runs (checked first, as `Process.terminate()` does).
        private func signal(_ number: Int32) {
            if process.isRunning { send(number, to: process.processIdentifier) }
        }
    }

    /// An executable SwiftPM built beside the running test bundle (the examples, `fleettickets`).
    public static func builtProduct(_ name: String) -> URL {
        let bundle = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }?.bundleURL
            ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return bundle.deletingLastPathComponent().appendingPathComponent(name)
    }
}

/// `kill(2)`, outside `Running`, whose own `kill()` would shadow it.
private func send(_ signal: Int32, to pid: Int32) {
    kill(pid, signal)
}
