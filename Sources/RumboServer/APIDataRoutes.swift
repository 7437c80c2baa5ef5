import Foundation
import Hummingbird
import NIOCore
import RumboAnalytics
import RumboCore
import RumboIngest
import RumboStore

/// The customer-data part of the API: the batch import endpoint, import history, the metric
/// catalog and its values, and key-result bindings.
struct APIDataRoutes: Sendable {
    typealias Context = RumboContext
    let api: APIRoutes
    var store: Store { api.store }

    func register(on router: Router<Context>) {
        let group = router.group("api/v1")
        group.post("orgs/:org/imports/:kind") { request, context in try await importBatch(request, context) }
        group.get("orgs/:org/imports") { _, context in
            let (organization, _) = try await api.organization(context, .read)
            return try APICoding.response(try await store.importRuns(in: organization.id, limit: 200))
        }
        group.get("orgs/:org/metrics") { _, context in
            _ = try await api.organization(context, .read)
            return try APICoding.response(MetricCatalog.all.map(MetricResource.init))
        }
        group.get("orgs/:org/metrics/:id") { request, context in try await metricValues(request, context) }
        group.get("orgs/:org/key-results/:id/binding") { _, context in
            let (organization, _) = try await api.organization(context, .read)
            let keyResult = try await store.fetch(KeyResult.self, id: try context.parameters.require("id"), in: organization.id)
            guard let binding = try await store.bindings(in: organization.id)[keyResult.id] else {
                throw RumboError(
                    .notFound, en: "No metric is bound to the key result '\(keyResult.id)'; bind one with PUT.",
                    es: "No hay ninguna métrica vinculada al resultado clave '\(keyResult.id)'; vincula una con PUT.")
            }
            return try APICoding.response(binding)
        }
        group.put("orgs/:org/key-results/:id/binding") { request, context in
            let (organization, keyResult, principal) = try await editableKeyResult(context)
            let input = try await APICoding.decode(BindingInput.self, from: request)
            let binding = MetricBinding(
                keyResultID: keyResult.id, metricID: input.metricID, filters: input.filters ?? [:], period: input.period ?? "week",
                rollingDays: input.rollingDays)
            let written = try await store.bind(binding, in: organization, by: principal.actor, now: api.configuration.clock())
            return try APICoding.response(BindingResult(binding: binding, automaticCheckIns: written.count))
        }
        group.delete("orgs/:org/key-results/:id/binding") { _, context in
            let (organization, keyResult, principal) = try await editableKeyResult(context)
            try await store.unbind(keyResultID: keyResult.id, in: organization, by: principal.actor)
            return Response(status: .noContent)
        }
    }

    func editableKeyResult(_ context: Context) async throws -> (Organization, KeyResult, Principal) {
        let (organization, _) = try await api.organization(context, .read)
        let keyResult = try await store.fetch(KeyResult.self, id: try context.parameters.require("id"), in: organization.id)
        let objective = try await store.fetch(Objective.self, id: keyResult.objectiveID, in: organization.id)
        let principal = try await api.access.authorize(context, organization, .editOKRs(teamIDs: [objective.teamID]))
        return (organization, keyResult, principal)
    }

