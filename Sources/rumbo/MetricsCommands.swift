import ArgumentParser
import Foundation
import RumboAnalytics
import RumboCore
import RumboStore

struct MetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics", abstract: "The CX metric catalog, computed from imported data / El catálogo de métricas de experiencia.",
        discussion: """
            Examples:
              rumbo metrics list
              rumbo metrics show nps
              rumbo metrics compute first_response_median --org nimbus-software --by week --from 2026-09-01 --filter channel=email
              rumbo metrics compute nps --org nimbus-software --by month --format csv > nps.csv
            """,
        subcommands: [List.self, Show.self, Compute.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every metric: id, name, unit, which direction is better, its data.")
        @Option(help: "table, json or csv.") var format = OutputFormat.table
        @Option(help: "Language of the names: es or en.") var language = "en"

        func run() async throws {
            var rows = Rows(columns: ["id", "name", "unit", "better", "data", "filters"])
            for metric in MetricCatalog.all {
                rows.rows.append([
                    metric.id, language == "es" ? metric.nameES : metric.nameEN, metric.unit.rawValue, metric.better.rawValue,
                    metric.kind.rawValue, metric.filters.joined(separator: " "),
                ])
            }
            print(rows.render(format))
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A metric's exact definition in words.")
        @Argument(help: "The metric id (see `rumbo metrics list`).") var metric: String
        @Option(help: "Language: es or en.") var language = "en"

        func run() async throws {
            let definition = try metricDefinition(metric)
            let es = language == "es"
            print(
                """
                \(definition.id) — \(es ? definition.nameES : definition.nameEN)
                \(es ? definition.definitionES : definition.definitionEN)

                \(es ? "Unidad" : "Unit"): \(definition.unit.rawValue)    \(es ? "Mejor" : "Better"): \(definition.better.rawValue)    \(es ? "Datos" : "Data"): \(definition.kind.rawValue) (\(definition.attribution))
                \(es ? "Filtros" : "Filters"): \(definition.filters.isEmpty ? "—" : definition.filters.joined(separator: ", "))    \(es ? "Muestra mínima" : "Minimum sample"): \(definition.minimumSample)
                """)
            if !definition.parameters.isEmpty {
                print((es ? "Parámetros: " : "Parameters: ") + definition.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\(plainNumber($0.value))" }.joined(separator: ", "))
            }
        }
    }

    struct Compute: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One row per period: period, value, n, low, high (the 95% interval) and status.",
            discussion: """
                Periods are the organization's local calendar: ISO weeks (Monday first), months, quarters.
                A period without data says no_data (never 0); one below the metric's minimum sample says insufficient.
                --rolling N makes each row cover the N days ending on the period's last day.
                """)

        @Argument(help: "The metric id (see `rumbo metrics list`).") var metric: String
        @Option(help: "Organization slug (optional when there is only one).") var org: String?
        @Option(help: "day, week, month or quarter.") var by = "month"
        @Option(help: "First day (yyyy-MM-dd). Default: a year before --to.") var from: String?
        @Option(help: "Last day (yyyy-MM-dd). Default: today.") var to: String?
        @Option(help: "Rolling window in days instead of the calendar period alone.") var rolling: Int?
        @Option(help: ArgumentHelp("A filter, repeatable: channel=email, priority=high, segment=vip, touchpoint=post_service …", valueName: "key=value"))
        var filter: [String] = []
        @Option(help: ArgumentHelp("Override a parameter of the metric (see `metrics show`).", valueName: "name=number")) var parameter: [String] = []
        @Option(help: "table, json or csv.") var format = OutputFormat.table
        @OptionGroup var store: StoreOptions

        func run() async throws {
            _ = try metricDefinition(metric)
            guard let period = MetricPeriod(rawValue: by) else { throw ValidationError("--by must be day, week, month or quarter.") }
            let filters = try keyValues(filter, option: "--filter")
            let parameters = try keyValues(parameter, option: "--parameter").mapValues { text in
                guard let number = Double(text.replacingOccurrences(of: ",", with: ".")) else {
                    throw ValidationError("--parameter values are numbers, e.g. tau_minutes=10.")
                }
                return number
            }
            try await store.withStore { db in
                let organization = try await resolveOrganization(org, in: db)
                let today = LocalDate(Date(), in: organization.zone)
                let end = try day(to, option: "--to") ?? today
                let start = try day(from, option: "--from") ?? end.adding(days: -364)
                let values = try await db.computeMetric(
                    MetricQuery(metricID: metric, period: period, rollingDays: rolling, from: start, to: end, filters: filters, parameters: parameters),
                    in: organization)
                var rows = Rows(columns: ["period", "start", "end", "value", "n", "low", "high", "status"])
                for value in values {
                    let number: String = value.value.map(plainNumber) ?? ""
                    let low: String = value.low.map(plainNumber) ?? ""
                    let high: String = value.high.map(plainNumber) ?? ""
                    let window = value.window
                    let row: [String] = [
                        window.label, window.start.description, window.end.description, number, String(value.n), low, high, value.status.rawValue,
                    ]
                    rows.rows.append(row)
                }
                print(rows.render(format))
            }
        }
    }
}

func metricDefinition(_ id: String) throws -> MetricDefinition {
    guard let definition = MetricCatalog.definition(id) else {
        let close = MetricCatalog.all.map(\.id).filter { $0.contains(id) || id.contains($0) }
        throw ValidationError(
            "There is no metric '\(id)'.\(close.isEmpty ? "" : " Did you mean \(close.joined(separator: ", "))?") `rumbo metrics list` shows them all.")
    }
    return definition
}

/// Reads repeated `key=value` options.
func keyValues(_ pairs: [String], option: String) throws -> [String: String] {
    var result: [String: String] = [:]
    for pair in pairs {
        let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw ValidationError("\(option) takes key=value, e.g. channel=email; got '\(pair)'.") }
        result[parts[0]] = parts[1]
    }
    return result
}

func day(_ text: String?, option: String) throws -> LocalDate? {
    guard let text else { return nil }
    guard let day = LocalDate(text) else { throw ValidationError("\(option) must be a date like 2026-03-31, not '\(text)'.") }
    return day
}

/// A number with at most 4 decimals and no trailing zeros (machine-readable: point decimal).
func plainNumber(_ value: Double) -> String {
    var text = String(format: "%.4f", value)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text == "-0" ? "0" : text
}
