import ArgumentParser
import Foundation
import Logging
import RumboCore
import RumboServer
import RumboStore

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the web app and the JSON API.",
        discussion: """
            Opens (or creates) the database, applies migrations and listens on http://HOST:PORT.
            With --demo, the demo organizations (Spa El Encanto, Nimbus Software) are loaded first if missing.
            The OpenAPI document is served at /openapi.yaml. Stop with Ctrl-C.
            """)

    @OptionGroup var store: StoreOptions
    @Flag(help: "Load the demo organizations if they are not there yet, and open Spa El Encanto at /.") var demo = false
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "Address to listen on (0.0.0.0 to accept connections from other machines).") var host = "127.0.0.1"

    func run() async throws {
        let logger = quietLogger("rumbo", level: .info)
        let location = try store.location
        try await Store.withMigrated(location, logger: quietLogger("rumbo.store")) { database in
            if demo {
                try await loadDemo(into: database, asOf: nil)
                try await createDemoAccounts(in: database)
            }
            let app = try await buildApplication(
                store: database,
                configuration: ServerConfiguration(host: host, port: port, defaultOrganization: demo ? DemoNames.spa : nil),
                logger: logger
            ) { [host, port] in say("Rumbo is serving \(location) on http://\(host):\(port)  (Ctrl-C to stop)") }
            do {
                try await app.runService()
            } catch where String(describing: error).contains("Address already in use") {
                throw CLIError("Port \(port) on \(host) is already in use (another Rumbo?). Stop it, or choose another port with --port \(port + 1).")
            }
        }
    }
}

enum DemoNames {
    static let spa = "spa-el-encanto"
}

/// Loads the demo organizations that are missing; returns what it did, one line each.
func loadDemo(into store: Store, asOf: LocalDate?) async throws {
    let today = asOf ?? LocalDate(Date(), in: TimeZone(identifier: "Europe/Madrid")!)
    let existing = Set(try await store.organizations().map(\.slug))
    for demo in RumboCore.Demo.organizations(asOf: today) {
        if existing.contains(demo.organization.slug) {
            say("Demo '\(demo.organization.name)' is already loaded.")
            continue
        }
        // The demo's data runs up to the start of `today`; "now" is the end of that day, or the real now.
        let endOfToday = today.adding(days: 1).startOfDay(in: demo.organization.zone).addingTimeInterval(-1)
        let loaded = try await store.loadDemo(demo, today: today, now: min(Date(), endOfToday))
        say(
            "Loaded demo '\(demo.organization.name)': \(demo.objectives.count) objectives, \(demo.keyResults.count) key results, "
                + "\(demo.checkIns.count + loaded.automaticCheckIns) check-ins (\(loaded.automaticCheckIns) computed from \(loaded.rows) rows of customer data)."
        )
    }
}

/// The demo's sign-ins, one per role (created once); prints how to use them.
func createDemoAccounts(in store: Store) async throws {
    // A low bcrypt cost: these passwords are published in the README anyway.
    let hash = try await Passwords.hash(RumboCore.Demo.password, cost: 6)
    for account in RumboCore.Demo.accounts {
        let organization = try await store.organization(account.organizationSlug)
        if try await store.user(email: account.email) == nil {
            let user = try await store.createUser(email: account.email, name: account.name, passwordHash: hash)
            let teams = try await store.list(Team.self, in: organization.id).filter { $0.name == account.teamName }.map(\.id)
            let person = try await store.list(Person.self, in: organization.id).first { $0.name == account.personName }?.id
            try await store.setMembership(
                Membership(organizationID: organization.id, userID: user.id, role: account.role, teamIDs: teams, personID: person), by: "demo")
        }
    }
    say("Demo sign-ins (password \(RumboCore.Demo.password)):")
    for account in RumboCore.Demo.accounts {
        say("  \(account.email.padding(toLength: 20, withPad: " ", startingAt: 0)) \(account.role.rawValue) of \(account.organizationSlug)\(account.teamName.map { " (\($0))" } ?? "")")
    }
}

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load the demo organizations (Spa El Encanto and Nimbus Software) into the database.",
        discussion: "Organizations already present are left as they are. The same --as-of day always gives the same data.")

    @OptionGroup var store: StoreOptions
    @Option(help: ArgumentHelp("Build the year of history up to this day instead of today.", valueName: "yyyy-MM-dd")) var asOf: String?

    func run() async throws {
        var day: LocalDate?
        if let asOf {
            guard let parsed = LocalDate(asOf) else { throw ValidationError("--as-of '\(asOf)' is not a date; write it as yyyy-MM-dd, e.g. 2026-11-25.") }
            day = parsed
        }
        try await store.withStore { store in
            try await loadDemo(into: store, asOf: day)
            try await createDemoAccounts(in: store)
        }
    }
}

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or upgrade the database schema (every command does this too; this only reports it).")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let location = try store.location
        let database = try await Store.open(location, logger: quietLogger("rumbo.store"))
        let applied: [Int]
        do {
            applied = try await database.migrate()
        } catch {
            await database.close()
            throw error
        }
        await database.close()
        print(
            applied.isEmpty
                ? "\(location) is up to date (schema version \(Store.latestMigration))."
                : "Applied migrations \(applied.map(String.init).joined(separator: ", ")) to \(location).")
    }
}

