import FleetTicketsCore
import Foundation
import Testing
@testable import FleetTicketsS3

@Suite("Streamed GetObject against a local S3 server", .enabled(if: LiveS3.isEnabled, LiveS3.skipReason))
struct S3StreamingTests {
    static let twentyMiB = patternBytes(count: 20 * 1024 * 1024)

    @Test func twentyMegabytesArriveInBoundedChunks() async throws {
        let client = try await LiveS3.freshBucket("stream")
        let bytes = Self.twentyMiB
        let putStart = ContinuousClock.now
        try await client.putObject("big/20MiB.bin", bytes: bytes)
        let put = secondsSince(putStart)

        let getStart = ContinuousClock.now
        let object = try await client.getObject("big/20MiB.bin")
        #expect(object.info.size == Int64(bytes.count))
        var received: [UInt8] = []
        received.reserveCapacity(bytes.count)
        var chunks = 0
        var largest = 0
        for try await chunk in object.body {
            chunks += 1
            largest = max(largest, chunk.count)
            received += chunk
        }
        print("20 MiB object: put in \(put), streamed in \(secondsSince(getStart)) as \(chunks) chunks (largest \(largest) bytes)")
        #expect(chunks >= 20)
        #expect(largest <= 256 * 1024 + 16 * 1024)  // a chunk, plus at most one libcurl write
        #expect(received.count == bytes.count)
        #expect(received == bytes)
    }

    @Test func aSlowReaderStillGetsEveryByte() async throws {
        let client = try await LiveS3.freshBucket("slow")
        let bytes = patternBytes(count: 3 * 1024 * 1024, seed: 42)
        try await client.putObject("slow.bin", bytes: bytes)
        var received: [UInt8] = []
        for try await chunk in try await client.getObject("slow.bin").body {
            received += chunk
            try await Task.sleep(for: .milliseconds(40))  // the transfer waits for us meanwhile
        }
        #expect(received == bytes)
    }

    @Test func droppingAStreamEarlyAbortsTheDownloadAndLeavesTheClientUsable() async throws {
        let client = try await LiveS3.freshBucket("drop")
        try await client.putObject("big.bin", bytes: Self.twentyMiB)
        for _ in 0..<3 {
            var iterator = try await client.getObject("big.bin").body.makeAsyncIterator()
            let first = try await iterator.next()
            #expect(first?.isEmpty == false)
        }  // each iterator (and its stream) is dropped here with most of the body unread
        try await client.putObject("small.csv", bytes: Array("ok".utf8))
        #expect(try await client.getObjectBytes("small.csv") == Array("ok".utf8))
    }

    @Test func cancellingTheReadingTaskEndsTheStream() async throws {
        let client = try await LiveS3.freshBucket("cancel")
        try await client.putObject("big.bin", bytes: Self.twentyMiB)
        let reader = Task {
            var count = 0
            for try await chunk in try await client.getObject("big.bin").body {
                count += chunk.count
                try await Task.sleep(for: .milliseconds(20))
            }
            return count
        }
        try await Task.sleep(for: .milliseconds(150))
        reader.cancel()
        // A cancelled consumer either gets CancellationError (cancelled while waiting for a
        // chunk) or, like any AsyncThrowingStream, a plain end of stream (cancelled before
        // asking): consumers must check Task.isCancelled after the loop.
        switch await reader.result {
        case .success(let count): #expect(count < Self.twentyMiB.count)
        case .failure(let error): #expect(error is CancellationError)
        }
        try await client.putObject("after.csv", bytes: Array("ok".utf8))
        #expect(try await client.getObjectBytes("after.csv") == Array("ok".utf8))
    }
}