    /// `POST /imports/{kind}`: a CSV or JSON Lines body, imported whole or not at all.
    func importBatch(_ request: Request, _ context: Context) async throws -> Response {
        let (organization, principal) = try await api.organization(context, .ingest)
        let kindText = try context.parameters.require("kind")
        guard let kind = DataKind(rawValue: kindText) else {
            throw RumboError(
                .notFound, field: "kind",
                en: "There is no data kind '\(kindText)'; use one of \(DataKind.allCases.map(\.rawValue).joined(separator: ", ")).",
                es: "No existe el tipo de datos '\(kindText)'; usa uno de \(DataKind.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let query = request.uri.queryParameters
        let known: Set<String> = ["source", "skip_invalid", "date_format", "time_zone", "format", "delimiter"]
        if let unknown = query.map({ String($0.key) }).first(where: { !known.contains($0) }) {
            throw RumboError(.malformed, field: unknown, en: "Unknown query parameter '\(unknown)'.", es: "Parámetro de consulta desconocido '\(unknown)'.")
        }
        let source = query.get("source") ?? "api"
        var options = ImportOptions(timeZone: organization.zone)
        options.skipInvalid = try flag(query.get("skip_invalid"), name: "skip_invalid")
        if let zone = query.get("time_zone") {
            guard let timeZone = TimeZone(identifier: String(zone)) else {
                throw RumboError.invalid("time_zone", en: "'\(zone)' is not a time zone name (e.g. Europe/Madrid).", es: "'\(zone)' no es una zona horaria (p. ej. Europe/Madrid).")
            }
            options.timeZone = timeZone
        }
        if let format = query.get("format") {
            guard let parsed = ImportFormat(rawValue: String(format)) else {
                throw RumboError(.malformed, field: "format", en: "format is csv, jsonl or auto.", es: "format es csv, jsonl o auto.")
            }
            options.format = parsed
        } else if request.headers[.contentType]?.contains("ndjson") == true || request.headers[.contentType]?.contains("jsonl") == true {
            options.format = .jsonLines
        } else {
            options.format = .csv
        }
        if let delimiter = query.get("delimiter") {
            guard let parsed = CSVDelimiter(String(delimiter)) else {
                throw RumboError(.malformed, field: "delimiter", en: "delimiter is comma, semicolon or tab.", es: "delimiter es comma, semicolon o tab.")
            }
            options.delimiter = parsed
        }
        if let pattern = query.get("date_format") {
            switch parseDateFormat(pattern) {
            case .success(let format): options.dateFormat = format
            case .failure(let failure): throw rumboError(failure)
            }
        }
        var request = request
        let body = try await request.collectBody(upTo: uploadLimit)
        let name = "request body"
        let read: ImportResult
        switch readAll(kind, .data(Data(buffer: body), name: name), options) {
        case .success(let result): read = result
        case .failure(let error): return try failure(error, request: request)
        }
        let rows = read.rows
        let outcome = try await store.importRows(kind, rows: rows, source: source, into: organization, fileName: name, by: principal.actor)
        let refreshed = try await store.refreshAutomaticCheckIns(in: organization, now: api.configuration.clock())
        if kind == .orders || kind == .customers {
            await RetentionRoutes.refreshAlerts(store: store, organization: organization, today: LocalDate(api.configuration.clock(), in: organization.zone))
        }
        return try APICoding.response(
            ImportResponse(
                kind: kind.rawValue, source: source, rowsRead: read.report.rowsRead, rowsWritten: outcome.rowsWritten, newRows: outcome.newRows,
                rejected: read.report.rejected.map { row in
                    RejectedResource(line: row.line, issues: row.issues.map { IssueResource($0, language: request.preferredLanguage ?? .english) })
                },
                keyResultsUpdated: Set(refreshed.map(\.keyResultID)).count))
    }

    /// 422 with every problem: `{"error": {"code": "invalid", "message", "issues": [...]}}`.
    func failure(_ error: ImportFailure, request: Request) throws -> Response {
        let language = request.preferredLanguage ?? .english
        let message = language == .spanish
            ? "No se importó nada: el cuerpo tiene \(error.issues.count) problema(s). Corrígelos y vuelve a enviarlo, o usa skip_invalid=true."
            : "Nothing was imported: the body has \(error.issues.count) problem(s). Fix them and send it again, or use skip_invalid=true."
        return try APICoding.response(
            ["error": ImportErrorBody(code: "invalid", message: message, issues: error.issues.map { IssueResource($0, language: language) })],
            status: .unprocessableContent)
    }

    func rumboError(_ failure: ImportFailure) -> RumboError {
        RumboError(.invalid, field: failure.issues.first?.field, en: failure.description(in: .english), es: failure.description(in: .spanish))
    }

    func flag(_ value: String?, name: String) throws -> Bool {
        switch value.map({ $0.lowercased() }) {
        case nil, "false", "0": return false
        case "true", "1": return true
        default: throw RumboError(.malformed, field: name, en: "\(name) is true or false.", es: "\(name) es true o false.")
        }
    }

    /// `GET /metrics/{id}?by=month&from=…&to=…&rolling_days=…&filter=channel=email`.
    func metricValues(_ request: Request, _ context: Context) async throws -> Response {
        let (organization, _) = try await api.organization(context, .read)
        let id = try context.parameters.require("id")
        guard MetricCatalog.definition(id) != nil else { throw RumboError.notFound("metric", id: id) }
        let query = request.uri.queryParameters
        let known: Set<String> = ["by", "from", "to", "rolling_days", "filter"]
        if let unknown = query.map({ String($0.key) }).first(where: { !known.contains($0) }) {
            throw RumboError(.malformed, field: unknown, en: "Unknown query parameter '\(unknown)'.", es: "Parámetro de consulta desconocido '\(unknown)'.")
        }
        func day(_ name: String) throws -> LocalDate? {
            guard let text = query.get(name) else { return nil }
            guard let day = LocalDate(String(text)) else {
                throw RumboError(.malformed, field: name, en: "\(name) is a day like 2026-03-31.", es: "\(name) es un día como 2026-03-31.")
            }
            return day
        }
        let period: MetricPeriod
        if let by = query.get("by") {
            guard let parsed = MetricPeriod(rawValue: String(by)) else {
                throw RumboError(.malformed, field: "by", en: "by is day, week, month or quarter.", es: "by es day, week, month o quarter.")
            }
            period = parsed
        } else {
            period = .month
        }
        var rolling: Int?
        if let text = query.get("rolling_days") {
            guard let days = Int(String(text)), (1...366).contains(days) else {
                throw RumboError(.malformed, field: "rolling_days", en: "rolling_days is a whole number of days, 1–366.", es: "rolling_days es un número entero de días, de 1 a 366.")
            }
            rolling = days
        }
        var filters: [String: String] = [:]
        for value in query.getAll("filter") {
            let parts = value.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw RumboError(.malformed, field: "filter", en: "filter is key=value, e.g. channel=email.", es: "filter es clave=valor, p. ej. channel=email.")
            }
            filters[String(parts[0])] = String(parts[1])
        }
        let now = api.configuration.clock()
        let to = try day("to") ?? LocalDate(now, in: organization.zone)
        let from = try day("from") ?? to.adding(days: -364)
        let values = try await store.computeMetric(
            MetricQuery(metricID: id, period: period, rollingDays: rolling, from: from, to: to, filters: filters, asOf: now), in: organization)
        return try APICoding.response(values.map(MetricValueResource.init))
    }
}

struct BindingInput: Decodable {
    var metricID: String
    var filters: [String: String]?
    var period: String?
    var rollingDays: Int?
}

struct BindingResult: Encodable {
    var binding: MetricBinding
    var automaticCheckIns: Int
}

struct ImportResponse: Encodable {
    var kind: String
    var source: String
    var rowsRead: Int
    var rowsWritten: Int
    var newRows: Int
    var rejected: [RejectedResource]
    var keyResultsUpdated: Int
}

struct RejectedResource: Encodable {
    var line: Int
    var issues: [IssueResource]
}

struct IssueResource: Encodable {
    var code: String
    var line: Int?
    var column: String?
    var value: String?
    var message: String

