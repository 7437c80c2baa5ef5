import Foundation

/// A tenant: one business. Every other record belongs to exactly one organization.
public struct Organization: Codable, Hashable, Sendable, Identifiable {
    public var id: String
    /// The short name used in URLs and on the command line (`spa-el-encanto`).
    public var slug: String
    public var name: String
    /// The organization's default interface language.
    public var language: Language
    /// IANA time zone name; local days (check-in day, due dates) are counted in it.
    public var timeZone: String

    public init(id: String, slug: String, name: String, language: Language, timeZone: String) {
        self.id = id
        self.slug = slug
        self.name = name
        self.language = language
        self.timeZone = timeZone
    }

    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")! }
}

/// A team: the company root (no parent) or a department / sub-team nested under another team.
public struct Team: Codable, Hashable, Sendable, Identifiable {
    public var id: String
    public var name: String
    public var parentID: String?
    public var version: Int

    public init(id: String, name: String, parentID: String? = nil, version: Int = 1) {
        self.id = id
        self.name = name
        self.parentID = parentID
        self.version = version
    }

    /// The company root has no parent.
    public var isCompany: Bool { parentID == nil }
}

/// Someone who owns objectives, key results and initiatives, and writes check-ins.
public struct Person: Codable, Hashable, Sendable, Identifiable {
    public var id: String
    public var name: String
    public var email: String?
    public var teamID: String?
    public var version: Int

    public init(id: String, name: String, email: String? = nil, teamID: String? = nil, version: Int = 1) {
        self.id = id
        self.name = name
        self.email = email
        self.teamID = teamID
        self.version = version
    }
}

/// An OKR period, a quarter by default.
public struct Cycle: Codable, Hashable, Sendable, Identifiable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case planning, active, closed
    }

    public var id: String
    public var name: String
    public var start: LocalDate
    public var end: LocalDate
    public var status: Status
    public var version: Int

    public init(id: String, name: String, start: LocalDate, end: LocalDate, status: Status, version: Int = 1) {
        self.id = id
        self.name = name
        self.start = start
        self.end = end
        self.status = status
        self.version = version
    }

    /// The calendar quarter containing `day`, named as its readers say it: `2026 T4` (trimestre)
    /// in Spanish, `2026 Q4` in English.
    public static func quarter(containing day: LocalDate, id: String, status: Status, language: Language) -> Cycle {
        Cycle(
            id: id, name: "\(day.year) \(language == .spanish ? "T" : "Q")\(day.quarter)", start: day.startOfQuarter,
            end: day.endOfQuarter, status: status)
    }
}

/// What an objective supports in another team's OKRs: alignment is many-to-many, not a tree.
public struct Alignment: Codable, Hashable, Sendable {
    public enum Kind: String, Codable, Sendable {
        case objective
        case keyResult = "key_result"
    }

    public var kind: Kind
    public var id: String

    public init(kind: Kind, id: String) {
        self.kind = kind
        self.id = id
    }
}

/// A qualitative, inspiring goal of one team in one cycle.
public struct Objective: Codable, Hashable, Sendable, Identifiable {
    public var id: String
    public var cycleID: String
    public var teamID: String
    public var title: String
    public var description: String
    public var ownerID: String?
    /// Weight in the team's roll-up; 1 by default.
    public var weight: Double
    /// The objectives and key results this objective supports.
    public var alignments: [Alignment]
    public var version: Int

    public init(
        id: String, cycleID: String, teamID: String, title: String, description: String = "",
        ownerID: String? = nil, weight: Double = 1, alignments: [Alignment] = [], version: Int = 1
    ) {
        self.id = id
        self.cycleID = cycleID
        self.teamID = teamID
        self.title = title
        self.description = description
        self.ownerID = ownerID
        self.weight = weight
        self.alignments = alignments
        self.version = version
    }
}

/// A key result: a measurable outcome of an objective.
public struct KeyResult: Codable, Hashable, Sendable, Identifiable {
    /// How the key result's value is judged.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        /// Move a metric up from the baseline to the target.
        case increase
        /// Move a metric down from the baseline to the target.
        case decrease
        /// Keep a metric at or above the target in every measurement period.
        case keepAbove = "keep_above"
        /// Keep a metric at or below the target in every measurement period.
        case keepBelow = "keep_below"
        /// A milestone: its value is the number of checklist items done (target = item count, 1 by default).
        case milestone

