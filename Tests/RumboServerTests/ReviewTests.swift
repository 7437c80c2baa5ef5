import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import RumboAnalytics
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

    @Test("Stated costs from the settings form turn a bound key result's movement into money", arguments: TestDatabases.engines)
    func businessImpact(engine: EngineKind) async throws {
        try await withApp(engine, demo: true) { client, store in
            let spa = try await store.organization("spa-el-encanto")
            let data = try #require(try await store.cycleData(for: spa, today: LocalDate("2026-11-25")!))
            let kr = try #require(data.keyResults.first { $0.title.contains("cancelaciones") })
            try await store.bind(MetricBinding(keyResultID: kr.id, metricID: "cancellation_rate", period: "week", rollingDays: 28), in: spa)
            // The demo without customer data has no automatic value yet: nothing to translate.
            let refused = try await client.page("/o/spa-el-encanto/settings/costs?lang=es", method: .post, form: "currency=%E2%82%AC&revenue_per_appointment=abc")
            #expect(refused.status == .unprocessableContent && refused.html.contains("abc&#39; no es un número"))
            let negative = try await client.page("/o/spa-el-encanto/settings/costs?lang=en", method: .post, form: "currency=%E2%82%AC&hourly_cost=-3")
            #expect(negative.status == .unprocessableContent && negative.html.contains("from 0 to"))
            let saved = try await client.page("/o/spa-el-encanto/settings/costs", method: .post, form: "currency=%E2%82%AC&revenue_per_appointment=55&hourly_cost=18")
            #expect(saved.status == .seeOther)
            #expect(try await store.impactSettings(in: spa.id) == ImpactSettings(currency: "€", hourlyCost: 18, revenuePerAppointment: 55))
            // An automatic value on 840 appointments in 28 days: 12% → 9% recovers 3 points of 900 a month at €55.
            let day = LocalDate("2026-11-22")!
            let provenance = CheckIn.Provenance(
                metricID: "cancellation_rate", filters: [:], window: "2026-W47", windowStart: day.adding(days: -27), windowEnd: day, n: 840, low: 7, high: 11)
            _ = try await store.recordCheckIn(
                CheckIn(id: "", keyResultID: kr.id, value: 9, source: .automatic, recordedAt: testNow, day: day, provenance: provenance), in: spa, now: testNow)
            let page = try await client.page("/o/spa-el-encanto/key-results/\(kr.id)?lang=es")
            #expect(page.html.contains("id=\"kr-impact\"") && page.html.contains("recupera 1.485 € de ingresos al mes"))
            #expect(page.html.contains("Sobre 900 citas al mes"))
        }
    }

    @Test("The retrospective's button carries unfinished work into a new planned quarter")
    func carryOverButton() async throws {
        try await withApp(.sqlite, demo: true) { client, store in
            let page = try await client.page("/o/nimbus-support/reviews/quarterly?lang=en")
            #expect(page.html.contains("id=\"carry-form\""))
            let response = try await client.page("/o/nimbus-support/carry-over?lang=en", method: .post, form: "")
            #expect(response.status == .seeOther)
            let location = try #require(response.headers[.location])
            let after = try await client.page(location)
            #expect(after.html.contains("id=\"carried\"") && after.html.contains("2027 Q1"))
            let nimbus = try await store.organization("nimbus-support")
            #expect(try await store.list(Cycle.self, in: nimbus.id).contains { $0.name == "2027 Q1" && $0.status == .planning })
        }
    }

    @Test("A title with a pipe or a line break cannot break a Markdown table")
    func markdownSafe() throws {
        let safe = try #require(ReportRenderer.markdownSafe(["title": "A | B\nC", "rows": [["n": 1, "t": "x|y"]]]) as? [String: Any])
        #expect(safe["title"] as? String == "A \\| B C")
        #expect(((safe["rows"] as? [Any])?.first as? [String: Any])?["t"] as? String == "x\\|y")
        #expect(((safe["rows"] as? [Any])?.first as? [String: Any])?["n"] as? Int == 1)
    }
}
