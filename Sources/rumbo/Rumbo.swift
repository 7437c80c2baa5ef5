import ArgumentParser
import Foundation

@main
struct Rumbo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rumbo",
        abstract: "OKRs for customer experience and retention / OKR para la experiencia y la retención de clientes.",
        discussion: """
            Rumbo keeps objectives and key results current and says honestly whether each will be reached.

            Start here:
              rumbo serve --demo          open the web app with the demo organizations on http://127.0.0.1:8080
              rumbo okr list --org spa-el-encanto
              rumbo checkin <key-result-id> 42 --confidence 7 --note "Confirmaciones automáticas activas"
              rumbo report weekly --org spa-el-encanto --out semana.md     (monthly, quarterly too)

            Data lives in an embedded SQLite file under --data-dir (./data by default). Give --database-url
            (or RUMBO_DATABASE_URL) to use PostgreSQL instead, e.g. postgres://rumbo:secret@localhost:5432/rumbo.
            """,
        subcommands: [Serve.self, Demo.self, Migrate.self, OrgCommand.self, ImportCommand.self, MetricsCommand.self, OKR.self, CheckInCommand.self, LintCommand.self, ReportCommand.self, RemindCommand.self, BenchCommand.self, UserCommand.self, TokenCommand.self, RetentionCommand.self]
    )

}
