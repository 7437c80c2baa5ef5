import Foundation

extension Demo {
    /// Nimbus Software: a software company's support and customer-success teams, for tickets, SLAs,
    /// escalations, onboarding and net revenue retention (DESIGN.md section 4). A year ago it scaled
    /// support, then dug out of a backlog, then made first answers faster; now it wants support to
    /// be a reason customers stay.
    static let nimbusSoftware = OrganizationPlan(
        slug: "nimbus-support", name: "Nimbus Software", language: .english, timeZone: "America/Mexico_City",
        emailDomain: "nimbus.example", checkInMinute: 10 * 60, automaticMinute: 6 * 60,
        teams: [
            TeamPlan("company", "Nimbus Software"),
            TeamPlan("support", "Support", parent: "company"),
            TeamPlan("tier2", "Tier 2", parent: "support"),
            TeamPlan("success", "Customer Success", parent: "company"),
        ],
        people: [
            PersonPlan("sofia", "Sofia Herrera", mailbox: "sofia.herrera", team: "company"),
            PersonPlan("daniel", "Daniel Brooks", mailbox: "daniel.brooks", team: "support"),
            PersonPlan("ana", "Ana Torres", mailbox: "ana.torres", team: "support"),
            PersonPlan("priya", "Priya Nair", mailbox: "priya.nair", team: "tier2"),
            PersonPlan("marcus", "Marcus Lee", mailbox: "marcus.lee", team: "success"),
            PersonPlan("tom", "Tom Becker", mailbox: "tom.becker", team: "success"),
        ],
        cycles: [nimbusScale, nimbusBacklog, nimbusFaster, nimbusStay],
        initiatives: [
            InitiativePlan(
                title: "Help center launch", description: "Structure, the first 40 articles, search and the in-app widget.",
                owner: "ana", teams: ["support"], keyResults: ["helpCenter", "selfService"], cycle: 0, startOffset: 0,
                endOffset: 70),
            InitiativePlan(
                title: "Chatbot for password resets",
                description: "Cancelled: the single sign-on rollout removed most password tickets.", owner: "ana",
                teams: ["support"], keyResults: ["backlog"], cycle: 1, startOffset: 10, endOffset: 50, cancelled: true),
            InitiativePlan(
                title: "Macros and smart routing for the top 20 contact reasons",
                description: "Route tickets by product area and answer the most common questions with reviewed macros.",
                owner: "daniel", teams: ["support"], keyResults: ["firstResponse", "sla"], cycle: 3, startOffset: 0,
                endOffset: 35),
            InitiativePlan(
                title: "Tier-2 swarming and escalation runbooks",
                description: "A daily swarm on hard tickets and runbooks so Tier 1 can solve what it used to escalate.",
                owner: "priya", teams: ["tier2", "support"], keyResults: ["escalations", "tier2Resolution"], cycle: 3,
                startOffset: 14, endOffset: 84),
            InitiativePlan(
                title: "Guided onboarding program",
                description: "A named onboarding manager, a 30-day plan and a check-in call in week two for every new account.",
                owner: "marcus", teams: ["success"], keyResults: ["onboarding", "firstValue", "nrr"], cycle: 3,
                startOffset: 0, endOffset: nil),
        ],
        kickoffNote: "Quarter kickoff: starting value.",
        weeklyNotes: [
            "Quiet week, no big changes.",
            "Reviewed in Monday's meeting.",
            "Sticking to the plan.",
            "Numbers refreshed from this week's data.",
            "Need to review this with the whole team.",
            "Good week, the team is on it.",
            "Release week: ticket volume up, we held on.",
        ],
        bindings: [
            "nps": MetricBinding(keyResultID: "", metricID: "nps", period: "week", rollingDays: 28),
            "firstResponse": MetricBinding(keyResultID: "", metricID: "first_response_median", period: "week"),
            "sla": MetricBinding(keyResultID: "", metricID: "sla_attainment", period: "week"),
        ])

