import Foundation
import Logging
import PostgresNIO
import RumboCore
import SQLKit
import SQLiteNIO

/// The canonical customer-data tables (DESIGN.md section 6) and their bulk import.
///
/// Every table has `org_id, source, external_id` as its primary key, so re-importing a file is an
/// upsert that changes nothing. Instants are UTC epoch milliseconds; each attributing timestamp
/// has a companion local-day column (days since 1970-01-01 in the organization's time zone).
extension Store {
    /// The SQL type of a field on both engines.
    static func sqlType(_ type: FieldType) -> String {
        switch type {
        case .text, .choice: "TEXT"
        case .integer, .timestamp, .boolean: "BIGINT"
        case .decimal: "DOUBLE PRECISION"
        }
    }

    /// The table's columns in insert order: key, then each field followed by its day column.
    static func customerDataColumns(_ layout: DataLayout) -> [String] {
        ["org_id", "source", "external_id"] + layout.fields.flatMap { [$0.name] + ($0.dayColumn.map { [$0] } ?? []) }
    }

    /// Migration 3's statements, derived from the layouts as they stand at version 3. A later
    /// change to a layout must come with its own migration (`ALTER TABLE … ADD COLUMN`); the
    /// test `customerTablesFollowVersion3Layouts` keeps the two in step.
    static var customerDataMigration: [String] {
        var statements: [String] = []
        for kind in DataKind.allCases {
            let layout = kind.layout
            let columns = layout.fields.flatMap { field in
                ["\(field.name) \(sqlType(field.type))\(field.required ? " NOT NULL" : "")"]
                    + (field.dayColumn.map { ["\($0) BIGINT\(field.required ? " NOT NULL" : "")"] } ?? [])
            }
            statements.append(
                """
                CREATE TABLE \(layout.table) (
                    org_id TEXT NOT NULL REFERENCES organizations (org_id), source TEXT NOT NULL, external_id TEXT NOT NULL,
                    \(columns.joined(separator: ", ")),
                    PRIMARY KEY (org_id, source, external_id))
                """)
            for day in layout.fields.compactMap(\.dayColumn) {
                statements.append("CREATE INDEX \(layout.table)_by_\(day) ON \(layout.table) (org_id, \(day))")
            }
            if layout.index(of: "customer_id") != nil {
                statements.append("CREATE INDEX \(layout.table)_by_customer ON \(layout.table) (org_id, customer_id)")
            }
        }
        statements += [
            """
            CREATE TABLE import_runs (
                org_id TEXT NOT NULL REFERENCES organizations (org_id), id TEXT NOT NULL, kind TEXT NOT NULL, source TEXT NOT NULL,
                file_name TEXT NOT NULL, rows_written BIGINT NOT NULL, new_rows BIGINT NOT NULL, actor TEXT NOT NULL, at BIGINT NOT NULL,
                PRIMARY KEY (org_id, id))
            """,
            "CREATE INDEX import_runs_by_time ON import_runs (org_id, at)",
            // A key result kept current from a metric: which metric, with which filters, per which period.
            """
            CREATE TABLE key_result_bindings (
                org_id TEXT NOT NULL, key_result_id TEXT NOT NULL, metric_id TEXT NOT NULL, filters TEXT NOT NULL,
                period TEXT NOT NULL, rolling_days BIGINT, version BIGINT NOT NULL,
                PRIMARY KEY (org_id, key_result_id),
                FOREIGN KEY (org_id, key_result_id) REFERENCES key_results (org_id, id))
            """,
            // Where an automatic check-in's number came from (metric, window, n, interval), as JSON.
            "ALTER TABLE check_ins ADD COLUMN provenance TEXT",
        ]
        return statements
    }
}

/// What one import wrote.
public struct ImportOutcome: Sendable, Hashable, Codable {
    /// Rows written (new or already there).
    public var rowsWritten: Int
    /// Rows that were not in the table before.
    public var newRows: Int

    public init(rowsWritten: Int, newRows: Int) {
        self.rowsWritten = rowsWritten
        self.newRows = newRows
    }
}

