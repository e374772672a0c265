import CCrypto
import FleetTicketsCore
import FleetTicketsHTTP
import Foundation

extension S3Client {
    /// Deletes the keys, up to `keysPerRequest` per DeleteObjects request, and returns the
    /// keys the server could not delete, with its error for each. A missing key counts as
    /// deleted (S3 semantics).
    ///
    /// DeleteObjects costs a server about what one DeleteObject costs, for up to 1,000 keys.
    /// Keys XML cannot carry (control characters) are deleted one by one, and so is a whole
    /// request's worth of keys when the server refuses the request itself (a server without
    /// DeleteObjects, say). A transport failure that outlasts the retries is thrown.
    public func deleteObjects(_ keys: [String], keysPerRequest: Int = 1_000) async throws -> [String: S3Error] {
        var failures: [String: S3Error] = [:]
        let (batchable, single) = (keys.filter(DeleteObjectsBody.canCarry), keys.filter { !DeleteObjectsBody.canCarry($0) })
        for start in stride(from: 0, to: batchable.count, by: max(1, keysPerRequest)) {
            let chunk = Array(batchable[start..<min(start + max(1, keysPerRequest), batchable.count)])
            do {
                failures.merge(try await deleteInOneRequest(chunk)) { $1 }
            } catch let refused as S3Error where refused.status != nil {
                logger.debug("the server refused DeleteObjects; deleting one key at a time",
                             metadata: ["keys": "\(chunk.count)", "error": "\(refused)"])
                failures.merge(try await deleteEach(chunk)) { $1 }
            }
        }
        failures.merge(try await deleteEach(single)) { $1 }
        return failures
    }

    /// One DeleteObjects request (Quiet: the server lists only the keys it failed to delete).
    func deleteInOneRequest(_ keys: [String]) async throws -> [String: S3Error] {
        let body = DeleteObjectsBody.xml(keys)
        let request = request("POST", key: nil, query: ["delete": ""],
                              headers: ["Content-Type": "application/xml", "Content-MD5": ContentMD5.base64(of: body)],
                              body: body)
        let response = try await send(.deleteObjects, key: keys.first, request)
        guard let result = DeleteResult.parse(response.body) else {
            var error = S3Error(.deleteObjects, key: keys.first, response: response, configuration: configuration)
            if error.serverCode == nil {
                error.message = "the answer is not a DeleteResult document"
                error.isMalformedResponse = true
            }
            throw error
        }
        let asked = Set(keys)
        var failures: [String: S3Error] = [:]
        for failed in result.errors where asked.contains(failed.key) {
            var error = S3Error(.deleteObjects, key: failed.key, response: response, configuration: configuration)
            error.serverCode = failed.code
            error.message = failed.message.map { S3Error.scrubbed($0, secret: configuration.secretKey) }
            // The answer's status is 200; a key refused for lack of permission gets the 403 hint.
            error.hint = failed.code == "AccessDenied" ? S3Error.hint(status: 403, code: nil, configuration: configuration) : nil
            failures[failed.key] = error
        }
        return failures
    }

    /// One DeleteObject per key, a few at a time.
    private func deleteEach(_ keys: [String]) async throws -> [String: S3Error] {
        var failures: [String: S3Error] = [:]
        for (key, error) in await runEach(keys, atOnce: 4, key: { $0 }, { try await deleteObject($0) }) {
            guard let error = error as? S3Error else { throw error }
            failures[key] = error
        }
        return failures
    }
}

/// The body of a DeleteObjects request.
enum DeleteObjectsBody {
    /// `<Delete><Quiet>true</Quiet><Object><Key>…</Key></Object>…</Delete>`, keys escaped.
    static func xml(_ keys: [String]) -> [UInt8] {
        var text = #"<?xml version="1.0" encoding="UTF-8"?><Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Quiet>true</Quiet>"#
        for key in keys { text += "<Object><Key>\(escaped(key))</Key></Object>" }
        text += "</Delete>"
        return Array(text.utf8)
    }

    /// True when XML 1.0 can carry the key: no control character other than tab, LF and CR,
    /// and neither U+FFFE nor U+FFFF.
    static func canCarry(_ key: String) -> Bool {
        key.unicodeScalars.allSatisfy { scalar in
            switch scalar.value {
            case 0x09, 0x0A, 0x0D: true
            case 0x00..<0x20, 0xFFFE, 0xFFFF: false
            default: true
            }
        }
    }

    /// Markup characters as entities; tab, LF and CR as character references, which a
    /// parser keeps as they are (it would turn a literal CR into LF).
    private static func escaped(_ key: String) -> String {
        var out = ""
        out.reserveCapacity(key.utf8.count)
        for character in key.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\t": out += "&#9;"
            case "\n": out += "&#10;"
            case "\r": out += "&#13;"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}

/// The `Content-MD5` header: the base64 of the body's MD5, which S3 requires on
/// DeleteObjects so a damaged key list is refused rather than applied.
enum ContentMD5 {
    static func base64(of body: [UInt8]) -> String {
        Data(digest(body)).base64EncodedString()
    }

    static func digest(_ body: [UInt8]) -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 16)
        var length: UInt32 = 0
        let ok = body.withUnsafeBytes { bytes in
            EVP_Digest(bytes.baseAddress, bytes.count, &digest, &length, EVP_md5(), nil)
        }
        // Fails only without memory or without OpenSSL's default provider, which every
        // libcrypto build has; neither can be worked around here.
        precondition(ok == 1 && length == 16, "libcrypto could not compute an MD5 digest")
        return digest
    }
}
