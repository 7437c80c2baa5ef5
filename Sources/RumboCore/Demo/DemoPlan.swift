import Foundation

/// The scripts the demo generator follows: which teams, people and OKRs each demo organization
/// has and how each key result should fare. Plans refer to each other by short keys (`"reception"`,
/// `"booking"`); the generator turns the keys into seeded ids.
extension Demo {
    struct OrganizationPlan: Sendable {
        var slug: String
        var name: String
        var language: Language
        var timeZone: String
        var emailDomain: String
        /// Minutes after local midnight at which people check in (the Monday meeting).
        var checkInMinute: Int
        /// Minutes after local midnight at which Rumbo writes automatic check-ins.
        var automaticMinute: Int
        /// Teams, parents before children.
        var teams: [TeamPlan]
        var people: [PersonPlan]
        /// One list of objectives per quarter, oldest first; the last is the current quarter.
        var cycles: [[ObjectivePlan]]
        var initiatives: [InitiativePlan]
        /// The note of the first check-in of a quarter.
        var kickoffNote: String
        /// Notes for ordinary weeks, when a key result has nothing of its own to say.
        var weeklyNotes: [String]
        /// Current-quarter key results (by plan key) that update themselves from the demo's raw
        /// data: their check-ins are computed from the imported data instead of simulated.
        var bindings: [String: MetricBinding] = [:]
    }

    struct TeamPlan: Sendable {
        var key: String
        var name: String
        var parent: String?

        init(_ key: String, _ name: String, parent: String? = nil) {
            self.key = key
            self.name = name
            self.parent = parent
        }
    }

    struct PersonPlan: Sendable {
        var key: String
        var name: String
        /// The part of the email address before the `@`.
        var mailbox: String
        var team: String

        init(_ key: String, _ name: String, mailbox: String, team: String) {
            self.key = key
            self.name = name
            self.mailbox = mailbox
            self.team = team
        }
    }

    /// An objective or key result of the same quarter, by key.
    enum Support: Sendable {
        case objective(String)
        case keyResult(String)
    }

    struct ObjectivePlan: Sendable {
        var key: String
        var team: String
        var owner: String
        var title: String
        var description: String
        var supports: [Support]
        var keyResults: [KeyResultPlan]

        init(
            _ key: String, team: String, owner: String, title: String, description: String = "",
            supports: [Support] = [], keyResults: [KeyResultPlan]
        ) {
            self.key = key
            self.team = team
            self.owner = owner
            self.title = title
            self.description = description
            self.supports = supports
            self.keyResults = keyResults
        }
    }

    struct KeyResultPlan: Sendable {
        /// How progress builds up over the quarter; every shape reaches its full `reach` on the last day.
        enum Shape: Sendable {
            case linear
            /// Little movement at first, most of it late (an initiative that takes time to land).
            case slowStart
            /// Quick early gains that flatten out.
            case fastStart
            /// Moves for the first half, then stalls.
            case stall

            func share(at elapsed: Double) -> Double {
                switch self {
                case .linear: elapsed
                case .slowStart: pow(elapsed, 1.7)
                case .fastStart: 1 - pow(1 - elapsed, 1.7)
                case .stall: min(elapsed / 0.55, 1)
                }
            }
        }

        var key: String?
        var title: String
        var kind: KeyResult.Kind
        var unit: String
        var baseline: Double?
        var target: Double
        var owner: String
        /// Increase / decrease / milestone: the share of the range reached by the end of the quarter,
        /// reached at that steady pace (above 1 is over-achievement). Keep-above / below: the share of
        /// weeks that meet the threshold.
        var reach: Double
        var shape: Shape
        /// Keep-above / below: how far from the threshold weekly values stray, in the key result's unit.
        var spread: Double
        var decimals: Int
        /// Values come from a bound metric: Rumbo writes the check-ins, with no author, confidence or note.
        var automatic: Bool
        /// Notes spread over the quarter in this order.
        var notes: [String]
        var blockers: [String]

        /// Increase or decrease, from the direction of `baseline` → `target`.
        static func change(
            _ title: String, from baseline: Double, to target: Double, _ unit: String, owner: String, reach: Double,
            key: String? = nil, shape: Shape = .linear, decimals: Int? = nil, automatic: Bool = false,
            notes: [String] = [], blockers: [String] = []
        ) -> KeyResultPlan {
            KeyResultPlan(
                key: key, title: title, kind: target > baseline ? .increase : .decrease, unit: unit, baseline: baseline,
                target: target, owner: owner, reach: reach, shape: shape, spread: 0,
                decimals: decimals ?? defaultDecimals(unit), automatic: automatic, notes: notes, blockers: blockers)
        }

        /// Keep-above or keep-below a threshold, compliant in `compliance` of the weeks.
        static func keep(
            _ kind: KeyResult.Kind, _ title: String, _ threshold: Double, _ unit: String, spread: Double, owner: String,
            compliance: Double, key: String? = nil, decimals: Int? = nil, automatic: Bool = false,
            notes: [String] = [], blockers: [String] = []
        ) -> KeyResultPlan {
            precondition(kind.isThreshold, "keep(_:) takes .keepAbove or .keepBelow")
            let decimals = decimals ?? defaultDecimals(unit)
            precondition(0.2 * spread > 0.5 * pow(10, -Double(decimals)), "spread too small for the rounding of '\(title)'")
            return KeyResultPlan(
                key: key, title: title, kind: kind, unit: unit, baseline: nil, target: threshold, owner: owner,
                reach: compliance, shape: .linear, spread: spread, decimals: decimals,
                automatic: automatic, notes: notes, blockers: blockers)
        }

        /// A checklist of `items`, of which `done` are ticked off by the end of the quarter.
        static func milestone(
            _ title: String, items: Int, done: Int, owner: String, key: String? = nil, shape: Shape = .linear,
            notes: [String] = [], blockers: [String] = []
        ) -> KeyResultPlan {
            KeyResultPlan(
                key: key, title: title, kind: .milestone, unit: "", baseline: 0, target: Double(items), owner: owner,
                reach: Double(done) / Double(items), shape: shape, spread: 0, decimals: 0, automatic: false,
                notes: notes, blockers: blockers)
        }

        private static func defaultDecimals(_ unit: String) -> Int {
            ["%", "h", "d", "pts"].contains(unit) ? 1 : 0
        }

        /// The values the metric can take at all. A percentage aiming above 100 (net revenue
        /// retention) is a ratio, not a share, so it has no upper bound.
        var limits: ClosedRange<Double> {
            switch unit {
            case "%" where target <= 100 && (baseline ?? 0) <= 100: 0...100
            case "pts": -100...100
            default: 0...Double.greatestFiniteMagnitude
            }
        }
    }

    struct InitiativePlan: Sendable {
        var title: String
        var description: String
        var owner: String
        var teams: [String]
        /// Key results of the same quarter, by key.
        var keyResults: [String]
        /// The quarter, as an index into `OrganizationPlan.cycles`.
        var cycle: Int
        /// Days after the quarter's first day.
        var startOffset: Int
        /// Days after the quarter's first day; `nil` runs to the end of the quarter.
        var endOffset: Int?
        var cancelled: Bool = false
    }
}