extension Store {
    /// Imports rows of one kind in one transaction: the whole file or nothing.
    ///
    /// `produce` reads the input and hands each batch of validated rows to `write`; if it throws,
    /// nothing is kept. Writing the previous batch overlaps with reading the next one. Rows are
    /// upserted by `org_id, source, external_id`, so importing the same file twice changes nothing.
    public func importRows<Report: Sendable>(
        _ kind: DataKind, source: String, into organization: Organization, fileName: String, by actor: String = "system",
        now: Date = Date(),
        _ produce: @Sendable (_ write: (sending [DataRow]) async throws -> Void) async throws -> Report
    ) async throws -> (outcome: ImportOutcome, report: Report) {
        guard !source.isEmpty, source.count <= 100, !source.contains("\u{0}") else {
            throw RumboError.invalid("source", en: "The source must be 1–100 characters.", es: "La fuente debe tener de 1 a 100 caracteres.")
        }
        let layout = kind.layout
        let org = organization.id
        let zone = organization.zone
        return try await rawTransaction { db, raw in
            let before = try await Self.count(layout.table, org: org, source: source, db: db)
            let writer = try await BulkUpserter.make(layout: layout, raw: raw, logger: logger)
            var pending: Task<Void, any Error>?
            var written = 0
            var days = LocalDayCalculator(timeZone: zone)
            let report: Report
            do {
                report = try await produce { batch in
                    let values = Self.databaseRows(batch, layout: layout, org: org, source: source, days: &days)
                    written += batch.count
                    try await pending?.value
                    pending = Task { try await writer.write(values) }
                }
                try await pending?.value
            } catch {
                _ = try? await pending?.value
                throw error
            }
            try await writer.finish()
            let after = try await Self.count(layout.table, org: org, source: source, db: db)
            try await db.insert(into: "import_runs")
                .columns("org_id", "id", "kind", "source", "file_name", "rows_written", "new_rows", "actor", "at")
                .values(org, Identifier.make("imp"), kind.rawValue, source, String(fileName.prefix(300)), written, after - before, actor, millis(now))
                .run()
            try await Self.audit(org: org, actor: actor, action: "data.import", entity: kind.rawValue, id: source, db: db, now: now)
            return (ImportOutcome(rowsWritten: written, newRows: after - before), report)
        }
    }

    /// Imports rows already in memory (an HTTP body, an upload, the demo) in batches, all or nothing.
    public func importRows(
        _ kind: DataKind, rows: [DataRow], source: String, into organization: Organization, fileName: String, by actor: String = "system",
        now: Date = Date()
    ) async throws -> ImportOutcome {
        try await importRows(kind, source: source, into: organization, fileName: fileName, by: actor, now: now) { write in
            for start in stride(from: 0, to: rows.count, by: 5_000) { try await write(Array(rows[start..<min(start + 5_000, rows.count)])) }
        }.outcome
    }

    static func count(_ table: String, org: String, source: String? = nil, db: any SQLDatabase) async throws -> Int {
        var query = db.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from(table).where("org_id", .equal, org)
        if let source { query = query.where("source", .equal, source) }
        return try await query.first()?.decode(column: "n", as: Int.self) ?? 0
    }

    /// How many rows of each kind the organization has.
    public func customerDataCounts(in org: String) async throws -> [DataKind: Int] {
        try await read { db in
            var counts: [DataKind: Int] = [:]
            for kind in DataKind.allCases { counts[kind] = try await Self.count(kind.layout.table, org: org, db: db) }
            return counts
        }
    }

