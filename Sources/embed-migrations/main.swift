// Writes a Swift file holding the given SQL files as `Migration.embedded`, and what the build
// came from as `BuildInfo` (run by the EmbedMigrations build plugin):
//   embed-migrations OUTPUT.swift PACKAGE-ROOT FILE.sql...
import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
guard arguments.count >= 2 else {
    FileHandle.standardError.write(Data("usage: embed-migrations OUTPUT.swift PACKAGE-ROOT FILE.sql...\n".utf8))
    exit(2)
}
let output = arguments[0], root = URL(fileURLWithPath: arguments[1])

/// The commit: `FLEETTICKETS_COMMIT` when the builder sets it (an image built from a context
/// without `.git`), else git's HEAD, else "unknown".
func commit() -> String {
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

let version = (try? String(contentsOf: root.appending(path: "VERSION"), encoding: .utf8))?
    .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
let sqlFiles = arguments.dropFirst(2)
var swift = """
    // Generated at build time from migrations/*.sql by the EmbedMigrations plugin.

    extension Migration {
        /// Every migration of migrations/, in file-name order, as built into this binary.
        public static let embedded: [Migration] = [

    """
for path in sqlFiles {
    let url = URL(fileURLWithPath: path)
    let sql = try String(contentsOf: url, encoding: .utf8)
    swift += "        Migration(name: \(literal(url.lastPathComponent)), sql: \(literal(sql))),\n"
}
swift += "    ]\n}\n\n"
swift += """
    extension BuildInfo {
        /// The release this binary was built as (the package's VERSION file).
        public static let version = \(literal(version))
        /// The git commit it was built from ("unknown" when built without history).
        public static let commit = \(literal(commit()))
    }

    """
try swift.write(toFile: output, atomically: true, encoding: .utf8)
