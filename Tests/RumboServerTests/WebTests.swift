import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import RumboCore
@testable import RumboServer
import RumboStore
import RumboTestSupport
import Testing

extension TestClientProtocol {
    /// GETs or POSTs a page and returns status, headers and the HTML.
    func page(
        _ uri: String, method: HTTPRequest.Method = .get, form: String? = nil, headers extra: HTTPFields = [:]
    ) async throws -> (status: HTTPResponse.Status, headers: HTTPFields, html: String) {
        var headers = extra
        if form != nil { headers[.contentType] = "application/x-www-form-urlencoded" }
        return try await execute(uri: uri, method: method, headers: headers, body: form.map { ByteBuffer(string: $0) }) { response in
            (response.status, response.headers, String(buffer: response.body))
        }
    }
}

/// The first key result of the spa's recovery objective, for page tests.
func spaKeyResult(_ store: Store) async throws -> (Organization, KeyResultSummary) {
    let spa = try await store.organization("spa-el-encanto")
    let data = try #require(try await store.cycleData(for: spa, today: LocalDate("2026-11-25")!))
    // The first key result with a history (bound ones fill theirs from imported data, which these tests do not load).
    let summary = try #require(
        data.summaries(today: LocalDate("2026-11-25")!).flatMap(\.objectives).flatMap(\.keyResults).first { !$0.history.isEmpty })
    return (spa, summary)
}

@Suite("Web app")
struct WebTests {
    @Test("/ opens the default organization and keeps the language choice")
    func home() async throws {
        try await withApp(.sqlite, demo: true) { client, _ in
            let response = try await client.page("/?lang=en")
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/o/spa-el-encanto?lang=en")
        }
    }

