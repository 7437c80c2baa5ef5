import ArgumentParser
import Foundation
import RumboCore
import RumboServer
import RumboStore

extension ReviewKind: ExpressibleByArgument {}
extension ReportFormat: ExpressibleByArgument {}

/// `rumbo report`: the weekly agenda, the monthly review or the quarterly retrospective as a file.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the weekly check-in, the monthly review or the quarterly retrospective as Markdown or print-ready HTML.",
        discussion: """
            weekly     what moved in the last 7 days, what is red, blockers, who has not checked in
            monthly    the last 30 days: trends per key result, the metric before and after each initiative
            quarterly  grades 0.0–1.0 and their distribution, lessons, what carries over

            The format follows --out's extension (.md or .html) unless --format says otherwise; without
            --out the report goes to standard output. Examples:
              rumbo report weekly --org spa-el-encanto --team Recepción
              rumbo report monthly --org nimbus-support --out review.html
              rumbo report quarterly --org spa-el-encanto --cycle cyc_… --language en --out retro.md
            """)

    @OptionGroup var store: StoreOptions
    @Argument(help: "weekly, monthly or quarterly.") var kind: ReviewKind
    @Option(help: "Organization slug (needed when there are several).") var org: String?
    @Option(help: "A team's name or id: the report covers it and the teams below it (default: everyone).") var team: String?
    @Option(help: "Cycle id (default: the active cycle).") var cycle: String?
    @Option(help: "markdown or html (default: from --out's extension, else markdown).") var format: ReportFormat?
    @Option(help: "Write to this file instead of standard output.") var out: String?
    @Option(help: "es or en (default: the organization's language).") var language: String?

    func validate() throws {
        if let language, Language(rawValue: language) == nil { throw ValidationError("--language must be es or en.") }
    }

    func run() async throws {
        let chosenFormat = format ?? (out.map { $0.lowercased().hasSuffix(".html") || $0.lowercased().hasSuffix(".htm") } == true ? .html : .markdown)
        let text = try await store.withStore { db in
            let organization = try await resolveOrganization(org, in: db)
            let teamID = try await resolveTeam(team, in: organization, store: db)
            return try await ReportRenderer.load().render(
                kind, as: chosenFormat, store: db, organization: organization, cycleID: cycle, teamID: teamID,
                language: language.flatMap(Language.init(rawValue:)) ?? organization.language, now: Date())
        }
        guard let out else {
            print(text)
            return
        }
        do {
            try text.write(toFile: out, atomically: true, encoding: .utf8)
        } catch {
            throw CLIError("Cannot write '\(out)': \(error.localizedDescription). Check the folder exists and you may write to it.")
        }
        say("Wrote the \(kind.rawValue) report (\(chosenFormat.rawValue)) to \(out).")
    }
}

/// A team by id or by name (case-insensitive); `nil` for everyone.
func resolveTeam(_ text: String?, in organization: Organization, store: Store) async throws -> String? {
    guard let text, !text.isEmpty else { return nil }
    let teams = try await store.list(Team.self, in: organization.id)
    if let match = teams.first(where: { $0.id == text || $0.name.caseInsensitiveCompare(text) == .orderedSame }) { return match.id }
    throw CLIError("No team '\(text)' in \(organization.name). Teams: \(teams.map(\.name).sorted().joined(separator: ", ")).")
}

/// `rumbo remind`: the digest of stale check-ins, posted to a webhook (for a weekly cron).
struct RemindCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remind",
        abstract: "Post a digest of the key results with no check-in for more than 7 days to a webhook.",
        discussion: """
            Meant for a weekly cron (e.g. every Monday at 8:00). The digest is a JSON document:
              {"organization": …, "cycle": …, "days": 7, "stale": [{"key_result_id", "title", "owner",
               "last_check_in", "days_since"}, …]}
            The webhook is --webhook-url, or the organization's alert webhook (set on the at-risk page).
            With nothing stale nothing is posted. --dry-run prints the digest instead of posting it.
              rumbo remind --org spa-el-encanto --webhook-url https://hooks.example.com/rumbo
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: "Organization slug (needed when there are several).") var org: String?
    @Option(help: "Where to post (default: the organization's alert webhook).") var webhookURL: String?
    @Option(help: "A check-in older than this many days is stale.") var days = 7
    @Flag(help: "Print the digest; post nothing.") var dryRun = false

    struct Digest: Encodable {
        struct Item: Encodable {
            let key_result_id: String
            let title: String
            let owner: String?
            let last_check_in: String?
            let days_since: Int
        }
        let organization: String
        let cycle: String
        let days: Int
        let stale: [Item]
    }

    func validate() throws {
        guard days >= 1 else { throw ValidationError("--days is at least 1.") }
    }

    func run() async throws {
        try await store.withStore { db in
            let organization = try await resolveOrganization(org, in: db)
            let today = LocalDate(Date(), in: organization.zone)
            guard let data = try await db.cycleData(for: organization, today: today) else {
                throw CLIError("\(organization.name) has no cycles yet: nothing to remind.")
            }
            let stale = data.staleKeyResults(today: today, days: days)
            let digest = Digest(
                organization: organization.slug, cycle: data.cycle.name, days: days,
                stale: stale.map {
                    .init(key_result_id: $0.keyResult.id, title: $0.keyResult.title, owner: $0.owner?.name, last_check_in: $0.lastCheckIn?.description, days_since: $0.daysSince)
                })
            if dryRun {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try encoder.encode(digest), as: UTF8.self))
                return
            }
            guard !stale.isEmpty else {
                say("Every key result of \(data.cycle.name) has a check-in from the last \(days) days: nothing to post.")
                return
            }
            let configured = try await db.retentionSettings(in: organization.id).webhookURL
            let address = webhookURL ?? configured
            guard let address, let url = URL(string: address), ["http", "https"].contains(url.scheme?.lowercased() ?? "") else {
                throw CLIError("No webhook to post to: give --webhook-url https://…, or set the alert webhook on the at-risk page (Settings).")
            }
            switch await Webhook.post(digest, to: url) {
            case .success: say("Posted \(stale.count) stale key results of \(data.cycle.name) to \(address).")
            case .failure(let failure): throw CLIError("The webhook at \(address) did not accept the digest: \(failure.reason). Check the address and try again.")
            }
        }
    }
}
