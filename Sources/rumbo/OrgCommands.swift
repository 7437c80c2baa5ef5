import ArgumentParser
import Foundation
import RumboCore
import RumboStore

struct OrgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org", abstract: "Create and list organizations / Crear y listar organizaciones.",
        subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an organization to import data into.",
            discussion: """
                Example:
                  rumbo org create mi-tienda --name "Mi Tienda" --time-zone America/Mexico_City --language es

                The time zone decides on which local day an imported event falls, and so its week, month and quarter.
                """)

        @Argument(help: "Short name used in URLs and --org (lower-case letters, digits, '-').") var slug: String
        @Option(help: "Display name.") var name: String
        @Option(help: "IANA time zone, e.g. Europe/Madrid, America/Bogota, UTC.") var timeZone = "UTC"
        @Option(help: "Interface language: es or en.") var language = "es"
        @OptionGroup var store: StoreOptions

        func run() async throws {
            guard let language = Language(rawValue: language) else { throw ValidationError("--language must be es or en.") }
            try await store.withStore { db in
                let created = try await db.createOrganization(Organization(id: "", slug: slug, name: name, language: language, timeZone: timeZone))
                say("Created organization '\(created.name)' (\(created.slug), \(created.timeZone)).")
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the organizations and how much customer data each holds.")
        @OptionGroup var store: StoreOptions
        @Option(help: "table, json or csv.") var format = OutputFormat.table

        func run() async throws {
            try await store.withStore { db in
                var rows = Rows(columns: ["slug", "name", "time_zone", "language"] + DataKind.allCases.map(\.rawValue))
                for organization in try await db.organizations() {
                    let counts = try await db.customerDataCounts(in: organization.id)
                    rows.rows.append(
                        [organization.slug, organization.name, organization.timeZone, organization.language.rawValue]
                            + DataKind.allCases.map { String(counts[$0] ?? 0) })
                }
                print(rows.render(format))
            }
        }
    }
}