    /// A year ago: grow ticket capacity without hiring.
    private static let nimbusScale: [ObjectivePlan] = [
        ObjectivePlan(
            "scale", team: "company", owner: "sofia", title: "Scale support without losing quality",
            description: "The customer base grows faster than the support team.",
            keyResults: [
                .change(
                    "Handle 30% more tickets a month with the same team (2,400 → 3,120)", from: 2400, to: 3120,
                    "tickets", owner: "daniel", reach: 0.8, shape: .slowStart),
                .keep(
                    .keepAbove, "Keep CSAT at or above 88%", 88, "%", spread: 2.5, owner: "daniel", compliance: 0.85,
                    automatic: true),
            ]),
        ObjectivePlan(
            "selfServe", team: "support", owner: "daniel", title: "Launch a help center customers actually use",
            supports: [.objective("scale")],
            keyResults: [
                .milestone(
                    "Launch the help center: structure, 40 articles, search, in-app widget", items: 4, done: 4,
                    owner: "ana", key: "helpCenter", notes: ["Search is live; the widget ships next sprint."]),
                .change(
                    "Self-service success from 20% to 35%", from: 20, to: 35, "%", owner: "daniel", reach: 0.5,
                    key: "selfService", shape: .slowStart,
                    blockers: ["Articles for the billing area are still missing."]),
            ]),
        ObjectivePlan(
            "health", team: "success", owner: "marcus", title: "Know the health of every account",
            supports: [.objective("scale")],
            keyResults: [
                .change(
                    "Health score for 100% of accounts (from 30%)", from: 30, to: 100, "%", owner: "tom", reach: 0.9,
                    shape: .fastStart),
                .change(
                    "Net revenue retention from 96% to 100%", from: 96, to: 100, "%", owner: "marcus", reach: 0.4,
                    notes: ["Two large accounts downgraded after their budget review."]),
            ]),
    ]

    /// Three quarters back: a spring of bugs left a backlog and escalations everywhere.
    private static let nimbusBacklog: [ObjectivePlan] = [
        ObjectivePlan(
            "backlog", team: "company", owner: "sofia", title: "Get out of the backlog",
            keyResults: [
                .change(
                    "Reduce the open backlog from 900 to 300 tickets", from: 900, to: 300, "tickets", owner: "daniel",
                    reach: 0.7, key: "backlog", notes: ["Weekend blitz closed 120 stale tickets."]),
                .change(
                    "NPS from 12 to 25", from: 12, to: 25, "pts", owner: "sofia", reach: 0.6,
                    notes: ["Detractors mention waiting days for an answer."]),
            ]),
        ObjectivePlan(
            "morning", team: "support", owner: "daniel", title: "First answers within the morning",
            supports: [.objective("backlog")],
            keyResults: [
                .change(
                    "Median first response time from 5 h to 3 h", from: 300, to: 180, "min", owner: "daniel",
                    reach: 1.0, automatic: true),
                .keep(
                    .keepAbove, "90% of tickets resolved within SLA", 90, "%", spread: 3, owner: "daniel",
                    compliance: 0.7, automatic: true),
            ]),
        ObjectivePlan(
            "pingPong", team: "tier2", owner: "priya", title: "Stop the escalation ping-pong",
            supports: [.objective("backlog")],
            keyResults: [
                .change(
                    "Cut escalations from 48% to 35%", from: 48, to: 35, "%", owner: "priya", reach: 0.38, shape: .stall,
                    blockers: ["Tier 1 has no access to the billing admin tool."]),
                .milestone(
                    "Runbooks for the 10 most common escalation causes", items: 10, done: 6, owner: "priya",
                    notes: ["Runbooks for refunds and SSO are done."]),
            ]),
    ]

