import Foundation

/// The kinds of raw customer data Rumbo imports (DESIGN.md section 6). Each has one native
/// layout (`DataLayout`), one table, and rows keyed by `org_id, source, external_id`.
public enum DataKind: String, CaseIterable, Sendable, Codable, Hashable {
    case customers, tickets, surveys, reviews, orders, subscriptions, appointments, leads, events

    /// The layout of this kind's native files and of its table.
    public var layout: DataLayout { DataLayout.all[self]! }
}

/// The type of one field of a native layout, with the range it must lie in.
public enum FieldType: Sendable, Hashable {
    /// Free text (trimmed; empty means absent).
    case text
    /// One of a fixed list of lower-case words.
    case choice([String])
    /// A whole number within the range.
    case integer(ClosedRange<Int64>)
    /// A decimal number (point or comma) within the range.
    case decimal(ClosedRange<Double>)
    /// An instant: ISO 8601 with an offset, or a local time read in the import's time zone.
    case timestamp
    /// true/false, yes/no, sí/no, 1/0.
    case boolean
}

/// One column of a native layout.
public struct FieldSpec: Sendable, Hashable {
    /// The column name in files and in the table.
    public let name: String
    public let type: FieldType
    /// Whether every row must have a value.
    public let required: Bool
    /// For timestamps that place a row in a period: the table column holding the local day
    /// (days since 1970-01-01 in the organization's time zone).
    public let dayColumn: String?
    /// What the column holds, for `--help`, the docs and the upload form.
    public let help: String

    public init(_ name: String, _ type: FieldType, required: Bool = false, day: String? = nil, _ help: String) {
        self.name = name
        self.type = type
        self.required = required
        self.dayColumn = day
        self.help = help
    }
}

/// A typed field value after validation. Instants are UTC epoch milliseconds; booleans are
/// stored as 0/1 integers on both engines.
public enum FieldValue: Sendable, Hashable {
    case text(String)
    case integer(Int64)
    case decimal(Double)
    case timestamp(Int64)
    case boolean(Bool)

    public var epochMilliseconds: Int64? {
        if case .timestamp(let ms) = self { return ms }
        return nil
    }

    public var number: Double? {
        switch self {
        case .integer(let v): Double(v)
        case .decimal(let v): v
        default: nil
        }
    }

    public var text: String? {
        if case .text(let s) = self { return s }
        return nil
    }

    public var bool: Bool? {
        if case .boolean(let b) = self { return b }
        return nil
    }
}

/// One validated row: the external id and one optional value per non-id field of the layout,
/// in the layout's order.
public struct DataRow: Sendable, Hashable {
    public var externalID: String
    public var values: [FieldValue?]

    public init(externalID: String, values: [FieldValue?]) {
        self.externalID = externalID
        self.values = values
    }
}

/// A problem with one field of one row, in both languages.
public struct FieldProblem: Sendable, Hashable, Error {
    public let field: String
    public let en: String
    public let es: String

    public init(field: String, en: String, es: String) {
        self.field = field
        self.en = en
        self.es = es
    }
}

/// The native layout of one kind: its columns (after the mandatory `id`), its table, and the
/// rules that tie fields together (an answer needs a score, nothing happens before it starts).
public struct DataLayout: Sendable {
    public let kind: DataKind
    /// The table in the store.
    public let table: String
    /// The columns after `id`, in native order.
    public let fields: [FieldSpec]
    /// One sentence on what a row is.
    public let summary: String

    /// The native header: `id` then every field.
    public var header: [String] { ["id"] + fields.map(\.name) }

    public func index(of field: String) -> Int? {
        // Lengths first: `check` looks fields up for every imported row, and comparing the
        // lengths skips most string comparisons (about a third of the cost of `check`).
        let length = field.utf8.count
        return fields.firstIndex { $0.name.utf8.count == length && $0.name == field }
    }

