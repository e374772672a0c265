import Foundation
import Synchronization

/// Runs a program to its end without holding a thread of Swift's cooperative pool.
///
/// On a two-core machine the cooperative pool has two threads; a test that blocks one in
/// `waitUntilExit()` while Chromium renders for seconds stalls every other test in the process
/// (their timeouts then fire for no fault of theirs). The waiting happens on a thread of its own.
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
    }

    /// Runs `executable` with `arguments` to its end, killing it after `timeout` seconds.
    /// `environment` nil inherits ours. Standard input is empty.
    public static func run(
        _ executable: URL, _ arguments: [String], environment: [String: String]? = nil,
        directory: URL? = nil, timeout: Double = 120
    ) async throws -> Result {
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
        let box = UncheckedProcess(process: process)
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { if box.process.isRunning { box.process.terminate() } }
        return await withCheckedContinuation { continuation in
            Thread {
                // Drain stderr on another thread so a chatty program cannot fill its pipe and stall.
                let errData = Mutex(Data())
                let errDone = DispatchSemaphore(value: 0)
                Thread { errData.withLock { $0 = err.fileHandleForReading.readDataToEndOfFile() }; errDone.signal() }.start()
                let outData = out.fileHandleForReading.readDataToEndOfFile()
                errDone.wait()
                box.process.waitUntilExit()
                continuation.resume(returning: Result(
                    status: box.process.terminationStatus,
                    stdout: String(decoding: outData, as: UTF8.self),
                    stderr: String(decoding: errData.withLock { $0 }, as: UTF8.self)))
            }.start()
        }
    }

    /// An executable SwiftPM built beside the running test bundle (the examples, `fleettickets`).
    public static func builtProduct(_ name: String) -> URL {
        let bundle = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }?.bundleURL
            ?? URL(fileURLWithPath: CommandLine.arguments[0])
        return bundle.deletingLastPathComponent().appendingPathComponent(name)
    }

    /// `Process` is not `Sendable`; it is only started here and waited on by one thread.
    private struct UncheckedProcess: @unchecked Sendable { let process: Process }
}
