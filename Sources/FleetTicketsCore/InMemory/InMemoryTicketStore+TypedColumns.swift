extension InMemoryTicketStore {
    /// Every ticket's typed values (`TicketColumns.all`), by ticket id and column name; a NULL
    /// is absent. Placed as the database places a ticket, with this store's gazetteer.
    public func typedValues(of dataset: Dataset) -> [String: [String: TypedValue]] {
        state.withLock { s in (s.tables[dataset.name] ?? [:]).mapValues { s.typedValues(of: $0.raw) } }
    }
}

extension InMemoryTicketStore.State {
    /// The typed values of one ticket, computed column by column from the declaration.
    func typedValues(of raw: RawRecord) -> [String: TypedValue] {
        let (position, source) = placement(of: raw)
        var values: [String: TypedValue] = [:]
        for column in TicketColumns.all {
            switch column.kind {
            case .text, .boolean, .minutes, .timestamp: values[column.name] = column.value(in: raw)
            case .point, .geography: values[column.name] = position.map(TypedValue.point)
            case .pointSource: values[column.name] = .text(source)
            case .latitude: values[column.name] = position.map { .number($0.latitude) }
            case .longitude: values[column.name] = position.map { .number($0.longitude) }
            }
        }
        return values
    }
}

extension TicketColumns {
    /// The declared `is_actionable` column, looked up once (it is read per ticket).
    private static let isActionableColumn = all.first { $0.name == "is_actionable" }!

    /// Whether the ticket is open (`is_actionable`).
    static func isActionable(_ raw: RawRecord) -> Bool {
        isActionableColumn.value(in: raw) == .boolean(true)
    }
}
