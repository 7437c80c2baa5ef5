import Foundation
import Logging
import RumboCore
import SQLKit

/// Rumbo's one store API over two engines (embedded SQLite and PostgreSQL).
///
/// Every query is scoped by `org_id`: an id from another organization is simply not found.
public struct Store: Sendable {
    let engine: any StoreEngine
    public let location: StoreLocation
    let logger: Logger

    public var engineKind: EngineKind { engine.kind }

    /// Opens (and for SQLite creates) the database. Call ``migrate()`` before use.
    public static func open(_ location: StoreLocation, logger: Logger = Logger(label: "rumbo.store")) async throws -> Store {
        let engine: any StoreEngine =
            switch location {
            case .sqlite(let path): try await SQLiteEngine(path: path, logger: logger)
            case .postgres(let url): try await PostgresEngine(url: url, logger: logger)
            }
        return Store(engine: engine, location: location, logger: logger)
    }

    public func close() async {
        await engine.close()
    }

    /// Opens the store, brings its schema up to date, runs `body`, and closes it whatever happens.
    public static func withMigrated<R>(
        _ location: StoreLocation, logger: Logger = Logger(label: "rumbo.store"), _ body: (Store) async throws -> R
    ) async throws -> R {
        let store = try await open(location, logger: logger)
        do {
            try await store.migrate()
            let result = try await body(store)
            await store.close()
            return result
        } catch {
            await store.close()
            throw error
        }
    }

    /// Runs `body` on one session without a transaction (reads).
    func read<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await engine.withSession(body)
    }

    /// Runs `body` in one transaction: everything it writes is committed together or not at all.
    func transaction<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await rawTransaction { db, _ in try await body(db) }
    }

    /// A transaction that also hands out the driver connection, for bulk writes.
    func rawTransaction<R: Sendable>(_ body: @Sendable (any SQLDatabase, RawConnection) async throws -> R) async throws -> R {
        try await engine.withRawSession { db, raw in
            try await db.raw("BEGIN").run()
            do {
                let result = try await body(db, raw)
                try await db.raw("COMMIT").run()
                return result
            } catch {
                try? await db.raw("ROLLBACK").run()
                throw error
            }
        }
    }
}

