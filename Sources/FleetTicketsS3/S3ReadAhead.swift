/// Fetches the next few planned files into memory while the current one is applied.
///
/// `plan` records the order the engine will read keys in. At most `depth` files are fetched
/// (or held) ahead at once; `take` hands one over and starts the next. Files larger than
/// `maxFileBytes` are not held (their fetch is abandoned once the size is known); a failed
/// fetch is forgotten. Either way `take` returns nil and the caller reads directly, so a
/// read-ahead problem never becomes a read error. Memory: about `depth × maxFileBytes`, plus
/// the file the caller is consuming.
actor S3ReadAhead<File: Sendable> {
    /// Downloads a key whole; nil when it is larger than the limit.
    typealias Fetch = @Sendable (_ key: String, _ maxBytes: Int) async throws -> File?

    private let depth: Int
    private let maxFileBytes: Int
    private let fetch: Fetch
    /// The plan, and each key's place in it.
    private var planned: [String] = []
    private var order: [String: Int] = [:]
    /// The place in `planned` of the next key to fetch. Only moves forward, so a drain's
    /// read-ahead costs a constant amount per file, however long the plan.
    private var next = 0
    private var fetches: [String: Task<File?, Never>] = [:]

    init(depth: Int, maxFileBytes: Int, fetch: @escaping Fetch) {
        self.depth = max(0, depth)
        self.maxFileBytes = maxFileBytes
        self.fetch = fetch
    }

    deinit {
        for task in fetches.values { task.cancel() }
    }

    /// The keys that will be read next, in order. Replaces any earlier plan.
    func plan(_ keys: [String]) {
        planned = keys
        order = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        next = 0
        for (key, task) in fetches where order[key] == nil {
            task.cancel()
            fetches[key] = nil
        }
        fill()
    }

    /// The file `key` if it was fetched ahead, else nil. Keys planned before `key`
    /// are taken to be skipped: their fetches stop and their slots go to later keys.
    func take(_ key: String) async -> File? {
        guard let position = order[key] else { return nil }
        for (other, task) in fetches where other != key && (order[other] ?? 0) < position {
            task.cancel()
            fetches[other] = nil
        }
        next = max(next, position + 1)
        let task = fetches.removeValue(forKey: key)
        fill()
        return await task?.value
    }

    /// How many files are being fetched or held ahead (for tests).
    var heldCount: Int { fetches.count }

    private func fill() {
        while fetches.count < depth, next < planned.count {
            let key = planned[next]
            next += 1
            guard fetches[key] == nil else { continue }  // still fetching from the plan before
            let (fetch, limit) = (self.fetch, maxFileBytes)
            fetches[key] = Task { try? await fetch(key, limit) }
        }
    }
}
