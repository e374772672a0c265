import FleetTicketsHTTP
import FleetTicketsCore

extension S3Client {
    /// Every object whose key starts with `prefix` (ListObjectsV2, following continuation
    /// tokens until the listing is complete), in the server's (key) order.
    /// - Parameters:
    ///   - prefix: the start every key listed has (`""` lists the whole bucket).
    ///   - pageSize: keys per request (`max-keys`); the server's default (1000) when nil.
    public func listObjects(prefix: String, pageSize: Int? = nil) async throws -> [SourceObject] {
        var objects: [SourceObject] = []
        var token: String?
        var seenTokens: Set<String> = []
        repeat {
            var query = ["list-type": "2", "prefix": prefix]
            if let token { query["continuation-token"] = token }
            if let pageSize { query["max-keys"] = String(pageSize) }
            let response = try await send(.listObjects, key: prefix, request("GET", key: nil, query: query))
            guard let page = ListObjectsPage.parse(response.body) else {
                throw malformed(.listObjects, key: prefix, "the answer is not a ListBucketResult document", response)
            }
            objects += page.objects.map { SourceObject(key: $0.key, size: $0.size, etag: $0.etag) }
            token = nil
            if page.isTruncated {
                guard let next = page.nextContinuationToken, !next.isEmpty, seenTokens.insert(next).inserted else {
                    throw malformed(.listObjects, key: prefix, "a truncated page without a new continuation token", response)
                }
                token = next
            }
        } while token != nil
        logger.debug("listed objects", metadata: ["prefix": "\(prefix)", "count": "\(objects.count)"])
        return objects
    }

    /// Starts downloading an object; returns once the server has answered, with the body
    /// streaming in chunks (bounded buffering: a slow reader slows the download).
    public func getObject(_ key: String) async throws -> S3ObjectStream {
        let request = request("GET", key: key)
        let response: HTTPStreamingResponse
        do {
            response = try await http.stream(request)
        } catch let failure as HTTPError {
            throw S3Error.boundary(.getObject, key: key, transport: failure, configuration: configuration)
        }
        guard response.isSuccess else {
            let body = (try? await response.collect()) ?? []
            throw S3Error(.getObject, key: key, response: HTTPResponse(status: response.status, headers: response.headers,
                                                                       body: body, retries: response.retries),
                          configuration: configuration)
        }
        let configuration = configuration
        let body = response.body.mappingErrors { error in
            guard let failure = error as? HTTPError else { return error }
            return S3Error.boundary(.getObject, key: key, transport: failure, configuration: configuration)
        }
        return S3ObjectStream(info: S3ObjectInfo(key: key, headers: response.headers), body: body)
    }

    /// Downloads a whole object into memory.
    public func getObjectBytes(_ key: String) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in try await getObject(key).body { bytes += chunk }
        return bytes
    }

    /// The object's size, ETag and content type, without its body.
    public func headObject(_ key: String) async throws -> S3ObjectInfo {
        let response = try await send(.headObject, key: key, request("HEAD", key: key))
        return S3ObjectInfo(key: key, headers: response.headers)
    }

    /// Stores an object (replacing any object at `key`). Returns the new ETag.
    ///
    /// The content type defaults to `application/octet-stream`; without an explicit type some
    /// servers store an empty object while answering 200. `metadata` becomes the object's
    /// user metadata (`x-amz-meta-<name>`). The body goes with its `Content-MD5`, so a server
    /// stores exactly these bytes or refuses them.
    @discardableResult
    public func putObject(_ key: String, bytes: [UInt8], contentType: String = "application/octet-stream",
                          metadata: [String: String] = [:]) async throws -> String? {
        var headers: HTTPHeaders = ["Content-Type": contentType, "Content-MD5": ContentMD5.base64(of: bytes)]
        for (name, value) in metadata.sorted(by: { $0.key < $1.key }) { headers.add("x-amz-meta-\(name)", value) }
        let request = request("PUT", key: key, headers: headers, body: bytes)
        let response = try await send(.putObject, key: key, request)
        return response.headers["ETag"].map(unquotedETag)
    }

    /// Copies an object inside the bucket (server side), replacing any object at `destination`.
    public func copyObject(_ source: String, to destination: String) async throws {
        let copySource = "/" + S3URLEncoding.path(configuration.bucket) + "/" + S3URLEncoding.path(source)
        let request = request("PUT", key: destination, headers: ["x-amz-copy-source": copySource])
        let response: HTTPResponse
        do {
            response = try await send(.copyObject, key: source, request)
        } catch var error as S3Error {
            if error.isNoSuchKey || error.status == 404 { error.key = source }
            throw error
        }
        // A copy can fail after the 200 status went out; the body then holds an <Error>.
        if S3ErrorDocument.parse(response.body) != nil {
            throw S3Error(.copyObject, key: source, response: HTTPResponse(status: 500, headers: response.headers, body: response.body,
                                                                          retries: response.retries),
                          configuration: configuration)
        }
    }

    /// Deletes an object. Deleting a missing key succeeds (S3 semantics).
    public func deleteObject(_ key: String) async throws {
        _ = try await send(.deleteObject, key: key, request("DELETE", key: key))
    }

    /// Creates the bucket; succeeds when this account already owns it. For set-up scripts,
    /// demos and tests; production buckets are provisioned by operators.
    public func createBucket() async throws {
        do {
            _ = try await send(.createBucket, key: nil, request("PUT", key: nil))
        } catch let error as S3Error where error.serverCode == "BucketAlreadyOwnedByYou" {
            return
        }
    }

    private func malformed(_ operation: S3Error.Operation, key: String, _ problem: String, _ response: HTTPResponse) -> S3Error {
        var error = S3Error(operation, key: key, response: response, configuration: configuration)
        error.message = problem
        error.isMalformedResponse = true
        return error
    }
}

extension AsyncThrowingStream where Element == [UInt8], Failure == any Error {
    /// The same chunks, with errors passed through `transform`. Dropping the result drops this
    /// stream (which, for a download, aborts it).
    func mappingErrors(_ transform: @escaping @Sendable (any Error) -> any Error) -> ByteChunks {
        let iterator = IteratorBox(makeAsyncIterator())
        return ByteChunks(unfolding: {
            do {
                return try await iterator.next()
            } catch {
                throw transform(error)
            }
        })
    }
}

/// Holds a stream's iterator for `mappingErrors`. A byte stream has one consumer, which awaits
/// each chunk before asking for the next, so the iterator is never used concurrently.
private final class IteratorBox: @unchecked Sendable {
    private var iterator: ByteChunks.AsyncIterator
    init(_ iterator: ByteChunks.AsyncIterator) { self.iterator = iterator }
    func next() async throws -> [UInt8]? { try await iterator.next() }
}
