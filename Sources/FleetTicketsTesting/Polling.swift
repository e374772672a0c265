/// Polls `condition` every millisecond until it holds or `limit` passes; returns whether it
/// held. For a test waiting on another task's progress: the limit only bounds a failure.
///
/// ```swift
/// #expect(await waitUntil { pool.statistics.waiting == 3 })
/// ```
@discardableResult
public func waitUntil(within limit: Duration = .seconds(30), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + limit
    while !condition() {
        guard ContinuousClock.now < deadline else { return false }
        try? await Task.sleep(for: .milliseconds(1))
    }
    return true
}