    @Test("The overview speaks Spanish and English, from ?lang=, the cookie or the browser", arguments: TestDatabases.engines)
    func languages(engine: EngineKind) async throws {
        try await withApp(engine, demo: true) { client, _ in
            let spanish = try await client.page("/o/spa-el-encanto?lang=es")
            #expect(spanish.status == .ok)
            #expect(spanish.html.contains("<html lang=\"es\">"))
            #expect(spanish.html.contains("Recuperar la confianza y satisfacción de los clientes"))
            #expect(spanish.html.contains("Progreso") && spanish.html.contains("class=\"kr-link\""))
            #expect(spanish.html.contains("hreflang=\"en\""))
            #expect(spanish.headers[.setCookie]?.hasPrefix("rumbo_lang=es") == true)
            for status in ["En camino", "En riesgo", "Desviado"] { #expect(spanish.html.contains(status), "\(status)") }

            let english = try await client.page("/o/spa-el-encanto?lang=en")
            #expect(english.html.contains("<html lang=\"en\">") && english.html.contains("Progress") && english.html.contains("On track"))
            #expect(!english.html.contains("Progreso"))
            let fromCookie = try await client.page("/o/spa-el-encanto", headers: [.cookie: client.cookie + "; rumbo_lang=en"])
            #expect(fromCookie.html.contains("<html lang=\"en\">"))
            let fromBrowser = try await client.page("/o/nimbus-support", headers: [.acceptLanguage: "es-MX,es;q=0.9"])
            #expect(fromBrowser.html.contains("<html lang=\"es\">"))
            // Without any hint, the organization's own language.
            #expect(try await client.page("/o/nimbus-support").html.contains("<html lang=\"en\">"))
        }
    }

    @Test("Cycle switching shows a closed cycle with its grades")
    func cycles() async throws {
        try await withApp(.sqlite, demo: true) { client, store in
            let spa = try await store.organization("spa-el-encanto")
            let closed = try #require(try await store.list(Cycle.self, in: spa.id).first { $0.status == .closed })
            let page = try await client.page("/o/spa-el-encanto?cycle=\(closed.id)&lang=es")
            #expect(page.status == .ok)
            #expect(page.html.contains("<option value=\"\(closed.id)\" selected>"))
            #expect(page.html.contains("Calificación"))
            #expect(try await client.page("/o/spa-el-encanto?cycle=cycle_nope").status == .notFound)
        }
    }

    @Test("Team, objective and key result pages", arguments: TestDatabases.engines)
    func pages(engine: EngineKind) async throws {
        try await withApp(engine, demo: true) { client, store in
            let (spa, summary) = try await spaKeyResult(store)
            let kr = summary.keyResult
            let page = try await client.page("/o/spa-el-encanto/key-results/\(kr.id)?lang=es")
            #expect(page.status == .ok)
            #expect(page.html.contains("<svg class=\"chart\""))
            #expect(page.html.contains("id=\"checkin-form\"") && page.html.contains("inputmode=\"decimal\""))
            #expect(page.html.contains("id=\"kr-status\" data-status=\"\(summary.state.status.rawValue)\""))
            #expect(page.html.contains("data-value=\"\(summary.state.currentValue!)\""))
            #expect(page.html.contains("id=\"checkin-history\""))
            let objective = try await client.page("/o/spa-el-encanto/objectives/\(kr.objectiveID)?lang=en")
            #expect(objective.status == .ok && objective.html.contains(kr.title.replacingOccurrences(of: "&", with: "&amp;")))
            let data = try #require(try await store.cycleData(for: spa, today: LocalDate("2026-11-25")!))
            let company = try #require(data.summaries(today: LocalDate("2026-11-25")!).first?.objectives.first?.objective)
            #expect(try await client.page("/o/spa-el-encanto/objectives/\(company.id)?lang=en").html.contains("Supported by"))
            let teams = try await store.list(Team.self, in: spa.id)
            for team in teams {
                #expect(try await client.page("/o/spa-el-encanto/teams/\(team.id)").status == .ok, "\(team.name)")
            }
            #expect(try await client.page("/o/spa-el-encanto/key-results/kr_nope").status == .notFound)
            #expect(try await client.page("/o/nope").status == .notFound)
            // Another organization's key result is not found under this one.
            #expect(try await client.page("/o/nimbus-support/key-results/\(kr.id)").status == .notFound)
        }
    }

    @Test("A check-in from the form: saved, redirected, shown; mistakes re-show the form", arguments: TestDatabases.engines)
    func checkInForm(engine: EngineKind) async throws {
        try await withApp(engine, demo: true) { client, store in
            let (spa, summary) = try await spaKeyResult(store)
            let kr = summary.keyResult
            let before = try await store.checkIns(keyResultIDs: [kr.id], in: spa.id).count
            let action = "/o/spa-el-encanto/key-results/\(kr.id)/check-ins?lang=es"

            let saved = try await client.page(action, method: .post, form: "value=77%2C5&confidence=8&note=Llamadas+de+seguimiento&blockers=")
            #expect(saved.status == .seeOther)
            let location = try #require(saved.headers[.location])
            let after = try await client.page(location)
            #expect(after.html.contains("data-value=\"77.5\""))
            #expect(after.html.contains("Llamadas de seguimiento"))
            #expect(after.html.contains("Check-in guardado"))
            let stored = try await store.checkIns(keyResultIDs: [kr.id], in: spa.id)
            #expect(stored.count == before + 1 && stored.last?.value == 77.5 && stored.last?.confidence == 8)

            for (form, message) in [("value=abc&confidence=5", "no es un número"), ("value=&confidence=5", "Escribe el nuevo valor"), ("value=50&confidence=12", "confianza")] {
                let rejected = try await client.page(action, method: .post, form: form)
                #expect(rejected.status == .unprocessableContent, "\(form)")
                #expect(rejected.html.contains("class=\"form-error\""), "\(form)")
                #expect(rejected.html.localizedCaseInsensitiveContains(message), "\(form)")
            }
            #expect(try await store.checkIns(keyResultIDs: [kr.id], in: spa.id).count == before + 1)
        }
    }

    @Test("User text is escaped everywhere it is shown")
    func escaping() async throws {
        try await withApp(.sqlite, demo: true) { client, store in
            let (_, summary) = try await spaKeyResult(store)
            let action = "/o/spa-el-encanto/key-results/\(summary.keyResult.id)/check-ins"
            let script = "%3Cscript%3Ealert(1)%3C%2Fscript%3E"
            _ = try await client.page(action, method: .post, form: "value=70&note=\(script)&blockers=\(script)")
            let page = try await client.page("/o/spa-el-encanto/key-results/\(summary.keyResult.id)")
            #expect(!page.html.contains("<script>alert(1)</script>"))
            #expect(page.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            // A rejected value is echoed back escaped too.
            let rejected = try await client.page(action, method: .post, form: "value=\(script)")
            #expect(!rejected.html.contains("<script>alert(1)</script>"))
        }
    }

    @Test("An empty organization explains what to do")
    func emptyOrganization() async throws {
        try await withApp(.sqlite) { client, store in
            let nueva = try await store.createOrganization(Organization(id: "", slug: "nueva", name: "Nueva", language: .spanish, timeZone: "UTC"))
            try await store.setMembership(Membership(organizationID: nueva.id, userID: client.userID, role: .owner), by: "test")
            let page = try await client.page("/o/nueva")
            #expect(page.status == .ok && page.html.contains("no tiene ciclos"))
            #expect(try await client.page("/static/rumbo.css").status == .ok)
            #expect(try await client.page("/static/nope.css").status == .notFound)
        }
    }
}

@Suite("Views without a database")
struct ViewTests {
    @Test("The history chart escapes its labels and draws target, pace and points")
    func chart() throws {
        let demo = Demo.organizations(asOf: LocalDate("2026-11-25")!)[0]
        let current = try #require(demo.cycles.first { $0.status == .active })
        let data = CycleData(
            organization: demo.organization, cycle: current, cycles: demo.cycles, teams: demo.teams, people: demo.people,
            objectives: demo.objectives.filter { $0.cycleID == current.id }, keyResults: demo.keyResults, initiatives: demo.initiatives,
            checkIns: demo.checkIns)
        for summary in data.summaries(today: LocalDate("2026-11-25")!).flatMap(\.objectives).flatMap(\.keyResults) {
            let svg = Chart.history(of: summary, today: LocalDate("2026-11-25")!, language: .spanish)
            #expect(svg.hasPrefix("<svg class=\"chart\"") && svg.hasSuffix("</svg>"))
            #expect(svg.contains("class=\"target\""))
            #expect(svg.components(separatedBy: "<circle").count - 1 == summary.history.count)
            #expect(!svg.contains("nan") && !svg.contains("inf"))
        }
    }
}

@Suite("Numbers as people write them")
struct FormatterTests {
    @Test("Spanish decimal comma, English dot, no crash on absurd values")
    func formatting() {
        let es = Formatter(language: .spanish), en = Formatter(language: .english)
        #expect(es.number(12.5) == "12,5" && en.number(12.5) == "12.5")
        #expect(en.number(80.6) == "80.6" && en.number(18) == "18" && en.number(-0.001) == "0")
        #expect(en.number(1e308) == "1e+308" && en.percent(1e300).hasSuffix("%"))
        #expect(es.value(71.3, unit: "%") == "71,3%" && en.value(21.5, unit: "h") == "21.5 h")
        #expect(en.number(.nan) == "—")
        #expect(es.day(LocalDate("2026-11-25")!) == "25 nov 2026" && en.day(LocalDate("2026-11-25")!) == "Nov 25, 2026")
    }

    @Test("Typed numbers: comma or dot, spaces; nothing else", arguments: [
        ("12,5", 12.5), ("12.5", 12.5), (" 42 ", 42.0), ("1 200", 1200.0), ("-3", -3.0),
    ])
    func parsing(text: String, value: Double) {
        #expect(Formatter.parseNumber(text) == value)
    }

    @Test("Not numbers", arguments: ["", "abc", "1,2,3", "nan", "inf", "1e400"])
    func notNumbers(text: String) {
        #expect(Formatter.parseNumber(text) == nil)
    }
}
