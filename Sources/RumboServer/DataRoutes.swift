import Foundation
import Hummingbird
import MultipartKit
import RumboAnalytics
import RumboCore
import RumboIngest
import RumboStore

/// The customer-data pages: what is imported, the upload form, the metric catalog with charts,
/// and binding a key result to a metric.
struct DataRoutes: Sendable {
    typealias Context = RumboContext
    let web: WebRoutes
    var store: Store { web.store }

    func register(on router: Router<Context>) {
        router.get("/o/:org/data") { request, context in try await dataPage(request, context) }
        router.post("/o/:org/data/import") { request, context in try await upload(request, context) }
        router.get("/o/:org/metrics") { request, context in try await metricsPage(request, context) }
        router.get("/o/:org/metrics/:id") { request, context in try await metricPage(request, context) }
        router.post("/o/:org/key-results/:id/binding") { request, context in try await bind(request, context) }
    }

    // MARK: Data

    func dataPage(_ request: Request, _ context: Context, result: [String: Any] = [:], status: HTTPResponse.Status = .ok) async throws
        -> Response
    {
        let page = try await web.pageContext(request, context)
        let organization = page.organization
        let counts = try await store.customerDataCounts(in: organization.id)
        let runs = try await store.importRuns(in: organization.id, limit: 20)
        var values: [String: Any] = [
            "kinds": DataKind.allCases.map { kind in
                [
                    "kind": kind.rawValue, "name": Strings.text("data_" + kind.rawValue, page.language),
                    "rows": page.format.integer(counts[kind] ?? 0), "columns": kind.layout.header.joined(separator: ","),
                    "fields": [["name": "id", "required": true, "help": ""]]
                        + kind.layout.fields.map { ["name": $0.name, "required": $0.required, "help": $0.help] },
                ] as [String: Any]
            },
            "runs": runs.map { run in
                [
                    "at": page.format.day(LocalDate(run.at, in: organization.zone)), "kind": Strings.text("data_" + run.kind.rawValue, page.language),
                    "source": run.source, "file": run.fileName, "rows": page.format.integer(run.rowsWritten), "new": page.format.integer(run.newRows),
                    "actor": run.actor,
                ]
            },
            "has_runs": !runs.isEmpty,
            "can_import": try await web.access.allows(page.principal, .ingest, in: organization),
            "time_zone": organization.timeZone,
            "upload_action": "/o/\(organization.slug)/data/import?lang=\(page.language.rawValue)",
        ]
        values.merge(result) { _, new in new }
        return try web.render("data", page: page, title: Strings.text("data_title", page.language), values, request: request, status: status)
    }

    /// Imports an uploaded file, all or nothing; shows what was imported or each problem found.
    func upload(_ request: Request, _ context: Context) async throws -> Response {
        let page = try await web.pageContext(request, context)
        let organization = page.organization
        let principal = try await web.access.authorize(context, organization, .ingest)
        var request = request
        let body = try await request.collectBody(upTo: uploadLimit)
        let language = page.language
        func problem(_ text: String) async throws -> Response {
            try await dataPage(request, context, result: ["upload_error": text], status: .unprocessableContent)
        }
        guard let boundary = multipartBoundary(request.headers[.contentType]), let parts = try? multipartParts(body, boundary: boundary) else {
            return try await problem(Strings.text("upload_unreadable", language))
        }
        func field(_ name: String) -> String? { parts.first { $0.name == name }.map { String(buffer: $0.body) } }
        guard let kind = field("kind").flatMap(DataKind.init(rawValue:)) else { return try await problem(Strings.text("upload_kind", language)) }
        guard let file = parts.first(where: { $0.name == "file" }), file.body.readableBytes > 0 else {
            return try await problem(Strings.text("upload_no_file", language))
        }
        let fileName = file.fileName.flatMap { $0.isEmpty ? nil : $0 } ?? "upload.csv"
        var options = ImportOptions(timeZone: organization.zone)
        options.skipInvalid = field("skip_invalid") != nil
        if let pattern = field("date_format"), !pattern.isEmpty {
            switch parseDateFormat(pattern) {
            case .success(let format): options.dateFormat = format
            case .failure(let failure): return try await problem(failure.description(in: language))
            }
        }
        let typedSource = (field("source") ?? "").trimmingCharacters(in: .whitespaces)
        let source = typedSource.isEmpty ? "upload" : typedSource
        let data = Data(buffer: file.body)
        let read: ImportResult
        switch readAll(kind, .data(data, name: fileName), options) {
        case .success(let result): read = result
        case .failure(let error):
            return try await dataPage(
                request, context,
                result: [
                    "upload_error": Strings.text("upload_failed", language), "issues": error.issues.map { issueRow($0, language: language) },
                    "has_issues": true,
                ], status: .unprocessableContent)
        }
        let rows = read.rows
        let outcome = try await store.importRows(kind, rows: rows, source: source, into: organization, fileName: fileName, by: principal.actor)
        let refreshed = try await store.refreshAutomaticCheckIns(in: organization)
        if kind == .orders || kind == .customers {
            await RetentionRoutes.refreshAlerts(store: store, organization: organization, today: web.today(organization))
        }
        let message = Strings.text("upload_done", language)
            .replacingOccurrences(of: "{rows}", with: page.format.integer(outcome.rowsWritten))
            .replacingOccurrences(of: "{new}", with: page.format.integer(outcome.newRows))
            .replacingOccurrences(of: "{file}", with: fileName)
            .replacingOccurrences(of: "{krs}", with: page.format.integer(Set(refreshed.map(\.keyResultID)).count))
        var result: [String: Any] = ["upload_done": message]
        if !read.report.rejected.isEmpty {
            result["skipped"] = Strings.text("upload_skipped", language).replacingOccurrences(of: "{n}", with: page.format.integer(read.report.rejected.count))
            result["issues"] = read.report.issues.prefix(100).map { issueRow($0, language: language) }
            result["has_issues"] = true
        }
        return try await dataPage(request, context, result: result)
    }