        public var isThreshold: Bool { self == .keepAbove || self == .keepBelow }
    }

    public var id: String
    public var objectiveID: String
    public var title: String
    public var kind: Kind
    /// Display unit (`%`, `h`, `min`, `pts`, `€`).
    public var unit: String
    /// The value at the start; required for increase / decrease, 0 for milestones, unused for keep-above / below.
    public var baseline: Double?
    /// The value to reach (or the threshold to keep, or the milestone's item count).
    public var target: Double
    /// Optional Google-style commit level (30% of the range when not given).
    public var commit: Double?
    /// Optional stretch level: when set, progress is measured from the baseline to the stretch.
    public var stretch: Double?
    public var start: LocalDate
    public var due: LocalDate
    public var weight: Double
    public var ownerID: String?
    public var version: Int

    public init(
        id: String, objectiveID: String, title: String, kind: Kind, unit: String = "", baseline: Double?,
        target: Double, commit: Double? = nil, stretch: Double? = nil, start: LocalDate, due: LocalDate,
        weight: Double = 1, ownerID: String? = nil, version: Int = 1
    ) {
        self.id = id
        self.objectiveID = objectiveID
        self.title = title
        self.kind = kind
        self.unit = unit
        self.baseline = baseline
        self.target = target
        self.commit = commit
        self.stretch = stretch
        self.start = start
        self.due = due
        self.weight = weight
        self.ownerID = ownerID
        self.version = version
    }
}

/// A project that should move one or more key results, possibly across several teams.
public struct Initiative: Codable, Hashable, Sendable, Identifiable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        case planned
        case inProgress = "in_progress"
        case done
        case cancelled
    }

    public var id: String
    public var title: String
    public var description: String
    public var status: Status
    public var start: LocalDate?
    public var end: LocalDate?
    public var ownerID: String?
    public var teamIDs: [String]
    public var keyResultIDs: [String]
    public var version: Int

    public init(
        id: String, title: String, description: String = "", status: Status, start: LocalDate? = nil,
        end: LocalDate? = nil, ownerID: String? = nil, teamIDs: [String] = [], keyResultIDs: [String] = [],
        version: Int = 1
    ) {
        self.id = id
        self.title = title
        self.description = description
        self.status = status
        self.start = start
        self.end = end
        self.ownerID = ownerID
        self.teamIDs = teamIDs
        self.keyResultIDs = keyResultIDs
        self.version = version
    }
}

/// One weekly update of a key result. Check-ins are append-only: a correction is a new check-in.
public struct CheckIn: Codable, Hashable, Sendable, Identifiable {
    public enum Source: String, Codable, Sendable {
        /// Typed by a person.
        case manual
        /// Written by Rumbo from a metric bound to the key result.
        case automatic
    }

    public var id: String
    public var keyResultID: String
    public var value: Double
    /// The owner's confidence of reaching the target, 0–10.
    public var confidence: Int?
    /// What changed since the last check-in.
    public var note: String
    public var blockers: String
    public var authorID: String?
    public var source: Source
    public var recordedAt: Date
    /// The day of `recordedAt` in the organization's time zone.
    public var day: LocalDate
    /// For automatic check-ins: the metric, window, sample size and interval behind the value.
    public var provenance: Provenance?

    public init(
        id: String, keyResultID: String, value: Double, confidence: Int? = nil, note: String = "",
        blockers: String = "", authorID: String? = nil, source: Source = .manual, recordedAt: Date, day: LocalDate,
        provenance: Provenance? = nil
    ) {
        self.provenance = provenance
        self.id = id
        self.keyResultID = keyResultID
        self.value = value
        self.confidence = confidence
        self.note = note
        self.blockers = blockers
        self.authorID = authorID
        self.source = source
        self.recordedAt = recordedAt
        self.day = day
    }
}

extension CheckIn {
    /// Where an automatic check-in's number came from.
    public struct Provenance: Codable, Hashable, Sendable {
        public var metricID: String
        public var filters: [String: String]
        /// The period label (`2026-W05`, `2026-03`) and the days it covers.
        public var window: String
        public var windowStart: LocalDate
        public var windowEnd: LocalDate
        /// The sample size behind the value.
        public var n: Int
        /// The 95% interval, when the metric defines one.
        public var low: Double?
        public var high: Double?

        public init(
            metricID: String, filters: [String: String], window: String, windowStart: LocalDate, windowEnd: LocalDate, n: Int,
            low: Double?, high: Double?
        ) {
            self.metricID = metricID
            self.filters = filters
            self.window = window
            self.windowStart = windowStart
            self.windowEnd = windowEnd
            self.n = n
            self.low = low
            self.high = high
        }
    }
}

/// A key result kept current from a metric of the catalog: after every import Rumbo writes one
/// automatic check-in per period from the key result's start to today.
public struct MetricBinding: Codable, Hashable, Sendable {
    /// The periods in which a bound key result gets a value.
    public static let periods = ["day", "week", "month", "quarter"]

    public var keyResultID: String
    public var metricID: String
    /// Filters such as `channel=email`, `segment=vip`.
    public var filters: [String: String]
    /// `day`, `week`, `month` or `quarter`.
    public var period: String
    /// When set, each value covers the last N days up to the period's end instead of the period alone.
    public var rollingDays: Int?

