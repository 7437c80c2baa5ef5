import ArgumentParser
import Configuration
import Foundation
import Logging
import RumboCore
import RumboStore

/// Where the data lives: every command that touches data takes these.
struct StoreOptions: ParsableArguments {
    @Option(help: "Folder of the embedded SQLite database (created if missing). Env: RUMBO_DATA_DIR. Default: ./data")
    var dataDir: String?

    @Option(help: ArgumentHelp("PostgreSQL URL; overrides --data-dir. Env: RUMBO_DATABASE_URL.", valueName: "postgres://user:password@host:port/db"))
    var databaseURL: String?

    var location: StoreLocation {
        get throws {
            let config = ConfigReader(provider: EnvironmentVariablesProvider())
            if let url = databaseURL ?? config.string(forKey: ["rumbo", "database", "url"], isSecret: true), !url.isEmpty {
                return .postgres(url: url)
            }
            let folder = dataDir ?? config.string(forKey: ["rumbo", "data", "dir"]) ?? "data"
            do {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            } catch {
                throw CLIError("Cannot create the data folder '\(folder)': \(error.localizedDescription). Choose another with --data-dir.")
            }
            return .sqlite(path: URL(fileURLWithPath: folder).appendingPathComponent("rumbo.sqlite").path)
        }
    }

    func withStore<R>(_ body: (Store) async throws -> R) async throws -> R {
        try await Store.withMigrated(try location, logger: quietLogger("rumbo.store"), body)
    }
}

func quietLogger(_ label: String, level: Logger.Level = .warning) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = level
    return logger
}

/// `--format` for commands whose output is data.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table, json, csv
}

/// Prints rows as an aligned table, CSV (RFC 4180 quoting) or a JSON array of objects.
struct Rows {
    let columns: [String]
    var rows: [[String]] = []

    func render(_ format: OutputFormat) -> String {
        switch format {
        case .table:
            let widths = columns.indices.map { index in ([columns[index]] + rows.map { $0[index] }).map(\.count).max() ?? 0 }
            let line = { (cells: [String]) in
                zip(cells, widths).map { $0 + String(repeating: " ", count: max(0, $1 - $0.count)) }.joined(separator: "  ")
                    .trimmingCharacters(in: .whitespaces)
            }
            return ([line(columns.map { $0.uppercased() })] + rows.map(line)).joined(separator: "\n")
        case .csv:
            let quote = { (cell: String) in
                cell.contains(where: { ",\"\n\r".contains($0) }) ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
            }
            return ([columns] + rows).map { $0.map(quote).joined(separator: ",") }.joined(separator: "\n")
        case .json:
            let objects = rows.map { row in
                Dictionary(uniqueKeysWithValues: zip(columns, row).map { key, value -> (String, Any) in
                    (key, Double(value).map { $0 as Any } ?? (value.isEmpty ? NSNull() : value as Any))
                })
            }
            let data = (try? JSONSerialization.data(withJSONObject: objects, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return String(decoding: data, as: UTF8.self)
        }
    }
}

/// Finds the organization: the one named, the only one, or a clear error listing the choices.
func resolveOrganization(_ slug: String?, in store: Store) async throws -> Organization {
    if let slug { return try await store.organization(slug) }
    let all = try await store.organizations()
    if all.count == 1 { return all[0] }
    if all.isEmpty { throw CLIError("There are no organizations yet. Run `rumbo demo` to load the demo.") }
    throw ValidationError("Several organizations exist; choose one with --org: \(all.map(\.slug).joined(separator: ", ")).")
}

/// Prints a line at once, unbuffered: progress must show even when output goes to a pipe or a log.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

/// Progress on standard error, for commands whose standard output is data (JSON).
func progress(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}

/// A failure while running a command (not a mistake in its arguments, so no usage is printed).
struct CLIError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
