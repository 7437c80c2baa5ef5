import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RumboCore
@testable import RumboServer
import RumboStore
import RumboTestSupport
import Testing

@Suite("Reviews and reports")
struct ReviewTests {
    @Test("The three reviews render in both languages, with their charts and downloads", arguments: TestDatabases.engines)
    func pages(engine: EngineKind) async throws {
        try await withApp(engine, demo: true) { client, store in
            let weekly = try await client.page("/o/spa-el-encanto/reviews/weekly?lang=es")
            #expect(weekly.status == .ok)
            #expect(weekly.html.contains("Check-in semanal") && weekly.html.contains("Qué está en rojo") && weekly.html.contains("grid-chart"))
            #expect(weekly.html.contains("id=\"weekly-summary\"") && weekly.html.contains("data-status="))
            let english = try await client.page("/o/spa-el-encanto/reviews/weekly?lang=en")
            #expect(english.html.contains("Weekly check-in") && english.html.contains("What is red") && !english.html.contains("Qué está en rojo"))

            let monthly = try await client.page("/o/spa-el-encanto/reviews/monthly?lang=es")
            #expect(monthly.status == .ok && monthly.html.contains("Impacto de las iniciativas") && monthly.html.contains("class=\"spark\""))

            let quarterly = try await client.page("/o/nimbus-support/reviews/quarterly?lang=en")
            #expect(quarterly.status == .ok && quarterly.html.contains("Quarterly retrospective") && quarterly.html.contains("class=\"chart grades\""))
            #expect(quarterly.html.contains("0.6–0.7") && quarterly.html.contains("id=\"lesson-form\""))

            // A team and the teams below it.
            let spa = try await store.organization("spa-el-encanto")
            let data = try #require(try await store.cycleData(for: spa, today: LocalDate("2026-11-25")!))
            let reception = try #require(data.teams.first { $0.name == "Recepción" })
            let team = try await client.page("/o/spa-el-encanto/reviews/weekly?lang=es&team=\(reception.id)")
            let receptionKRs = data.keyResults.filter { kr in data.objectives.first { $0.id == kr.objectiveID }?.teamID == reception.id }
            #expect(!receptionKRs.isEmpty)
            for kr in data.keyResults {
                #expect(team.html.contains("data-kr=\"\(kr.id)\"") == receptionKRs.contains(kr), "\(kr.title)")
            }

            let markdown = try await client.page("/o/spa-el-encanto/reviews/quarterly/report.md?lang=es")
            #expect(markdown.status == .ok && markdown.headers[.contentType]?.hasPrefix("text/markdown") == true)
            #expect(markdown.headers[.contentDisposition]?.contains("attachment") == true)
            #expect(markdown.html.hasPrefix("# Retrospectiva trimestral · Spa El Encanto") && markdown.html.contains("| 0,6–0,7 |"))
            let html = try await client.page("/o/spa-el-encanto/reviews/monthly/report.html?lang=en")
            #expect(html.status == .ok && html.html.contains("<style>") && html.html.contains("Monthly review") && !html.html.contains("/static/rumbo.css"))

            #expect(try await client.page("/o/spa-el-encanto/reviews/yearly").status == .notFound)
            #expect(try await client.page("/o/spa-el-encanto/reviews/weekly?team=team_nope").status == .notFound)
        }
    }

    @Test("A lesson is added from the retrospective; an empty one is refused with the reason", arguments: TestDatabases.engines)
    func lessons(engine: EngineKind) async throws {
        try await withApp(engine, demo: true) { client, store in
            let path = "/o/spa-el-encanto/lessons?lang=es"
            let saved = try await client.page(path, method: .post, form: "text=Las+confirmaciones+por+WhatsApp+funcionan")
            #expect(saved.status == .seeOther && saved.headers[.location]?.contains("/reviews/quarterly") == true)
            let page = try await client.page("/o/spa-el-encanto/reviews/quarterly?lang=es")
            #expect(page.html.contains("Las confirmaciones por WhatsApp funcionan"))
            let refused = try await client.page(path, method: .post, form: "text=+++")
            #expect(refused.status == .unprocessableContent && refused.html.contains("Escribe la lección"))
            let spa = try await store.organization("spa-el-encanto")
            let cycle = try #require(try await store.cycleData(for: spa, today: LocalDate("2026-11-25")!)).cycle
            #expect(try await store.lessons(cycleID: cycle.id, in: spa.id).count == 1)
        }
    }

    @Test("Key results carry their forecast in the page and in the JSON")
    func forecastEverywhere() async throws {
        try await withApp(.sqlite, demo: true) { client, store in
            for slug in ["spa-el-encanto", "nimbus-support"] {
                let response = try await client.json(.get, "/api/v1/orgs/\(slug)/key-results")
                #expect(response.status == .ok)
                let items = try #require(response.body as? [[String: Any]])
                #expect(!items.isEmpty)
                for item in items {
                    let forecast = try #require((item["state"] as? [String: Any])?["forecast"] as? [String: Any])
                    #expect(["trend", "pace", "final"].contains(forecast["method"] as? String ?? ""))
                    if forecast["method"] as? String == "trend" {
                        let p = try #require(forecast["probability"] as? Double)
                        #expect((0...1).contains(p))
                    }
                }
            }
            let (_, summary) = try await spaKeyResult(store)
            let page = try await client.page("/o/spa-el-encanto/key-results/\(summary.keyResult.id)?lang=es")
            #expect(page.html.contains("id=\"kr-forecast\"") && page.html.contains("Previsión"))
        }
    }
}