    /// The stored rows of one kind (all sources), ordered by source and id: for exports, the
    /// retention models and the reference checks in tests.
    public func customerRows(_ kind: DataKind, in org: String) async throws -> [DataRow] {
        let layout = kind.layout
        return try await read { db in
            try await db.select().column("*").from(layout.table).where("org_id", .equal, org)
                .orderBy("source").orderBy("external_id").all().map { row in
                    DataRow(
                        externalID: try row.text("external_id"),
                        values: try layout.fields.map { field in
                            switch field.type {
                            case .text, .choice: try row.optionalText(field.name).map(FieldValue.text)
                            case .integer: try row.optionalInteger(field.name).map { .integer(Int64($0)) }
                            case .decimal: try row.optionalNumber(field.name).map(FieldValue.decimal)
                            case .timestamp: try row.optionalInteger(field.name).map { .timestamp(Int64($0)) }
                            case .boolean: try row.optionalInteger(field.name).map { .boolean($0 != 0) }
                            }
                        })
                }
        }
    }

    /// The database values of rows in `customerDataColumns` order.
    static func databaseRows(_ rows: [DataRow], layout: DataLayout, org: String, source: String, days: inout LocalDayCalculator) -> [[DatabaseValue]] {
        rows.map { row in
            var values: [DatabaseValue] = [.text(org), .text(source), .text(row.externalID)]
            values.reserveCapacity(3 + layout.fields.count * 2)
            for (field, value) in zip(layout.fields, row.values) {
                values.append(DatabaseValue(value))
                if field.dayColumn != nil {
                    values.append(value?.epochMilliseconds.map { .integer(Int64(days.day(ofEpochMilliseconds: $0))) } ?? .null)
                }
            }
            return values
        }
    }
}

/// A value on its way to either engine.
enum DatabaseValue: Sendable {
    case null
    case integer(Int64)
    case double(Double)
    case text(String)

    init(_ value: FieldValue?) {
        switch value {
        case nil: self = .null
        case .text(let s): self = .text(s)
        case .integer(let i), .timestamp(let i): self = .integer(i)
        case .decimal(let d): self = .double(d)
        case .boolean(let b): self = .integer(b ? 1 : 0)
        }
    }

    var sqlite: SQLiteData {
        switch self {
        case .null: .null
        case .integer(let i): .integer(Int(i))
        case .double(let d): .float(d)
        case .text(let s): .text(s)
        }
    }

    /// The value in PostgreSQL's COPY text format.
    func appendCopyText(to buffer: inout ByteBuffer) {
        switch self {
        case .null: buffer.writeStaticString("\\N")
        case .integer(let i): buffer.writeString(String(i))
        case .double(let d): buffer.writeString(d.description)
        case .text(let s):
            var escaped = ""
            escaped.reserveCapacity(s.utf8.count)
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\\": escaped += "\\\\"
                case "\t": escaped += "\\t"
                case "\n": escaped += "\\n"
                case "\r": escaped += "\\r"
                default: escaped.unicodeScalars.append(scalar)
                }
            }
            buffer.writeString(escaped)
        }
    }
}

/// Writes batches of rows with the fastest path each engine has, inside the caller's transaction.
///
/// SQLite: multi-row `INSERT … ON CONFLICT DO UPDATE` prepared straight on the connection with
/// SQLite values (SQLKit's per-value encoding would cost more than SQLite itself here).
/// PostgreSQL: `COPY … FROM STDIN` into a temporary table, then one upsert into the real table.
///
/// SQLite, into an empty table: the secondary indexes are dropped first and built again by
/// `finish()` (one sort each instead of a random B-tree insert per row: half the time for 1M
/// tickets), inside the same transaction, so a failed import restores them with everything else.
struct BulkUpserter: Sendable {
    let layout: DataLayout
    let raw: RawConnection
    let columns: [String]
    let stage: String
    let logger: Logger
    /// The `CREATE INDEX` statements to run again in `finish()`.
    var deferredIndexes: [String] = []

