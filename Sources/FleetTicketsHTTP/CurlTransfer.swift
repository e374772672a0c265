import CCurl
import Foundation
import Synchronization

/// One attempt at one request: a libcurl easy handle driven by `curl_easy_perform` on a
/// thread of `TransferThreads` (never on the Swift concurrency pool, which must not block).
///
/// Buffered mode collects the body. Streaming mode announces the response head as soon as
/// it arrives and then feeds a `BodyChannel`; error statuses are always collected in full.
final class CurlTransfer: @unchecked Sendable {
    enum Outcome: Sendable {
        case response(HTTPResponse)
        case failure(curlCode: Int, message: String, status: Int?)
    }

    enum Start: Sendable {
        case streaming(status: Int, headers: HTTPHeaders, body: BodyChannel)
        case completed(Outcome)
    }

    /// Sends `request` and returns when the whole response is in.
    static func perform(_ request: HTTPRequest, tls: HTTPTLSOptions) async -> Outcome {
        let transfer = CurlTransfer(request, tls: tls, channel: nil)
        let start = await transfer.run()
        guard case let .completed(outcome) = start else { preconditionFailure("a buffered transfer never streams") }
        return outcome
    }

    /// Sends `request` and returns when the response head is in; a 2xx body then streams
    /// in chunks of about `chunkSize` bytes, at most `bufferedChunks` waiting at once.
    static func start(_ request: HTTPRequest, tls: HTTPTLSOptions, chunkSize: Int, bufferedChunks: Int) async -> Start {
        let transfer = CurlTransfer(request, tls: tls, channel: BodyChannel(capacity: bufferedChunks), chunkSize: chunkSize)
        return await transfer.run()
    }

    private let request: HTTPRequest
    private let tls: HTTPTLSOptions
    private let channel: BodyChannel?
    private let chunkSize: Int
    private let cancelled = Atomic<Bool>(false)
    private var announce: ((Start) -> Void)?

    // Touched only by the transfer thread (the callbacks run on it).
    private var status = 0
    private var headers = HTTPHeaders()
    private var body: [UInt8] = []
    private var pending: [UInt8] = []
    private var streaming = false
    private var uploaded = 0

    private init(_ request: HTTPRequest, tls: HTTPTLSOptions, channel: BodyChannel?, chunkSize: Int = 0) {
        self.request = request
        self.tls = tls
        self.channel = channel
        self.chunkSize = max(1, chunkSize)
    }

