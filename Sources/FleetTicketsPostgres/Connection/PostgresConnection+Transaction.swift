internal import CLibPQ

extension PostgresConnection {
    /// Runs `body` in a transaction: BEGIN, then COMMIT if it returns, ROLLBACK if it throws.
    ///
    /// ```swift
    /// try db.transaction(purpose: "apply INC file 2026-11-26T0800") {
    ///     try db.copyIn("COPY staging.inc FROM STDIN", purpose: "stage rows") { … }
    ///     try db.execute("INSERT INTO ops.ledger …", [key], purpose: "record the file")
    /// }
    /// ```
    ///
    /// The body's error is rethrown unchanged; a failing ROLLBACK after it is only logged, since
    /// the body's error is the one that explains what went wrong. Transactions do not nest: use
    /// `savepoint(purpose:_:)` inside one.
    ///
    /// - Throws: the body's error, or `PostgresError` if BEGIN or COMMIT fails, including
    ///   `.transaction` when COMMIT found the transaction already failed and rolled it back.
    package func transaction<T>(
        purpose: String, file: String = #fileID, line: Int = #line, _ body: () throws -> T
    ) throws -> T {
        try begin(purpose: "begin the transaction to \(purpose)", file: file, line: line)
        let value: T
        do {
            value = try body()
        } catch {
            rollbackAfterFailure(purpose: purpose, file: file, line: line)
            throw error
        }
        try commit(purpose: "commit the transaction to \(purpose)", file: file, line: line)
        return value
    }

    /// Runs `body` under a savepoint inside the open transaction: on throw only its work is undone
    /// and the transaction stays usable. The savepoint's name is generated, never caller text.
    ///
    /// - Throws: `.usage` outside a transaction; otherwise the body's error or the SAVEPOINT's.
    package func savepoint<T>(
        purpose: String, file: String = #fileID, line: Int = #line, _ body: () throws -> T
    ) throws -> T {
        let conn = try requireHandle(purpose: purpose, file: file, line: line)
        guard PQtransactionStatus(conn) == PQTRANS_INTRANS else {
            throw usageError("a savepoint needs an open, healthy transaction", purpose: purpose,
                             file: file, line: line)
        }
        savepointCounter += 1
        // Safe to splice: the name is built from our own counter, never from input.
        let name = "fleettickets_sp_\(savepointCounter)"
        try execute("SAVEPOINT \(name)", purpose: "set a savepoint to \(purpose)", file: file, line: line)
        let value: T
        do {
            value = try body()
        } catch {
            do {
                try execute("ROLLBACK TO SAVEPOINT \(name)", purpose: "undo \(purpose)", file: file, line: line)
                try execute("RELEASE SAVEPOINT \(name)", purpose: "release the savepoint", file: file, line: line)
            } catch let undo {
                logger.warning("could not roll back to savepoint", metadata: ["error": "\(undo)"])
            }
            throw error
        }
        try execute("RELEASE SAVEPOINT \(name)", purpose: "release the savepoint for \(purpose)",
                    file: file, line: line)
        return value
    }

    /// Opens a transaction block. Prefer `transaction(purpose:_:)`, which cannot forget to end it.
    ///
    /// - Throws: `.usage` if a transaction is already open: a second BEGIN would only warn, and
    ///   the inner COMMIT would then commit the outer work early.
    package func begin(purpose: String = "begin a transaction", file: String = #fileID, line: Int = #line) throws {
        if isInTransaction {
            throw usageError("a transaction is already open; use savepoint(purpose:_:) to nest",
                             purpose: purpose, file: file, line: line)
        }
        try execute("BEGIN", purpose: purpose, file: file, line: line)
    }

    /// Commits the open transaction.
    ///
    /// - Throws: `.transaction` when a statement in the transaction had failed: PostgreSQL then
    ///   answers COMMIT with a rollback (tag "ROLLBACK") and no error, which would otherwise look
    ///   like success after the caller swallowed the statement's error.
    package func commit(purpose: String = "commit a transaction", file: String = #fileID, line: Int = #line) throws {
        try requireCommitted(execute("COMMIT", purpose: purpose, file: file, line: line), purpose: purpose, file: file, line: line)
    }

    /// Throws `.transaction` when a COMMIT's result says PostgreSQL rolled back instead (tag
    /// "ROLLBACK", no error: a statement in the transaction had failed).
    package func requireCommitted(_ result: PostgresResult, purpose: String, file: String = #fileID, line: Int = #line) throws {
        if result.commandTag == "ROLLBACK" {
            throw PostgresError(
                code: .transaction, purpose: purpose,
                message: "a statement in the transaction had failed, so PostgreSQL rolled it back instead",
                endpoint: endpoint, file: file, line: line)
        }
    }

    /// Rolls back the open transaction (a no-op with a server warning if none is open).
    package func rollback(purpose: String = "roll back a transaction", file: String = #fileID, line: Int = #line) throws {
        try execute("ROLLBACK", purpose: purpose, file: file, line: line)
    }

    /// ROLLBACK after the body threw; logs instead of throwing so the body's error wins.
    private func rollbackAfterFailure(purpose: String, file: String, line: Int) {
        guard isAlive, isInTransaction else { return }  // a dead connection rolls back by itself
        do {
            try rollback(purpose: "roll back the transaction to \(purpose)", file: file, line: line)
        } catch {
            logger.warning("could not roll back after a failure", metadata: ["error": "\(error)"])
        }
    }
}