    /// The cross-field rules of this kind; nil when the row is consistent.
    public func check(_ row: DataRow) -> FieldProblem? {
        func value(_ name: String) -> FieldValue? { index(of: name).flatMap { row.values[$0] } }
        func notBefore(_ later: String, _ earlier: String) -> FieldProblem? {
            guard let l = value(later)?.epochMilliseconds, let e = value(earlier)?.epochMilliseconds, l < e else { return nil }
            return FieldProblem(
                field: later, en: "\(later) is before \(earlier) (a negative duration); check both times and their time zone",
                es: "\(later) es anterior a \(earlier) (una duración negativa); revisa ambas horas y su zona horaria")
        }
        switch kind {
        case .tickets:
            return notBefore("first_response_at", "created_at") ?? notBefore("resolved_at", "created_at")
        case .surveys:
            let score = value("score")
            let answered = value("answered_at")
            if value("sent_at") == nil && answered == nil {
                return FieldProblem(
                    field: "sent_at", en: "a survey row needs sent_at (an invitation) or answered_at (an answer)",
                    es: "una fila de encuesta necesita sent_at (una invitación) o answered_at (una respuesta)")
            }
            if (score == nil) != (answered == nil) {
                return FieldProblem(
                    field: score == nil ? "score" : "answered_at",
                    en: "score and answered_at go together: an answer has both, an unanswered invitation neither",
                    es: "score y answered_at van juntos: una respuesta tiene ambos, una invitación sin respuesta ninguno")
            }
            if let s = score?.number, let kind = value("kind")?.text, let scale = SurveyScale(rawValue: kind), !scale.range.contains(Int64(s)) {
                return FieldProblem(
                    field: "score", en: "a \(kind.uppercased()) score must be \(scale.range.lowerBound)–\(scale.range.upperBound), not \(Int64(s))",
                    es: "una puntuación \(kind.uppercased()) debe estar entre \(scale.range.lowerBound) y \(scale.range.upperBound), no \(Int64(s))")
            }
            return notBefore("answered_at", "sent_at")
        case .appointments:
            if let status = value("status")?.text, status != "cancelled", value("cancelled_at") != nil {
                return FieldProblem(
                    field: "cancelled_at", en: "cancelled_at is set but the status is \(status), not cancelled",
                    es: "cancelled_at tiene valor pero el estado es \(status), no cancelled")
            }
            return notBefore("confirmed_at", "requested_at") ?? notBefore("scheduled_start", "requested_at")
        case .leads:
            return notBefore("first_contact_at", "created_at") ?? notBefore("handed_off_at", "created_at")
                ?? notBefore("converted_at", "created_at")
        case .customers, .reviews, .orders, .subscriptions, .events:
            return nil
        }
    }
}

/// The survey scales Rumbo stores raw answers on.
public enum SurveyScale: String, CaseIterable, Sendable {
    case nps, csat, ces, enps

    public var range: ClosedRange<Int64> {
        switch self {
        case .nps, .enps: 0...10
        case .csat: 1...5
        case .ces: 1...7
        }
    }
}

extension DataLayout {
    private static let any = Int64.min...Int64.max

