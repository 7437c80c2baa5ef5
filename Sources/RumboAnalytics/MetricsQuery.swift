import Foundation
import RumboCore

/// The calendar periods a metric is reported per.
public enum MetricPeriod: String, Codable, Sendable, CaseIterable {
    case day, week, month, quarter

    /// The first day of the period containing `date` (weeks are ISO weeks, starting on Monday).
    public func start(of date: LocalDate) -> LocalDate {
        switch self {
        case .day: date
        case .week: date.adding(days: -MetricCalendar.weekdayIndex(date))
        case .month: LocalDate(year: date.year, month: date.month, day: 1)
        case .quarter: date.startOfQuarter
        }
    }

    /// The first day of the period after the one starting on `start`.
    func next(after start: LocalDate) -> LocalDate {
        switch self {
        case .day: start.adding(days: 1)
        case .week: start.adding(days: 7)
        case .month: MetricCalendar.addingMonths(1, to: start)
        case .quarter: MetricCalendar.addingMonths(3, to: start)
        }
    }

    /// The period's label: `2026-03-14`, `2026-W05` (ISO week-numbering year), `2026-03`, `2026-Q1`.
    public func label(ofPeriodStarting start: LocalDate) -> String {
        switch self {
        case .day:
            return start.description
        case .week:
            let (year, week) = MetricCalendar.isoWeek(start)
            return String(format: "%04d-W%02d", year, week)
        case .month:
            return String(format: "%04d-%02d", start.year, start.month)
        case .quarter:
            return String(format: "%04d-Q%d", start.year, start.quarter)
        }
    }
}

/// Day arithmetic for periods, on `LocalDate` day numbers (no time zone involved).
enum MetricCalendar {
    /// 0 for Monday … 6 for Sunday (1970-01-01 was a Thursday).
    static func weekdayIndex(_ date: LocalDate) -> Int {
        ((date.dayNumber + 3) % 7 + 7) % 7
    }

    /// ISO 8601 week-numbering year and week of a date: the week belongs to the year of its Thursday.
    static func isoWeek(_ date: LocalDate) -> (year: Int, week: Int) {
        let thursday = date.adding(days: 3 - weekdayIndex(date))
        let firstOfYear = LocalDate(year: thursday.year, month: 1, day: 1)
        return (thursday.year, firstOfYear.days(until: thursday) / 7 + 1)
    }

    /// The first of the month `months` after the month of `date` (`date` is a first of month).
    static func addingMonths(_ months: Int, to date: LocalDate) -> LocalDate {
        let index = date.year * 12 + (date.month - 1) + months
        let year = index >= 0 ? index / 12 : (index - 11) / 12
        return LocalDate(year: year, month: index - year * 12 + 1, day: 1)
    }
}

/// One window a metric is computed over: local days `start...end` of the organization.
public struct MetricWindow: Sendable, Hashable, Codable {
    /// The period's label (`2026-W05`, `2026-03`, `2026-Q1`, `2026-03-14`).
    public let label: String
    /// First local day, inclusive.
    public let start: LocalDate
    /// Last local day, inclusive.
    public let end: LocalDate
    /// The window is shorter than its period: a calendar period cut by the query's `from` or
    /// `to`, or a rolling window whose period is cut by `to` (it ends on `to`, not on the
    /// period's last day).
    public let partial: Bool

    public init(label: String, start: LocalDate, end: LocalDate, partial: Bool) {
        self.label = label
        self.start = start
        self.end = end
        self.partial = partial
    }

    /// The number of local days in the window.
    public var days: Int { start.days(until: end) + 1 }
}