    static func make(layout: DataLayout, raw: RawConnection, logger: Logger) async throws -> BulkUpserter {
        var writer = BulkUpserter(
            layout: layout, raw: raw, columns: Store.customerDataColumns(layout), stage: "import_stage_\(layout.table)", logger: logger)
        switch raw {
        case .postgres(let connection):
            try await connection.query(PostgresQuery(unsafeSQL: "CREATE TEMP TABLE \(writer.stage) (LIKE \(layout.table)) ON COMMIT DROP"), logger: logger)
        case .sqlite(let connection):
            guard try await connection.query("SELECT 1 FROM \(layout.table) LIMIT 1", []).isEmpty else { break }
            let indexes = try await connection.query(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL", [.text(layout.table)]
            ).compactMap { row in row.column("name")?.string.flatMap { name in row.column("sql")?.string.map { (name: name, sql: $0) } } }
            for index in indexes { try await connection.query("DROP INDEX \(index.name)", []) { _ in } }
            writer.deferredIndexes = indexes.map(\.sql)
        }
        return writer
    }

    /// `ON CONFLICT` clause: rows already there take the file's values only when they differ.
    var upsertClause: String {
        let updatable = columns.dropFirst(3)
        let set = updatable.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")
        let changed = updatable.map { "\(layout.table).\($0) IS DISTINCT FROM excluded.\($0)" }.joined(separator: " OR ")
        return " ON CONFLICT (org_id, source, external_id) DO UPDATE SET \(set) WHERE \(changed)"
    }

    func write(_ rows: [[DatabaseValue]]) async throws {
        guard !rows.isEmpty else { return }
        switch raw {
        case .sqlite(let connection):
            let perStatement = max(1, 30_000 / columns.count)
            let rowPlaceholder = "(" + Array(repeating: "?", count: columns.count).joined(separator: ",") + ")"
            let head = "INSERT INTO \(layout.table) (\(columns.joined(separator: ","))) VALUES "
            var start = 0
            while start < rows.count {
                let chunk = rows[start..<min(start + perStatement, rows.count)]
                let sql = head + Array(repeating: rowPlaceholder, count: chunk.count).joined(separator: ",") + upsertClause
                var binds: [SQLiteData] = []
                binds.reserveCapacity(chunk.count * columns.count)
                for row in chunk { for value in row { binds.append(value.sqlite) } }
                try await connection.query(sql, binds) { _ in }
                start += chunk.count
            }
        case .postgres(let connection):
            var buffer = ByteBuffer()
            for row in rows {
                for (i, value) in row.enumerated() {
                    if i > 0 { buffer.writeStaticString("\t") }
                    value.appendCopyText(to: &buffer)
                }
                buffer.writeStaticString("\n")
            }
            let data = buffer
            try await connection.copyFrom(table: stage, columns: columns, logger: logger) { writer in
                try await writer.write(data)
            }
        }
    }

    /// Moves the staged rows into the table (PostgreSQL), or builds the deferred indexes (SQLite).
    func finish() async throws {
        switch raw {
        case .postgres(let connection):
            let list = columns.joined(separator: ",")
            try await connection.query(
                PostgresQuery(unsafeSQL: "INSERT INTO \(layout.table) (\(list)) SELECT \(list) FROM \(stage)" + upsertClause), logger: logger)
        case .sqlite(let connection):
            for sql in deferredIndexes { try await connection.query(sql, []) { _ in } }
        }
    }
}

/// One past import, for the data page and the API.
public struct ImportRun: Sendable, Hashable, Codable {
    public var id: String
    public var kind: DataKind
    public var source: String
    public var fileName: String
    public var rowsWritten: Int
    public var newRows: Int
    public var actor: String
    public var at: Date
}

extension Store {
    /// The latest imports first.
    public func importRuns(in org: String, limit: Int = 50) async throws -> [ImportRun] {
        try await read { db in
            try await db.select().column("*").from("import_runs").where("org_id", .equal, org).orderBy("at", .descending).orderBy("id")
                .limit(limit).all().map { row in
                    ImportRun(
                        id: try row.text("id"), kind: try row.enumValue("kind", as: DataKind.self), source: try row.text("source"),
                        fileName: try row.text("file_name"), rowsWritten: try row.integer("rows_written"), newRows: try row.integer("new_rows"),
                        actor: try row.text("actor"), at: date(millis: try row.integer("at")))
                }
        }
    }
}