struct OKR: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "okr", abstract: "List and show objectives and key results; carry unfinished ones to the next cycle.",
        subcommands: [List.self, Show.self, CarryOver.self])

    struct CarryOver: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "carry-over",
            abstract: "Carry a cycle's unfinished key results into the next cycle (the quarterly retrospective's last step).",
            discussion: """
                Each key result graded below 1.0 continues in the next cycle from its final value to the same target,
                under an objective of the same team and title (reused, or copied). Bindings are copied and open
                initiatives keep serving the copies. Without --to, the next cycle is the earliest later one that is not
                closed, or a new quarter in planning. Running it twice carries nothing twice.
                  rumbo okr carry-over --org spa-el-encanto --cycle cyc_…
                """)

        @OptionGroup var store: StoreOptions
        @Option(help: "Organization slug (needed when there are several).") var org: String?
        @Option(help: "The cycle whose unfinished work carries over (default: the active cycle).") var cycle: String?
        @Option(help: "The cycle it goes to (default: the next one, created if missing).") var to: String?

        func run() async throws {
            try await store.withStore { db in
                let organization = try await resolveOrganization(org, in: db)
                let today = LocalDate(Date(), in: organization.zone)
                guard let data = try await db.cycleData(for: organization, cycleID: cycle, today: today) else {
                    throw CLIError("\(organization.name) has no cycles yet.")
                }
                let target: Cycle
                if let to { target = try await db.fetch(Cycle.self, id: to, in: organization.id) } else {
                    target = try await db.nextCycle(after: data.cycle, in: organization, by: "cli")
                }
                let plan = try await db.carryOver(from: data.cycle.id, to: target.id, in: organization, today: today, by: "cli")
                say("Carried \(plan.keyResults.count) key results from \(data.cycle.name) to \(target.name) (\(target.id)); \(plan.newObjectives.count) objectives created, \(plan.alreadyCarried.count) already there.")
                for kr in plan.keyResults { say("  \(kr.id)  \(kr.title): from \(kr.baseline.map(plainNumber) ?? "—") to \(plainNumber(kr.target))") }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One row per key result of a cycle, with its value, progress and status.",
            discussion: "Example: rumbo okr list --org spa-el-encanto --format csv > okrs.csv")

        @OptionGroup var store: StoreOptions
        @Option(help: "Organization slug (needed when there are several).") var org: String?
        @Option(help: "Cycle id (default: the active cycle).") var cycle: String?
        @Option(help: "Output format.") var format: OutputFormat = .table

        func run() async throws {
            try await store.withStore { store in
                let organization = try await resolveOrganization(org, in: store)
                let today = LocalDate(Date(), in: organization.zone)
                guard let data = try await store.cycleData(for: organization, cycleID: cycle, today: today) else {
                    throw CLIError("\(organization.name) has no cycles yet.")
                }
                var rows = Rows(columns: [
                    "cycle", "team", "objective", "key_result_id", "key_result", "kind", "value", "target", "unit", "progress", "status",
                    "probability", "forecast", "pace_per_week", "confidence",
                ])
                for team in data.summaries(today: today) {
                    for objective in team.objectives {
                        for kr in objective.keyResults {
                            rows.rows.append([
                                data.cycle.name, team.team.name, objective.objective.title, kr.keyResult.id, kr.keyResult.title,
                                kr.keyResult.kind.rawValue, kr.state.currentValue.map(plainNumber) ?? "", plainNumber(kr.keyResult.target),
                                kr.keyResult.unit, String(format: "%.2f", kr.state.progress), kr.state.status.rawValue,
                                kr.state.forecast.probability.map { String(format: "%.2f", $0) } ?? "",
                                kr.state.forecast.expected.map(plainNumber) ?? "", kr.state.forecast.requiredPacePerWeek.map(plainNumber) ?? "",
                                kr.state.confidence.map(String.init) ?? "",
                            ])
                        }
                    }
                }
                print(rows.render(format))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one key result (or objective) with its check-in history.")

        @OptionGroup var store: StoreOptions
        @Argument(help: "A key result id (kr_…) or objective id (obj_…).") var id: String
        @Option(help: "Organization slug (default: search them all).") var org: String?
        @Option(help: "Output format.") var format: OutputFormat = .table

        func run() async throws {
            try await store.withStore { store in
                let (organization, keyResult, objective) = try await locate(id, org: org, in: store)
                let today = LocalDate(Date(), in: organization.zone)
                guard let data = try await store.cycleData(for: organization, cycleID: objective.cycleID, today: today),
                    let summary = data.summaries(today: today).flatMap(\.objectives).first(where: { $0.objective.id == objective.id })
                else { throw RumboError.notFound("objective", id: objective.id) }
                let krs = summary.keyResults.filter { keyResult == nil || $0.keyResult.id == keyResult?.id }
                if format == .table {
                    print("\(summary.objective.title)  [\(data.cycle.name)]  progress \(Int(summary.progress * 100))%  \(summary.status.rawValue)")
                }
                var rows = Rows(columns: ["key_result_id", "key_result", "day", "value", "confidence", "source", "note"])
                for kr in krs {
                    if format == .table {
                        print(
                            "  \(kr.keyResult.id)  \(kr.keyResult.title): \(kr.state.currentValue.map(plainNumber) ?? "—") → \(plainNumber(kr.keyResult.target)) \(kr.keyResult.unit)  progress \(Int(kr.state.progress * 100))%  \(kr.state.status.rawValue)"
                                + (kr.state.forecast.probability.map { "  P(target) \(Int(($0 * 100).rounded()))%" } ?? "")
                                + (kr.state.forecast.expected.map { "  forecast \(plainNumber($0))" } ?? "")
                        )
                    }
                    for c in kr.history {
                        rows.rows.append([
                            kr.keyResult.id, kr.keyResult.title, c.day.description, plainNumber(c.value), c.confidence.map(String.init) ?? "",
                            c.source.rawValue, c.note,
                        ])
                    }
                }
                print(rows.render(format))
            }
        }
    }
}

/// Finds a key result or objective by id in one organization or in all of them.
func locate(_ id: String, org: String?, in store: Store) async throws -> (Organization, KeyResult?, Objective) {
    let candidates = org == nil ? try await store.organizations() : [try await store.organization(org!)]
    for organization in candidates {
        if let kr = try? await store.fetch(KeyResult.self, id: id, in: organization.id) {
            return (organization, kr, try await store.fetch(Objective.self, id: kr.objectiveID, in: organization.id))
        }
        if let objective = try? await store.fetch(Objective.self, id: id, in: organization.id) {
            return (organization, nil, objective)
        }
    }
    throw CLIError("No key result or objective '\(id)'. List them with `rumbo okr list` and copy the id from KEY_RESULT_ID.")
}

struct CheckInCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkin", abstract: "Record a weekly check-in on a key result.",
        discussion: """
            Example: rumbo checkin kr_7f3k9q2m 21.5 --confidence 7 --note "Confirmaciones automáticas en marcha"
            A decimal comma works too ("21,5"). History is kept: a correction is simply a new check-in.
            """)

    @OptionGroup var store: StoreOptions
    @Argument(help: "The key result id (see `rumbo okr list`).") var keyResult: String
    @Argument(help: "The new value.") var value: String
    @Option(help: "How sure you are of reaching the target, 0–10.") var confidence: Int?
    @Option(help: "What changed since the last check-in.") var note = ""
    @Option(help: "What is in the way.") var blockers = ""
    @Option(help: "Organization slug (default: search them all).") var org: String?
    @Option(help: "Output format.") var format: OutputFormat = .table

    func run() async throws {
        let cleaned = value.contains(",") && !value.contains(".") ? value.replacingOccurrences(of: ",", with: ".") : value
        guard let number = Double(cleaned), number.isFinite else {
            throw ValidationError("'\(value)' is not a number. Write it like 42 or 12.5.")
        }
        try await store.withStore { store in
            let (organization, found, _) = try await locate(keyResult, org: org, in: store)
            guard let kr = found else { throw CLIError("'\(keyResult)' is an objective; check in on one of its key results.") }
            let now = Date()
            let saved = try await store.recordCheckIn(
                CheckIn(
                    id: "", keyResultID: kr.id, value: number, confidence: confidence, note: note, blockers: blockers, authorID: kr.ownerID,
                    recordedAt: now, day: LocalDate(now, in: organization.zone)), in: organization, now: now)
            let history = try await store.checkIns(keyResultIDs: [kr.id], in: organization.id)
            let state = kr.state(history: history, on: saved.day)
            var rows = Rows(columns: ["check_in_id", "key_result_id", "value", "progress", "status"])
            rows.rows.append([saved.id, kr.id, "\(saved.value)", String(format: "%.2f", state.progress), state.status.rawValue])
            print(rows.render(format))
        }
    }
}