/// What to compute: one metric, per period, over a range of local days.
public struct MetricQuery: Sendable, Hashable {
    public var metricID: String
    public var period: MetricPeriod
    /// nil: calendar periods. N: each window is the N days ending on the last day of each period
    /// (or on `to` for the last period when `to` cuts it).
    public var rollingDays: Int?
    /// Inclusive local days of the organization.
    public var from: LocalDate
    public var to: LocalDate
    /// Column filters (`channel`, `team`, …) and `segment`; the keys must be among the metric's `filters`.
    public var filters: [String: String]
    /// Overrides of the definition's parameters, plus `min_sample` (the minimum sample) for any metric.
    public var parameters: [String: Double]
    /// "Now" for what is still running: SLA targets, unanswered tickets, immature cohorts.
    public var asOf: Date

    public init(
        metricID: String, period: MetricPeriod = .month, rollingDays: Int? = nil, from: LocalDate, to: LocalDate,
        filters: [String: String] = [:], parameters: [String: Double] = [:], asOf: Date = Date()
    ) {
        self.metricID = metricID
        self.period = period
        self.rollingDays = rollingDays
        self.from = from
        self.to = to
        self.filters = filters
        self.parameters = parameters
        self.asOf = asOf
    }

    /// The most windows one query may ask for.
    public static let maximumWindows = 1_000
    /// The longest rolling window, in days.
    public static let maximumRollingDays = 3_660

    /// The windows, one per period touching `from...to`, in order. Calendar periods are cut to
    /// `from...to` (and then marked partial); rolling windows are the `rollingDays` days ending on
    /// the period's last day, or on `to` for a period that `to` cuts.
    public func windows() -> [MetricWindow] { windows(limit: Int.max) }

    /// At most `limit` windows (the store asks for one more than the maximum to detect excess
    /// without building millions).
    func windows(limit: Int) -> [MetricWindow] {
        guard from <= to else { return [] }
        var result: [MetricWindow] = []
        var periodStart = period.start(of: from)
        while periodStart <= to, result.count < limit {
            let next = period.next(after: periodStart)
            let periodEnd = next.adding(days: -1)
            let label = period.label(ofPeriodStarting: periodStart)
            if let rolling = rollingDays {
                let end = min(periodEnd, to)
                result.append(MetricWindow(label: label, start: end.adding(days: -(max(rolling, 1) - 1)), end: end, partial: end < periodEnd))
            } else {
                let start = max(periodStart, from)
                let end = min(periodEnd, to)
                result.append(MetricWindow(label: label, start: start, end: end, partial: start > periodStart || end < periodEnd))
            }
            periodStart = next
        }
        return result
    }
}

/// A query checked against the catalog: its definition, windows and effective parameters.
/// Both the store and the reference evaluator start from it.
public struct MetricPlan: Sendable {
    public let query: MetricQuery
    public let definition: MetricDefinition
    public let windows: [MetricWindow]
    /// The definition's parameters with the query's overrides applied.
    public let parameters: [String: Double]
    /// The smallest n that shows a value (`min_sample` override or the definition's).
    public let minimumSample: Int
    /// The filters other than `segment`, sorted by key: column equality on the metric's table.
    public let columnFilters: [(column: String, value: String)]
    /// The `segment` filter, if any.
    public let segment: String?
    /// `asOf` in UTC epoch milliseconds.
    public let asOfMilliseconds: Int64

