// Writes a Swift file holding the given SQL files as `Migration.embedded` (run by the
// EmbedMigrations build plugin):  embed-migrations OUTPUT.swift FILE.sql...
import Foundation

let arguments = CommandLine.arguments.dropFirst()
guard let output = arguments.first else {
    FileHandle.standardError.write(Data("usage: embed-migrations OUTPUT.swift FILE.sql...\n".utf8))
    exit(2)
}
var swift = """
    // Generated at build time from migrations/*.sql by the EmbedMigrations plugin.

    extension Migration {
        /// Every migration of migrations/, in file-name order, as built into this binary.
        public static let embedded: [Migration] = [

    """
for path in arguments.dropFirst() {
    let url = URL(fileURLWithPath: path)
    let sql = try String(contentsOf: url, encoding: .utf8)
    // A Swift string literal of the exact text: escape backslashes, quotes and control characters.
    var literal = ""
    for scalar in sql.unicodeScalars {
        switch scalar {
        case "\\": literal += "\\\\"
        case "\"": literal += "\\\""
        case "\n": literal += "\\n"
        case "\r": literal += "\\r"
        case "\t": literal += "\\t"
        default: literal.unicodeScalars.append(scalar)
        }
    }
    swift += "        Migration(name: \"\(url.lastPathComponent)\", sql: \"\(literal)\"),\n"
}
swift += "    ]\n}\n"
try swift.write(toFile: output, atomically: true, encoding: .utf8)
