import Foundation
import RumboCore
import SQLKit

/// How one domain type maps to its table. Every table has `org_id`, `id`, and (for editable
/// records) `version`, the optimistic-concurrency counter behind HTTP 409.
public protocol StoredRecord: Sendable, Identifiable where ID == String {
    static var table: String { get }
    /// The prefix of generated ids (`kr` → `kr_7f3k9q2m4x`).
    static var idPrefix: String { get }
    /// The English noun used in messages (`"key result"`).
    static var noun: String { get }
    /// The data columns, in the order of ``columnValues``; `org_id`, `id` and `version` are implied.
    static var columns: [String] { get }
    /// The `ORDER BY` of listings.
    static var order: [String] { get }
    var id: String { get set }
    var version: Int { get set }
    var columnValues: [any Encodable & Sendable] { get }
    init(row: any SQLRow) throws

    /// Checks that every id this record refers to exists in the organization, and fills defaults
    /// that come from other records. Throws `RumboError.invalid` naming the field otherwise.
    mutating func resolveReferences(org: String, db: any SQLDatabase) async throws
    /// Writes link tables (alignments, initiative teams), replacing what was there.
    func saveLinks(org: String, db: any SQLDatabase) async throws
    /// Reads link tables into freshly loaded records.
    static func loadLinks(_ records: inout [Self], org: String, db: any SQLDatabase) async throws
    func validateRecord() throws
}

extension StoredRecord {
    public static var order: [String] { ["id"] }
    public func saveLinks(org: String, db: any SQLDatabase) async throws {}
    public static func loadLinks(_ records: inout [Self], org: String, db: any SQLDatabase) async throws {}
    public mutating func resolveReferences(org: String, db: any SQLDatabase) async throws {}
}

extension SQLRow {
    func text(_ column: String) throws -> String { try decode(column: column, as: String.self) }
    func optionalText(_ column: String) throws -> String? { try decode(column: column, as: String?.self) }
    func number(_ column: String) throws -> Double { try decode(column: column, as: Double.self) }
    func optionalNumber(_ column: String) throws -> Double? { try decode(column: column, as: Double?.self) }
    func integer(_ column: String) throws -> Int { try decode(column: column, as: Int.self) }
    func optionalInteger(_ column: String) throws -> Int? { try decode(column: column, as: Int?.self) }

    func day(_ column: String) throws -> LocalDate {
        let text = try text(column)
        guard let day = LocalDate(text) else { throw RumboStoreError(description: "Stored day '\(text)' in \(column) is not yyyy-MM-dd.") }
        return day
    }

    func optionalDay(_ column: String) throws -> LocalDate? {
        try optionalText(column).flatMap(LocalDate.init)
    }

    func enumValue<E: RawRepresentable>(_ column: String, as: E.Type) throws -> E where E.RawValue == String {
        let raw = try text(column)
        guard let value = E(rawValue: raw) else { throw RumboStoreError(description: "Stored value '\(raw)' in \(column) is unknown.") }
        return value
    }
}

/// Checks that `id` names a row of `table` in the organization; `nil` ids pass.
func requireExists(_ id: String?, table: String, noun: String, field: String, org: String, db: any SQLDatabase) async throws {
    guard let id else { return }
    let found =
        id.contains("\u{0}")
        ? nil : try await db.select().column("id").from(table).where("org_id", .equal, org).where("id", .equal, id).first()
    if found == nil {
        throw RumboError.invalid(
            field, en: "There is no \(noun) '\(id)' in this organization.",
            es: "No existe \(Language.spanishNoun(noun)) '\(id)' en esta organización.")
    }
}

// MARK: - Generic create / read / update / list

extension Store {
    /// Stores a new record with a fresh id (unless it has one), version 1. Validates it first.
    public func create<T: StoredRecord>(_ record: T, in org: String, by actor: String = "system") async throws -> T {
        var record = record
        if record.id.isEmpty { record.id = Identifier.make(T.idPrefix) }
        record.version = 1
        let new = record
        return try await transaction { db in
            var record = new
            try await record.resolveReferences(org: org, db: db)
            try record.validateRecord()
            if try await db.select().column("id").from(T.table).where("org_id", .equal, org).where("id", .equal, record.id).first() != nil {
                throw RumboError(
                    .conflict, field: "id", en: "A \(T.noun) with id '\(record.id)' already exists.",
                    es: "Ya existe \(T.noun) con id '\(record.id)'.")
            }
            try await Self.insert([record], org: org, db: db)
            try await Self.audit(org: org, actor: actor, action: "\(T.idPrefix).create", entity: T.noun, id: record.id, db: db)
            return try await Self.fetch(T.self, id: record.id, org: org, db: db)
        }
    }

