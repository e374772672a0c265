import Foundation

/// A folder laid out like the bucket: `ROOT/automations/<dataset>/changes/<stamp>.csv`.
///
/// Keys are paths relative to the root with `/` separators. A move is a rename (atomic on one
/// file system), creating the destination folder as needed.
public struct LocalFolderChangeSource: ChangeSource {
    public let root: URL
    private let chunkSize: Int

    public init(root: URL, chunkSize: Int = 256 * 1024) {
        self.root = root.standardizedFileURL
        self.chunkSize = chunkSize
    }

    public var location: String { root.path }

    public func list(prefix: String) async throws -> [SourceObject] {
        // Walk only the folder the prefix names, not the whole tree.
        let folder = prefix.split(separator: "/", omittingEmptySubsequences: true)
            .dropLast(prefix.hasSuffix("/") ? 0 : 1).joined(separator: "/")
        let start = folder.isEmpty ? root : root.appendingPathComponent(folder, isDirectory: true)
        guard FileManager.default.fileExists(atPath: start.path) else { return [] }
        let keys: [URLResourceKey] = [.isRegularFileKey, .isDirectoryKey, .isSymbolicLinkKey, .fileSizeKey]
        guard let walker = FileManager.default.enumerator(at: start, includingPropertiesForKeys: keys) else {
            throw ChangeSourceError.io(operation: "list", key: prefix, reason: "cannot open \(start.path)")
        }
        var out: [SourceObject] = []
        let rootPath = root.path.hasSuffix("/") ? root.path : root.path + "/"
        for case let url as URL in walker {
            let path = url.standardizedFileURL.path
            guard path.hasPrefix(rootPath) else { continue }
            let key = String(path.dropFirst(rootPath.count))
            guard key.hasPrefix(prefix) else { continue }
            out.append(try entry(url, key: key))
        }
        return out
    }

    /// One listed entry. Anything that is not a readable file inside the root is still listed,
    /// marked `unusable` with the reason, so the run names it rather than skipping it silently.
    private func entry(_ url: URL, key: String) throws -> SourceObject {
        let values = try url.resourceValues(forKeys: [.isRegularFileKey, .isDirectoryKey, .isSymbolicLinkKey, .fileSizeKey])
        if values.isSymbolicLink == true {
            let target = url.resolvingSymlinksInPath()
            let resolvedRoot = root.resolvingSymlinksInPath().path
            guard target.path.hasPrefix(resolvedRoot.hasSuffix("/") ? resolvedRoot : resolvedRoot + "/") else {
                return SourceObject(key: key, size: 0, unusable: "a link that leaves the folder (to \(target.path)); copy the file into the folder instead")
            }
            let resolved = try? target.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
            guard resolved?.isRegularFile == true else {
                return SourceObject(key: key, size: 0, unusable: resolved == nil ? "a broken link (its target does not exist)" : "a link to something that is not a file")
            }
            return SourceObject(key: key, size: Int64(resolved?.fileSize ?? 0))
        }
        if values.isRegularFile == true { return SourceObject(key: key, size: Int64(values.fileSize ?? 0)) }
        if values.isDirectory == true { return SourceObject(key: key, size: 0, unusable: "a directory, not a file") }
        return SourceObject(key: key, size: 0, unusable: "not a regular file (a device, pipe or socket)")
    }

    public func read(_ key: String) async throws -> ByteChunks {
        try FileChunks.stream(url(for: key), key: key, chunkSize: chunkSize)
    }

    public func move(_ key: String, to destination: String) async throws {
        let from = url(for: key), to = url(for: destination)
        do {
            try FileManager.default.createDirectory(at: to.deletingLastPathComponent(), withIntermediateDirectories: true)
            if FileManager.default.fileExists(atPath: to.path) { try FileManager.default.removeItem(at: to) }
            try FileManager.default.moveItem(at: from, to: to)
        } catch {
            throw ChangeSourceError.io(operation: "move", key: key, reason: "\(error.localizedDescription) (to \(destination))")
        }
    }

    func url(for key: String) -> URL { root.appendingPathComponent(key, isDirectory: false) }
}

/// Loose files given on the command line (`--csv FILE…`): keys are the paths as given.
/// Nothing is listed or moved; the engine applies them without watermark or archive.
public struct LooseFilesChangeSource: ChangeSource {
    public init() {}
    public var location: String { "local files" }
    public func list(prefix: String) async throws -> [SourceObject] { [] }
    public func read(_ key: String) async throws -> ByteChunks {
        try FileChunks.stream(URL(fileURLWithPath: key), key: key, chunkSize: 256 * 1024)
    }
    public func move(_ key: String, to destination: String) async throws {
        throw ChangeSourceError.io(operation: "move", key: key, reason: "loose files are never archived")
    }
}

/// Streams a file's bytes in chunks.
enum FileChunks {
    static func stream(_ url: URL, key: String, chunkSize: Int) throws -> ByteChunks {
        let handle: FileHandle
        do {
            handle = try FileHandle(forReadingFrom: url)
        } catch {
            throw ChangeSourceError.io(operation: "open", key: key, reason: "no readable file at \(url.path)")
        }
        let box = HandleBox(handle)
        return ByteChunks(unfolding: {
            do {
                guard let data = try box.handle.read(upToCount: chunkSize), !data.isEmpty else {
                    try? box.handle.close()
                    return nil
                }
                return [UInt8](data)
            } catch {
                try? box.handle.close()
                throw ChangeSourceError.io(operation: "read", key: key, reason: error.localizedDescription)
            }
        })
    }

    private final class HandleBox: @unchecked Sendable {  // used by one reader at a time
        let handle: FileHandle
        init(_ handle: FileHandle) { self.handle = handle }
    }
}