    // MARK: Metrics

    func metricsPage(_ request: Request, _ context: Context) async throws -> Response {
        let page = try await web.pageContext(request, context)
        let counts = try await store.customerDataCounts(in: page.organization.id)
        let groups = DataKind.allCases.compactMap { kind -> [String: Any]? in
            let metrics = MetricCatalog.all.filter { $0.kind == kind }
            guard !metrics.isEmpty else { return nil }
            return [
                "name": Strings.text("data_" + kind.rawValue, page.language), "rows": page.format.integer(counts[kind] ?? 0),
                "metrics": metrics.map { metric in
                    [
                        "id": metric.id, "name": page.language == .spanish ? metric.nameES : metric.nameEN,
                        "unit": Strings.text("unit_" + metric.unit.rawValue, page.language),
                        "better": Strings.text("better_" + metric.better.rawValue, page.language),
                        "url": "/o/\(page.organization.slug)/metrics/\(metric.id)?lang=\(page.language.rawValue)",
                    ]
                },
            ]
        }
        return try web.render("metrics", page: page, title: Strings.text("metrics_title", page.language), ["groups": groups], request: request)
    }

    /// One metric by period, as a chart with its 95% band and as a table, over the last year by default.
    func metricPage(_ request: Request, _ context: Context) async throws -> Response {
        let page = try await web.pageContext(request, context)
        let organization = page.organization
        let id = try context.parameters.require("id")
        guard let metric = MetricCatalog.definition(id) else { throw RumboError.notFound("metric", id: id) }
        let query = request.uri.queryParameters
        let period = query.get("by").flatMap { MetricPeriod(rawValue: String($0)) } ?? .month
        let today = web.today(organization)
        let span = [MetricPeriod.day: 59, .week: 181, .month: 364, .quarter: 729][period] ?? 364
        var filters: [String: String] = [:]
        for key in metric.filters { if let value = query.get(key), !value.isEmpty { filters[key] = String(value) } }
        let values = try await store.computeMetric(
            MetricQuery(metricID: metric.id, period: period, from: today.adding(days: -span), to: today, filters: filters, asOf: web.configuration.clock()),
            in: organization)
        let es = page.language == .spanish
        let unit = Strings.text("unit_" + metric.unit.rawValue, page.language)
        return try web.render(
            "metric", page: page, title: es ? metric.nameES : metric.nameEN,
            [
                "metric": [
                    "id": metric.id, "name": es ? metric.nameES : metric.nameEN, "definition": es ? metric.definitionES : metric.definitionEN,
                    "unit": unit, "better": Strings.text("better_" + metric.better.rawValue, page.language),
                ],
                "periods": MetricPeriod.allCases.map {
                    ["value": $0.rawValue, "label": Strings.text("period_" + $0.rawValue, page.language), "selected": $0 == period]
                },
                "filters": metric.filters.map { ["key": $0, "value": filters[$0] ?? ""] },
                "chart": Chart.metric(values, unit: unit, language: page.language),
                "rows": values.reversed().map { value in
                    [
                        "period": value.window.label, "value": value.value.map(page.format.number) ?? "—", "n": page.format.integer(value.n),
                        "interval": value.low.flatMap { low in value.high.map { page.format.number(low) + " – " + page.format.number($0) } } ?? "",
                        "status": Strings.text("metric_" + value.status.rawValue, page.language), "ok": value.status == .ok,
                    ]
                },
                "action": "/o/\(organization.slug)/metrics/\(metric.id)",
            ], request: request)
    }