    /// Last quarter: faster first answers, first steps on retention.
    private static let nimbusFaster: [ObjectivePlan] = [
        ObjectivePlan(
            "retention", team: "company", owner: "sofia", title: "Turn support into a reason to stay",
            keyResults: [
                .keep(
                    .keepAbove, "Keep CSAT at or above 90%", 90, "%", spread: 2.5, owner: "daniel", compliance: 0.7,
                    automatic: true),
                .change(
                    "Net revenue retention from 97% to 100%", from: 97, to: 100, "%", owner: "marcus", reach: 0.35,
                    blockers: ["Renewals of three mid-size accounts slipped to next quarter."]),
            ]),
        ObjectivePlan(
            "faster", team: "support", owner: "daniel", title: "Faster first answers",
            supports: [.objective("retention")],
            keyResults: [
                .change(
                    "Median first response time from 3 h to 2 h", from: 180, to: 120, "min", owner: "daniel",
                    reach: 1.0, automatic: true),
                .keep(
                    .keepAbove, "Keep 93% of tickets within SLA", 93, "%", spread: 2.5, owner: "daniel",
                    compliance: 0.9, automatic: true),
            ]),
        ObjectivePlan(
            "onboard", team: "success", owner: "marcus", title: "Onboard new customers faster",
            supports: [.objective("retention")],
            keyResults: [
                .change(
                    "Onboarding completed within 30 days from 40% to 60%", from: 40, to: 60, "%", owner: "tom",
                    reach: 0.75, notes: ["Kickoff calls now happen in the first week."]),
                .change(
                    "Quarterly business reviews with the top 20 accounts", from: 0, to: 20, "QBRs", owner: "marcus",
                    reach: 0.9, shape: .slowStart),
            ]),
    ]

    /// This quarter.
    private static let nimbusStay: [ObjectivePlan] = [
        ObjectivePlan(
            "stay", team: "company", owner: "sofia", title: "Make support a reason customers stay",
            description: "Fast, careful answers and a guided start keep customers and grow their accounts.",
            keyResults: [
                .change(
                    "NPS from 20 to 35", from: 20, to: 35, "pts", owner: "sofia", reach: 1.05, key: "nps",
                    notes: ["Promoters mention the faster answers.", "Fewer detractors citing response times."]),
                .change(
                    "Net revenue retention from 98% to 105%", from: 98, to: 105, "%", owner: "marcus", reach: 0.72,
                    key: "nrr", notes: ["Two expansions signed; one churn in the SMB segment."],
                    blockers: ["Price change announcement is delaying upgrades."]),
                .keep(
                    .keepAbove, "Keep CSAT at or above 90%", 90, "%", spread: 2.5, owner: "daniel", compliance: 1,
                    automatic: true),
            ]),
        ObjectivePlan(
            "fast", team: "support", owner: "daniel", title: "Answer fast without cutting corners",
            supports: [.keyResult("nps")],
            keyResults: [
                .change(
                    "Reduce the median first response time from 2 h to 45 min", from: 120, to: 45, "min",
                    owner: "daniel", reach: 1.05, key: "firstResponse", automatic: true),
                .keep(
                    .keepAbove, "95% of tickets answered within the first-response SLA", 95, "%", spread: 2, owner: "daniel",
                    compliance: 0.7, key: "sla", automatic: true),
                .milestone(
                    "Publish help center articles for the 5 top contact reasons", items: 5, done: 5, owner: "ana",
                    notes: ["Articles on invoices and user roles are live."]),
            ]),
        ObjectivePlan(
            "fewerEscalations", team: "tier2", owner: "priya", title: "Fewer escalations, faster fixes",
            supports: [.objective("fast")],
            keyResults: [
                .change(
                    "Cut escalations from 40% to 25%", from: 40, to: 25, "%", owner: "priya", reach: 0.4,
                    key: "escalations", notes: ["Swarming started on Tuesdays and Thursdays."],
                    blockers: [
                        "Two Tier 2 engineers pulled into the incident review.",
                        "Tier 1 still lacks permissions to reset integrations.",
                    ]),
                .change(
                    "Median Tier 2 resolution time from 72 h to 36 h", from: 72, to: 36, "h", owner: "priya",
                    reach: 1.02, key: "tier2Resolution"),
            ]),
        ObjectivePlan(
            "liveIn30", team: "success", owner: "marcus", title: "Every new customer live and happy within 30 days",
            supports: [.keyResult("nrr")],
            keyResults: [
                .change(
                    "Onboarding completed within 30 days from 55% to 80%", from: 55, to: 80, "%", owner: "tom",
                    reach: 1.05, key: "onboarding", notes: ["The week-two check-in call catches stalled setups early."]),
                .keep(
                    .keepBelow, "Keep monthly logo churn below 2%", 2, "%", spread: 0.4, owner: "marcus",
                    compliance: 1),
                .change(
                    "Time to first value from 14 to 7 days", from: 14, to: 7, "d", owner: "tom", reach: 1.0,
                    key: "firstValue"),
            ]),
    ]
}
