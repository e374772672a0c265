import Foundation

/// Headless Chromium (Debian's `chromium` package) driven from the command line: the rendered
/// DOM of a page and a screenshot of it, for the suites that check the report in a browser.
/// Each call runs its own Chromium process with its own profile, so calls may run at once.
public struct HeadlessChromium: Sendable {
    /// The browser's executable.
    public let executable: URL

    /// `FLEETTICKETS_CHROMIUM`, else the first of `chromium`, `chromium-browser`, `google-chrome`
    /// on the PATH; nil when there is none.
    public static func find() -> HeadlessChromium? {
        let environment = ProcessInfo.processInfo.environment
        if let path = environment["FLEETTICKETS_CHROMIUM"], FileManager.default.isExecutableFile(atPath: path) {
            return HeadlessChromium(executable: URL(fileURLWithPath: path))
        }
        let directories = (environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").map(String.init)
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for directory in directories where FileManager.default.isExecutableFile(atPath: directory + "/" + name) {
                return HeadlessChromium(executable: URL(fileURLWithPath: directory + "/" + name))
            }
        }
        return nil
    }

    /// Chromium exited with an error or wrote no screenshot.
    public struct Failure: Error, CustomStringConvertible {
        /// What failed.
        public var description: String
    }

    /// The DOM after Chromium has parsed and laid out `page` (`--dump-dom`).
    public func renderedDOM(of page: URL) async throws -> String {
        try await run(["--dump-dom", page.absoluteString])
    }

    /// Saves a PNG of the page's first `height` pixels at `width`.
    public func screenshot(of page: URL, to png: URL, width: Int = 1280, height: Int) async throws {
        try? FileManager.default.removeItem(at: png)
        _ = try await run(["--screenshot=\(png.path)", "--window-size=\(width),\(height)", "--hide-scrollbars", page.absoluteString])
        guard FileManager.default.fileExists(atPath: png.path) else {
            throw Failure(description: "Chromium did not write the screenshot \(png.path)")
        }
    }

    /// Runs Chromium headless with a profile of its own (other Chromiums may be running) and a
    /// time limit, waiting off the cooperative pool; returns its standard output.
    private func run(_ arguments: [String]) async throws -> String {
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("ft-chromium-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: profile) }
        let result = try await ChildProcess.run(executable, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                                             "--no-first-run", "--user-data-dir=\(profile.path)"] + arguments)
        guard result.status == 0 else {
            throw Failure(description: "\(executable.path) \(arguments.first ?? "") exited with status \(result.status)")
        }
        return result.stdout
    }
}