    /// Every native layout. The first column of every file is `id`: the row's id in the source
    /// system, which makes re-importing a file change nothing.
    public static let all: [DataKind: DataLayout] = Dictionary(
        uniqueKeysWithValues: [
            DataLayout(
                kind: .customers, table: "customers",
                fields: [
                    FieldSpec("name", .text, "the customer's name"),
                    FieldSpec("email", .text, "e-mail address"),
                    FieldSpec("segment", .text, "a segment to filter by (vip, new, …)"),
                    FieldSpec("created_at", .timestamp, day: "created_day", "when they became a customer"),
                ], summary: "one row per customer"),
            DataLayout(
                kind: .tickets, table: "tickets",
                fields: [
                    FieldSpec("customer_id", .text, "the customer's id"),
                    FieldSpec("channel", .text, "email, chat, phone, web, …"),
                    FieldSpec("priority", .text, "low, normal, high, urgent, …"),
                    FieldSpec("created_at", .timestamp, required: true, day: "created_day", "when the ticket was opened"),
                    FieldSpec("first_response_at", .timestamp, "first public reply by a human agent"),
                    FieldSpec("resolved_at", .timestamp, "first resolution"),
                    FieldSpec("agent_replies", .integer(0...1_000_000), "public agent replies until resolution"),
                    FieldSpec("reopened", .boolean, "reopened after its resolution"),
                    FieldSpec("escalated", .boolean, "transferred to tier 2, or from a bot to a human"),
                    FieldSpec("sla_first_response_min", .decimal(0...1e9), "the first-response SLA target in minutes"),
                    FieldSpec("team", .text, "the team that handles it"),
                ], summary: "one row per support ticket"),
            DataLayout(
                kind: .surveys, table: "surveys",
                fields: [
                    FieldSpec("customer_id", .text, "the customer's (or employee's, for eNPS) id"),
                    FieldSpec("kind", .choice(SurveyScale.allCases.map(\.rawValue)), required: true, "nps (0–10), csat (1–5), ces (1–7) or enps (0–10)"),
                    FieldSpec("score", .integer(0...10), "the answer; empty for an unanswered invitation"),
                    FieldSpec("touchpoint", .text, "where it was asked: post_service, support, onboarding, …"),
                    FieldSpec("sent_at", .timestamp, day: "sent_day", "when the invitation was delivered"),
                    FieldSpec("answered_at", .timestamp, day: "answered_day", "when it was answered; empty if not"),
                    FieldSpec("comment", .text, "the free-text comment"),
                ], summary: "one row per survey invitation or answer"),
            DataLayout(
                kind: .reviews, table: "reviews",
                fields: [
                    FieldSpec("customer_id", .text, "the customer's id"),
                    FieldSpec("rating", .integer(1...5), required: true, "stars, 1–5"),
                    FieldSpec("positive", .boolean, "the platform's own positive flag, if it has one"),
                    FieldSpec("platform", .text, "google, tripadvisor, own survey, …"),
                    FieldSpec("service", .text, "the service reviewed"),
                    FieldSpec("reviewed_at", .timestamp, required: true, day: "reviewed_day", "when it was published"),
                    FieldSpec("comment", .text, "the review text"),
                ], summary: "one row per public review"),
            DataLayout(
                kind: .orders, table: "orders",
                fields: [
                    FieldSpec("customer_id", .text, required: true, "the customer's id"),
                    FieldSpec("placed_at", .timestamp, required: true, day: "placed_day", "when it was placed (or the visit paid)"),
                    FieldSpec("amount", .decimal(0...1e12), required: true, "the amount, decimal point or comma"),
                    FieldSpec("service", .text, "product line or service"),
                ], summary: "one row per order, purchase or paid visit"),
            DataLayout(
                kind: .subscriptions, table: "subscriptions",
                fields: [
                    FieldSpec("customer_id", .text, required: true, "the customer's id"),
                    FieldSpec("plan", .text, "the plan"),
                    FieldSpec("mrr", .decimal(0...1e12), required: true, "monthly recurring revenue from this moment on; 0 = cancelled"),
                    FieldSpec("effective_at", .timestamp, required: true, day: "effective_day", "when the change took effect"),
                ], summary: "one row per change of a customer's MRR (start, upgrade, downgrade, cancellation)"),
            DataLayout(
                kind: .appointments, table: "appointments",
                fields: [
                    FieldSpec("customer_id", .text, "the customer's id"),
                    FieldSpec("service", .text, "massage, facial, sauna, …"),
                    FieldSpec("team", .text, "the team or therapist group"),
                    FieldSpec("requested_at", .timestamp, "when the customer asked for it"),
                    FieldSpec("confirmed_at", .timestamp, "when the business confirmed it"),
                    FieldSpec("scheduled_start", .timestamp, required: true, day: "scheduled_day", "the booked start"),
                    FieldSpec("actual_start", .timestamp, "when the session really started"),
                    FieldSpec("status", .choice(["scheduled", "completed", "cancelled", "no_show"]), required: true, "scheduled, completed, cancelled or no_show"),
                    FieldSpec("cancelled_at", .timestamp, "when it was cancelled"),
                ], summary: "one row per appointment"),
            DataLayout(
                kind: .leads, table: "leads",
                fields: [
                    FieldSpec("customer_id", .text, "the customer's id once known"),
                    FieldSpec("channel", .text, "web form, phone, referral, …"),
                    FieldSpec("created_at", .timestamp, required: true, day: "created_day", "when the lead came in"),
                    FieldSpec("first_contact_at", .timestamp, "first contact attempt"),
                    FieldSpec("handed_off_at", .timestamp, "when marketing handed it to sales"),
                    FieldSpec("handoff_ok", .boolean, "handed off complete and correctly classified"),
                    FieldSpec("converted_at", .timestamp, "when it became a customer"),
                ], summary: "one row per lead"),
            DataLayout(
                kind: .events, table: "activity_events",
                fields: [
                    FieldSpec("customer_id", .text, "the customer's id"),
                    FieldSpec(
                        "kind", .choice(["contact", "onboarding_step", "onboarding_completed", "feature_use", "self_service", "chatbot_session"]), required: true,
                        "contact, onboarding_step, onboarding_completed, feature_use, self_service or chatbot_session"),
                    FieldSpec("name", .text, "the step, feature or article"),
                    FieldSpec("occurred_at", .timestamp, required: true, day: "occurred_day", "when it happened"),
                    FieldSpec("outcome", .choice(["success", "failure", "escalated"]), "success, failure or escalated"),
                ], summary: "one row per customer activity (contacts, onboarding, feature use, self-service, chatbot)"),
        ].map { ($0.kind, $0) })
}

/// The local day (days since 1970-01-01) of instants in one time zone, fast enough for bulk
/// imports: the zone's offset is looked up once per hour of time and cached.
public struct LocalDayCalculator: Sendable {
    public let timeZone: TimeZone
    private var cache: [Int64: Int32] = [:]

    public init(timeZone: TimeZone) { self.timeZone = timeZone }

    /// The local day of an instant given in UTC epoch milliseconds.
    public mutating func day(ofEpochMilliseconds ms: Int64) -> Int {
        let hour = ms >= 0 ? ms / 3_600_000 : (ms - 3_599_999) / 3_600_000
        let offset: Int32
        if let cached = cache[hour] {
            offset = cached
        } else {
            // Zones change their offset at the start of a UTC hour (all but Lord Howe's half-hour
            // shift), so every instant of one UTC hour shares the offset looked up for the first.
            offset = Int32(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(ms) / 1000)))
            if cache.count > 100_000 { cache.removeAll(keepingCapacity: true) }
            cache[hour] = offset
        }
        let local = ms + Int64(offset) * 1000
        return Int(local >= 0 ? local / 86_400_000 : (local - 86_399_999) / 86_400_000)
    }
}
