import Foundation
import PackagePlugin

/// Builds `migrations/*.sql` into the target as Swift source at build time, so the binary
/// carries its schema (a binary copied to a server can migrate) and the SQL lives only in
/// `migrations/`; with them, what the binary was built from (`VERSION` and the git commit).
///
/// Two commands, so each reruns only for its own inputs: the migrations when a migration
/// changes, the build info when `VERSION` or git's record of HEAD changes (a commit, a
/// checkout; so the commit a binary reports is the one it was built from). A commit then
/// recompiles a few lines, not the whole schema.
@main
struct EmbedMigrations: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: Target) throws -> [Command] {
        let folder = context.package.directoryURL.appending(path: "migrations")
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let output = context.pluginWorkDirectoryURL.appending(path: "EmbeddedMigrations.swift")
        let buildInfo = context.pluginWorkDirectoryURL.appending(path: "BuildInfo+Generated.swift")
        let tool = try context.tool(named: "embed-migrations").url
        let root = context.package.directoryURL
        let version = root.appending(path: "VERSION")
        // In a worktree or a build context without history these do not exist: no trigger.
        let head = [".git/HEAD", ".git/logs/HEAD"].map { root.appending(path: $0) }
            .filter { FileManager.default.fileExists(atPath: $0.path) }
        return [
            .buildCommand(
                displayName: "Embedding \(files.count) migrations",
                executable: tool,
                arguments: ["migrations", output.path] + files.map(\.path),
                inputFiles: files,
                outputFiles: [output]
            ),
            .buildCommand(
                displayName: "Writing the build info",
                executable: tool,
                arguments: ["build-info", buildInfo.path, root.path],
                // The build tool sees only what the command is given: pass the builder's commit on.
                environment: ProcessInfo.processInfo.environment.filter { $0.key == "FLEETTICKETS_COMMIT" },
                inputFiles: [version] + head,
                outputFiles: [buildInfo]
            ),
        ]
    }
}
