import FleetTicketsCore
import Foundation

extension PostgresTicketStore {
    public func apply(_ file: ChangeFile, rows: RowBatches) async throws -> ApplyCounts {
        let table = try Self.quotedTable(file.dataset.table)
        let rehearsing = self.rehearsing
        let name = rehearsing ? "rehearse \(file.key)" : "apply \(file.key)"
        let transaction: FileTransaction = rehearsing ? .rehearsal : .own
        // One session for the whole transaction: no other call reaches it in between.
        return try await operation { session in
            try await session.run { db in
                if !rehearsing, db.isInTransaction {
                    throw PostgresError(code: .usage, purpose: name, message: "a transaction is already open on the store's connection",
                                        endpoint: db.endpoint)
                }
                try Self.prepareStaging(db)
            }
            do {
                return try await applyInTransaction(file, rows: rows, table: table, on: session, transaction)
            } catch {
                // Leave no trace of the file; the caller's error (a bad row, a failed read) wins,
                // and data the server refused anywhere in the file is a data error.
                _ = try? await session.run { db in
                    db.abortCopyIn(purpose: "abandon the staging of \(file.key)")  // a failed decode between batches
                    if rehearsing {
                        _ = try? db.execute("ROLLBACK TO SAVEPOINT ft_file", purpose: name)
                    } else if db.isAlive, db.isInTransaction {
                        try? db.rollback(purpose: "roll back \(file.key)")
                    }
                }
                if let refused = error as? PostgresError, Self.isDataError(refused) { throw Self.rejection(refused, ticket: nil) }
                throw error
            }
        }
    }

    private func applyInTransaction(_ file: ChangeFile, rows: RowBatches, table: String,
                                    on session: PostgresSession, _ transaction: FileTransaction) async throws -> ApplyCounts {
        // The store writes the typed and placed columns itself (migrations 24 and 26): the row
        // triggers that compute them for other writers are skipped for this transaction. The
        // staging table empties itself at every commit or rollback (ON COMMIT DELETE ROWS);
        // only a rehearsal, a savepoint in a longer transaction, clears it here.
        let opening = [transaction.opening, "SET LOCAL work_mem = '64MB'", "SET LOCAL fleettickets.typed_columns = 'written'"]
            + (transaction == .rehearsal ? ["TRUNCATE ft_stage"] : [])
        var staged = Staging()
        // The first batch is held until the next one shows whether there is more: a file of a
        // few rows is staged by the merge's own pipeline (see stagingStatements), a larger
        // one by COPY, the next batch decoded while this one is copied (forEachWithLookAhead).
        var held: [TicketRow]?
        var started = false
        try await rows.forEachWithLookAhead { batch in
            guard started else {
                started = true
                held = batch
                return
            }
            if let first = held {
                held = nil
                try await copy(first, file, opening: opening, &staged, on: session)
            }
            try await copy(batch, file, opening: nil, &staged, on: session)
        }
        var leading: [PostgresConnection.Statement] = []
        if staged.rows == 0, let first = held, first.count > Self.pipelinedRowsAtMost {
            try await copy(first, file, opening: opening, &staged, on: session)
        } else if staged.rows == 0 {
            // A few rows, or none (a header alone: still its transaction, ledger row and watermark).
            leading = opening.map { PostgresConnection.Statement($0) }
            leading += try Self.stagingStatements(held ?? [], &staged)
        }
        let tally = rows.tally.snapshot
        return try await session.run { [leading, staged] db in
            if db.isCopyingIn { try db.endCopyIn(purpose: "stage the rows of \(file.key)") }
            return try self.merge(file, table: table, tally: tally, staged, transaction, leading: leading, db: db)
        }
    }

    /// Copies a batch into the staging table. The first batch (`opening`: the transaction's
    /// first statements) opens the file's one COPY, in the same round trip (libpq's PQexec runs
    /// a script up to its first COPY); every batch adds its rows to it, and the merge ends it.
    private func copy(_ batch: [TicketRow], _ file: ChangeFile, opening: [String]?, _ staged: inout Staging,
                      on session: PostgresSession) async throws {
        for row in batch { staged.repeats.note(row.ticketID) }
        let first = staged.rows
        staged.rows += batch.count
        let purpose = "stage the rows of \(file.key)"
        let columns = StagedRowEncoder.columns.joined(separator: ", ")
        let opening = opening.map { $0.joined(separator: "; ") + "; COPY ft_stage (\(columns)) FROM STDIN" }
        // One encoder for the whole file: it works out the file's key order once.
        staged.encoder = try await session.run { [encoder = staged.encoder] db in
            var ordinal = first
            var encoder = encoder
            if let opening { try db.beginCopyIn(opening, purpose: purpose) }
            try db.copyInRows(purpose: purpose) { out in
                for row in batch {
                    ordinal += 1
                    do {
                        try out.appendEncodedRow { encoder.encode(ordinal: ordinal, row: row, into: &$0) }
                    } catch let error as PostgresError where error.code == .usage {
                        throw Self.nulRejection(ticket: row.ticketID)  // the only field check the encoder makes
                    }
                }
            }
            return encoder
        }
    }