    private func run() async -> Start {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Start, Never>) in
                announce = { continuation.resume(returning: $0) }
                TransferThreads.shared.run { [self] in perform() }
            }
        } onCancel: {
            cancelled.store(true, ordering: .relaxed)
        }
    }

    private func announceOnce(_ start: Start) {
        announce?(start)
        announce = nil
    }

    // MARK: - On the transfer thread

    private func perform() {
        let handle = CurlHandlePool.shared.take()
        defer { CurlHandlePool.shared.give(handle) }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer { curl_slist_free_all(headerList) }
        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { buffer in
            let setup = CurlOptions.configure(handle.raw, for: request, tls: tls, errorBuffer: buffer.baseAddress!,
                                              headerList: &headerList, context: Unmanaged.passUnretained(self).toOpaque())
            guard setup == CURLE_OK else { return setup }
            return curl_easy_perform(handle.raw)
        }
        let message = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        completed(code, message: message.isEmpty ? String(cString: curl_easy_strerror(code)) : message)
    }

    private func completed(_ code: CURLcode, message: String) {
        if streaming, let channel {
            if code == CURLE_OK {
                if !pending.isEmpty { _ = channel.send(pending) }
                pending = []
                channel.finish()
            } else {
                channel.finish(throwing: HTTPError(method: request.method, url: request.redactedURL, curlCode: Int(code.rawValue),
                                                   message: message, retries: 0, lastStatus: status))
            }
        } else if code == CURLE_OK {
            announceOnce(.completed(.response(HTTPResponse(status: status, headers: headers, body: body))))
        } else {
            announceOnce(.completed(.failure(curlCode: Int(code.rawValue), message: message, status: status == 0 ? nil : status)))
        }
    }

    /// A header line, status lines included. A blank line ends a block; 1xx blocks and
    /// redirects' blocks are followed by another, so each status line starts afresh.
    fileprivate func receivedHeader(_ line: UnsafeRawBufferPointer) -> Int {
        // Trimmed and split as bytes: Foundation's trimmingCharacters went through NSString
        // per header line, a tenth of a small-file drain's CPU.
        let bytes = Self.trimmed(line[...])
        if bytes.starts(with: "HTTP/".utf8) {
            let parts = String(decoding: bytes, as: UTF8.self).split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            headers = HTTPHeaders()
        } else if bytes.isEmpty {
            if (200..<300).contains(status), let channel, !streaming {
                streaming = true
                announceOnce(.streaming(status: status, headers: headers, body: channel))
            }
        } else if let colon = bytes.firstIndex(of: UInt8(ascii: ":")) {
            headers.add(String(decoding: bytes[..<colon], as: UTF8.self),
                        String(decoding: Self.trimmed(bytes[(colon + 1)...]), as: UTF8.self))
        }
        return line.count
    }

    /// `bytes` without the spaces, tabs, CRs and LFs at either end (HTTP's whitespace).
    private static func trimmed(_ bytes: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer> {
        let space: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
        guard let first = bytes.firstIndex(where: { !space($0) }), let last = bytes.lastIndex(where: { !space($0) }) else {
            return bytes[bytes.endIndex...]
        }
        return bytes[first...last]
    }

    /// Body bytes. Returning fewer than given aborts the transfer (CURLE_WRITE_ERROR).
    fileprivate func receivedBody(_ bytes: UnsafeRawBufferPointer) -> Int {
        guard streaming, let channel else {
            body.append(contentsOf: bytes)
            return bytes.count
        }
        pending.append(contentsOf: bytes)
        if pending.count >= chunkSize {
            let chunk = pending
            pending = []
            pending.reserveCapacity(chunkSize + 16 * 1024)
            guard channel.send(chunk) else { return 0 }
        }
        return bytes.count
    }

    /// Fills libcurl's upload buffer from the request body.
    fileprivate func sendBody(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        let count = min(buffer.count, request.body.count - uploaded)
        guard count > 0 else { return 0 }
        request.body.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[uploaded..<(uploaded + count)]))
        }
        uploaded += count
        return count
    }

    /// True when the transfer should stop: the waiting task or the body's consumer is gone.
    fileprivate var shouldAbort: Bool {
        cancelled.load(ordering: .relaxed) || (channel?.isCancelled ?? false)
    }
}

// MARK: - libcurl callbacks (C function pointers cannot capture; the transfer comes as userdata)

private func transfer(_ userdata: UnsafeMutableRawPointer?) -> CurlTransfer {
    Unmanaged<CurlTransfer>.fromOpaque(userdata!).takeUnretainedValue()
}

let curlWriteCallback: fleettickets_curl_data_callback = { data, size, count, userdata in
    transfer(userdata).receivedBody(UnsafeRawBufferPointer(start: data, count: size * count))
}

let curlHeaderCallback: fleettickets_curl_data_callback = { data, size, count, userdata in
    transfer(userdata).receivedHeader(UnsafeRawBufferPointer(start: data, count: size * count))
}

let curlReadCallback: fleettickets_curl_data_callback = { data, size, count, userdata in
    transfer(userdata).sendBody(into: UnsafeMutableRawBufferPointer(start: data, count: size * count))
}

let curlProgressCallback: curl_xferinfo_callback = { userdata, _, _, _, _ in
    transfer(userdata).shouldAbort ? 1 : 0
}