/// Migrations are numbered and append-only: a deployed migration is never edited, a change is a
/// new migration. The same portable SQL runs on SQLite and PostgreSQL (TEXT, BIGINT, DOUBLE
/// PRECISION, epoch-millisecond timestamps, ISO local days as text).
extension Store {
    static let migrations: [(version: Int, name: String, statements: [String])] = [
        (
            1, "okr core",
            [
                """
                CREATE TABLE organizations (
                    org_id TEXT PRIMARY KEY, slug TEXT NOT NULL, name TEXT NOT NULL,
                    language TEXT NOT NULL, time_zone TEXT NOT NULL)
                """,
                "CREATE UNIQUE INDEX organizations_slug ON organizations (slug)",
                """
                CREATE TABLE teams (
                    org_id TEXT NOT NULL REFERENCES organizations (org_id), id TEXT NOT NULL,
                    name TEXT NOT NULL, parent_id TEXT, version BIGINT NOT NULL,
                    PRIMARY KEY (org_id, id),
                    FOREIGN KEY (org_id, parent_id) REFERENCES teams (org_id, id))
                """,
                """
                CREATE TABLE people (
                    org_id TEXT NOT NULL REFERENCES organizations (org_id), id TEXT NOT NULL,
                    name TEXT NOT NULL, email TEXT, team_id TEXT, version BIGINT NOT NULL,
                    PRIMARY KEY (org_id, id),
                    FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id))
                """,
                """
                CREATE TABLE cycles (
                    org_id TEXT NOT NULL REFERENCES organizations (org_id), id TEXT NOT NULL,
                    name TEXT NOT NULL, start_day TEXT NOT NULL, end_day TEXT NOT NULL, status TEXT NOT NULL,
                    version BIGINT NOT NULL, PRIMARY KEY (org_id, id))
                """,
                "CREATE INDEX cycles_by_start ON cycles (org_id, start_day)",
                """
                CREATE TABLE objectives (
                    org_id TEXT NOT NULL, id TEXT NOT NULL, cycle_id TEXT NOT NULL, team_id TEXT NOT NULL,
                    title TEXT NOT NULL, description TEXT NOT NULL, owner_id TEXT, weight DOUBLE PRECISION NOT NULL,
                    version BIGINT NOT NULL, PRIMARY KEY (org_id, id),
                    FOREIGN KEY (org_id, cycle_id) REFERENCES cycles (org_id, id),
                    FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id),
                    FOREIGN KEY (org_id, owner_id) REFERENCES people (org_id, id))
                """,
                "CREATE INDEX objectives_by_cycle ON objectives (org_id, cycle_id, team_id)",
                """
                CREATE TABLE objective_alignments (
                    org_id TEXT NOT NULL, objective_id TEXT NOT NULL, target_kind TEXT NOT NULL, target_id TEXT NOT NULL,
                    position BIGINT NOT NULL,
                    PRIMARY KEY (org_id, objective_id, target_kind, target_id),
                    FOREIGN KEY (org_id, objective_id) REFERENCES objectives (org_id, id))
                """,
                "CREATE INDEX objective_alignments_by_target ON objective_alignments (org_id, target_kind, target_id)",
                """
                CREATE TABLE key_results (
                    org_id TEXT NOT NULL, id TEXT NOT NULL, objective_id TEXT NOT NULL, title TEXT NOT NULL,
                    kind TEXT NOT NULL, unit TEXT NOT NULL, baseline DOUBLE PRECISION, target DOUBLE PRECISION NOT NULL,
                    commit_level DOUBLE PRECISION, stretch_level DOUBLE PRECISION, start_day TEXT NOT NULL,
                    due_day TEXT NOT NULL, weight DOUBLE PRECISION NOT NULL, owner_id TEXT, version BIGINT NOT NULL,
                    PRIMARY KEY (org_id, id),
                    FOREIGN KEY (org_id, objective_id) REFERENCES objectives (org_id, id),
                    FOREIGN KEY (org_id, owner_id) REFERENCES people (org_id, id))
                """,
                "CREATE INDEX key_results_by_objective ON key_results (org_id, objective_id)",
                """
                CREATE TABLE initiatives (
                    org_id TEXT NOT NULL, id TEXT NOT NULL, title TEXT NOT NULL, description TEXT NOT NULL,
                    status TEXT NOT NULL, start_day TEXT, end_day TEXT, owner_id TEXT, version BIGINT NOT NULL,
                    PRIMARY KEY (org_id, id),
                    FOREIGN KEY (org_id, owner_id) REFERENCES people (org_id, id))
                """,
                """
                CREATE TABLE initiative_teams (
                    org_id TEXT NOT NULL, initiative_id TEXT NOT NULL, team_id TEXT NOT NULL, position BIGINT NOT NULL,
                    PRIMARY KEY (org_id, initiative_id, team_id),
                    FOREIGN KEY (org_id, initiative_id) REFERENCES initiatives (org_id, id),
                    FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id))
                """,
                """
                CREATE TABLE initiative_key_results (
                    org_id TEXT NOT NULL, initiative_id TEXT NOT NULL, key_result_id TEXT NOT NULL, position BIGINT NOT NULL,
                    PRIMARY KEY (org_id, initiative_id, key_result_id),
                    FOREIGN KEY (org_id, initiative_id) REFERENCES initiatives (org_id, id),
                    FOREIGN KEY (org_id, key_result_id) REFERENCES key_results (org_id, id))
                """,
                "CREATE INDEX initiative_key_results_by_kr ON initiative_key_results (org_id, key_result_id)",
                """
                CREATE TABLE check_ins (
                    org_id TEXT NOT NULL, id TEXT NOT NULL, key_result_id TEXT NOT NULL, value DOUBLE PRECISION NOT NULL,
                    confidence BIGINT, note TEXT NOT NULL, blockers TEXT NOT NULL, author_id TEXT, source TEXT NOT NULL,
                    recorded_at BIGINT NOT NULL, local_day TEXT NOT NULL,
                    PRIMARY KEY (org_id, id),
                    FOREIGN KEY (org_id, key_result_id) REFERENCES key_results (org_id, id),
                    FOREIGN KEY (org_id, author_id) REFERENCES people (org_id, id))
                """,
                "CREATE INDEX check_ins_by_key_result ON check_ins (org_id, key_result_id, recorded_at)",
            ]
        ),
        (
            2, "accounts, roles, tokens, audit",
            [
                // People sign in once and may belong to several organizations, so users and their
                // sessions are the two tables without org_id; everything they may do is per org.
                """
                CREATE TABLE users (
                    user_id TEXT PRIMARY KEY, email TEXT NOT NULL, name TEXT NOT NULL, password_hash TEXT NOT NULL,
                    created_at BIGINT NOT NULL)
                """,
                "CREATE UNIQUE INDEX users_by_email ON users (email)",
                """
                CREATE TABLE sessions (
                    session_hash TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users (user_id), csrf_token TEXT NOT NULL,
                    created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL)
                """,
                "CREATE INDEX sessions_by_user ON sessions (user_id)",
                """
                CREATE TABLE memberships (
                    org_id TEXT NOT NULL REFERENCES organizations (org_id), user_id TEXT NOT NULL REFERENCES users (user_id),
                    role TEXT NOT NULL, person_id TEXT, PRIMARY KEY (org_id, user_id),
                    FOREIGN KEY (org_id, person_id) REFERENCES people (org_id, id))
                """,
                "CREATE INDEX memberships_by_user ON memberships (user_id)",
                """
                CREATE TABLE membership_teams (
                    org_id TEXT NOT NULL, user_id TEXT NOT NULL, team_id TEXT NOT NULL, PRIMARY KEY (org_id, user_id, team_id),
                    FOREIGN KEY (org_id, user_id) REFERENCES memberships (org_id, user_id),
                    FOREIGN KEY (org_id, team_id) REFERENCES teams (org_id, id))
                """,
                """
                CREATE TABLE api_tokens (
                    org_id TEXT NOT NULL REFERENCES organizations (org_id), id TEXT NOT NULL, name TEXT NOT NULL,
                    scope TEXT NOT NULL, token_hash TEXT NOT NULL, created_by TEXT NOT NULL, created_at BIGINT NOT NULL,
                    last_used_at BIGINT, revoked_at BIGINT, PRIMARY KEY (org_id, id))
                """,
                "CREATE UNIQUE INDEX api_tokens_by_hash ON api_tokens (token_hash)",
                """
                CREATE TABLE invitations (
                    org_id TEXT NOT NULL REFERENCES organizations (org_id), id TEXT NOT NULL, email TEXT NOT NULL,
                    role TEXT NOT NULL, team_ids TEXT NOT NULL, token_hash TEXT NOT NULL, created_by TEXT NOT NULL,
                    expires_at BIGINT NOT NULL, accepted_at BIGINT, PRIMARY KEY (org_id, id))
                """,
                "CREATE UNIQUE INDEX invitations_by_hash ON invitations (token_hash)",
                """
                CREATE TABLE audit_log (
                    org_id TEXT NOT NULL REFERENCES organizations (org_id), id TEXT NOT NULL, at BIGINT NOT NULL,
                    actor TEXT NOT NULL, action TEXT NOT NULL, entity TEXT NOT NULL, entity_id TEXT NOT NULL,
                    PRIMARY KEY (org_id, id))
                """,
                "CREATE INDEX audit_log_by_time ON audit_log (org_id, at)",
                // Failed sign-ins, counted per key (email and address) to slow down guessing.
                "CREATE TABLE login_failures (failure_key TEXT NOT NULL, at BIGINT NOT NULL)",
                "CREATE INDEX login_failures_by_key ON login_failures (failure_key, at)",
            ]
        ),
        (3, "customer data, import runs, key result bindings", customerDataMigration),
        (
            4, "covering indexes for the busiest metrics",
            [
                // Response, resolution and SLA metrics read only these columns of a day range.
                "DROP INDEX tickets_by_created_day",
                "CREATE INDEX tickets_by_created_day ON tickets (org_id, created_day, created_at, first_response_at, resolved_at, sla_first_response_min)",
                // NPS, CSAT and CES by answer day read only the kind and the score.
                "DROP INDEX surveys_by_answered_day",
                "CREATE INDEX surveys_by_answered_day ON surveys (org_id, answered_day, kind, score)",
            ]
        ),
        (5, "at-risk settings and alerts", retentionMigration),
        (6, "retrospective lessons and stated costs", rhythmMigration),
    ]

    /// Applies the migrations not yet applied, each in its own transaction. Returns their versions.
    @discardableResult
    public func migrate() async throws -> [Int] {
        try await read { db in
            try await db.raw(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)"
            ).run()
        }
        var applied: [Int] = []
        for migration in Self.migrations {
            let done = try await transaction { db in
                let rows = try await db.raw("SELECT version FROM schema_migrations WHERE version = \(bind: migration.version)").all()
                guard rows.isEmpty else { return false }
                for statement in migration.statements {
                    try await db.raw(SQLQueryString(statement)).run()
                }
                try await db.raw(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (\(bind: migration.version), \(bind: migration.name), \(bind: Int(Date().timeIntervalSince1970)))"
                ).run()
                return true
            }
            if done {
                applied.append(migration.version)
                logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            }
        }
        return applied
    }

    /// The latest migration version the code knows.
    public static var latestMigration: Int { migrations.last!.version }
}