    public init(keyResultID: String, metricID: String, filters: [String: String] = [:], period: String = "week", rollingDays: Int? = nil) {
        self.keyResultID = keyResultID
        self.metricID = metricID
        self.filters = filters
        self.period = period
        self.rollingDays = rollingDays
    }

    /// The checks that need no catalog: the catalog itself checks the metric and filters.
    public func validate() throws {
        guard Self.periods.contains(period) else {
            throw RumboError.invalid(
                "period", en: "The period must be one of \(Self.periods.joined(separator: ", ")).",
                es: "El periodo debe ser uno de estos: \(Self.periods.joined(separator: ", ")).")
        }
        if let rollingDays, !(1...366).contains(rollingDays) {
            throw RumboError.invalid("rolling_days", en: "A rolling window is 1–366 days.", es: "Una ventana móvil tiene de 1 a 366 días.")
        }
    }
}

/// Identifier generation: a readable prefix and ten random base-32 characters (`kr_7f3k9q2m4x`),
/// short enough to type in `rumbo checkin kr_7f3k9q2m4x 42`.
public enum Identifier {
    private static let alphabet = Array("0123456789abcdefghjkmnpqrstvwxyz")

    public static func make(_ prefix: String) -> String {
        var generator = SystemRandomNumberGenerator()
        return make(prefix, using: &generator)
    }

    public static func make(_ prefix: String, using generator: inout some RandomNumberGenerator) -> String {
        prefix + "_" + String((0..<10).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }
}

// Decoding with defaults: API clients send only what they know. `id` and `version` are assigned
// by the store on create, so they may be missing; optional fields default as a person would expect.
extension KeyedDecodingContainer {
    fileprivate func value<T: Decodable>(_ key: Key, default fallback: T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback
    }
}

extension Team {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.value(.id, default: ""), name: try c.decode(String.self, forKey: .name),
            parentID: try c.decodeIfPresent(String.self, forKey: .parentID), version: try c.value(.version, default: 0))
    }
}

extension Person {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.value(.id, default: ""), name: try c.decode(String.self, forKey: .name),
            email: try c.decodeIfPresent(String.self, forKey: .email),
            teamID: try c.decodeIfPresent(String.self, forKey: .teamID), version: try c.value(.version, default: 0))
    }
}

extension Cycle {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.value(.id, default: ""), name: try c.decode(String.self, forKey: .name),
            start: try c.decode(LocalDate.self, forKey: .start), end: try c.decode(LocalDate.self, forKey: .end),
            status: try c.value(.status, default: .planning), version: try c.value(.version, default: 0))
    }
}

extension Objective {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.value(.id, default: ""), cycleID: try c.decode(String.self, forKey: .cycleID),
            teamID: try c.decode(String.self, forKey: .teamID), title: try c.decode(String.self, forKey: .title),
            description: try c.value(.description, default: ""), ownerID: try c.decodeIfPresent(String.self, forKey: .ownerID),
            weight: try c.value(.weight, default: 1), alignments: try c.value(.alignments, default: []),
            version: try c.value(.version, default: 0))
    }
}

extension KeyResult {
    /// `start` and `due` may be omitted on create; the store then takes the cycle's dates.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.value(.id, default: ""), objectiveID: try c.decode(String.self, forKey: .objectiveID),
            title: try c.decode(String.self, forKey: .title), kind: try c.decode(Kind.self, forKey: .kind),
            unit: try c.value(.unit, default: ""), baseline: try c.decodeIfPresent(Double.self, forKey: .baseline),
            target: try c.decode(Double.self, forKey: .target), commit: try c.decodeIfPresent(Double.self, forKey: .commit),
            stretch: try c.decodeIfPresent(Double.self, forKey: .stretch),
            start: try c.value(.start, default: KeyResult.unsetDate), due: try c.value(.due, default: KeyResult.unsetDate),
            weight: try c.value(.weight, default: 1), ownerID: try c.decodeIfPresent(String.self, forKey: .ownerID),
            version: try c.value(.version, default: 0))
    }

    /// Marks a start or due date the client left out, to be filled from the cycle.
    public static let unsetDate = LocalDate(year: 1, month: 1, day: 1)
}

extension Initiative {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.value(.id, default: ""), title: try c.decode(String.self, forKey: .title),
            description: try c.value(.description, default: ""), status: try c.value(.status, default: .planned),
            start: try c.decodeIfPresent(LocalDate.self, forKey: .start), end: try c.decodeIfPresent(LocalDate.self, forKey: .end),
            ownerID: try c.decodeIfPresent(String.self, forKey: .ownerID), teamIDs: try c.value(.teamIDs, default: []),
            keyResultIDs: try c.value(.keyResultIDs, default: []), version: try c.value(.version, default: 0))
    }
}


extension Organization {
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try c.value(.id, default: ""), slug: try c.decode(String.self, forKey: .slug), name: try c.decode(String.self, forKey: .name),
            language: try c.value(.language, default: .spanish), timeZone: try c.value(.timeZone, default: "UTC"))
    }
}
