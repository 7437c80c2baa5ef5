import Foundation
import Logging
import PostgresKit
import RumboCore
import RumboStore

/// A fresh, migrated database for one test, on either engine.
///
/// SQLite: a new file in a temporary folder. PostgreSQL: a new database cloned from a migrated
/// template (`CREATE DATABASE … TEMPLATE …`, tens of milliseconds) on the server named by
/// `RUMBO_TEST_POSTGRES_URL`. When `RUMBO_REQUIRE_POSTGRES=1` (CI), a missing server fails the
/// PostgreSQL tests instead of leaving them out.
public enum TestDatabases {
    /// The engines to run store and server tests on.
    public static var engines: [EngineKind] {
        let environment = ProcessInfo.processInfo.environment
        let hasServer = !(environment["RUMBO_TEST_POSTGRES_URL"] ?? "").isEmpty
        let required = environment["RUMBO_REQUIRE_POSTGRES"] == "1"
        return hasServer || required ? [.sqlite, .postgres] : [.sqlite]
    }

    /// Runs `body` with a store on a new, migrated database, then closes and drops it.
    public static func withStore<R>(_ engine: EngineKind, _ body: (Store) async throws -> R) async throws -> R {
        let logger = Logger(label: "rumbo.test")
        await EngineAnnouncer.shared.announce(engine)
        switch engine {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("rumbo-test-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            return try await Store.withMigrated(.sqlite(path: folder.appendingPathComponent("rumbo.sqlite").path), logger: logger, body)
        case .postgres:
            let server = try await PostgresTestServer.shared.ready()
            let name = "rumbo_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased())"
            try await server.execute("CREATE DATABASE \(name) TEMPLATE \(PostgresTestServer.template)")
            do {
                let result = try await Store.withMigrated(.postgres(url: server.url(database: name)), logger: logger, body)
                try? await server.execute("DROP DATABASE \(name) WITH (FORCE)")
                return result
            } catch {
                try? await server.execute("DROP DATABASE \(name) WITH (FORCE)")
                throw error
            }
        }
    }

}

/// The PostgreSQL server of the tests, with the migrated template made once per test process.
actor PostgresTestServer {
    static let shared = PostgresTestServer()
    static let template = "rumbo_template_\(ProcessInfo.processInfo.processIdentifier)"

    private var prepared: Task<Admin, any Error>?

    struct Admin: Sendable {
        let adminURL: String

        func url(database: String) -> String {
            var components = URLComponents(string: adminURL)!
            components.path = "/" + database
            return components.string!
        }

        /// One statement on the maintenance database, on a short-lived connection.
        func execute(_ sql: String) async throws {
            let components = URLComponents(string: adminURL)!
            let configuration = PostgresConnection.Configuration(
                host: components.host ?? "127.0.0.1", port: components.port ?? 5432, username: components.user ?? "postgres",
                password: components.password, database: components.path.split(separator: "/").first.map(String.init) ?? "postgres",
                tls: .disable)
            let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: Logger(label: "rumbo.test.admin"))
            do {
                _ = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "rumbo.test.admin"))
                try await connection.close()
            } catch {
                try? await connection.close()
                throw error
            }
        }
    }

    func ready() async throws -> Admin {
        if let prepared { return try await prepared.value }
        let task = Task { () throws -> Admin in
            guard let url = ProcessInfo.processInfo.environment["RUMBO_TEST_POSTGRES_URL"], !url.isEmpty else {
                throw TestSetupError(
                    "RUMBO_TEST_POSTGRES_URL is not set, but RUMBO_REQUIRE_POSTGRES=1 requires the PostgreSQL tests. Run them through scripts/test, which starts a server.")
            }
            let admin = Admin(adminURL: url)
            do {
                try await admin.execute("DROP DATABASE IF EXISTS \(Self.template) WITH (FORCE)")
                try await admin.execute("CREATE DATABASE \(Self.template)")
                try await Store.withMigrated(.postgres(url: admin.url(database: Self.template))) { _ in }
            } catch {
                throw TestSetupError(
                    "Cannot prepare the PostgreSQL test template at \(url): \(String(reflecting: error)). Is the server running? (scripts/pg-test-server start)")
            }
            return admin
        }
        prepared = task
        return try await task.value
    }
}

public struct TestSetupError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Says once per test process which engines the tests really ran on, so the log shows both.
actor EngineAnnouncer {
    static let shared = EngineAnnouncer()
    private var announced: Set<EngineKind> = []

    func announce(_ engine: EngineKind) {
        guard announced.insert(engine).inserted else { return }
        let detail =
            engine == .postgres
            ? "PostgreSQL at \(ProcessInfo.processInfo.environment["RUMBO_TEST_POSTGRES_URL"] ?? "(RUMBO_TEST_POSTGRES_URL not set)")"
            : "SQLite (a temporary file per test)"
        print("[RumboTestSupport] running store and API tests on \(detail)")
    }
}

extension TestDatabases {
    /// One demo organization, built as of `day`.
    public static func demo(_ slug: String, asOf day: LocalDate = LocalDate("2026-11-25")!) -> DemoOrganization {
        Demo.organizations(asOf: day).first { $0.organization.slug == slug }!
    }

    /// Loads a demo organization with its customer data and automatic check-ins, "now" being noon
    /// of `day` in its time zone; returns the demo and that instant.
    public static func loadDemoWithData(_ slug: String, into store: Store, asOf day: LocalDate = LocalDate("2026-11-25")!) async throws
        -> (demo: DemoOrganization, now: Date)
    {
        let demo = demo(slug, asOf: day)
        let now = day.startOfDay(in: demo.organization.zone).addingTimeInterval(12 * 3600)
        _ = try await store.loadDemo(demo, today: day, now: now)
        return (demo, now)
    }
}