    // MARK: Binding

    struct BindingForm: Decodable {
        var metric_id: String?
        var period: String?
        var rolling_days: String?
        var filters: String?
    }

    /// Binds (or, with an empty metric, unbinds) a key result, then shows it again.
    func bind(_ request: Request, _ context: Context) async throws -> Response {
        let page = try await web.pageContext(request, context)
        let organization = page.organization
        var request = request
        let body = String(buffer: try await request.collectBody(upTo: 64 * 1024))
        let form = (try? URLEncodedFormDecoder().decode(BindingForm.self, from: body)) ?? BindingForm()
        let keyResultID = try context.parameters.require("id")
        let keyResult = try await store.fetch(KeyResult.self, id: keyResultID, in: organization.id)
        let objective = try await store.fetch(Objective.self, id: keyResult.objectiveID, in: organization.id)
        let principal = try await web.access.authorize(context, organization, .editOKRs(teamIDs: [objective.teamID]))
        let back = "/o/\(organization.slug)/key-results/\(keyResultID)?lang=\(page.language.rawValue)"
        let metricID = (form.metric_id ?? "").trimmingCharacters(in: .whitespaces)
        do {
            if metricID.isEmpty {
                try await store.unbind(keyResultID: keyResultID, in: organization, by: principal.actor)
            } else {
                let rolling = (form.rolling_days ?? "").trimmingCharacters(in: .whitespaces)
                guard rolling.isEmpty || Int(rolling) != nil else {
                    throw RumboError.invalid("rolling_days", en: "The rolling window is a number of days.", es: "La ventana móvil es un número de días.")
                }
                let binding = MetricBinding(
                    keyResultID: keyResultID, metricID: metricID, filters: try parseFilters(form.filters ?? ""),
                    period: form.period ?? "week", rollingDays: Int(rolling))
                try await store.bind(binding, in: organization, by: principal.actor, now: web.configuration.clock())
            }
        } catch let error as RumboError where error.code == .invalid {
            return try await web.keyResult(request, context, form: nil, bindingError: error.message(in: page.language))
        }
        return Response(status: .seeOther, headers: [.location: back + "&saved=1"])
    }
}

func issueRow(_ issue: ImportIssue, language: Language) -> [String: String] {
    ["line": issue.line.map(String.init) ?? "", "column": issue.column ?? "", "value": issue.value ?? "", "reason": issue.reason(in: language)]
}

/// One part of a multipart form: its field name, file name (for files) and bytes.
struct FormPart {
    var name: String?
    var fileName: String?
    var body: ByteBuffer
}

/// Splits a `multipart/form-data` body into its parts (MultipartKit's parser; its Codable decoder
/// cannot hand back a file's name).
func multipartParts(_ body: ByteBuffer, boundary: String) throws -> [FormPart] {
    let parser = MultipartParser(boundary: boundary)
    var parts: [FormPart] = []
    var disposition = ""
    var current = ByteBuffer()
    parser.onHeader = { name, value in if name.lowercased() == "content-disposition" { disposition = value } }
    parser.onBody = { chunk in current.writeBuffer(&chunk) }
    parser.onPartComplete = {
        parts.append(FormPart(name: dispositionParameter(disposition, "name"), fileName: dispositionParameter(disposition, "filename"), body: current))
        disposition = ""
        current = ByteBuffer()
    }
    try parser.execute(body)
    return parts
}

/// `form-data; name="file"; filename="citas.csv"` → the value of one parameter.
func dispositionParameter(_ header: String, _ key: String) -> String? {
    for piece in header.split(separator: ";").dropFirst() {
        let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        if pair.count == 2, pair[0].lowercased() == key {
            return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        }
    }
    return nil
}

/// `channel=email, segment=vip` → ["channel": "email", "segment": "vip"].
func parseFilters(_ text: String) throws -> [String: String] {
    var filters: [String: String] = [:]
    for pair in text.split(whereSeparator: { $0 == "," || $0 == ";" || $0 == "\n" }) {
        let parts = pair.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw RumboError.invalid(
                "filters", en: "Write filters as key=value separated by commas, e.g. channel=email, segment=vip.",
                es: "Escribe los filtros como clave=valor separados por comas, p. ej. channel=email, segment=vip.")
        }
        filters[parts[0]] = parts[1]
    }
    return filters
}
