import ArgumentParser
import Foundation
import RumboAnalytics
import RumboCore
import RumboStore

struct OrgCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "org", abstract: "Create and list organizations / Crear y listar organizaciones.",
        subcommands: [Create.self, List.self, Costs.self])

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

    struct Costs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show or state the costs and revenue that turn metric movements into hours and money.",
            discussion: """
                Without figures, prints the current ones. Given figures replace the saved ones; the others stay.
                  rumbo org costs --org nimbus-support --currency USD --hourly-cost 32 --minutes-per-escalation 45
                  rumbo org costs --org spa-el-encanto --revenue-per-appointment 55 --revenue-per-customer 420
                Escalation, reopen and first-contact-resolution key results become support hours (and their cost);
                retention and churn become revenue kept a year; cancellations and no-shows, revenue recovered a month.
                """)

        @OptionGroup var store: StoreOptions
        @Option(help: "Organization slug (needed when there are several).") var org: String?
        @Option(help: "Currency symbol or code, e.g. € or USD.") var currency: String?
        @Option(help: "Cost of an hour of staff time.") var hourlyCost: Double?
        @Option(help: "Extra minutes of an escalated, reopened or repeated ticket.") var minutesPerEscalation: Double?
        @Option(help: "Revenue of a customer per year.") var revenuePerCustomer: Double?
        @Option(help: "Revenue of an appointment.") var revenuePerAppointment: Double?

        func run() async throws {
            try await store.withStore { db in
                let organization = try await resolveOrganization(org, in: db)
                var costs = try await db.impactSettings(in: organization.id)
                if currency != nil || hourlyCost != nil || minutesPerEscalation != nil || revenuePerCustomer != nil || revenuePerAppointment != nil {
                    costs.currency = currency ?? costs.currency
                    costs.hourlyCost = hourlyCost ?? costs.hourlyCost
                    costs.minutesPerEscalation = minutesPerEscalation ?? costs.minutesPerEscalation
                    costs.revenuePerCustomer = revenuePerCustomer ?? costs.revenuePerCustomer
                    costs.revenuePerAppointment = revenuePerAppointment ?? costs.revenuePerAppointment
                    try await db.saveImpactSettings(costs, in: organization.id, by: "cli")
                    say("Saved the costs of \(organization.name).")
                }
                var rows = Rows(columns: ["currency", "hourly_cost", "minutes_per_escalation", "revenue_per_customer", "revenue_per_appointment"])
                rows.rows.append([costs.currency] + [costs.hourlyCost, costs.minutesPerEscalation, costs.revenuePerCustomer, costs.revenuePerAppointment].map { $0.map(plainNumber) ?? "" })
                print(rows.render(.table))
            }
        }
    }
}
