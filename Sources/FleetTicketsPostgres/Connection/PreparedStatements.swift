/// Names for statements kept prepared on a connection (`PostgresConnection.Statement.preparedName`).
///
/// The name is derived from the SQL text (64-bit FNV-1a), so the same text is prepared once
/// per session whoever sends it, and a different text can never run under another's name
/// without a collision of the hash. A named statement lives as long as its session: it
/// survives a rolled-back transaction, and the server plans it again by itself when a table it
/// reads changes (a migration, fresh statistics).
enum PreparedStatements {
    static func name(of sql: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sql.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return "ft_" + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