    init(_ issue: ImportIssue, language: Language) {
        code = issue.code.rawValue
        line = issue.line
        column = issue.column
        value = issue.value
        message = issue.reason(in: language)
    }
}

struct ImportErrorBody: Encodable {
    var code: String
    var message: String
    var issues: [IssueResource]
}

struct MetricResource: Encodable {
    var id: String
    var nameEn: String
    var nameEs: String
    var definitionEn: String
    var definitionEs: String
    var unit: String
    var better: String
    var data: String
    var attribution: String
    var filters: [String]
    var minimumSample: Int

    init(_ metric: MetricDefinition) {
        id = metric.id
        nameEn = metric.nameEN
        nameEs = metric.nameES
        definitionEn = metric.definitionEN
        definitionEs = metric.definitionES
        unit = metric.unit.rawValue
        better = metric.better.rawValue
        data = metric.kind.rawValue
        attribution = metric.attribution
        filters = metric.filters
        minimumSample = metric.minimumSample
    }
}

struct MetricValueResource: Encodable {
    var period: String
    var start: LocalDate
    var end: LocalDate
    var value: Double?
    var n: Int
    var low: Double?
    var high: Double?
    var status: String

    init(_ value: MetricValue) {
        period = value.window.label
        start = value.window.start
        end = value.window.end
        self.value = value.value
        n = value.n
        low = value.low
        high = value.high
        status = value.status.rawValue
    }
}

/// Typed-throws calls wrapped as results (a `do`/`catch` around them crashes the 6.3 compiler here).
func readAll(_ kind: DataKind, _ source: ImportSource, _ options: ImportOptions) -> Result<ImportResult, ImportFailure> {
    Result { () throws(ImportFailure) in try Ingest.readAll(kind: kind, from: source, options: options) }
}

func parseDateFormat(_ pattern: String) -> Result<DateFormat, ImportFailure> {
    Result { () throws(ImportFailure) in try DateFormat(pattern) }
}
