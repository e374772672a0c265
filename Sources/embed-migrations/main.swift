// Run by the EmbedMigrations build plugin; writes one Swift file:
//   embed-migrations migrations OUTPUT.swift FILE.sql...   the SQL files as `Migration.embedded`
//   embed-migrations build-info OUTPUT.swift PACKAGE-ROOT  `BuildInfo`: VERSION and the git commit
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2, ["migrations", "build-info"].contains(arguments[0]),
      arguments[0] == "migrations" || arguments.count == 3 else {
    FileHandle.standardError.write(Data("usage: embed-migrations migrations OUTPUT.swift FILE.sql... | build-info OUTPUT.swift PACKAGE-ROOT\n".utf8))
    exit(2)
}
let output = arguments[1]

/// The commit: `FLEETTICKETS_COMMIT` when the builder sets it (an image built from a context
/// without `.git`), else git's HEAD, else "unknown".
func commit(root: URL) -> String {
    if let given = ProcessInfo.processInfo.environment["FLEETTICKETS_COMMIT"], !given.isEmpty { return given }
    func git(_ args: [String]) -> (status: Int32, out: String)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-C", root.path] + args
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        guard (try? process.run()) != nil else { return nil }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }
    guard let head = git(["rev-parse", "--short=12", "HEAD"]), head.status == 0, !head.out.isEmpty else { return "unknown" }
    return head.out
}

func literal(_ text: String) -> String {
    // A Swift string literal of the exact text: escape backslashes, quotes and control characters.
    var literal = ""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\\": literal += "\\\\"
        case "\"": literal += "\\\""
        case "\n": literal += "\\n"
        case "\r": literal += "\\r"
        case "\t": literal += "\\t"
        default: literal.unicodeScalars.append(scalar)
        }
    }
    return "\"" + literal + "\""
}

var swift: String
if arguments[0] == "migrations" {
    swift = """
        // Generated at build time from migrations/*.sql by the EmbedMigrations plugin.

        extension Migration {
            /// Every migration of migrations/, in file-name order, as built into this binary.
            public static let embedded: [Migration] = [

        """
    for path in arguments.dropFirst(2) {
        let url = URL(fileURLWithPath: path)
        let sql = try String(contentsOf: url, encoding: .utf8)
        swift += "        Migration(name: \(literal(url.lastPathComponent)), sql: \(literal(sql))),\n"
    }
    swift += "    ]\n}\n"
} else {
    let root = URL(fileURLWithPath: arguments[2])
    let version = (try? String(contentsOf: root.appending(path: "VERSION"), encoding: .utf8))?
        .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
    swift = """
        // Generated at build time from VERSION and git by the EmbedMigrations plugin.

        extension BuildInfo {
            /// The release this binary was built as (the package's VERSION file).
            public static let version = \(literal(version))
            /// The git commit it was built from ("unknown" when built without history).
            public static let commit = \(literal(commit(root: root)))
        }

        """
}
try swift.write(toFile: output, atomically: true, encoding: .utf8)
