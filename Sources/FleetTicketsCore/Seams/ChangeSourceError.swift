/// A change source could not find or move a file. The folder and memory sources throw it for
/// every failure; `S3ChangeSource` for a missing object (other bucket failures are `S3Error`).
public struct ChangeSourceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What failed. A struct over a private enum so new codes can be added without breaking
    /// exhaustive switches in callers: compare with `==` or `switch` with a `default`.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable { case notFound, io }
        private let base: Base
        private init(_ base: Base) { self.base = base }

        /// The key is not in the source (`location` names the source).
        public static let notFound = Code(.notFound)
        /// Listing, opening, reading or moving failed (`operation` and `reason` say how).
        public static let io = Code(.io)

        /// The code's name, e.g. "notFound".
        public var description: String { base.rawValue }
    }

    /// What failed.
    public var code: Code
    /// The key (or listed prefix) concerned.
    public var key: String
    /// The source, for `notFound`: the bucket, the folder or "memory".
    public var location: String?
    /// The step that failed, for `io`: "list", "open", "read", "move".
    public var operation: String?
    /// Why, for `io`.
    public var reason: String?

    /// The key is not in `location`.
    public static func notFound(key: String, location: String) -> ChangeSourceError {
        ChangeSourceError(code: .notFound, key: key, location: location)
    }

    /// `operation` on `key` failed for `reason`.
    public static func io(operation: String, key: String, reason: String) -> ChangeSourceError {
        ChangeSourceError(code: .io, key: key, operation: operation, reason: reason)
    }

    /// "KEY is not in LOCATION", or "could not OPERATION KEY: REASON".
    public var description: String {
        code == .notFound ? "\(key) is not in \(location ?? "the source")"
            : "could not \(operation ?? "use") \(key): \(reason ?? "no detail")"
    }

    private init(code: Code, key: String, location: String? = nil, operation: String? = nil, reason: String? = nil) {
        self.code = code
        self.key = key
        self.location = location
        self.operation = operation
        self.reason = reason
    }
}
