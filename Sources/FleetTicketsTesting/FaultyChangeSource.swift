import FleetTicketsCore
import Synchronization

/// A change source that fails on chosen keys and operations, wrapping a real one.
///
/// ```swift
/// let source = FaultyChangeSource(wrapping: bucket)
/// source.fail(.move, on: "automations/inc/changes/2026-06-15T17-00-00.csv", times: 1)
/// ```
public final class FaultyChangeSource: ChangeSource {
    /// The operations that can be made to fail.
    public enum Operation: String, Sendable, Hashable { case list, read, readMidway, move }

    /// The error it throws.
    public struct InjectedFault: Error, Sendable, CustomStringConvertible {
        public var operation: Operation
        public var key: String
        public var description: String { "injected \(operation.rawValue) failure on \(key)" }
    }

    private let base: any ChangeSource
    private let faults = Mutex<[String: Int]>([:])

    public init(wrapping base: any ChangeSource) {
        self.base = base
    }

    /// Makes `operation` on `key` fail the next `times` times (`Int.max` for always).
    /// For `.list`, `key` is the prefix.
    public func fail(_ operation: Operation, on key: String, times: Int = .max) {
        faults.withLock { $0["\(operation.rawValue) \(key)"] = times }
    }

    /// Removes every injected fault.
    public func heal() { faults.withLock { $0.removeAll() } }

    private func check(_ operation: Operation, _ key: String) throws {
        let hit = faults.withLock { f -> Bool in
            let id = "\(operation.rawValue) \(key)"
            guard let left = f[id], left > 0 else { return false }
            f[id] = left == .max ? left : left - 1
            return true
        }
        if hit { throw InjectedFault(operation: operation, key: key) }
    }

    public var location: String { base.location }

    public func list(prefix: String) async throws -> [SourceObject] {
        try check(.list, prefix)
        return try await base.list(prefix: prefix)
    }

    public func read(_ key: String) async throws -> ByteChunks {
        try check(.read, key)
        let stream = try await base.read(key)
        let failMidway: Bool
        do { try check(.readMidway, key); failMidway = false } catch { failMidway = true }
        guard failMidway else { return stream }
        // Deliver the first chunk, then fail: a connection dropped mid-file.
        let box = IteratorBox(stream.makeAsyncIterator())
        return ByteChunks(unfolding: {
            if let chunk = try await box.next() { return chunk }
            throw InjectedFault(operation: .readMidway, key: key)
        })
    }

    public func move(_ key: String, to destination: String) async throws {
        try check(.move, key)
        try await base.move(key, to: destination)
    }

    /// Fails the keys with a `.move` fault and hands the others to the wrapped source's batch.
    public func move(_ moves: [ObjectMove]) async -> [String: any Error] {
        var failures: [String: any Error] = [:]
        var passed: [ObjectMove] = []
        for move in moves {
            do { try check(.move, move.key); passed.append(move) } catch { failures[move.key] = error }
        }
        guard !passed.isEmpty else { return failures }
        return failures.merging(await base.move(passed)) { $1 }
    }
}

/// Hands out the first chunk of a stream, then nothing.
private final class IteratorBox: @unchecked Sendable {  // used by one reader at a time
    var iterator: ByteChunks.AsyncIterator
    var delivered = false
    init(_ iterator: ByteChunks.AsyncIterator) { self.iterator = iterator }
    func next() async throws -> [UInt8]? {
        guard !delivered else { return nil }
        delivered = true
        return try await iterator.next()
    }
}
