import Foundation
import PackagePlugin

/// Builds `migrations/*.sql` into the target as Swift source at build time, so the binary
/// carries its schema (a binary copied to a server can migrate) and the SQL lives only in
/// `migrations/`; with them, what the binary was built from (`VERSION` and the git commit).
///
/// The command reruns when a migration, `VERSION` or git's record of HEAD changes (a commit,
/// a checkout), so the commit a binary reports is the one it was built from.
@main
struct EmbedMigrations: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "migrations")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        let root = context.package.directoryURL
        let version = root.appending(path: "VERSION")
        // In a worktree or a build context without history these do not exist: no trigger.
        let head = [".git/HEAD", ".git/logs/HEAD"].map { root.appending(path: $0) }
            .filter { FileManager.default.fileExists(atPath: $0.path) }
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) migrations",
                executable: try context.tool(named: "embed-migrations").url,
                arguments: [output.path, root.path] + files.map(\.path),
                // The build tool sees only what the command is given: pass the builder's commit on.
                environment: ProcessInfo.processInfo.environment.filter { $0.key == "FLEETTICKETS_COMMIT" },
                inputFiles: files + [version] + head,
                outputFiles: [output]
            ),
        ]
    }
}
