import Foundation
import Logging
import PostgresKit
import SQLKit
import SQLiteKit

/// Where the data lives.
public enum StoreLocation: Sendable, Equatable, CustomStringConvertible {
    /// An embedded SQLite database file (the default: nothing to install).
    case sqlite(path: String)
    /// A PostgreSQL server, for deployments with several app instances.
    case postgres(url: String)

    public var description: String {
        switch self {
        case .sqlite(let path): "SQLite \(path)"
        case .postgres(let url): "PostgreSQL \(StoreLocation.redacted(url))"
        }
    }

    /// The URL without its password, for logs and messages.
    static func redacted(_ url: String) -> String {
        guard var components = URLComponents(string: url), components.password != nil else { return url }
        components.password = "•••"
        return components.string ?? url
    }
}

/// The two engines behind the one store API.
public enum EngineKind: String, Sendable, CaseIterable {
    case sqlite, postgres
}

/// An engine lends one database session at a time to a closure; the store builds transactions
/// and queries on top, identically for both engines.
protocol StoreEngine: Sendable {
    var kind: EngineKind { get }
    /// Lends one session as SQLKit and, for bulk paths, as the driver's own connection.
    func withRawSession<R: Sendable>(_ body: @Sendable (any SQLDatabase, RawConnection) async throws -> R) async throws -> R
    func close() async
}

extension StoreEngine {
    func withSession<R: Sendable>(_ body: @Sendable (any SQLDatabase) async throws -> R) async throws -> R {
        try await withRawSession { db, _ in try await body(db) }
    }
}

/// The driver connection behind a session: bulk writes bypass SQLKit's per-value encoding
/// (prepared multi-row INSERTs with SQLite values; COPY FROM STDIN on PostgreSQL).
enum RawConnection: Sendable {
    case sqlite(SQLiteConnection)
    case postgres(PostgresConnection)
}

/// One SQLite connection guarded by an async lock. SQLite allows one writer at a time anyway, and a
/// single connection keeps a transaction's statements from interleaving with another request's.
final class SQLiteEngine: StoreEngine {
    let kind = EngineKind.sqlite
    private let connection: SQLiteConnection
    private let lock = AsyncLock()

    init(path: String, logger: Logger) async throws {
        connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        let db = connection.sql()
        try await db.raw("PRAGMA journal_mode = WAL").run()
        try await db.raw("PRAGMA foreign_keys = ON").run()
        try await db.raw("PRAGMA busy_timeout = 5000").run()
        // A 64 MiB page cache (the default is 2 MiB): a bulk import updates several B-trees at
        // random places, and with the default cache every page change spills to the WAL and is read
        // back through system calls (measured: 22 s of system time for 1M tickets).
        try await db.raw("PRAGMA cache_size = -65536").run()
    }

    func withRawSession<R: Sendable>(_ body: @Sendable (any SQLDatabase, RawConnection) async throws -> R) async throws -> R {
        await lock.lock()
        do {
            let result = try await body(connection.sql(), .sqlite(connection))
            await lock.unlock()
            return result
        } catch {
            await lock.unlock()
            throw error
        }
    }

    func close() async {
        try? await connection.close()
    }
}

/// A pooled PostgreSQL client (PostgresNIO's `PostgresClient`), run in a background task.
final class PostgresEngine: StoreEngine {
    let kind = EngineKind.postgres
    private let client: PostgresClient
    private let runTask: Task<Void, Never>

    init(url: String, logger: Logger) async throws {
        client = PostgresClient(configuration: try Self.configuration(from: url), backgroundLogger: logger)
        let client = client
        // Started immediately so the client runs before the first lease (otherwise PostgresNIO warns).
        runTask = Task.immediate { await client.run() }
        // Fail fast with a clear message when the server cannot be reached.
        do {
            try await withSession { db in try await db.raw("SELECT 1").run() }
        } catch {
            runTask.cancel()
            throw RumboStoreError.cannotConnect(url: url, underlying: error)
        }
    }

    /// Reads `postgres://user:password@host:port/database?sslmode=disable|prefer|require`.
    static func configuration(from url: String) throws -> PostgresClient.Configuration {
        guard let components = URLComponents(string: url),
            ["postgres", "postgresql"].contains(components.scheme ?? ""),
            let host = components.host, !host.isEmpty
        else {
            throw RumboStoreError.badDatabaseURL(url)
        }
        let sslMode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "disable"
        let tls: PostgresClient.Configuration.TLS =
            switch sslMode {
            case "require", "verify-full", "verify-ca": .require(.makeClientConfiguration())
            case "prefer": .prefer(.makeClientConfiguration())
            default: .disable
            }
        let database = components.path.split(separator: "/").first.map(String.init)
        var configuration = PostgresClient.Configuration(
            host: host, port: components.port ?? 5432, username: components.user ?? "postgres",
            password: components.password, database: database, tls: tls)
        configuration.options.maximumConnections = 8
        return configuration
    }

    func withRawSession<R: Sendable>(_ body: @Sendable (any SQLDatabase, RawConnection) async throws -> R) async throws -> R {
        try await client.withConnection { connection in
            try await body(connection.sql(), .postgres(connection))
        }
    }

    func close() async {
        runTask.cancel()
        await runTask.value
    }
}

/// A FIFO async lock: waiters resume in arrival order.
actor AsyncLock {
    private var locked = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func lock() async {
        if !locked {
            locked = true
            return
        }
        await withCheckedContinuation { waiters.append($0) }
    }

    func unlock() {
        if waiters.isEmpty {
            locked = false
        } else {
            waiters.removeFirst().resume()
        }
    }
}

/// Failures of the store's own making (as opposed to the caller's: those are `RumboError`).
public struct RumboStoreError: Error, CustomStringConvertible {
    public let description: String

    static func badDatabaseURL(_ url: String) -> RumboStoreError {
        RumboStoreError(
            description:
                "The database URL '\(StoreLocation.redacted(url))' is not a PostgreSQL URL. Write it as postgres://USER:PASSWORD@HOST:PORT/DATABASE.")
    }

    static func cannotConnect(url: String, underlying: any Error) -> RumboStoreError {
        RumboStoreError(
            description:
                "Cannot connect to PostgreSQL at \(StoreLocation.redacted(url)): \(String(reflecting: underlying)). Check that the server is running and the URL is right, or leave out --database-url to use the embedded SQLite database.")
    }
}
