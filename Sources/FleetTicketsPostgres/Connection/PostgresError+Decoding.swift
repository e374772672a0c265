import Foundation

extension PostgresError {
    /// Decodes the JSON text a read-schema function answered, or throws `.unexpectedAnswer`
    /// naming the function: a NULL or a shape `decode` refuses means the database's read-schema
    /// and this build disagree.
    static func decodingAnswer<T>(
        _ text: String?, of function: String, purpose: String, endpoint: String,
        file: String = #fileID, line: Int = #line, _ decode: (Data) throws -> T
    ) throws -> T {
        guard let text else {
            throw PostgresError(code: .unexpectedAnswer, purpose: purpose, message: "\(function) returned NULL",
                                endpoint: endpoint, function: function, file: file, line: line)
        }
        do {
            return try decode(Data(text.utf8))
        } catch {
            throw PostgresError(code: .unexpectedAnswer, purpose: purpose,
                                message: "\(function) returned JSON this build cannot read (\(error))",
                                endpoint: endpoint, function: function, file: file, line: line)
        }
    }
}