    /// Checks the query; throws `RumboError.invalid` (field `metric`, `from`, `period`, `filter`
    /// or `parameters`) with a message in English and Spanish.
    public init(_ query: MetricQuery) throws {
        guard let definition = MetricCatalog.definition(query.metricID) else {
            let known = MetricCatalog.all.map(\.id).joined(separator: ", ")
            throw RumboError.invalid(
                "metric", en: "Unknown metric '\(query.metricID)'. Known metrics: \(known).",
                es: "No existe la métrica '\(query.metricID)'. Métricas disponibles: \(known).")
        }
        guard query.from <= query.to else {
            throw RumboError.invalid(
                "from", en: "The range starts (\(query.from)) after it ends (\(query.to)).",
                es: "El rango empieza (\(query.from)) después de terminar (\(query.to)).")
        }
        if let rolling = query.rollingDays, !(1...MetricQuery.maximumRollingDays).contains(rolling) {
            throw RumboError.invalid(
                "period", en: "A rolling window must be 1–\(MetricQuery.maximumRollingDays) days, not \(rolling).",
                es: "Una ventana móvil debe tener de 1 a \(MetricQuery.maximumRollingDays) días, no \(rolling).")
        }
        let windows = query.windows(limit: MetricQuery.maximumWindows + 1)
        guard windows.count <= MetricQuery.maximumWindows else {
            throw RumboError.invalid(
                "period",
                en: "This asks for more than \(MetricQuery.maximumWindows) \(query.period.rawValue) windows; choose a longer period or a shorter range.",
                es: "Esto pide más de \(MetricQuery.maximumWindows) ventanas; elige un periodo más largo o un rango más corto.")
        }
        let allowed = definition.filters
        var columnFilters: [(String, String)] = []
        var segment: String?
        for (key, value) in query.filters.sorted(by: { $0.key < $1.key }) {
            guard allowed.contains(key) else {
                let list = allowed.isEmpty ? "none" : allowed.joined(separator: ", ")
                let lista = allowed.isEmpty ? "ninguno" : allowed.joined(separator: ", ")
                throw RumboError.invalid(
                    "filter", en: "The metric '\(definition.id)' cannot be filtered by '\(key)'. Allowed filters: \(list).",
                    es: "La métrica '\(definition.id)' no se puede filtrar por '\(key)'. Filtros permitidos: \(lista).")
            }
            guard !value.isEmpty, value.count <= 200 else {
                throw RumboError.invalid(
                    "filter", en: "The filter '\(key)' needs a value of 1–200 characters.",
                    es: "El filtro '\(key)' necesita un valor de 1 a 200 caracteres.")
            }
            if key == "segment" && definition.kind != .customers { segment = value } else { columnFilters.append((key, value)) }
        }
        var parameters = definition.parameters
        var minimumSample = definition.minimumSample
        for (key, value) in query.parameters.sorted(by: { $0.key < $1.key }) {
            guard key == "min_sample" || definition.parameters[key] != nil else {
                let known = (definition.parameters.keys.sorted() + ["min_sample"]).joined(separator: ", ")
                throw RumboError.invalid(
                    "parameters", en: "The metric '\(definition.id)' has no parameter '\(key)'. Its parameters: \(known).",
                    es: "La métrica '\(definition.id)' no tiene el parámetro '\(key)'. Sus parámetros: \(known).")
            }
            guard value.isFinite, value >= 0, value <= 1e7 else {
                throw RumboError.invalid(
                    "parameters", en: "The parameter '\(key)' must be a number from 0 to 10,000,000, not \(value).",
                    es: "El parámetro '\(key)' debe ser un número de 0 a 10.000.000, no \(value).")
            }
            if key == "min_sample" {
                guard value >= 1, value == value.rounded() else {
                    throw RumboError.invalid(
                        "parameters", en: "min_sample must be a whole number of at least 1.",
                        es: "min_sample debe ser un número entero de al menos 1.")
                }
                minimumSample = Int(value)
            } else {
                parameters[key] = value
            }
        }
        self.query = query
        self.definition = definition
        self.windows = windows
        self.parameters = parameters
        self.minimumSample = minimumSample
        self.columnFilters = columnFilters
        self.segment = segment
        self.asOfMilliseconds = Int64((query.asOf.timeIntervalSince1970 * 1000).rounded(.down))
    }

    /// A parameter's effective value (the definition guarantees the key exists).
    public func parameter(_ key: String) -> Double { parameters[key] ?? definition.parameters[key] ?? 0 }

    /// A duration parameter in milliseconds, rounded to the nearest millisecond.
    public func milliseconds(_ key: String, unit: Double) -> Int64 {
        Int64((parameter(key) * unit).rounded())
    }
}
