import FleetTicketsCore

/// Downloads the next planned files into memory while the current one is applied, within the
/// run's `ReadAheadBudget`.
///
/// `plan` records the order the engine will read keys in and the budget. At most
/// `filesAhead` files are fetched (or held) ahead at once, and at most `bytesAhead` bytes of
/// them in all: a fetch reserves its object's size as soon as the server states it, before it
/// reads the body, and gives up when the reservation does not fit. `take` hands a file over
/// and starts the next; the file's bytes stay on the account until the reader is done with
/// them (`release`), so the budget bounds what is downloaded and not yet read through. A file
/// that did not fit, and a failed fetch, make `take` return nil and the caller reads
/// directly, so a read-ahead problem never becomes a read error.
actor S3ReadAhead<File: Sendable> {
    /// Downloads a key whole, after `reserve` accepted its size; nil when it did not.
    typealias Fetch = @Sendable (_ key: String, _ reserve: @escaping @Sendable (Int) async -> Bool) async throws -> File?

    private let fetch: Fetch
    private var filesAhead = 0
    private var bytesAhead = 0
    /// The plan, and each key's place in it.
    private var planned: [String] = []
    private var order: [String: Int] = [:]
    /// The place in `planned` of the next key to fetch. Only moves forward, so a drain's
    /// read-ahead costs a constant amount per file, however long the plan.
    private var next = 0
    private var fetches: [String: Task<File?, Never>] = [:]
    /// Keys being handed over, whose fetch may still reserve its bytes.
    private var taking: Set<String> = []
    /// Bytes reserved per key fetched or held.
    private var reserved: [String: Int] = [:]
    private var reservedTotal = 0
    /// The most bytes ever reserved at once (for tests).
    private(set) var peakReservedBytes = 0

    init(fetch: @escaping Fetch) {
        self.fetch = fetch
    }

    deinit {
        for task in fetches.values { task.cancel() }
    }

    /// The keys that will be read next, in order, and how far to read ahead. Replaces any
    /// earlier plan.
    func plan(_ keys: [String], within budget: ReadAheadBudget) {
        planned = keys
        order = Dictionary(keys.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
        next = 0
        filesAhead = budget.filesAhead
        bytesAhead = budget.bytesAhead
        for key in fetches.keys where order[key] == nil { drop(key) }
        fill()
    }

    /// The file `key` if it was fetched ahead, else nil. Keys planned before `key`
    /// are taken to be skipped: their fetches stop and their slots go to later keys.
    func take(_ key: String) async -> File? {
        guard let position = order[key] else { return nil }
        for other in fetches.keys where other != key && (order[other] ?? 0) < position { drop(other) }
        next = max(next, position + 1)
        let task = fetches.removeValue(forKey: key)
        fill()
        taking.insert(key)
        let file = await task?.value
        taking.remove(key)
        guard let file else {
            release(key)
            return nil
        }
        return file
    }

    /// The reader is done with the file `take` handed over: its bytes leave the account.
    func release(_ key: String) {
        if let bytes = reserved.removeValue(forKey: key) { reservedTotal -= bytes }
    }

    /// How many files are being fetched or held ahead, and the bytes reserved for them (for tests).
    var held: (files: Int, bytes: Int) { (fetches.count, reservedTotal) }

    private func drop(_ key: String) {
        fetches.removeValue(forKey: key)?.cancel()
        release(key)
    }

    private func reserve(_ key: String, _ bytes: Int) -> Bool {
        guard fetches[key] != nil || taking.contains(key), reserved[key] == nil, bytes <= bytesAhead - reservedTotal else { return false }
        reserved[key] = bytes
        reservedTotal += bytes
        peakReservedBytes = max(peakReservedBytes, reservedTotal)
        return true
    }

    /// A fetch that ended without a file gives its reservation back at once.
    private func finished(_ key: String, held: Bool) {
        if !held, fetches[key] != nil { release(key) }
    }

    private func fill() {
        while fetches.count < filesAhead, next < planned.count {
            let key = planned[next]
            next += 1
            guard fetches[key] == nil else { continue }  // still fetching from the plan before
            let fetch = self.fetch
            // The task holds the read-ahead until its fetch ends (a cancelled one ends early).
            fetches[key] = Task {
                let file = try? await fetch(key) { bytes in await self.reserve(key, bytes) }
                await self.finished(key, held: file != nil)
                return file
            }
        }
    }
}