    /// Files of at most this many rows are staged by one prepared INSERT per row in the merge's
    /// first pipeline rather than by COPY: a COPY costs two round trips of its own (the server
    /// must accept it before its data can follow), most of the apply of a one-row file.
    static let pipelinedRowsAtMost = 64

    /// One prepared INSERT per row into the staging table, each bound to the row's fields as
    /// the COPY would carry them (the same encoder; `CopyText.fields` undoes its escaping).
    private static func stagingStatements(_ rows: [TicketRow], _ staged: inout Staging) throws
        -> [PostgresConnection.Statement] {
        var line: [UInt8] = []
        let statements = try rows.map { row in
            staged.repeats.note(row.ticketID)
            staged.rows += 1
            line.removeAll(keepingCapacity: true)
            guard staged.encoder.encode(ordinal: staged.rows, row: row, into: &line) else {
                throw Self.nulRejection(ticket: row.ticketID)
            }
            return ApplyStatements.stageRow.binding(CopyText.fields(of: line))
        }
        return statements
    }

    /// Above this many staged rows, the staging table's ticket_id statistics are gathered
    /// before the merge, which is planned for the file's size. At most this many, the merge
    /// runs on the saved plans for few rows, and ANALYZE would be most of the server's work.
    static let analyzeAbove = 500

    /// The staged rows into the table, then the file's ledger row and metadata, and the
    /// closing statement: two pipelines, so two round trips whatever the file's size (the
    /// counts and the watermark the second one writes come from the first). `leading` runs
    /// first in the first one: a small file's opening statements and staging INSERTs.
    private func merge(_ file: ChangeFile, table: String, tally: FileTally.Snapshot, _ staging: Staging,
                       _ transaction: FileTransaction, leading: [PostgresConnection.Statement],
                       db: PostgresConnection) throws -> ApplyCounts {
        let dataset = file.dataset
        // The savepoint first: a row the server refuses is then looked for among the staged
        // rows (see refusingData). Then the last row per ticket wins: the rows a later one
        // supersedes leave the staging table. Rows holding a value of a shape the store leaves
        // to the database get their typed values from the reference parsers (tickets.eat_ts
        // and the others). Then, for a large file, ticket_id statistics, so a small delta
        // probes the primary key instead of hashing the whole table (a temp table is never
        // analysed by autovacuum).
        // Each step runs only when it has work: no ticket can repeat (RepeatWatch), no row was
        // left to the database, the file is small.
        // A small file's statements run prepared, on plans made once per session (planning the
        // UPDATE and INSERT cost more than running them on a few rows) and made for few rows:
        // a primary-key probe per staged row, whatever the planner would guess of a temp table
        // without statistics (its default, 170 rows a page, hash-scanned a table of a few
        // thousand tickets for a one-row file). A large file's are planned after ANALYZE, for
        // its size. The truncation at commit keeps the saved plans valid (TRUNCATE did not).
        let small = staging.rows <= Self.analyzeAbove
        var statements = leading + [.init("SAVEPOINT ft_merge")]
        if staging.repeats.mayRepeat { statements.append(ApplyStatements.dedupe.binding([], prepared: small)) }
        if staging.serverTyped > 0 { statements.append(ApplyStatements.serverTyping.binding([], prepared: small)) }
        // After the de-duplication, which joins the staging table to itself: hashed, not nested.
        statements.append(small ? ApplyStatements.smallFilePlans : .init("ANALYZE ft_stage (ticket_id)"))
        // The version guard's values: this file's key and stamp, and whether it may rewrite newer rows.
        let version: [String?] = [file.key, file.versionStamp, file.rewritesNewer ? "true" : "false"]
        let writes = ApplyStatements.writes(into: table, dataset: dataset.name)
        statements += [ApplyStatements.queuesOwnHistory.binding([], prepared: small),
                       writes.update.binding(version, prepared: small), writes.insert.binding(version, prepared: small),
                       ApplyStatements.watermark.binding([dataset.name])]
        return try refusingData(of: file, db: db) {
            let results = try db.pipeline(statements, purpose: "write the staged rows of \(file.key) into \(dataset.table)")
            let (update, insertion, watermark) = (results[results.count - 3], results[results.count - 2], results[results.count - 1])
            let count = { (result: PostgresResult, column: Int) in Int(result[0, column] ?? "0") ?? 0 }
            let (updated, stale) = (count(update, 0), count(update, 1))
            let (distinct, inserted, updatedLate) = (count(insertion, 0), count(insertion, 1), count(insertion, 2))
            let counts = ApplyCounts(inserted: inserted, updated: updated + updatedLate,
                                     unchanged: distinct - inserted - updated - updatedLate - stale, stale: stale)
            let current = watermark.rowCount > 0 ? watermark[0, 0] : nil
            let closed = try db.pipeline(try record(file, counts: counts, tally: tally, watermark: current) + [.init(transaction.closing)],
                                         purpose: "record \(file.key) and end its transaction")
            if transaction == .own, let commit = closed.last { try db.requireCommitted(commit, purpose: "commit \(file.key)") }
            return counts
        }
    }