    /// Replaces a record. `record.version` must be the version the editor started from; a stale
    /// version is a conflict (HTTP 409), so two people's edits never silently overwrite each other.
    public func update<T: StoredRecord>(_ record: T, in org: String, by actor: String = "system") async throws -> T {
        try await transaction { db in
            var record = record
            _ = try await Self.fetch(T.self, id: record.id, org: org, db: db)
            try await record.resolveReferences(org: org, db: db)
            try record.validateRecord()
            var update = db.update(T.table)
            for (column, value) in zip(T.columns, record.columnValues) {
                update = update.set(SQLIdentifier(column), to: value)
            }
            let rows = try await update.set("version", to: record.version + 1)
                .where("org_id", .equal, org).where("id", .equal, record.id).where("version", .equal, record.version)
                .returning("version").all()
            if rows.isEmpty {
                let current = try await Self.fetch(T.self, id: record.id, org: org, db: db)
                throw RumboError.staleVersion(T.noun, id: record.id, expected: record.version, actual: current.version)
            }
            try await record.saveLinks(org: org, db: db)
            try await Self.audit(org: org, actor: actor, action: "\(T.idPrefix).update", entity: T.noun, id: record.id, db: db)
            return try await Self.fetch(T.self, id: record.id, org: org, db: db)
        }
    }

    /// The record with this id in the organization, or `RumboError.notFound`.
    public func fetch<T: StoredRecord>(_ type: T.Type, id: String, in org: String) async throws -> T {
        try await read { db in try await Self.fetch(type, id: id, org: org, db: db) }
    }

    /// The records of a type in the organization, in their natural order; `filters` keeps those
    /// whose columns equal the given values (`["cycle_id": "cycle_1"]`).
    public func list<T: StoredRecord>(_ type: T.Type, in org: String, filters: [String: String] = [:]) async throws -> [T] {
        try await read { db in
            try await Self.list(type, org: org, db: db, where: filters.sorted { $0.key < $1.key }.map { ($0.key, [$0.value]) })
        }
    }

    static func fetch<T: StoredRecord>(_ type: T.Type, id: String, org: String, db: any SQLDatabase) async throws -> T {
        guard let record = try await list(type, org: org, db: db, where: [("id", [id])]).first else {
            throw RumboError.notFound(T.noun, id: id)
        }
        return record
    }

    /// Lists records, optionally only those whose columns are in the given values.
    static func list<T: StoredRecord>(
        _ type: T.Type, org: String, db: any SQLDatabase, where filters: [(column: String, values: [String])] = []
    ) async throws -> [T] {
        var query = db.select().column("*").from(T.table).where("org_id", .equal, org)
        for filter in filters {
            // No stored id contains NUL (PostgreSQL cannot even compare one): nothing matches.
            guard !filter.values.isEmpty, !filter.values.contains(where: { $0.contains("\u{0}") }) else { return [] }
            query = query.where(SQLIdentifier(filter.column), .in, filter.values)
        }
        for column in T.order { query = query.orderBy(column) }
        var records = try await query.all().map { try T(row: $0) }
        try await T.loadLinks(&records, org: org, db: db)
        return records
    }

    /// Multi-row INSERT in batches (one INSERT per row is an order of magnitude slower).
    static func insert<T: StoredRecord>(_ records: [T], org: String, db: any SQLDatabase) async throws {
        let columns = ["org_id", "id", "version"] + T.columns
        // Stay far below both engines' bind-parameter limits (SQLite 32,766; PostgreSQL 65,535).
        let batchSize = max(1, 8000 / columns.count)
        for start in stride(from: 0, to: records.count, by: batchSize) {
            var insert = db.insert(into: T.table).columns(columns)
            for record in records[start..<min(start + batchSize, records.count)] {
                insert = insert.values([org, record.id, record.version] + record.columnValues)
            }
            try await insert.run()
        }
        for record in records { try await record.saveLinks(org: org, db: db) }
    }
}
