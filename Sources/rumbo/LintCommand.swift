import ArgumentParser
import Foundation
import RumboCore
import RumboStore

/// `rumbo lint`: the OKR coach on a cycle, for people and for CI-like checks before a cycle starts.
struct LintCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "The OKR coach: what is wrong with how a cycle's OKRs are written and kept.",
        discussion: """
            Rules (stable ids; severity):
            \(OKRCoach.rules.map { "  \($0.id) (\($0.severity.rawValue)): \($0.en)" }.joined(separator: "\n"))

            Exits with 1 when there is an error (a key result that cannot be measured), 0 otherwise, so
            it can guard a planning review. Examples:
              rumbo lint --org spa-el-encanto
              rumbo lint --org nimbus-support --cycle cyc_… --language en --format json
            """)

    @OptionGroup var store: StoreOptions
    @Option(help: "Organization slug (needed when there are several).") var org: String?
    @Option(help: "Cycle id (default: the active cycle).") var cycle: String?
    @Option(help: "es or en (default: the organization's language).") var language: String?
    @Option(help: "table or json.") var format: OutputFormat = .table

    func validate() throws {
        if format == .csv { throw ValidationError("lint prints findings: choose --format table or json.") }
        if let language, Language(rawValue: language) == nil { throw ValidationError("--language must be es or en.") }
    }

    func run() async throws {
        let errors = try await store.withStore { db in
            let organization = try await resolveOrganization(org, in: db)
            let today = LocalDate(Date(), in: organization.zone)
            guard let data = try await db.cycleData(for: organization, cycleID: cycle, today: today) else {
                throw CLIError("\(organization.name) has no cycles yet: nothing to review.")
            }
            // Each team's mean grade in its previous closed cycles, oldest first.
            var pastGrades: [String: [Double]] = [:]
            for past in data.cycles.filter({ $0.status == .closed && $0.end < data.cycle.start }).sorted(by: { $0.start < $1.start }) {
                guard let pastData = try await db.cycleData(for: organization, cycleID: past.id, today: today) else { continue }
                for team in pastData.summaries(today: today) {
                    let grades = team.objectives.flatMap(\.keyResults).map(\.state.progress)
                    if !grades.isEmpty { pastGrades[team.team.id, default: []].append(grades.reduce(0, +) / Double(grades.count)) }
                }
            }
            let metricIDs = try await db.bindings(in: organization.id).mapValues(\.metricID)
            let findings = OKRCoach.review(data, today: today, pastGrades: pastGrades, metricIDs: metricIDs)
            let language = language.flatMap(Language.init(rawValue:)) ?? organization.language
            var rows = Rows(columns: ["severity", "rule", "subject", "id", "title", "message"])
            rows.rows = findings.map { [$0.severity.rawValue, $0.rule, $0.subject.rawValue, $0.subjectID, $0.subjectTitle, $0.message(in: language)] }
            if format == .table {
                let es = language == .spanish
                say(es ? "Ciclo \(data.cycle.name) de \(organization.name): \(findings.count) observaciones." : "Cycle \(data.cycle.name) of \(organization.name): \(findings.count) findings.")
                for finding in findings {
                    say("\(finding.severity.rawValue.uppercased())  [\(finding.rule)]  \(finding.message(in: language))")
                }
            } else {
                say(rows.render(.json))
            }
            return findings.filter { $0.severity == .error }.count
        }
        if errors > 0 { throw ExitCode(1) }
    }
}