    /// The ledger row and the freshness metadata with the advanced watermark (`current` is the
    /// stored one, read and locked in the file's transaction), as statements for the pipeline.
    private func record(_ file: ChangeFile, counts: ApplyCounts, tally: FileTally.Snapshot,
                        watermark current: String?) throws -> [PostgresConnection.Statement] {
        let dataset = file.dataset
        let dropped = try String(decoding: JSONEncoder.sorted.encode(tally.droppedByName), as: UTF8.self)
        let exported = file.exportedAt.map { $0.formatted(.iso8601) }
        let ledger = ApplyStatements.ledger.binding([
            dataset.name, file.key, file.etag, String(tally.bytesRead), exported, String(tally.rowsRead), dropped,
            String(counts.inserted), String(counts.updated), String(counts.unchanged), String(counts.stale),
        ])
        let meta = Freshness(
            source_max_key: file.advancesWatermark ? ChangeKey.watermark(current, advancedTo: file.key) : nil,
            last_file: file.key, last_file_exported_at: exported,
            last_applied_at: Date().formatted(.iso8601),
            rows_read: tally.rowsRead, inserted: counts.inserted, updated: counts.updated, unchanged: counts.unchanged)
        let freshness = ApplyStatements.freshness.binding([dataset.name, try String(decoding: JSONEncoder.sorted.encode(meta), as: UTF8.self)])
        return [ledger, freshness]
    }

    /// A dataset's table as a quoted identifier; refuses anything but `schema.table` in
    /// lowercase letters, digits and underscores (it is the one name spliced into SQL).
    static func quotedTable(_ name: String) throws -> String {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        let ok = parts.count == 2 && parts.allSatisfy { part in
            !part.isEmpty && part.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "_") }
        }
        guard ok else {
            throw PostgresError(code: .configuration, purpose: "use the dataset table '\(name)'",
                                message: "it is not a plain schema.table name (lowercase letters, digits, underscores)",
                                endpoint: "", table: name)
        }
        return parts.map { "\"\($0)\"" }.joined(separator: ".")
    }
}

/// What staging a file has found out so far, for the merge: how many rows, how many left to
/// the database's parsers, and whether a ticket may appear more than once.
struct Staging {
    var rows = 0
    /// The file's encoder, which also counts the rows it left to the database's parsers.
    var encoder = StagedRowEncoder()
    var serverTyped: Int { encoder.serverTypedRows }
    var repeats = RepeatWatch()
}

/// How a file's transaction opens and ends: BEGIN … COMMIT, or, rehearsing (a dry run inside
/// the caller's transaction), a savepoint released at the end. Opening travels with the file's
/// first statements, closing with its last ones.
enum FileTransaction {
    case own, rehearsal

    var opening: String { self == .own ? "BEGIN" : "SAVEPOINT ft_file" }
    var closing: String { self == .own ? "COMMIT" : "RELEASE SAVEPOINT ft_file" }
}

/// What `tickets.import_meta.metadata` holds for a dataset (merged into what is there).
/// Field names are the column contract the dashboard reads as `summary.freshness`.
private struct Freshness: Encodable {
    var source_max_key: String?
    var last_file: String
    var last_file_exported_at: String?
    var last_applied_at: String
    var rows_read: Int
    var inserted: Int
    var updated: Int
    var unchanged: Int
}

extension JSONEncoder {
    /// Sorted keys: the same object always encodes to the same text.
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }
}
