import CCurl
import Synchronization

/// Turns an `HTTPRequest` into libcurl options on an easy handle.
enum CurlOptions {
    /// Sets every option for one attempt. `headerList` receives the header list, which must
    /// outlive the transfer (the caller frees it). Returns the first failing option's code.
    static func configure(_ handle: UnsafeMutableRawPointer, for request: HTTPRequest, tls: HTTPTLSOptions,
                          errorBuffer: UnsafeMutablePointer<CChar>,
                          headerList: inout UnsafeMutablePointer<curl_slist>?,
                          context: UnsafeMutableRawPointer) -> CURLcode {
        var result = CURLE_OK
        func check(_ code: CURLcode) { if result == CURLE_OK { result = code } }
        func long(_ option: CURLoption, _ value: Int) { check(fleettickets_curl_setopt_long(handle, option, value)) }
        func offset(_ option: CURLoption, _ value: Int) { check(fleettickets_curl_setopt_off_t(handle, option, curl_off_t(value))) }
        func string(_ option: CURLoption, _ value: String) { check(fleettickets_curl_setopt_string(handle, option, value)) }
        func pointer(_ option: CURLoption, _ value: UnsafeMutableRawPointer?) { check(fleettickets_curl_setopt_pointer(handle, option, value)) }

        pointer(CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(errorBuffer))
        string(CURLOPT_URL, request.url)
        string(CURLOPT_PROTOCOLS_STR, "http,https")
        long(CURLOPT_NOSIGNAL, 1)
        long(CURLOPT_TCP_KEEPALIVE, 1)
        long(CURLOPT_FOLLOWLOCATION, 0)

        // Callbacks; each gets the transfer as its userdata.
        check(fleettickets_curl_setopt_write_callback(handle, curlWriteCallback))
        pointer(CURLOPT_WRITEDATA, context)
        check(fleettickets_curl_setopt_header_callback(handle, curlHeaderCallback))
        pointer(CURLOPT_HEADERDATA, context)
        check(fleettickets_curl_setopt_read_callback(handle, curlReadCallback))
        pointer(CURLOPT_READDATA, context)
        check(fleettickets_curl_setopt_xferinfo_callback(handle, curlProgressCallback))
        pointer(CURLOPT_XFERINFODATA, context)
        long(CURLOPT_NOPROGRESS, 0)

        // Timeouts.
        let timeouts = request.timeouts
        long(CURLOPT_CONNECTTIMEOUT_MS, milliseconds(timeouts.connect))
        long(CURLOPT_LOW_SPEED_LIMIT, timeouts.lowSpeedBytesPerSecond)
        long(CURLOPT_LOW_SPEED_TIME, max(1, milliseconds(timeouts.lowSpeedTime) / 1000))
        if let total = timeouts.total { long(CURLOPT_TIMEOUT_MS, milliseconds(total)) }

        // TLS.
        long(CURLOPT_SSL_VERIFYPEER, tls.verifyPeer ? 1 : 0)
        long(CURLOPT_SSL_VERIFYHOST, tls.verifyPeer ? 2 : 0)
        if let bundle = tls.caBundlePath { string(CURLOPT_CAINFO, bundle) }

        // Method and body. PUT uploads through the read callback; so does POST when no
        // POSTFIELDS are set. libcurl adds no Content-Type to a PUT; callers set it.
        let size = request.body.count
        switch request.method {
        case "GET": long(CURLOPT_HTTPGET, 1)
        case "HEAD": long(CURLOPT_NOBODY, 1)
        case "PUT":
            long(CURLOPT_UPLOAD, 1)
            offset(CURLOPT_INFILESIZE_LARGE, size)
        case "POST":
            long(CURLOPT_POST, 1)
            offset(CURLOPT_POSTFIELDSIZE_LARGE, size)
        default:
            string(CURLOPT_CUSTOMREQUEST, request.method)
            if size > 0 {
                long(CURLOPT_UPLOAD, 1)
                offset(CURLOPT_INFILESIZE_LARGE, size)
            }
        }

        // Signing: libcurl computes AWS SigV4 over the method, path, query and headers.
        if let signing = request.signing {
            switch signing {
            case let .awsSigV4(scope, accessKey, secretKey):
                string(CURLOPT_AWS_SIGV4, scope)
                string(CURLOPT_USERNAME, accessKey)
                string(CURLOPT_PASSWORD, secretKey)
            }
        }

        // Headers. "Name:" would remove a header; "Name;" sends it empty.
        for field in request.headers {
            let line = field.value.isEmpty ? "\(field.name);" : "\(field.name): \(field.value)"
            guard let list = curl_slist_append(headerList, line) else { return CURLE_OUT_OF_MEMORY }
            headerList = list
        }
        if let headerList { check(fleettickets_curl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)) }
        return result
    }

    private static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        return max(0, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}

/// libcurl easy handles kept for reuse: `curl_easy_reset` clears the options but keeps the
/// handle's connection cache, so consecutive requests to one server reuse a connection.
final class CurlHandlePool: Sendable {
    struct Handle: @unchecked Sendable { let raw: UnsafeMutableRawPointer }

    static let shared = CurlHandlePool(keeping: 16)

    private let idle = Mutex<[Handle]>([])
    private let keeping: Int

    private init(keeping: Int) {
        precondition(CurlHandlePool.globalInit == CURLE_OK, "curl_global_init failed: \(CurlHandlePool.globalInit)")
        self.keeping = keeping
    }

    /// `curl_global_init`, exactly once per process (a lazy static is initialised once).
    private static let globalInit: CURLcode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))

    func take() -> Handle {
        if let handle = idle.withLock({ $0.popLast() }) { return handle }
        guard let raw = curl_easy_init() else { fatalError("curl_easy_init failed (out of memory)") }
        return Handle(raw: raw)
    }

    func give(_ handle: Handle) {
        curl_easy_reset(handle.raw)
        let kept = idle.withLock { idle -> Bool in
            guard idle.count < keeping else { return false }
            idle.append(handle)
            return true
        }
        if !kept { curl_easy_cleanup(handle.raw) }
    }
}
